"""Every management command's ``--json`` document has exactly the keys DESIGN.md §4, the README and
the issues name (issue 17). The shapes are data below; a command added without an entry fails
``test_every_command_has_a_documented_shape``, like a URL without a row in the permission matrix.

A shape is a set of keys, a dict {key: shape of its value} for nested documents, or [shape] for a
list whose items all have that shape (each test checks that the lists it relies on are not empty).
"""
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from core.importing import importer_class
from tests.factories import make_servant
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db

# Not part of the interface: the demo loader prints no document, compile_translations is a build
# step.
INTERNAL = {"load_demo", "compile_translations"}

ERROR = {"row", "column", "message"}
# DESIGN.md §4 (import_personnel, and every importer "as for personnel").
SUMMARY = {"rows": None, "created": None, "updated": None, "unchanged": None, "rejected": None,
           "errors": [ERROR]}
# Issue 7: import_recruitment reads three sheets, "sheet/row/column/reason errors"; import_positions
# reads two (positions, frameworks), so a row number alone would not say where.
SHEET_SUMMARY = {**SUMMARY, "errors": [ERROR | {"sheet"}]}

SHAPES = {
    "import_units": SUMMARY,
    "import_personnel": SUMMARY,
    "import_discipline": SUMMARY,  # issue 8
    "import_appraisal_scores": SUMMARY,  # issue 8
    "import_unit_results": SUMMARY,  # issue 11
    "import_questions": SUMMARY,  # issue 12
    "import_career": SUMMARY,  # issue 17
    "import_positions": SHEET_SUMMARY,  # issue 5
    "import_recruitment": SHEET_SUMMARY,  # issue 7
    # DESIGN.md §4 and issue 17 (pension_start_date, not pension_start).
    "retirement_forecast": [{"code", "name", "sex", "date_of_birth", "retirement_date",
                             "pension_start_date"}],
    # Not in DESIGN.md beyond its arguments: the file written and the number of people in it.
    "export_personnel": {"file", "rows"},
    # Issue 5.
    "staffing_report": {"units": [{"code", "name", "headcount", "leaders", "deputies",
                                   "non_leaders", "max_deputies", "quota", "flags"}]},
    # README and issue 7.
    "recruitment_results": {"round": None, "rule_set": None, "candidates": [
        {"number", "name", "position", "round1_passed", "professional_score", "priority_points",
         "total", "rank", "result"}]},
    # Issue 8 names {"code", "name", "unit", "task_group", "score", "level", "reasons"}; issue 11
    # adds "…": each person's rule set and whether the quota moved them down or they tied at its
    # edge.
    "appraisal_results": {"year": None, "rule_set": None, "people": [
        {"code", "name", "unit", "task_group", "score", "level", "reasons", "rule_set",
         "moved_down", "tied"}]},
    "appraisal_reminders": {"date", "sent", "skipped"},  # issue 11
    # README (issue 12).
    "make_exam_session": {"session": None, "name": None, "starts_at": None, "minutes": None,
                          "questions": None, "status": None,
                          "candidates": [{"number", "password"}]},
    # Issue 17, the commands' own help and tests.
    "personnel_notices": {"date", "retirement_6_months", "retirement_3_months", "raises_due",
                          "contracts_expiring", "notified", "emailed"},
    "ministry_report": {"form": None, "unit": None, "date": None, "rows": [None], "total": None},
    # Issue 13 (on a refused row: SUMMARY, tested in tests/streamlining/test_calculate_command.py).
    "streamlining_calculate": {"cases": [dict.fromkeys(("code", "rule_set", "option",
                                                        "months_early", "years_early", "si_years",
                                                        "amounts", "total"))]},
    # Issue 16 (run by tests/core/test_backup_restore.py).
    "backup": {"dir", "engine", "database", "media_files", "bytes"},
    "restore": {"dir", "engine", "database", "media_files", "forced"},
    # Issue 16 deliver 2 and the README (tests/personnel/test_national_db.py).
    "sync_national_db": {"file", "format", "mode", "since", "as_of", "next_since", "records",
                         "created", "updated", "ended"},
}


def project_commands() -> set[str]:
    names = set()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "management" / "commands"
        if folder.is_dir() and "site-packages" not in Path(config.path).parts:
            names |= {f.stem for f in folder.glob("*.py") if not f.stem.startswith("_")}
    return names - INTERNAL


def test_every_command_has_a_documented_shape():
    commands = project_commands()
    assert commands, "no management command found"
    missing = commands - set(SHAPES)
    assert not missing, f"commands without a documented JSON shape in SHAPES: {sorted(missing)}"
    assert not set(SHAPES) - commands, "SHAPES names a command that does not exist"


