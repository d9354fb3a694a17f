"""Hypothesis over every importer (issue 16, deliver 3): messy spreadsheets never crash an import,
never leave part of a file written, and every error names its row and column with a Vietnamese
reason.

Each importer gets a file of a few good rows (its own template's columns, data that imports), which
Hypothesis then spoils: random unicode and Vietnamese text, blank cells, numbers where text is
expected, dates in many formats and out of range, formula-like strings, very long strings, booleans,
duplicated rows, dropped, renamed, extra and reordered headers, a title above the header, a group
row over it (merged header), blank rows and a signature footer under the table; written as .xlsx by
openpyxl or xlsxwriter, or as .csv. For every file:

- ``importer.run`` returns its summary (an exception is a crash);
- when the summary has an error, no table of the project has one row more or less than before,
  and no audit entry was written (every update is audited): nothing of the file was written;
- every error has a row number and a column (the header the user sees, for an error of a row) and
  its reason is Vietnamese.

Examples are derandomised (the same 20 per importer on every run, as CI wants) and each runs in a
savepoint rolled back afterwards, so they all start from the same database. ``FUZZ_EXAMPLES=300``
searches further with random examples (the recruitment round's date before every rule set was
found so: see the last test).
"""
import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count
from pathlib import Path

import pytest
import time_machine
import xlsxwriter
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from core.models import AuditEntry
from tests.factories import make_servant

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 20)), deadline=None,
                derandomize=not os.environ.get("FUZZ_EXAMPLES"), database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
TODAY = datetime(2026, 11, 16, 9)
PROJECT_APPS = ("core", "positions", "personnel", "appraisal", "recruitment", "streamlining")

# --- what a spoiled cell can hold -----------------------------------------------------------------
VIETNAMESE = ("ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
              "ÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ")
letters = (st.characters(exclude_categories=("Cs",)) | st.sampled_from(VIETNAMESE)
           | st.sampled_from(" /-.,;:"))
WORDS = ["Nguyễn Văn An", "Trần Thị Bình", "NGUYỄN THỊ HƯƠNG", "Sở Nội vụ", "Công chức", "Nam",
         "Nữ", "Khiển trách", "Chuyên môn", "Chính quyền", "Tháng 13", "Quý 5", "HTT", "Không",
         "01.003", "A1", "Kiến thức chung", "Thi viết và phỏng vấn", "DTTS", "có", "x",
         "Người lập biểu", "Tổng cộng", "null", "NaN", "Infinity", "1E+999999999", "#N/A", "#REF!",
         "TRUE", "—", "…", "\u200b", "\u202eđảo ngược", "\t", "\n", "  "]
FORMULAS = ["=1+1", "=SUM(A1:A3)", "+84912345678", "-5", "@SUM(1)",
            "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "-", "=", "+", "@"]


@st.composite
def date_texts(draw) -> str:
    day, month, year = draw(st.integers(-1, 40)), draw(st.integers(-1,
                                                                   14)), draw(st.integers(0, 12000))
    pattern = draw(st.sampled_from([
        "{d}/{m}/{y}", "{d:02d}/{m:02d}/{y:04d}", "{y}-{m:02d}-{d:02d}", "{d}.{m}.{y}",
        "{d}-{m}-{y}", "ngày {d} tháng {m} năm {y}", "{m}/{y}", "{y}", "{d}/{m}/{yy:02d}",
        "{d} / {m} / {y}", "{y}{m:02d}{d:02d}", "{d}/{m}", "tháng {m}/{y}", "{d}/{m}/{y} 10:30"]))
    return pattern.format(d=day, m=month, y=year, yy=abs(year) % 100)


cells = st.one_of(
    st.none(), st.just(""), st.just("   "),
    st.text(letters, max_size=25), st.sampled_from(WORDS), st.sampled_from(FORMULAS),
    st.integers(-10**13, 10**13), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.5, 1, 3, 20, 21, 100, 100.01, -0.0, 1e-9, 1e15, 2.34, 99999999999]),
    st.booleans(), st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)), date_texts(),
    st.sampled_from(["A" * 41, "Nguyễn " * 800, "x" * 5001, "9" * 13, "0" * 12, "1" * 11]),
)


# --- the importers and a good file for each -------------------------------------------------------
@dataclass
class Sheet:
    name: str
    headers: list[str]
    row: Callable[[int], list]  # the i-th good row
    max_rows: int = 5


