"""The periodic streamlining report as .xlsx in the layout an HR office sends upward:
the unit and the national header, the title and period, one table by legal ground and
case, by category, by option and by sector (people and money), the divisions removed,
then the signature block. openpyxl, as for the project's other official forms. The
receiving body's own template is UNCONFIRMED (DOMAIN-RULES §6.3): the layout follows
the seeds' figures (people by ground and sector, divisions removed)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.exporting import safe_cell
from core.models import OrgUnit
from positions.models import Category
from streamlining.models import CASE_NUMBERS, Ground, Option

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
WIDTH = 5


def _put(sheet, row, col, value, *, last_col=None, bold=False, italic=False, align=CENTER,
         box=False):
    cell = sheet.cell(row=row, column=col, value=safe_cell(value))
    cell.font = Font(name=FONT, bold=bold, italic=italic, size=11)
    cell.alignment = align
    if last_col and last_col > col:
        sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)
    if box:
        for c in range(col, (last_col or col) + 1):
            sheet.cell(row=row, column=c).border = BOX
    return cell


def _table(sheet, row: int, title: str, rows: list[tuple[str, dict]], money: bool) -> int:
    _put(sheet, row, 1, title, last_col=WIDTH, bold=True, align=LEFT)
    row += 1
    headers = ["STT", "Nội dung", "Số người", "Kinh phí đã quyết định (đồng)",
               "Kinh phí đã chi trả (đồng)"]
    for col, header in enumerate(headers, start=1):
        _put(sheet, row, col, header, bold=True, box=True)
    for number, (label, values) in enumerate(rows, start=1):
        row += 1
        cells = [number, label, values["n"], values["decided"] if money else "",
                 values["paid"] if money else ""]
        for col, value in enumerate(cells, start=1):
            _put(sheet, row, col, value, align=LEFT if col == 2 else CENTER, box=True)
    return row + 2


def report_xlsx(report: dict, *, unit: OrgUnit, year: int, money: bool) -> bytes:
    """``report`` as built by streamlining.selectors.report; ``money`` False leaves the amounts out
    (a reader who may not see them gets the counts only)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"TGBC {year}"
    _put(sheet, 1, 1, unit.name.upper(), last_col=2, bold=True)
    _put(sheet, 1, 3, NATIONAL[0], last_col=WIDTH, bold=True)
    _put(sheet, 2, 3, NATIONAL[1], last_col=WIDTH, bold=True)
    _put(sheet, 4, 1,
         "BÁO CÁO KẾT QUẢ THỰC HIỆN TINH GIẢN BIÊN CHẾ VÀ CHÍNH SÁCH ĐỐI VỚI NGƯỜI NGHỈ VIỆC "
         "DO SẮP XẾP TỔ CHỨC BỘ MÁY", last_col=WIDTH, bold=True)
    _put(sheet, 5, 1, f"Năm {year} — {unit.name} và các đơn vị trực thuộc", last_col=WIDTH,
         italic=True)
    row = 7
    totals = report["totals"]
    _put(sheet, row, 1, f"Tổng số người đã có quyết định: {totals['n']}", last_col=WIDTH, bold=True,
         align=LEFT)
    row += 1
    if money:
        _put(sheet, row, 1, f"Tổng kinh phí đã quyết định: {totals['decided']:,} đồng; đã chi trả: "
             f"{totals['paid']:,} đồng".replace(",", "."), last_col=WIDTH, align=LEFT)
        row += 1
    _put(sheet, row, 1,
         f"Số phòng và tương đương đã giảm do sắp xếp: {report['divisions_removed']}",
         last_col=WIDTH, align=LEFT)
    row += 2
    by_case = [(f"{Ground(g).label} — trường hợp {n}: {CASE_NUMBERS[Ground(g)].get(n, '')}", v)
               for (g, n), v in report["by_case"].items()]
    row = _table(sheet, row, "I. Theo căn cứ và trường hợp", by_case, money)
    row = _table(sheet, row, "II. Theo đối tượng",
                 [(str(Category(k).label), v) for k, v in report["by_category"].items()], money)
    row = _table(sheet, row, "III. Theo chính sách",
                 [(str(Option(k).label), v) for k, v in report["by_option"].items()], money)
    row = _table(sheet, row, "IV. Theo khối",
                 [(str(OrgUnit.Sector(k).label), v) for k, v in report["by_sector"].items()], money)
    _put(sheet, row, 1, "NGƯỜI LẬP BIỂU", last_col=2, bold=True)
    _put(sheet, row, 4, "THỦ TRƯỞNG ĐƠN VỊ", last_col=WIDTH, bold=True)
    for col, width in zip("ABCDE", (6, 60, 12, 24, 24), strict=True):
        sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
