"""import_personnel exactly as DESIGN.md §4: every cell validated, all-or-nothing, idempotent."""
import json
from datetime import date

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị"]
FULL = HEADER + ["Loại cán bộ", "Mã ngạch", "Bậc lương", "Hệ số lương", "Ngày hưởng bậc lương",
                 "Ngày tuyển dụng", "Chức vụ", "Mã vị trí việc làm", "Dân tộc", "Tôn giáo",
                 "Quê quán", "Trình độ chuyên môn", "Lý luận chính trị", "Ngày vào Đảng",
                 "Điện thoại", "Email"]


def run(path, *args, capsys):
    code = 0
    try:
        call_command("import_personnel", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def good_rows():
    return [
        FULL,
        ["CB001", "NGUYỄN VĂN AN", date(1980, 7, 5), "Nam", "008080012345", "A1", "Công chức",
         "01.003", 4, "3,33", date(2023, 4, 1), date(2005, 9, 1), "Trưởng phòng", "", "Kinh",
         "Không", "Xã Yên Sơn", "Cử nhân Luật", "Trung cấp", date(2010, 2, 3), "0912 345 678",
         "An.NV@Example.gov.vn"],
        ["CB002", "Trần Thị Bình", "1975", "nữ", "008175000001", "A1", "công chức", "01.002", 2,
         None, "01/01/2022", "1/9/2000", "Phó Trưởng phòng", "", "Tày", "", "", "", "", "",
         912345679, ""],
        ["CB003", "Lê Văn Cường", "03/1990", "NAM", 8090000002, "B", "", "", "", "", "", "", "", "",
         "", "", "", "", "", "", "", ""],
    ]


def test_a_clean_file_creates_people_with_their_history(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "p.xlsx", good_rows())
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0, doc
    assert doc == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0,
                   "errors": []}
    an = CivilServant.objects.get(code="CB001")
    assert an.full_name == "Nguyễn Văn An" and an.leadership == "head" and an.unit == world.unit_a1
    assert str(an.salary_coefficient) == "3.33"
    assert an.phone == "0912345678"
    assert an.email == "an.nv@example.gov.vn"
    assert an.assignments.get().start_date == date(2005, 9, 1)
    assert an.salary_records.get().start_date == date(2023, 4, 1)
    binh = CivilServant.objects.get(code="CB002")
    assert binh.birth_precision == "year" and binh.date_of_birth == date(1975, 1, 1)
    assert str(binh.salary_coefficient) == "4.74"
    assert binh.leadership == "deputy"
    assert binh.phone == "0912345679"
    cuong = CivilServant.objects.get(code="CB003")
    assert cuong.national_id == "008090000002"  # the numeric cell lost its leading zeros
    assert cuong.birth_precision == "month" and cuong.date_of_birth == date(1990, 3, 1)
    assert AuditEntry.objects.filter(action="create", source="import").count() == 3
    assert CareerEvent.objects.filter(kind=CareerEvent.Kind.IMPORTED).count() == 3


def test_reimporting_the_same_file_changes_nothing(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "p.xlsx", good_rows())
    run(path, capsys=capsys)
    counts = (CivilServant.objects.count(), Assignment.objects.count(),
              SalaryRecord.objects.count(), AuditEntry.objects.count())
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and (doc["created"], doc["updated"], doc["unchanged"]) == (0, 0, 3)
    assert (CivilServant.objects.count(), Assignment.objects.count(), SalaryRecord.objects.count(),
            AuditEntry.objects.count()) == counts


def test_a_changed_row_is_an_audited_career_step(world, tmp_path, capsys):
    rows = good_rows()
    run(write_workbook(tmp_path / "p.xlsx", rows), capsys=capsys)
    rows[1][5] = "B"  # moved to unit B
    rows[1][14] = "Tày"  # ethnicity corrected
    code, doc, _ = run(write_workbook(tmp_path / "p2.xlsx", rows), capsys=capsys)
    assert code == 0 and doc["updated"] == 1 and doc["unchanged"] == 2
    an = CivilServant.objects.get(code="CB001")
    assert an.unit == world.unit_b and an.ethnicity == "Tày"
    assert an.assignments.count() == 2
    assert an.assignments.get(end_date__isnull=True).unit == world.unit_b
    change = AuditEntry.objects.filter(object_id=str(an.pk), action="update").get()
    assert change.changes["ethnicity"] == ["Kinh", "Tày"] and change.source == "import"