@dataclass
class Spec:
    make: Callable[[object], object]  # world → importer
    sheets: list[Sheet]
    setup: Callable[[object], None] = lambda world: None
    csv: bool = True  # a single-sheet import also reads .csv
    headers: set[str] = field(default_factory=set)  # every header an error may name


def _old_person(world) -> None:
    from personnel.models import CivilServant

    if CivilServant.objects.filter(code="FZ-OLD").exists():
        return
    make_servant(world.unit_a1, code="FZ-OLD", full_name="Lê Văn Cũ",
                 date_of_birth=date(1980, 3, 4), recruitment_date=date(2010, 9, 1),
                 national_id="001080000777")


def _competency(world) -> None:
    from positions.models import Competency

    Competency.objects.get_or_create(code="FZ-NL",
                                     defaults={"name": "Năng lực thử", "group": "core"})


def _open_year(world) -> None:
    from appraisal import services

    for i in range(3):
        make_servant(world.unit_a1, code=f"FZ-{i}", full_name=f"Phạm Văn Thử {i}")
    services.cycle_open(actor=None, unit=world.unit_a, year=2026)


def _unit_importer(world):
    from core.importers import UnitImporter
    return UnitImporter()


def _personnel(world):
    from personnel.importers import PersonnelImporter
    return PersonnelImporter(today=TODAY.date())


def _career(world):
    from personnel.career_importer import CareerImporter
    return CareerImporter(today=TODAY.date())


def _discipline(world):
    from personnel.discipline_importer import DisciplineImporter
    return DisciplineImporter(today=TODAY.date())


def _positions(world):
    from positions.importers import PositionImporter
    return PositionImporter()


def _recruitment(world):
    from recruitment.importers import RecruitmentImporter
    return RecruitmentImporter(agency=world.unit_a)


def _scores(world):
    from appraisal.importers import AppraisalScoreImporter
    return AppraisalScoreImporter(year=2026)


def _unit_results(world):
    from appraisal.unit_results import UnitResultImporter
    return UnitResultImporter()


def _streamlining(world):
    from streamlining.importers import StreamliningCaseImporter
    return StreamliningCaseImporter()


def _questions(world):
    from recruitment.exam.importers import QuestionImporter
    return QuestionImporter()


