"""import_discipline: every row checked against the person and the discipline rule set of its
date, all-or-nothing, written through the discipline service, idempotent by (employee code,
decision number)."""
import io
import json
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEntry, ImportJob
from personnel.models import CareerEvent, DisciplineRecord
from personnel.selectors import disciplined_in_year
from tests.factories import make_servant
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
HEADER = ["Mã cán bộ", "Hình thức kỷ luật", "Ngày quyết định", "Số quyết định", "Lý do",
          "Cơ quan quyết định"]
KEYS = ["rows", "created", "updated", "unchanged", "rejected", "errors"]


@pytest.fixture
def people(world):
    """A non-leader and a head of division in A1 (officer_a's units), a non-leader in B
    (outside)."""
    return {
        "staff": make_servant(world.unit_a1, code="CB001", full_name="Nguyễn Văn An"),
        "head": make_servant(world.unit_a1, code="CB002", full_name="Trần Thị Bình", sex="female",
                             title="Trưởng phòng"),
        "other": make_servant(world.unit_b, code="CB900", full_name="Lê Văn Cường"),
    }


def run(path, *args, capsys):
    code = 0
    try:
        call_command("import_discipline", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def good_rows():
    # Dates as a real Excel date, dd/mm/yyyy text, ISO text and an Excel serial number (45366 =
    # 15/03/2024).
    return [
        HEADER,
        ["CB001", "Khiển trách", datetime(2026, 3, 15), "12/QĐ-UBND", "Đi muộn nhiều lần",
         "UBND tỉnh"],
        ["CB002", "giang chuc", "10/03/2024", "05/QĐ-SNV", "Thiếu trách nhiệm", ""],
        ["CB001", "CẢNH CÁO", "2025-01-05", "01/QĐ-SNV", "", "Sở Nội vụ"],
        ["CB002", "Cách  chức", 45366, "07/QĐ-SNV", "", ""],
    ]


def messages(doc, row):
    return [(e["column"], e["message"]) for e in doc["errors"] if e["row"] == row]


def test_a_good_file_records_every_decision_through_the_service(people, tmp_path, capsys):
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", good_rows()), capsys=capsys)
    assert code == 0, doc
    assert doc == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0, "rejected": 0,
                   "errors": []}
    an = people["staff"]
    reprimand = an.disciplines.get(form="reprimand")
    assert (reprimand.rule_set, reprimand.effective_from, reprimand.violation) == (
        "DISC-ND172", date(2026, 3, 15), "Đi muộn nhiều lần")
    event = reprimand.event
    assert (event.kind, event.decision_number, event.decision_date, event.signer,
            event.rule_set) == (CareerEvent.Kind.DISCIPLINE, "12/QĐ-UBND", date(2026, 3, 15),
                                "UBND tỉnh", "DISC-ND172")
    assert an.disciplines.get(form="warning").rule_set == "DISC-ND112"
    assert set(people["head"].disciplines.values_list("form", "effective_from")) == {
        ("demotion", date(2024, 3, 10)), ("dismissal", date(2024, 3, 15))}
    entries = AuditEntry.objects.filter(action=CareerEvent.Kind.DISCIPLINE)
    assert entries.count() == 4
    assert {(e.source, e.batch is not None) for e in entries} == {("import", True)}
    # What the appraisal reads to cap the year at "did not complete".
    assert [e.decision_number for e in disciplined_in_year(an, 2026)] == ["12/QĐ-UBND"]
    assert [e.decision_number for e in disciplined_in_year(an, 2025)] == ["01/QĐ-SNV"]


def test_the_person_page_shows_the_imported_decisions(client, people, officer_a, tmp_path, capsys):
    run(write_workbook(tmp_path / "k.xlsx", good_rows()), capsys=capsys)
    client.force_login(officer_a)
    page = client.get(reverse("personnel:servant_detail",
                              args=[people["staff"].pk])).content.decode()
    assert "Đi muộn nhiều lần" in page and "15/03/2026" in page
    # The regime by its name, as users read it; its code stays for the data.
    assert "Xử lý kỷ luật theo Nghị định 172/2025" in page and "DISC-ND172" not in page