def run(*args) -> tuple[int, object]:
    out = io.StringIO()
    code = 0
    try:
        call_command(*args, "--json", stdout=out)
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue()
    assert text.count("\n") == 1, f"not exactly one JSON document: {text[:300]!r}"
    return code, json.loads(text)


def mismatches(document, shape, where="$") -> list[str]:
    """Where the document's keys differ from the shape (an empty list: they are the same)."""
    if shape is None:
        return []
    if isinstance(shape, list):
        if not isinstance(document, list):
            return [f"{where}: a list was expected, not {type(document).__name__}"]
        return [m for i, item in enumerate(document)
                for m in mismatches(item, shape[0], f"{where}[{i}]")]
    if not isinstance(document, dict):
        return [f"{where}: an object was expected, not {type(document).__name__}"]
    keys = set(shape)
    problems = []
    if set(document) != keys:
        extra, absent = sorted(set(document) - keys), sorted(keys - set(document))
        problems.append(
            f"{where}: keys differ (not documented: {extra}; documented but absent: {absent})")
    if isinstance(shape, dict):
        for key, inner in shape.items():
            if key in document:
                problems += mismatches(document[key], inner, f"{where}.{key}")
    return problems


def check(name: str, *args, ok: bool = True):
    code, document = run(name, *args)
    assert (code == 0) is ok, (code, document)
    assert not mismatches(document, SHAPES[name]), mismatches(document, SHAPES[name])
    return document


# --- the import commands: a file with bad rows, and a file the import cannot read at all ----------

def template(tmp_path, kind: str) -> Path:
    """The importer's own blank template: its headers and an example row naming a unit that does not
    exist here, so every importer reports row errors."""
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(importer_class(kind).template_bytes())
    return path


def unreadable(tmp_path) -> Path:
    return write_workbook(tmp_path / "khong-co-tieu-de.xlsx", [["Ghi chú", "STT"], ["x", 1]])


IMPORTS = {
    "import_units": ("units", ()),
    "import_personnel": ("personnel", ()),
    "import_discipline": ("discipline", ()),
    "import_appraisal_scores": ("appraisal_scores", ("--year", "2026")),
    "import_unit_results": ("unit_results", ()),
    "import_career": ("career", ()),
}


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_import_commands_print_the_summary(name, world, tmp_path):
    kind, extra = IMPORTS[name]
    document = check(name, str(template(tmp_path, kind)), *extra, ok=False)
    # a row of the file, not the file
    assert document["errors"]
    assert document["errors"][0]["row"] >= 2
    document = check(name, str(unreadable(tmp_path)), *extra, ok=False)
    assert document["rows"] == 0 and document["errors"]


def test_import_personnel_of_a_good_file(world, tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", [
        ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị"],
        ["CB001", "Nguyễn Văn An", date(1980, 7, 5), "Nam", "008080012345", "A1"]])
    assert check("import_personnel", str(path))["created"] == 1


def test_import_questions(world, tmp_path):
    path = write_workbook(tmp_path / "cau-hoi.xlsx", [
        ["Ngân hàng", "Nội dung câu hỏi", "Phương án A", "Phương án B", "Đáp án"],
        ["KTC", "Câu hỏi không có đáp án đúng?", "Một", "Hai", "E"]])
    document = check("import_questions", str(path), ok=False)
    assert document["errors"]
    assert check("import_questions", str(unreadable(tmp_path)), ok=False)["errors"]
    aiken = tmp_path / "kien-thuc-chung.txt"
    aiken.write_text("Thủ đô của Việt Nam là?\nA. Hà Nội\nB. Huế\nANSWER: E\n", encoding="utf-8")
    assert check("import_questions", str(aiken), ok=False)["errors"]


def test_import_positions(world, tmp_path):
    path = write_workbook(tmp_path / "vtvl.xlsx", [
        ["Mã đơn vị", "Mã vị trí", "Tên vị trí", "Nhóm", "Mã ngạch", "Số lượng người làm việc"],
        ["ZZ", "CV", "Chuyên viên", "Chuyên môn", "01.003", 2]], title="Vị trí việc làm",
                          extra_sheets={
        "Khung năng lực": [["Mã đơn vị", "Mã vị trí", "Mã năng lực", "Cấp độ"],
                           ["ZZ", "CV", "NLC99", 9]]})
    document = check("import_positions", str(path), ok=False)
    assert {e["sheet"] for e in document["errors"]} == {"Vị trí việc làm", "Khung năng lực"}
    assert check("import_positions", str(unreadable(tmp_path)), ok=False)["errors"]