SPECS = {
    "units": Spec(_unit_importer, [Sheet("Đơn vị", [
        "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị", "Khối", "Ngày thành lập"],
        lambda i: [f"FZ{i}", f"Phòng Thử {i}", "A" if i % 2 == 0 else f"FZ{i - 1}", "Phòng",
                   "Chính quyền", "01/07/2025"])]),
    "personnel": Spec(_personnel, [Sheet("Danh sách", [
        "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị",
        "Loại cán bộ", "Mã ngạch", "Bậc lương", "Ngày hưởng bậc lương", "Ngày tuyển dụng",
        "Điện thoại", "Email"],
        lambda i: ["FZ-OLD" if i == 0 else f"FZ{i:03d}", f"Nguyễn Thị Thử {i}", date(1985, 5, 20),
                   "Nữ", f"0011850{i:05d}" if i else "001080000777", "A1", "Công chức", "01.003", 3,
                   "01/04/2024", "01/09/2010", "0912345678", f"thu{i}@example.gov.vn"])],
                      setup=_old_person),
    "career": Spec(_career, [Sheet("Quá trình", [
        "Mã cán bộ", "Từ ngày", "Đến ngày", "Mã đơn vị", "Chức vụ", "Mã vị trí việc làm",
        "Số quyết định", "Ngày quyết định"],
        lambda i: ["FZ-OLD", date(2003 + i, 1, 1), f"31/12/{2003 + i}", "A", "Chuyên viên", "",
                   f"{i}/QĐ-SNV", date(2002 + i, 12, 20)])], setup=_old_person),
    "discipline": Spec(_discipline, [Sheet("Kỷ luật", [
        "Mã cán bộ", "Hình thức kỷ luật", "Ngày quyết định", "Số quyết định", "Lý do",
        "Cơ quan quyết định"],
        lambda i: ["FZ-OLD", "Khiển trách", f"{10 + i}/03/2026", f"{i}/QĐ-UBND",
                   "Vi phạm giờ làm việc", "UBND tỉnh"])], setup=_old_person),
    "positions": Spec(_positions, [
        Sheet("Vị trí việc làm", ["Mã đơn vị", "Mã vị trí", "Tên vị trí", "Nhóm", "Mã ngạch",
                                  "Số lượng người làm việc", "Mục tiêu", "Nhiệm vụ"],
              lambda i: ["A1", f"VT-{i}", f"Chuyên viên thử {i}", "Chuyên môn", "01.003", 2,
                         "Mục tiêu", "Nhiệm vụ"]),
        Sheet("Khung năng lực", ["Mã đơn vị", "Mã vị trí", "Mã năng lực", "Cấp độ"],
              lambda i: ["A1", f"VT-{i}", "FZ-NL", 3], max_rows=3)], setup=_competency, csv=False),
    "recruitment": Spec(_recruitment, [
        Sheet("Đợt tuyển dụng", ["Mã đợt", "Tên đợt", "Ngày thông báo", "Hình thức vòng 2",
                                 "Trọng số thi viết (%)", "Trọng số phỏng vấn (%)"],
              lambda i: ["TD-FZ", "Thi tuyển công chức 2026", date(2026, 3, 15),
                         "Thi viết và phỏng vấn", 70, 30],
              max_rows=1),
        Sheet("Chỉ tiêu", ["Mã vị trí", "Tên vị trí", "Mã ngạch", "Chỉ tiêu", "Yêu cầu ngoại ngữ"],
              lambda i: [f"CV-{i}", f"Chuyên viên {i}", "01.003", 1 + i, "Không"], max_rows=2),
        Sheet("Thí sinh", ["Số báo danh", "Họ và tên", "Ngày sinh", "Giới tính", "Mã vị trí",
                           "Đối tượng ưu tiên", "Vòng 1 - kiến thức chung (số câu đúng)",
                           "Vòng 1 - ngoại ngữ (số câu đúng)", "Miễn ngoại ngữ", "Điểm thi viết",
                           "Điểm phỏng vấn"],
              lambda i: [f"{i + 1:04d}", f"Hoàng Văn Thí {i}", "05/07/1998", "Nam", f"CV-{i % 2}",
                         "DTTS" if i % 2 else "", 40, "", "", 74, 70])], csv=False),
    "appraisal_scores": Spec(_scores, [Sheet("Điểm", [
        "Mã cán bộ", "Kỳ", "Nhóm nhiệm vụ", "Tiêu chí chung (điểm)", "Số lượng (%)",
        "Chất lượng (%)", "Tiến độ (%)"],
        lambda i: [f"FZ-{i % 3}", f"Tháng {1 + i // 3}", "", 30, 100, 95, 90])], setup=_open_year),
    "unit_results": Spec(_unit_results, [Sheet("Kết quả", [
        "Mã đơn vị", "Năm", "Chỉ tiêu kế hoạch", "Hoàn thành đúng hạn, bảo đảm chất lượng",
        "Vượt chỉ tiêu", "Mức xếp loại"],
        lambda i: [["A", "A1", "B", "P"][i % 4], 2026 - i // 4, 20, 18, 3, "HTT"])]),
    "streamlining_cases": Spec(_streamlining, [Sheet("Danh sách", [
        "Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Loại cán bộ", "Ngày nghỉ", "Phương án",
        "Căn cứ", "Hệ số lương", "Phụ cấp chức vụ", "Phụ cấp công vụ (%)", "Phụ cấp khu vực",
        "Số tháng đóng BHXH", "Ngày quyết định sắp xếp"],
        lambda i: [f"C-{i}", "Nguyễn Văn C", "Nam", date(1966, 1, 15), "Công chức",
                   date(2025, 5, 1), "Nghỉ hưu trước tuổi", "NĐ 178/2024/NĐ-CP", 4.65, 0.6, 25, 0.2,
                   264, "01/03/2025"])]),
    "questions": Spec(_questions, [Sheet("Câu hỏi", [
        "Ngân hàng", "Phần thi", "Nội dung câu hỏi", "Phương án A", "Phương án B", "Đáp án"],
        lambda i: ["NH-FZ", "Kiến thức chung", f"Câu hỏi thử số {i}?", "Đúng", "Sai", "A"])],
                      csv=False),
}


# --- spoiling a good file -------------------------------------------------------------------------
@dataclass
class Grid:
    """One sheet as a list of lines (the header line among them) before it is written."""

    name: str
    lines: list[list]
    header: int = 0


@st.composite
def spoiled_sheet(draw, sheet: Sheet) -> Grid:
    n = draw(st.integers(1, sheet.max_rows))
    headers = list(sheet.headers)
    rows = [sheet.row(i) for i in range(n)]
    width = len(headers)
    # Cells: a few replaced by anything.
    for r, c, value in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, width - 1),
                                               cells),
                                     max_size=6)):
        rows[r][c] = value
    if n > 1 and draw(st.booleans()):
        rows.append(list(rows[draw(st.integers(0, n - 1))]))  # a duplicated row (duplicate key)
    ops = draw(st.lists(st.sampled_from(["drop", "rename", "extra", "swap", "title", "group",
                                         "blank", "footer", "upper", "numbers"]), max_size=3))
    lines_before: list[list] = []
    for op in ops:
        if op == "drop" and width > 1:
            k = draw(st.integers(0, width - 1))
            headers.pop(k)
            for row in rows:
                row.pop(k)
            width -= 1
        elif op == "rename":
            k = draw(st.integers(0, width - 1))
            headers[k] = draw(st.one_of(st.text(letters, max_size=15), st.sampled_from(
                ["Ngạch", "Bậc", "Mã", "Hệ số lương hiện hưởng", f"{headers[k] or ''} (bắt buộc)",
                 "STT", "", None])))
        elif op == "extra":
            headers.append(draw(st.one_of(st.text(letters, max_size=15), st.just("Ghi chú"))))
            for row in rows:
                row.append(draw(cells))
            width += 1
        elif op == "swap" and width > 1:
            a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            for line in (headers, *rows):
                line[a], line[b] = line[b], line[a]
        elif op == "title":
            lines_before.append(["DANH SÁCH " + draw(st.text(letters, max_size=20))])
        elif op == "group":
            # A merged group cell over the columns from k on: the header on two rows.
            k = draw(st.integers(0, width - 1))
            lines_before.append([None] * k + [draw(st.sampled_from(["LƯƠNG", "THÔNG TIN",
                                                                    "Ghi chú"]))])
        elif op == "upper":
            headers = [h.upper() if isinstance(h, str) else h for h in headers]
    # Lines that are not data rows, once the columns are settled.
    if "blank" in ops:
        rows.insert(draw(st.integers(0, len(rows))), [None] * width)
    if "numbers" in ops:
        rows.insert(0, [f"({i + 1})" for i in range(width)])
    if "footer" in ops:
        rows.extend([[], ["Người lập biểu", None, "Thủ trưởng đơn vị"],
                     ["Tuyên Quang, ngày 30 tháng 11 năm 2026"]])
    return Grid(sheet.name, [*lines_before, headers, *rows], header=len(lines_before))


