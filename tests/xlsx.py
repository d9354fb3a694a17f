"""Spreadsheets for tests, written with openpyxl like an office's own file (dates as real dates)."""
from pathlib import Path

from openpyxl import Workbook


def write_workbook(path: Path, rows: list[list], *, title: str = "Sheet1",
                   preamble: list[list] | None = None,
                   extra_sheets: dict[str, list[list]] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for line in preamble or []:
        sheet.append(line)
    for line in rows:
        sheet.append(line)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for line in sheet_rows:
            other.append(line)
    workbook.save(path)
    return path
