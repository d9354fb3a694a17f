"""Spreadsheet exports: large lists through xlsxwriter's constant-memory mode, every text cell
neutralised against formula injection (a cell starting with = + - @ is written as text with a
leading apostrophe, so Excel never evaluates it)."""
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(target, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               sheet_name: str = "Data", widths: Sequence[int] | None = None) -> None:
    """Stream ``rows`` into an .xlsx at ``target`` (a path or a binary file object) with flat
    memory."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet(sheet_name[:31])
    for index, width in enumerate(widths or []):
        sheet.set_column(index, index, width)
    sheet.write_row(0, 0, list(headers), header_format)
    for line, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(line, col, value.replace(tzinfo=None), date_format)
            elif isinstance(value, date):
                sheet.write_datetime(line, col, datetime.combine(value, datetime.min.time()),
                                     date_format)
            elif isinstance(value, str):
                sheet.write_string(line, col, safe_cell(value))
            elif value is None:
                continue
            else:
                sheet.write(line, col, value)
    workbook.close()


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, **kwargs)
    return buffer.getvalue()