@st.composite
def spoiled_file(draw, spec: Spec) -> tuple[str, list[Grid]]:
    grids = [draw(spoiled_sheet(sheet)) for sheet in spec.sheets]
    if len(grids) > 1 and draw(st.booleans()):
        grids.pop(draw(st.integers(0, len(grids) - 1)))  # a missing sheet
    formats = ["openpyxl", "xlsxwriter"] + (["csv"] if spec.csv and len(grids) == 1 else [])
    return draw(st.sampled_from(formats)), grids


def _excel_value(value):
    if isinstance(value, str) and len(value) > 32767:
        return value[:32767]
    return value


def write_file(directory: Path, number: int, kind: str, grids: list[Grid]) -> Path:
    if kind == "csv":
        path = directory / f"f{number}.csv"
        out = io.StringIO()
        writer = csv.writer(out)
        for line in grids[0].lines:
            writer.writerow(["" if v is None
                                 else (v.strftime("%d/%m/%Y") if isinstance(v, date) else v)
                             for v in line])
        path.write_bytes(out.getvalue().encode("utf-8"))
        return path
    path = directory / f"f{number}.xlsx"
    if kind == "openpyxl":
        try:
            book = Workbook()
            book.remove(book.active)
            for grid in grids:
                sheet = book.create_sheet(grid.name)
                for line in grid.lines:
                    sheet.append([_excel_value(v) for v in line])
            book.save(path)
            return path
        except IllegalCharacterError:
            pass  # openpyxl refuses control characters; xlsxwriter escapes them as Excel does
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for grid in grids:
        sheet = book.add_worksheet(grid.name)
        for r, line in enumerate(grid.lines):
            for c, value in enumerate(line):
                value = _excel_value(value)
                if isinstance(value, str):
                    # "=…" stays text here; openpyxl makes it a formula
                    sheet.write_string(r, c, value)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
        if len(grid.lines) > grid.header + 1 and grid.header:
            sheet.merge_range(grid.header - 1, 0, grid.header - 1, 1,
                              grid.lines[grid.header - 1][0] or "")
    book.close()
    return path