def test_json_output_has_the_keys_of_every_import_command(people, tmp_path, capsys):
    rows = good_rows()
    rows[1][0] = "KHONG-CO"
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", rows), capsys=capsys)
    assert code != 0 and list(doc) == KEYS
    assert all(list(error) == ["row", "column", "message"] for error in doc["errors"])
    _, personnel_doc, _ = _run_personnel(tmp_path, capsys)
    assert list(personnel_doc) == list(doc)


def _run_personnel(tmp_path, capsys):
    path = write_workbook(tmp_path / "p.xlsx", [["Mã cán bộ", "Họ và tên"], ["X", "Y"]])
    code = 0
    try:
        call_command("import_personnel", str(path), "--json")
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


@pytest.mark.parametrize(("row", "column", "reason"), [
    (["CB404", "Khiển trách", "01/02/2026", "1/QĐ"], "Mã cán bộ",
     "Không có người nào có mã cán bộ CB404"),
    (["", "Khiển trách", "01/02/2026", "1/QĐ"], "Mã cán bộ", "Bắt buộc"),
    (["CB001", "Phê bình", "01/02/2026", "1/QĐ"], "Hình thức kỷ luật",
     "không hợp lệ; dùng một trong các hình thức: Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, "
     "Cách chức, Buộc thôi việc"),
    (["CB001", "", "01/02/2026", "1/QĐ"], "Hình thức kỷ luật", "Bắt buộc"),
    # ND 172/2025 (from 1/7/2025) abolished the salary-step reduction.
    (["CB001", "Hạ bậc lương", "15/08/2025", "1/QĐ"], "Hình thức kỷ luật", "theo DISC-ND172"),
    # Under ND 112/2020 demotion and dismissal are for leaders only.
    (["CB001", "Giáng chức", "10/03/2024", "1/QĐ"], "Hình thức kỷ luật",
     "theo DISC-ND112 (Xử lý kỷ luật theo Nghị định 112/2020"),
    (["CB001", "Cách chức", "10/03/2024", "1/QĐ"], "Hình thức kỷ luật",
     "người không giữ chức vụ lãnh đạo"),
    (["CB002", "Hạ bậc lương", "10/03/2024", "1/QĐ"], "Hình thức kỷ luật",
     "người giữ chức vụ lãnh đạo, quản lý"),
    (["CB001", "Khiển trách", "", "1/QĐ"], "Ngày quyết định", "Bắt buộc"),
    (["CB001", "Khiển trách", "31/02/2026", "1/QĐ"], "Ngày quyết định", "không phải là ngày"),
    (["CB001", "Khiển trách", "hôm qua", "1/QĐ"], "Ngày quyết định", "không phải là ngày"),
    (["CB001", "Khiển trách", "01/01/2099", "1/QĐ"], "Ngày quyết định",
     "Ngày 01/01/2099 ở tương lai"),
    (["CB001", "Khiển trách", "01/01/2019", "1/QĐ"], "Ngày quyết định",
     "Không có quy định xử lý kỷ luật nào có hiệu lực vào ngày 01/01/2019"),
    (["CB001", "Khiển trách", "01/02/2026", ""], "Số quyết định", "Bắt buộc"),
    (["CB001", "Khiển trách", "01/02/2026", "1/" + "Q" * 120], "Số quyết định",
     "Quá dài: 122 ký tự, tối đa 100"),
    (["CB001", "Khiển trách", "01/02/2026", "@12/QĐ"], "Số quyết định",
     "như một công thức bảng tính"),
    (["CB001", "Khiển trách", "01/02/2026", "1/QĐ", "x" * 2001], "Lý do",
     "Quá dài: 2001 ký tự, tối đa 2000"),
    (["CB001", "Khiển trách", "01/02/2026", "1/QĐ", "", "U" * 151], "Cơ quan quyết định",
     "Quá dài: 151 ký tự, tối đa 150"),
])
def test_each_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_written(
        people, tmp_path, capsys, row, column, reason):
    rows = good_rows()
    rows.insert(2, row + [""] * (len(HEADER) - len(row)))
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", rows), capsys=capsys)
    assert code != 0 and doc["rejected"] == 1 and doc["created"] == 0
    assert DisciplineRecord.objects.count() == 0
    assert not CareerEvent.objects.filter(kind="discipline").exists()
    assert [e["row"] for e in doc["errors"]] == [3]
    assert any(c == column and reason in m for c, m in messages(doc, 3)), doc["errors"]