@pytest.mark.parametrize(("cells", "column", "reason"), [
    ({2: "31/02/1990"}, "Ngày sinh", "không phải là ngày sinh"),
    ({2: date(2015, 1, 1)}, "Ngày sinh", "không hợp lý"),
    ({2: "1900"}, "Ngày sinh", "không hợp lý"),
    ({2: "12/05/2030"}, "Ngày sinh", "ở tương lai"),  # not "Tuổi -4 không hợp lý"
    ({3: "Khác"}, "Giới tính", "Nam hoặc Nữ"),
    ({4: "0080800123"}, "Số định danh cá nhân", "12 chữ số"),
    ({5: "KHONG-CO"}, "Mã đơn vị", "Không tìm thấy đơn vị"),
    ({7: "99.999"}, "Mã ngạch", "Không có mã ngạch"),
    ({8: 12}, "Bậc lương", "bậc từ 1 đến 9"),
    ({9: "2,50"}, "Hệ số lương", "có hệ số 3,33"),
    ({10: date(2099, 1, 1)}, "Ngày hưởng bậc lương", "tương lai"),
    ({11: date(1990, 1, 1)}, "Ngày tuyển dụng", "chưa đủ 18 tuổi"),
    ({20: "12"}, "Điện thoại", "số điện thoại"),
    ({21: "an@"}, "Email", "thư điện tử"),
    ({0: ""}, "Mã cán bộ", "Bắt buộc"),
])
def test_each_bad_cell_is_reported_and_nothing_is_written(world, tmp_path, capsys, cells, column,
                                                          reason):
    rows = good_rows()
    for index, value in cells.items():
        rows[1][index] = value
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", rows), capsys=capsys)
    assert code != 0 and CivilServant.objects.count() == 0
    assert doc["rejected"] == 1 and doc["created"] == 0
    errors = [e for e in doc["errors"] if e["row"] == 2]
    assert any(e["column"] == column and reason in e["message"] for e in errors), errors


def test_duplicates_in_the_file_and_against_the_database(world, tmp_path, capsys):
    rows = good_rows()
    rows.append(["CB001", "Người Trùng Mã", "01/01/1990", "Nam", "008090000099", "A1"] + [""] * 16)
    rows.append(["CB009", "Người Trùng Số", "01/01/1990", "Nam", "008080012345", "A1"] + [""] * 16)
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", rows), capsys=capsys)
    assert code != 0
    assert {(e["row"], e["column"]) for e in doc["errors"]} == {(5, "Mã cán bộ"),
                                                                (6, "Số định danh cá nhân")}
    run(write_workbook(tmp_path / "ok.xlsx", good_rows()), capsys=capsys)
    other = [FULL[:6], ["CB777", "Người Khác", "01/01/1980", "Nam", "008080012345", "A1"]]
    code, doc, _ = run(write_workbook(tmp_path / "p3.xlsx", other), capsys=capsys)
    assert code != 0 and "CB001" in doc["errors"][0]["message"]


def test_people_past_retirement_age_are_history_with_a_warning(world, tmp_path, capsys):
    rows = [HEADER, ["CB050", "Lê Văn Hưu", "12/03/1958", "Nam", "008058000001", "A1"]]
    code, doc, err = run(write_workbook(tmp_path / "p.xlsx", rows), capsys=capsys)
    assert code == 0 and doc["created"] == 1
    person = CivilServant.objects.get(code="CB050")
    assert person.status == CivilServant.Status.RETIRED and person.status_date == date(2018, 4, 1)
    assert "Dòng 2" in err and "quá tuổi nghỉ hưu" in err


def test_a_salary_step_after_retirement_is_a_row_error_and_nothing_is_written(
    world, tmp_path, capsys):
    # Retired on 31/03/2018 (ND 135/2020): a salary row from 2023 would end before it starts.
    rows = good_rows()[:2]
    rows.append(["CB050", "Lê Văn Hưu", "12/03/1958", "Nam", "008058000001", "A1", "Công chức",
                 "01.003", 4, "3,33", date(2023, 4, 1), date(1985, 9, 1)] + [""] * 10)
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", rows), capsys=capsys)
    assert code != 0 and doc["rejected"] == 1 and doc["created"] == 0
    assert [(e["row"], e["column"]) for e in doc["errors"]] == [(3, "Ngày hưởng bậc lương")]
    assert "01/04/2023" in doc["errors"][0]["message"]
    assert CivilServant.objects.count() == 0 and SalaryRecord.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(world, tmp_path, capsys):
    rows = good_rows()
    rows[2][3] = "?"
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", rows), "--skip-invalid", capsys=capsys)
    assert code == 0 and doc["created"] == 2 and doc["rejected"] == 1
    assert not CivilServant.objects.filter(code="CB002").exists()


def test_dry_run_writes_nothing(world, tmp_path, capsys):
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", good_rows()), "--dry-run", capsys=capsys)
    assert code == 0 and doc["created"] == 3 and CivilServant.objects.count() == 0


def test_an_officer_cannot_import_into_units_they_do_not_manage(world, officer_a, tmp_path, capsys):
    code, doc, _ = run(write_workbook(tmp_path / "p.xlsx", good_rows()), "--user", "officer_a",
                       capsys=capsys)
    assert code != 0 and [(e["row"], e["column"]) for e in doc["errors"]] == [(4, "Mã đơn vị")]
    assert CivilServant.objects.count() == 0


def test_headers_in_any_case_and_spacing_with_a_title_above(world, tmp_path, capsys):
    rows = [["MÃ CÁN BỘ", "họ và  tên", "NGAY SINH", "Giới Tính", "Số CCCD", "ma don vi"],
            ["X1", "Phạm Thị Dung", "5/6/1988", "Nữ", "008188000001", "A"]]
    path = write_workbook(tmp_path / "p.xlsx", rows, preamble=[["DANH SÁCH CÁN BỘ"], []])
    code, doc, _ = run(path, capsys=capsys)
    assert code == 0 and doc["created"] == 1
    assert doc["errors"] == []