# --- what must hold -------------------------------------------------------------------------------
def table_counts() -> tuple[int, ...]:
    """Rows of every table of the project, in one query."""
    tables = [m._meta.db_table for a in PROJECT_APPS for m in apps.get_app_config(a).get_models()
              if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables))
        return cursor.fetchone()


ENGLISH = re.compile(r"\b(the|is|are|not|must|cannot|column|row|file|value|unknown|missing|"
                     r"required|should|only|this|of)\b", re.IGNORECASE)


def _file_texts(grids: list[Grid]) -> list[str]:
    """Every text of the file, as a message may quote it (longest first)."""
    from core.importing import cell_text

    texts = {cell_text(v) for grid in grids for line in grid.lines for v in line
                 if v not in (None, "")}
    texts |= {str(v) for grid in grids for line in grid.lines for v in line if v not in (None, "")}
    return sorted((t for t in texts if t), key=len, reverse=True)


def is_vietnamese(message: str, grids: list[Grid]) -> bool:
    """The message's own words (with the file's values taken out) are Vietnamese, not English."""
    own = message
    for text in _file_texts(grids):
        own = own.replace(text, " ")
    diacritics = any(ch in "đĐ" or unicodedata.decomposition(ch) for ch in own if ch.isalpha())
    return diacritics and not ENGLISH.search(own)


def check_summary(summary: dict, grids: list[Grid], spec: Spec) -> None:
    assert set(summary) >= {"rows", "created", "updated", "unchanged", "rejected",
                            "errors"}, summary
    from core.importing import cell_text

    # The declared headers, and the file's own (a column refused by its header is named as it reads;
    # the line under the header may be a second header level).
    known = {h for sheet in spec.sheets
                 for h in sheet.headers} | {c.header for c in _columns(spec)} | spec.headers
    known |= {cell_text(v) for grid in grids for line in grid.lines[:grid.header + 2] for v in line}
    for error in summary["errors"]:
        assert isinstance(error.get("row"), int) and error["row"] >= 0, error
        assert isinstance(error.get("column"), str), error
        assert error.get("message") and is_vietnamese(error["message"], grids), error
        if error["row"] > 0:  # an error of a row names the column it is about, as the header reads
            assert error["column"] in known, error


def _columns(spec: Spec):
    importer = spec.make(None) if spec.make is not _recruitment else None
    columns = list(getattr(importer, "columns", []) or [])
    if spec.make is _positions:
        from positions.importers import FRAMEWORK_COLUMNS
        columns += FRAMEWORK_COLUMNS
    if spec.make is _recruitment:
        from recruitment.importers import CANDIDATE_COLUMNS, QUOTA_COLUMNS, ROUND_COLUMNS
        columns = ROUND_COLUMNS + QUOTA_COLUMNS + CANDIDATE_COLUMNS
    if spec.make is _questions:
        from recruitment.exam.importers import COLUMNS
        columns = COLUMNS
    return columns


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY.replace(tzinfo=None), tick=True):
        yield


def fuzz(kind: str):
    spec = SPECS[kind]
    numbers = count()

    @FUZZ
    @given(drawn=spoiled_file(spec))
    def test(world, frozen, tmp_path, drawn):
        fmt, grids = drawn
        path = write_file(tmp_path, next(numbers), fmt, grids)
        before = table_counts()
        audited = AuditEntry.objects.count()
        with transaction.atomic():
            importer = spec.make(world)
            summary = importer.run(path)  # anything raised here is a crash of the import
            after, audited_after = table_counts(), AuditEntry.objects.count()
            transaction.set_rollback(True)
        check_summary(summary, grids, spec)
        event("refused" if summary["errors"] else "written")
        if summary["errors"]:
            assert after == before and audited_after == audited, ("a bad file was partly written: "
                                                                  f"{summary}")
        else:
            assert summary["rejected"] == 0

    def run(world, frozen, tmp_path):
        spec.setup(world)
        test(world, frozen, tmp_path)

    run.__name__ = f"test_a_messy_{kind}_file_is_refused_or_imported_whole"
    return run


