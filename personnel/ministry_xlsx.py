"""The Ministry's report (``personnel.ministry_reports``) as an A4-landscape .xlsx in the form's
layout.

Top: the form block on the left (form code, "Ban hành kèm theo …", the deadline) where a
provincial HR system's rendering of the TT 11/2012 forms puts it (unconfirmed against the
gazetted annex), the national header in the middle, the reporting and receiving units on the
right; then the title, the scope line and "Tính đến ngày …". The table has merged column groups
over vertical leaf headers, a row of column numbers, a row per unit and the total. Below: the
note on what is unconfirmed, the place and date, and the signature block (Người lập bảng / Thủ
trưởng đơn vị). openpyxl, the project's tool for official forms (STYLE.md).
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.exporting import safe_cell
from personnel.ministry_reports import Column, MinistryReport

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
RECEIVER = "Bộ Nội vụ"


def _fixed_columns(report: MinistryReport) -> list[tuple[str, str]]:
    """(key, label) of the columns before the counted ones."""
    columns = [("number", "Số thứ tự"), ("name", "Tên đơn vị")]
    if report.form.quota_category:
        columns.append(("quota", "Tổng số biên chế được giao"))
    people = {"BM01": "Tổng số công chức hiện có", "VC": "Tổng số viên chức hiện có"}
    columns.append(("total", people.get(report.form_key, "Tổng số")))
    return columns


def ministry_report_xlsx(report: MinistryReport, *, place: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.form_key
    fixed = _fixed_columns(report)
    leaves: list[tuple[tuple[str, ...], str]] = [((), label) for _key, label in fixed]
    leaves += [(c.path, c.label) for c in report.form.columns]
    width = len(leaves)
    row = _header_block(sheet, report, width)
    row = _table_header(sheet, leaves, row + 1)
    row = _table_body(sheet, report, fixed, row)
    row = _notes(sheet, report, row + 1, width)
    _signatures(sheet, report, row + 1, width, place)
    _layout(sheet, width, len(fixed))
    workbook.properties.title = report.form.title.format(year=report.on.year)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet, row: int, col: int, value, *, last_col: int | None = None,
         last_row: int | None = None, bold: bool = False, italic: bool = False, size: int = 11,
         align: Alignment = CENTER, box: bool = False):
    cell = sheet.cell(row=row, column=col, value=safe_cell(value))
    cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)
    cell.alignment = align
    if (last_col and last_col > col) or (last_row and last_row > row):
        sheet.merge_cells(start_row=row, start_column=col, end_row=last_row or row,
                          end_column=last_col or col)
    if box:
        for r in range(row, (last_row or row) + 1):
            for c in range(col, (last_col or col) + 1):
                sheet.cell(row=r, column=c).border = BOX
    return cell


def _header_block(sheet, report: MinistryReport, width: int) -> int:
    form = report.form
    left_end, right_start = 3, max(width - 6, 8)
    middle = (left_end + 1, right_start - 1)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    _put(sheet, 1, 1, f"Biểu mẫu: {form.code}", last_col=left_end, bold=True, align=left)
    _put(sheet, 2, 1, f"Ban hành kèm theo {form.basis}", last_col=left_end, last_row=3, italic=True,
         size=9, align=left)
    if form.deadline:
        _put(sheet, 4, 1, f"Thời hạn nhận báo cáo: {form.deadline}", last_col=left_end, size=9,
             align=left)
    _put(sheet, 1, middle[0], NATIONAL[0], last_col=middle[1], bold=True)
    _put(sheet, 2, middle[0], NATIONAL[1], last_col=middle[1], bold=True)
    _put(sheet, 1, right_start, f"Đơn vị báo cáo: {report.root.name}", last_col=width, align=left,
         size=10)
    _put(sheet, 2, right_start, f"Đơn vị nhận báo cáo: {RECEIVER}", last_col=width, align=left,
         size=10)
    _put(sheet, 3, right_start, "Đơn vị tính: người", last_col=width, align=left, size=10)
    _put(sheet, 5, 1, form.title.format(year=report.on.year), last_col=width, bold=True, size=13)
    _put(sheet, 6, 1, form.scope_note, last_col=width, italic=True)
    on = report.on
    _put(sheet, 7, 1, f"Tính đến ngày {on.day:02d} tháng {on.month:02d} năm {on.year}",
         last_col=width, italic=True)
    return 8


def _table_header(sheet, leaves: list[tuple[tuple[str, ...], str]], top: int) -> int:
    """Group labels merged over their columns, leaves merged down to the last header row; then the
    row of column numbers. Returns the first data row."""
    depth = max(len(path) for path, _label in leaves) + 1
    bottom = top + depth - 1
    for level in range(depth):
        col = 0
        while col < len(leaves):
            path, label = leaves[col]
            if level < len(path):
                end = col
                while end + 1 < len(leaves) and leaves[end + 1][0][:level + 1] == path[:level + 1]:
                    end += 1
                _put(sheet, top + level, col + 1, path[level], last_col=end + 1, bold=True, size=9,
                     box=True)
                col = end + 1
                continue
            if level == len(path):
                cell = _put(sheet, top + level, col + 1, label, last_row=bottom, bold=True, size=9,
                            box=True)
                if col >= 2:  # counted columns stand upright, as on the printed form
                    cell.alignment = Alignment(horizontal="center", vertical="center",
                                               wrap_text=True, text_rotation=90)
            col += 1
    for col in range(len(leaves)):
        _put(sheet, bottom + 1, col + 1, f"({col + 1})", italic=True, size=9, box=True)
    sheet.row_dimensions[bottom].height = 110
    return bottom + 2


def _values(row, fixed, columns: list[Column]) -> list:
    values = []
    for key, _label in fixed[2:]:
        values.append(row.quota if key == "quota" else row.counts["total"])
    return values + [row.counts[c.key] for c in columns]


def _table_body(sheet, report: MinistryReport, fixed, first: int) -> int:
    columns = list(report.form.columns)
    row_number = first
    for index, row in enumerate(report.rows, start=1):
        _put(sheet, row_number, 1, index, size=10, box=True)
        _put(sheet, row_number, 2, row.name, size=10, box=True,
             align=Alignment(horizontal="left", vertical="center", wrap_text=True))
        for offset, value in enumerate(_values(row, fixed, columns)):
            _put(sheet, row_number, 3 + offset, value, size=10, box=True)
        row_number += 1
    _put(sheet, row_number, 1, "Tổng số", last_col=2, bold=True, size=10, box=True)
    for offset, value in enumerate(_values(report.total, fixed, columns)):
        _put(sheet, row_number, 3 + offset, value, bold=True, size=10, box=True)
    return row_number + 1


def _notes(sheet, report: MinistryReport, row: int, width: int) -> int:
    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    _put(sheet, row, 1, "Ghi chú:", last_col=width, bold=True, italic=True, size=9, align=left)
    for offset, note in enumerate(report.unconfirmed, start=1):
        _put(sheet, row + offset, 1, f"– {note}", last_col=width, italic=True, size=9, align=left)
    return row + len(report.unconfirmed) + 1


def _signatures(sheet, report: MinistryReport, row: int, width: int, place: str) -> None:
    right_start = max(width - 10, 10)
    _put(sheet, row, right_start, f"{place or '……'}, ngày …… tháng …… năm ……", last_col=width,
         italic=True)
    _put(sheet, row + 1, 2, "NGƯỜI LẬP BẢNG", bold=True)
    _put(sheet, row + 1, right_start, "THỦ TRƯỞNG ĐƠN VỊ", last_col=width, bold=True)
    _put(sheet, row + 2, 2, "(Ký, họ tên)", italic=True, size=9)
    _put(sheet, row + 2, right_start, "(Ký, đóng dấu)", last_col=width, italic=True, size=9)


def _layout(sheet, width: int, fixed: int) -> None:
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 34
    for col in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 8 if col <= fixed else 5.5
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