def test_the_same_decision_twice_in_the_file_is_refused_on_the_later_row(people, tmp_path, capsys):
    rows = good_rows()
    # the same number, typed differently
    rows.append(["CB001", "Khiển trách", "15/03/2026", "12/qd-ubnd"])
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", rows), capsys=capsys)
    assert code != 0 and DisciplineRecord.objects.count() == 0
    assert messages(doc, 6) == [("Số quyết định",
                                 "Quyết định 12/qd-ubnd của CB001 bị trùng: đã có ở dòng 2.")]
    # Another person may carry the same decision number (one decision disciplining several people).
    rows[-1][0] = "CB002"
    code, doc, _ = run(write_workbook(tmp_path / "k2.xlsx", rows), capsys=capsys)
    assert code == 0 and doc["created"] == 5


def test_reimporting_the_same_file_skips_what_is_already_recorded(people, tmp_path, capsys):
    path = write_workbook(tmp_path / "k.xlsx", good_rows())
    run(path, capsys=capsys)
    counts = (DisciplineRecord.objects.count(), CareerEvent.objects.count(),
              AuditEntry.objects.count())
    code, doc, err = run(path, capsys=capsys)
    assert code == 0 and doc == {"rows": 4, "created": 0, "updated": 0, "unchanged": 4,
                                 "rejected": 0, "errors": []}
    assert (DisciplineRecord.objects.count(), CareerEvent.objects.count(),
            AuditEntry.objects.count()) == counts
    assert "4 quyết định đã có trên hệ thống" in err
    # A file extended with a new decision adds only that one.
    rows = good_rows() + [["CB001", "Khiển trách", "20/11/2026", "30/QĐ-UBND"]]
    code, doc, _ = run(write_workbook(tmp_path / "k2.xlsx", rows), capsys=capsys)
    assert code == 0 and (doc["created"], doc["unchanged"]) == (1, 4)
    assert DisciplineRecord.objects.count() == counts[0] + 1


def test_a_recorded_decision_with_another_form_or_date_is_refused_not_overwritten(
    people, tmp_path, capsys):
    run(write_workbook(tmp_path / "k.xlsx", good_rows()), capsys=capsys)
    rows = [HEADER, ["CB001", "Cảnh cáo", "15/03/2026", "12/QĐ-UBND"],
            ["CB002", "Khiển trách", "02/02/2026", "9/QĐ"]]
    code, doc, _ = run(write_workbook(tmp_path / "k2.xlsx", rows), capsys=capsys)
    assert code != 0 and doc["created"] == 0 and doc["rejected"] == 1
    column, message = messages(doc, 2)[0]
    assert column == "Số quyết định"
    assert ("Quyết định 12/QĐ-UBND của CB001 đã có trên hệ thống với hình thức Khiển trách "
            "từ ngày 15/03/2026") in message
    assert people["staff"].disciplines.get(event__decision_number="12/QĐ-UBND").form == "reprimand"
    assert DisciplineRecord.objects.count() == 4


def test_skip_invalid_records_the_good_rows(people, tmp_path, capsys):
    rows = good_rows()
    rows[2][1] = "Phê bình"
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", rows), "--skip-invalid", capsys=capsys)
    assert code == 0 and (doc["created"], doc["rejected"]) == (3, 1)
    assert not people["head"].disciplines.filter(event__decision_number="05/QĐ-SNV").exists()