ROUND = ["Mã đợt", "Tên đợt", "Ngày thông báo", "Hình thức vòng 2", "Trọng số thi viết (%)",
         "Trọng số phỏng vấn (%)"]
QUOTA = ["Mã vị trí", "Tên vị trí", "Mã ngạch", "Chỉ tiêu", "Yêu cầu ngoại ngữ"]
CANDIDATES = ["Số báo danh", "Họ và tên", "Ngày sinh", "Giới tính", "Mã vị trí",
              "Đối tượng ưu tiên", "Vòng 1 - kiến thức chung (số câu đúng)",
              "Vòng 1 - ngoại ngữ (số câu đúng)", "Miễn ngoại ngữ", "Điểm thi viết",
              "Điểm phỏng vấn"]


def recruitment_file(tmp_path, round_row, name="td.xlsx"):
    return write_workbook(tmp_path / name, [ROUND, round_row], title="Đợt tuyển dụng",
                          extra_sheets={
        "Chỉ tiêu": [QUOTA, ["CV", "Chuyên viên", "01.003", 1, "Không"]],
        "Thí sinh": [CANDIDATES,
                     ["0001", "Nguyễn Văn An", "05/07/1998", "Nam", "CV", "", 42, "", "", 74, 74],
                     ["0002", "Trần Thị Bình", "12/03/1997", "Nữ", "CV", "", 35, "", "", 70, 60]]})


def test_import_recruitment_and_recruitment_results(world, tmp_path):
    bad = recruitment_file(tmp_path, ["TD", "Đợt", "không phải ngày", "Thi viết và phỏng vấn", 70,
                                      30], "bad.xlsx")
    assert check("import_recruitment", str(bad), ok=False)["errors"]
    assert check("import_recruitment", str(unreadable(tmp_path)), ok=False)["errors"]
    good = recruitment_file(tmp_path, ["TD2026", "Thi tuyển 2026", date(2026, 3, 15),
                                       "Thi viết và phỏng vấn", 70, 30])
    check("import_recruitment", str(good))
    document = check("recruitment_results", "TD2026")
    assert len(document["candidates"]) == 2


# --- the other commands ---------------------------------------------------------------------------

def test_retirement_forecast(world):
    make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam",
                 date_of_birth=date(1965, 3, 10))
    assert len(check("retirement_forecast", "--from", "1900-01-01", "--to", "2100-12-31")) == 1


def test_export_personnel(world, tmp_path):
    make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam")
    assert check("export_personnel", str(tmp_path / "ds.xlsx"))["rows"] == 1


def test_staffing_report(world):
    make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam")
    assert check("staffing_report", "--date", "2026-06-30")["units"]


def test_appraisal_results(world):
    from appraisal import services

    make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    assert check("appraisal_results", "--year", "2026")["people"]


def test_appraisal_reminders(world):
    check("appraisal_reminders", "--date", "2026-05-28")


def test_make_exam_session(world):
    document = check("make_exam_session", "--candidates", "2", "--questions", "3", "--minutes", "5")
    assert len(document["candidates"]) == 2


def test_personnel_notices(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_servant(world.unit_a1, code="R1", full_name="Lê Văn Sớm", date_of_birth=date(1964, 12, 5))
    check("personnel_notices", "--date", "2026-04-15")


def test_ministry_report(world, tmp_path):
    make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam")
    document = check("ministry_report", str(tmp_path / "bm01.xlsx"), "--form", "BM01",
                     "--unit", "A", "--date", "31/12/2026")
    assert document["rows"]


def test_sync_national_db(world, tmp_path):
    make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam")
    assert check("sync_national_db", "--out", str(tmp_path / "csdl.jsonl"))["records"] == 1
    document = check("sync_national_db", "--since", "01/01/2020", "--out", str(tmp_path / "c.csv"))
    assert document["created"] == 1


def test_streamlining_calculate(tmp_path):
    headers = ["Mã cán bộ", "Giới tính", "Ngày sinh", "Loại cán bộ", "Ngày nghỉ", "Phương án",
               "Căn cứ", "Hệ số lương", "Phụ cấp công vụ (%)", "Số tháng đóng BHXH",
               "Ngày quyết định sắp xếp"]
    path = write_workbook(tmp_path / "tinh-gian.xlsx", [headers, [
        "M-01", "Nam", "15/06/1975", "Công chức", "01/06/2025", "Nghỉ thôi việc", "ND178", "3,66",
        25, 180, "01/03/2025"]])
    assert check("streamlining_calculate", str(path))["cases"][0]["total"] == 786_854_250
    code, document = run("streamlining_calculate", str(unreadable(tmp_path)))
    assert code == 1 and not mismatches(document, SUMMARY)