test_a_messy_units_file_is_refused_or_imported_whole = fuzz("units")
test_a_messy_personnel_file_is_refused_or_imported_whole = fuzz("personnel")
test_a_messy_career_file_is_refused_or_imported_whole = fuzz("career")
test_a_messy_discipline_file_is_refused_or_imported_whole = fuzz("discipline")
test_a_messy_positions_file_is_refused_or_imported_whole = fuzz("positions")
test_a_messy_recruitment_file_is_refused_or_imported_whole = fuzz("recruitment")
test_a_messy_appraisal_scores_file_is_refused_or_imported_whole = fuzz("appraisal_scores")
test_a_messy_unit_results_file_is_refused_or_imported_whole = fuzz("unit_results")
test_a_messy_streamlining_file_is_refused_or_imported_whole = fuzz("streamlining_cases")
test_a_messy_question_file_is_refused_or_imported_whole = fuzz("questions")


def test_the_good_files_import_whole(world, tmp_path):
    """The unspoiled file of each importer imports without an error: the fuzz starts from data that
    reaches the write, so a spoiled cell is what makes a file bad."""
    with time_machine.travel(TODAY, tick=True):
        for number, (kind, spec) in enumerate(SPECS.items()):
            spec.setup(world)
            grids = [Grid(s.name,
                          [s.headers, *(s.row(i) for i in range(s.max_rows))]) for s in spec.sheets]
            summary = spec.make(world).run(write_file(tmp_path, number, "xlsxwriter", grids))
            assert summary["errors"] == [], (kind, summary)


def test_a_round_announced_before_every_rule_set_is_a_row_error_not_a_crash(world, tmp_path):
    """Found by the fuzz: a date before the first recruitment rule set raised RuleSetNotFound, and a
    round-1 language count then read the missing rule set's code."""
    from recruitment.importers import RecruitmentImporter
    from recruitment.models import RecruitmentRound

    recruitment = SPECS["recruitment"]
    rounds, quotas, candidates = recruitment.sheets
    candidate = candidates.row(0)
    candidate[7] = 20  # "Vòng 1 - ngoại ngữ (số câu đúng)"
    grids = [Grid(rounds.name,
                  [rounds.headers, ["TD-FZ", "Đợt cũ", date(1900, 3, 1), "Thi viết", 100, 0]]),
             Grid(quotas.name, [quotas.headers, quotas.row(0)]),
             Grid(candidates.name, [candidates.headers, candidate])]
    summary = RecruitmentImporter(agency=world.unit_a).run(write_file(tmp_path, 0, "openpyxl",
                                                                      grids))
    assert summary["errors"] == [{
        "sheet": "Đợt tuyển dụng", "row": 2, "column": "Ngày thông báo",
        "message": "Không có quy định tuyển dụng nào có hiệu lực vào ngày 01/03/1900: quy định "
                   "sớm nhất, REC-ND138, áp dụng từ ngày 01/12/2020."}]
    assert not RecruitmentRound.objects.exists()


def test_nan_typed_as_a_weight_is_a_row_error_not_a_crash(world, tmp_path):
    """Found by the fuzz: "NaN" in a decimal column read as Decimal("NaN"), whose comparison
    raised."""
    from recruitment.importers import RecruitmentImporter

    rounds, quotas, candidates = SPECS["recruitment"].sheets
    grids = [Grid(rounds.name,
                  [rounds.headers, ["TD-FZ", "Đợt thử", date(2026, 3, 15), "Thi viết và phỏng vấn",
                                                 "NaN", 30]]),
             Grid(quotas.name, [quotas.headers, quotas.row(0)]),
             Grid(candidates.name, [candidates.headers, candidates.row(0)])]
    summary = RecruitmentImporter(agency=world.unit_a).run(write_file(tmp_path, 0, "xlsxwriter",
                                                                      grids))
    assert [(e["row"], e["column"], e["message"]) for e in summary["errors"]] == [
        (2, "Trọng số thi viết (%)", "“NaN” không phải là số."),
        (2, "Trọng số thi viết (%)", "Thi viết và phỏng vấn phải có trọng số.")]


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+999999999"])
def test_numbers_that_are_not_finite_are_cell_errors_in_every_numeric_parser(text):
    """Found by the fuzz: "NaN" crashed the salary coefficient's comparison, "Infinity" the whole
    numbers' int(), and "1E+999999999" made int() compute a billion digits (a hung import)."""
    from core.importing import CellError
    from personnel.importers import parse_coefficient, parse_step, parse_whole
    from recruitment.importers import parse_decimal
    from streamlining.importers import parse_allowance_coefficient, parse_percent

    for parse in (parse_whole, parse_coefficient, parse_step, parse_decimal(0, 100),
                  parse_allowance_coefficient, parse_percent):
        with pytest.raises(CellError):
            parse(text)
