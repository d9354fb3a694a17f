"""import_units: every row validated, nothing written on any error, row/column/Vietnamese reason."""
import json
from datetime import date

import pytest
from django.core.management import call_command

from core.models import AuditEntry, OrgUnit
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"]


def run(path, *args, capsys):
    """Run the command with --json; return (exit code, document, stderr)."""
    code = 0
    try:
        call_command("import_units", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_a_bad_row_writes_nothing_and_reports_row_column_and_reason(world, tmp_path, capsys):
    before = OrgUnit.objects.count()
    path = write_workbook(tmp_path / "units.xlsx", [
        HEADER,
        ["C1", "Phòng Một", "A"],            # row 2: fine
        ["C2", "Phòng Hai", "KHONG-CO"],     # row 3: unknown parent
        ["C1", "Phòng Trùng", "A"],          # row 4: duplicate code
        ["C3", "", "A"],                     # row 5: empty name
    ])
    code, doc, _ = run(path, capsys=capsys)
    assert code != 0
    assert OrgUnit.objects.count() == before
    assert set(doc) == {"rows", "created", "updated", "unchanged", "rejected", "errors"}
    assert doc["rows"] == 4 and doc["created"] == 0 and doc["rejected"] == 3
    by_row = {e["row"]: e for e in doc["errors"]}
    assert by_row[3]["column"] == "Mã đơn vị cấp trên" and "KHONG-CO" in by_row[3]["message"]
    assert "Không tìm thấy đơn vị cấp trên" in by_row[3]["message"]
    assert by_row[4]["column"] == "Mã đơn vị"
    assert "trùng" in by_row[4]["message"]
    assert "dòng 2" in by_row[4]["message"]
    assert by_row[5]["column"] == "Tên đơn vị"
    assert by_row[5]["message"] == "Bắt buộc phải có giá trị."


def test_a_messy_office_file_imports(world, tmp_path, capsys):
    """Title rows above the header, headers in capitals without diacritics, numeric codes,
    children listed before their parent, blank rows, kinds guessed from names."""
    path = write_workbook(tmp_path / "danh-sach.xlsx", preamble=[
        ["UBND TỈNH THỬ NGHIỆM"], ["DANH SÁCH ĐƠN VỊ"], [],
    ], rows=[
        ["STT", "MA DON VI", "  Tên  đơn vị ", "Mã ĐV cấp trên", "Ngày thành lập"],
        [1, 1101, "Phòng Kế hoạch", 1100, date(2025, 7, 1)],
        [],
        [2, 1100, "Sở Tài chính", "P", "01/07/2025"],
        [3, 1102, "Trung tâm Xúc tiến đầu tư", 1100, None],
    ])
    code, doc, err = run(path, capsys=capsys)
    assert code == 0, doc
    assert (doc["created"], doc["rejected"], doc["errors"]) == (3, 0, [])
    dept = OrgUnit.objects.get(code="1100")
    assert dept.kind == OrgUnit.Kind.DEPARTMENT and dept.parent == world.province
    assert dept.valid_from == date(2025, 7, 1)
    centre = OrgUnit.objects.get(code="1102")
    assert centre.parent == dept and centre.sector == OrgUnit.Sector.PUBLIC_SERVICE
    assert "STT" in err  # the unknown column is reported on stderr


def test_reimporting_the_same_file_changes_nothing(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx",
                          [HEADER, ["C1", "Phòng Một", "A"], ["C2", "Phòng Hai", "C1"]])
    assert run(path, capsys=capsys)[1]["created"] == 2
    entries = AuditEntry.objects.count()
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and (doc["created"], doc["updated"], doc["unchanged"]) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries


def test_a_changed_name_is_an_audited_update(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx", [HEADER, ["A1", "Phòng Công chức - Viên chức", "A"]])
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and doc["updated"] == 1
    entry = AuditEntry.objects.filter(action="update", object_id=str(world.unit_a1.pk)).get()
    assert entry.source == AuditEntry.Source.IMPORT and entry.batch is not None


def test_moving_an_existing_unit_is_refused(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx", [HEADER, ["A1", "Phòng Công chức, viên chức", "B"]])
    code, doc, _ = run(path, capsys=capsys)
    assert code != 0 and doc["errors"][0]["column"] == "Mã đơn vị cấp trên"
    assert OrgUnit.objects.get(code="A1").parent.code == "A"


def test_a_parent_loop_is_reported(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx", [HEADER, ["L1", "Một", "L2"], ["L2", "Hai", "L1"]])
    code, doc, _ = run(path, capsys=capsys)
    assert code != 0 and {e["row"] for e in doc["errors"]} == {2, 3}


def test_missing_required_column_is_named(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx", [["Mã đơn vị", "Tên đơn vị"], ["X", "Y"]])
    code, doc, _ = run(path, capsys=capsys)
    assert code != 0 and doc["errors"][0]["column"] == "Mã đơn vị cấp trên"


def test_skip_invalid_imports_the_good_rows(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx",
                          [HEADER, ["C1", "Phòng Một", "A"], ["C2", "Phòng Hai", "ZZ"]])
    code, doc, _ = run(path, "--skip-invalid", capsys=capsys)
    assert code == 0 and doc["created"] == 1 and doc["rejected"] == 1
    assert OrgUnit.objects.filter(code="C1").exists()
    assert not OrgUnit.objects.filter(code="C2").exists()


def test_skip_invalid_fails_when_it_rejected_every_row(world, tmp_path, capsys):
    # A cron job must see that nothing was imported: ImportCommand exits 1 when no row was good.
    before = OrgUnit.objects.count()
    path = write_workbook(tmp_path / "u.xlsx", [HEADER, ["C1", "Phòng Một", "ZZ"], ["C2", "", "A"]])
    code, doc, _ = run(path, "--skip-invalid", capsys=capsys)
    assert code == 1 and doc["rows"] == doc["rejected"] == 2 and doc["created"] == 0
    assert OrgUnit.objects.count() == before


def test_dry_run_counts_without_writing(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx", [HEADER, ["C1", "Phòng Một", "A"]])
    code, doc, _ = run(path, "--dry-run", capsys=capsys)
    assert code == 0 and doc["created"] == 1 and not OrgUnit.objects.filter(code="C1").exists()


def test_an_officer_may_only_import_into_their_units(world, officer_a, tmp_path, capsys):
    path = write_workbook(tmp_path / "u.xlsx",
                          [HEADER, ["C1", "Phòng Một", "A1"], ["C2", "Phòng Hai", "B"]])
    code, doc, _ = run(path, "--user", "officer_a", capsys=capsys)
    assert code != 0
    assert [(e["row"], e["column"]) for e in doc["errors"]] == [(3, "Mã đơn vị cấp trên")]
    assert not OrgUnit.objects.filter(code__in=["C1", "C2"]).exists()


def test_csv_files_are_accepted(world, tmp_path, capsys):
    path = tmp_path / "u.csv"
    path.write_text("Mã đơn vị;Tên đơn vị;Mã đơn vị cấp trên\nC9;Phòng Chín;A\n", encoding="utf-8")
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and doc["created"] == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused(world, tmp_path, capsys):
    path = tmp_path / "u.xlsx"
    path.write_bytes(b"not a zip")
    code, doc, _ = run(path, capsys=capsys)
    assert code != 0 and doc["rows"] == 0 and doc["errors"]
