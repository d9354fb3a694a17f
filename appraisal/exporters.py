"""The year's summary of an appraisal cycle as .xlsx: one row per person with the score of each
period, the annual score, the level, whether the HTXS quota moved them down and why; a second
sheet with the number of people at each level per appraising unit.

Written with xlsxwriter's constant-memory mode (core.exporting), every text cell neutralised
against formula injection; the data is read before writing starts (appraisal.selectors), so the
writer itself reads nothing from the database.
"""
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from django.utils import timezone

from appraisal.models import Appraisal, AppraisalCycle, Level, PeriodKind
from appraisal.results import Result, YearResults, rounded
from core.exporting import safe_cell

LEVELS = [Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.FAILED]
LEADER = {Appraisal.Leader.HEAD: "Cấp trưởng", Appraisal.Leader.DEPUTY: "Cấp phó"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STATUS = {
    AppraisalCycle.Status.OPEN: "Đang đánh giá: kết quả tính từ điểm đã ghi nhận, chưa phải kết "
                                "quả cuối cùng",
    AppraisalCycle.Status.CLOSED: "Đã khóa sổ: điểm, mức xếp loại và lý do như khi khóa sổ"}
PEOPLE_SHEET = "Kết quả đánh giá"
UNITS_SHEET = "Theo đơn vị đánh giá"
HEADER_ROWS = 6  # title, year, unit, date, status, blank line


def period_label(kind: str, period: int) -> str:
    return f"Tháng {period}" if kind == PeriodKind.MONTH else f"Quý {ROMAN[period]}"


def people_headers(cycle: AppraisalCycle) -> list[str]:
    return ["Mã cán bộ", "Họ và tên", "Đơn vị công tác", "Đơn vị đánh giá", "Nhóm nhiệm vụ",
            "Lãnh đạo", "Bộ quy tắc", *(period_label(cycle.period_kind, p) for p in cycle.periods),
            "Điểm cả năm", "Mức xếp loại", "Bị hạ do tỷ lệ", "Lý do"]


UNIT_HEADERS = ["Mã đơn vị", "Đơn vị đánh giá", "Số người", *LEVELS, "Chưa xếp loại",
                "Bị hạ do tỷ lệ"]


def _score(value, rule_set_code: str = "") -> float | None:
    # The score as published (two places, never across a band edge), as a number the sheet can sum.
    return None if value is None else float(rounded(value, rule_set_code))


def person_row(cycle: AppraisalCycle, result: Result) -> list:
    a = result.appraisal
    return [a.servant.code, a.servant.full_name, a.work_unit.name, a.unit.name, a.task_group,
            LEADER.get(a.leader, ""), a.rule_set,
            *(_score(result.periods.get(p)) for p in cycle.periods),
            _score(result.score, a.rule_set), result.level or "",
            "Có" if result.moved_down else "Không", "\n".join(result.reasons)]


def unit_rows(results: list[Result]) -> Iterator[list]:
    """Per appraising unit, in the tree's order: people, each level, not classified, moved down;
    then the totals."""
    units: dict[int, tuple] = {}
    counts: dict[int, Counter] = {}
    for r in results:
        a = r.appraisal
        units.setdefault(a.unit_id, (a.unit.code, a.unit.name))
        counts.setdefault(a.unit_id,
                          Counter()).update({r.level or "": 1, "people": 1,
                                             "down": int(r.moved_down)})
    total: Counter = Counter()
    for unit_id, (code, name) in units.items():
        total.update(counts[unit_id])
        yield [code, name, *_counts(counts[unit_id])]
    yield ["", "Tổng cộng", *_counts(total)]


def _counts(counter: Counter) -> list[int]:
    return [counter["people"], *(counter[level] for level in LEVELS), counter[""], counter["down"]]


def write_summary_xlsx(target, cycle: AppraisalCycle, computed: YearResults,
                       on: date | None = None) -> None:
    """Write the summary of ``cycle`` (the results of the people the reader sees) to ``target``,
    a path or a binary file object."""
    import xlsxwriter

    # Constant memory: rows go to disk as written, so a province's 50,000 people do not sit in RAM;
    # no formulas or links are made from text (a name starting with "=" stays text).
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "label": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True}),
        "score": workbook.add_format({"num_format": "0.00"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
    }
    on = on or timezone.localdate()
    headers = people_headers(cycle)
    people = workbook.add_worksheet(PEOPLE_SHEET)
    _header_block(people, cycle, on, formats)
    people.write_row(HEADER_ROWS, 0, headers, formats["header"])
    people.freeze_panes(HEADER_ROWS + 1, 2)
    first_score, reasons = 7, len(headers) - 1  # the period columns start after "Bộ quy tắc"
    for index, width in enumerate([12, 26, 28, 28, 24, 11, 13]):
        people.set_column(index, index, width)
    people.set_column(first_score, reasons - 4, 9, formats["score"])
    people.set_column(reasons - 3, reasons - 3, 11, formats["score"])
    people.set_column(reasons - 2, reasons - 1, 12)
    people.set_column(reasons, reasons, 70, formats["wrap"])
    line = HEADER_ROWS
    for line, result in enumerate(computed.results, start=HEADER_ROWS + 1):
        _write_row(people, line, person_row(cycle, result))
    people.autofilter(HEADER_ROWS, 0, line, len(headers) - 1)
    units = workbook.add_worksheet(UNITS_SHEET)
    _header_block(units, cycle, on, formats)
    units.write_row(HEADER_ROWS, 0, UNIT_HEADERS, formats["header"])
    units.set_column(0, 0, 12)
    units.set_column(1, 1, 36)
    units.set_column(2, len(UNIT_HEADERS) - 1, 11)
    for line, row in enumerate(unit_rows(computed.results), start=HEADER_ROWS + 1):
        _write_row(units, line, row)
    workbook.close()


def _header_block(sheet, cycle: AppraisalCycle, on: date, formats: dict) -> None:
    sheet.write_string(0, 0, f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {cycle.year}",
                       formats["title"])
    sheet.write_string(1, 0, "Năm", formats["label"])
    sheet.write_number(1, 1, cycle.year)
    sheet.write_string(2, 0, "Đơn vị", formats["label"])
    sheet.write_string(2, 1, safe_cell(f"{cycle.unit.name} ({cycle.unit.code})"))
    sheet.write_string(3, 0, "Ngày lập", formats["label"])
    sheet.write_datetime(3, 1, datetime.combine(on, datetime.min.time()), formats["date"])
    sheet.write_string(4, 0, "Tình trạng", formats["label"])
    sheet.write_string(4, 1, STATUS.get(cycle.status, cycle.status))


def _write_row(sheet, line: int, row: list) -> None:
    for col, value in enumerate(row):
        if isinstance(value, str):
            if value:
                sheet.write_string(line, col, safe_cell(value))
        elif value is not None:
            sheet.write_number(line, col, value)


def export_filename(cycle: AppraisalCycle, on: date | None = None) -> str:
    # An ASCII file name: browsers and mail clients mangle accented names in Content-Disposition.
    code = "".join(ch if ch.isascii() and ch.isalnum() else "-"
                   for ch in cycle.unit.code).strip("-") or "don-vi"
    return f"ket-qua-danh-gia-{cycle.year}-{code}-{on or timezone.localdate():%Y%m%d}.xlsx"


def stream_summary_xlsx(cycle: AppraisalCycle, computed: YearResults,
                        chunk: int = 256 * 1024) -> Iterator[bytes]:
    """Write to a temporary file (a zip needs seeking), then stream it and delete it."""
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_summary_xlsx(str(path), cycle, computed)
        with path.open("rb") as stream:
            while block := stream.read(chunk):
                yield block
    finally:
        path.unlink(missing_ok=True)