def test_dry_run_counts_and_writes_nothing(people, tmp_path, capsys):
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", good_rows()), "--dry-run", capsys=capsys)
    assert code == 0 and doc["created"] == 4 and DisciplineRecord.objects.count() == 0


def test_headers_without_diacritics_in_any_case_and_spacing(people, tmp_path, capsys):
    rows = [["MA CAN BO", "hình thức  kỷ luật", "NGÀY QUYẾT ĐỊNH", "so quyet dinh"],
            ["CB001", "buoc thoi viec", "01/12/2026", "40/QĐ-UBND"]]
    path = write_workbook(tmp_path / "k.xlsx", rows, preamble=[["DANH SÁCH KỶ LUẬT NĂM 2026"], []])
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and doc["created"] == 1, doc
    assert people["staff"].disciplines.get().form == "forced_resignation"


def test_an_officer_cannot_discipline_a_person_outside_their_units(
    people, officer_a, tmp_path, capsys):
    rows = good_rows() + [["CB900", "Khiển trách", "01/02/2026", "2/QĐ-SYT"]]
    code, doc, _ = run(write_workbook(tmp_path / "k.xlsx", rows), "--user", "officer_a",
                       capsys=capsys)
    assert code != 0 and DisciplineRecord.objects.count() == 0
    assert messages(doc, 6) == [("Mã cán bộ", "CB900 thuộc đơn vị bạn không được giao quản lý.")]
    code, doc, _ = run(write_workbook(tmp_path / "k2.xlsx", rows[:-1]), "--user", "officer_a",
                       capsys=capsys)
    assert code == 0 and doc["created"] == 4
    assert AuditEntry.objects.filter(action="discipline", actor__username="officer_a").count() == 4


def upload(client, path, on_commit):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    with on_commit(execute=True):  # the validation task runs when the upload commits
        response = client.post(reverse("core:import_create", args=["discipline"]), data)
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_the_upload_page_runs_the_same_importer_for_a_unit_hr_officer(
        client, people, officer_a, tmp_path, django_capture_on_commit_callbacks):
    on_commit = django_capture_on_commit_callbacks
    client.force_login(officer_a)
    listing = client.get(reverse("core:import_list")).content.decode()
    assert "Quyết định kỷ luật" in listing
    assert reverse("core:import_template", args=["discipline"]) in listing
    template = client.get(reverse("core:import_template", args=["discipline"])).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_index(0)
    first = sheet.to_python()[0]
    assert first == HEADER

    rows = good_rows() + [["CB900", "Khiển trách", "01/02/2026", "2/QĐ-SYT"]]
    bad = upload(client, write_workbook(tmp_path / "bad.xlsx", rows), on_commit)
    bad.refresh_from_db()
    assert bad.status == ImportJob.Status.INVALID
    assert bad.summary["errors"] == [{"row": 6, "column": "Mã cán bộ",
                                      "message": "CB900 thuộc đơn vị bạn không được giao quản lý."}]

    good = upload(client, write_workbook(tmp_path / "good.xlsx", good_rows()), on_commit)
    good.refresh_from_db()
    assert good.status == ImportJob.Status.VALIDATED and good.summary["created"] == 4
    assert DisciplineRecord.objects.count() == 0  # the preview writes nothing
    with on_commit(execute=True):
        client.post(reverse("core:import_confirm", args=[good.pk]))
    good.refresh_from_db()
    # jsonb keeps no key order
    assert good.status == ImportJob.Status.DONE and sorted(good.summary) == sorted(KEYS)
    assert DisciplineRecord.objects.count() == 4
    assert AuditEntry.objects.filter(action="discipline", source="import",
                                     batch__isnull=False).count() == 4

    again = upload(client, write_workbook(tmp_path / "good.xlsx", good_rows()), on_commit)
    again.refresh_from_db()
    assert again.status == ImportJob.Status.VALIDATED
    assert (again.summary["created"], again.summary["unchanged"]) == (0, 4)
    assert any("4 quyết định đã có" in w for w in again.preview["warnings"])
