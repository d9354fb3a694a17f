"""Files as offices really send them (issue 17): a signature footer under the table, a two-level
header with a merged "LƯƠNG" group, columns nobody declared; dates read back dd/mm/yyyy."""
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from core.importing import read_table
from core.models import ImportJob
from personnel.importers import COLUMNS
from personnel.models import CivilServant

pytestmark = pytest.mark.django_db
HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị"]


def person(code, name, national_id, unit="A1", birth=date(1980, 7, 5), sex="Nam"):
    return [code, name, birth, sex, national_id, unit]


def workbook(path, rows, *, merges=(), preamble=()):
    book = Workbook()
    sheet = book.active
    for line in [*preamble, *rows]:
        sheet.append(list(line))
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


FOOTER = [
    [],
    [None, None, None, None, "Tuyên Quang, ngày 30 tháng 11 năm 2026"],
    [None, "Người lập biểu", None, None, "GIÁM ĐỐC"],
    [None, "(Ký, ghi rõ họ tên)", None, None, "(Ký tên, đóng dấu)"],
    [],
    [],
    [None, "Trần Thị Hoa", None, None, "Nguyễn Văn Minh"],
]


def run(path, capsys, *args):
    code = 0
    try:
        call_command("import_personnel", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_a_signature_footer_is_skipped_with_a_warning_and_the_rows_above_import(
    world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        HEADER,
        person("CB001", "Nguyễn Văn An", "008080012345"),
        person("CB002", "Lê Thị Bình", "008180012346", sex="Nữ"),
        *FOOTER,
    ], preamble=[["DANH SÁCH CÁN BỘ, CÔNG CHỨC"], []])
    code, doc, err = run(path, capsys)
    assert code == 0, doc
    assert doc == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0,
                   "errors": []}
    assert set(CivilServant.objects.values_list("code", flat=True)) == {"CB001", "CB002"}
    # Title, blank, header, two people, blank: the footer is Excel rows 7–12, 4 of them hold text.
    assert "4 dòng dưới bảng (dòng 7–12)" in err and "chữ ký" in err


def test_a_footer_in_the_code_column_with_its_distribution_list_is_skipped(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        HEADER,
        person("CB001", "Nguyễn Văn An", "008080012345"),
        ["Nơi nhận:", None, None, "KT. GIÁM ĐỐC"],
        ["- Như trên;", None, None, "PHÓ GIÁM ĐỐC"],
        ["- Lưu: VT, TCCB."],
        [None, None, None, "Nguyễn Văn Minh"],
    ])
    code, doc, err = run(path, capsys)
    assert code == 0 and doc["rows"] == 1 and doc["created"] == 1, doc
    assert "4 dòng dưới bảng (dòng 3–6)" in err


def test_a_totals_line_closing_the_table_is_part_of_the_footer(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        HEADER,
        person("CB001", "Nguyễn Văn An", "008080012345"),
        person("CB002", "Lê Thị Bình", "008180012346", sex="Nữ"),
        ["Tổng cộng: 2 người", None, None, None, 2],
        *FOOTER,
    ])
    code, doc, err = run(path, capsys)
    assert code == 0 and doc["rows"] == 2 and doc["created"] == 2, doc
    assert "5 dòng dưới bảng (dòng 4–11)" in err


def test_a_bad_row_before_the_footer_is_still_reported(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        [*HEADER, "Chức vụ"],
        person("CB001", "Nguyễn Văn An", "008080012345"),
        person("CB002", "Lê Thị Bình", "12345", sex="Nữ"),  # a bad ID number, on Excel row 3
        # No code, and a title that starts like a signature ("Trưởng phòng"): still a data row.
        [None, "Phạm Văn Cường", date(1985, 1, 2), "Nam", "008085000001", "A1", "Trưởng phòng"],
        *FOOTER,
    ])
    code, doc, err = run(path, capsys)
    assert code == 1 and doc["rows"] == 3 and doc["rejected"] == 2 and doc["created"] == 0
    assert {(e["row"], e["column"]) for e in doc["errors"]} == {(3, "Số định danh cá nhân"),
                                                                (4, "Mã cán bộ")}
    assert not any(e["row"] >= 5 for e in doc["errors"])  # the footer is not data
    assert not CivilServant.objects.exists()


def test_a_data_row_whose_title_looks_like_a_footer_word_is_data(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        [*HEADER, "Chức vụ"],
        [*person("CB001", "Nguyễn Văn An", "008080012345"), "Giám đốc"],
        [*person("CB002", "Lê Thị Bình", "008180012346", sex="Nữ"), "Trưởng phòng"],
    ])
    code, doc, err = run(path, capsys)
    assert code == 0 and doc["created"] == 2 and "chữ ký" not in err
    assert CivilServant.objects.get(code="CB001").title == "Giám đốc"


def two_level_rows():
    upper = [*HEADER, "LƯƠNG", None, None, None, "Ghi chú"]
    lower = [None] * 6 + ["Mã ngạch", "Bậc", "Hệ số", "Ngày hưởng", None]
    return [upper, lower,
            [*person("CB001", "Nguyễn Văn An", "008080012345"), "01.003", 4, "3,33",
             date(2023, 4, 1), ""],
            [*person("CB002", "Lê Thị Bình", "008180012346", sex="Nữ"), "01.003", 2, "2,67",
             date(2024, 1, 1), "Nghỉ thai sản"]]


def test_a_two_level_salary_header_imports_the_four_salary_values(world, tmp_path, capsys):
    merges = [f"{c}1:{c}2" for c in "ABCDEF"] + ["G1:J1", "K1:K2"]
    path = workbook(tmp_path / "luong.xlsx", two_level_rows(), merges=merges)
    code, doc, err = run(path, capsys)
    assert code == 0, doc
    assert doc["created"] == 2 and doc["errors"] == []
    an = CivilServant.objects.get(code="CB001")
    assert an.rank.code == "01.003" and an.salary_step == 4 and str(an.salary_coefficient) == "3.33"
    assert an.salary_step_date == date(2023, 4, 1)
    assert CivilServant.objects.get(code="CB002").salary_step == 2
    # Excel row numbers count both header rows: the data start on row 3.
    assert "Cột “Ghi chú” không được nhập." in err


def test_a_two_level_header_is_read_when_the_group_is_above_the_detected_row(world):
    # The required headers are on the lower row; "Họ và tên" is merged down from the upper one.
    upper = ["THÔNG TIN", None, None, None, None, None, "LƯƠNG", None]
    lower = ["Mã cán bộ", None, "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị",
             "Bậc", "Hệ số"]
    upper[1] = "Họ và tên"
    rows = [upper, lower,
            ["CB001", "Nguyễn Văn An", date(1980, 7, 5), "Nam", "008080012345", "A1", 4, "3,33"]]
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        table = read_table(workbook(Path(folder) / "t.xlsx", rows, merges=["B1:B2", "G1:H1"]),
                           COLUMNS)
    assert {c.field for c in table.columns} >= {"full_name", "salary_step", "salary_coefficient"}
    assert table.header_row == 2 and [r.number for r in table.rows] == [3]


def test_the_row_numbering_the_columns_under_the_header_is_not_a_person(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        person("CB001", "Nguyễn Văn An", "008080012345")])
    code, doc, err = run(path, capsys)
    assert code == 0 and doc["rows"] == 1 and doc["created"] == 1, doc


def test_an_unknown_column_is_named_in_a_warning(world, tmp_path, capsys):
    path = workbook(tmp_path / "ds.xlsx", [
        [*HEADER, "Số sổ BHXH"],
        [*person("CB001", "Nguyễn Văn An", "008080012345"), "0123456789"],
    ])
    code, doc, err = run(path, capsys)
    assert code == 0 and doc["created"] == 1
    assert "Cột “Số sổ BHXH” không được nhập." in err


def test_a_header_that_looks_like_a_salary_column_but_cannot_be_placed_is_refused(
    world, tmp_path, capsys):
    upper = [*HEADER, "LƯƠNG", None]
    lower = [None] * 6 + ["Ngạch", "Hệ số lương hiện hưởng"]
    path = workbook(tmp_path / "ds.xlsx", [
        upper, lower, [*person("CB001", "Nguyễn Văn An", "008080012345"), "01.003", "3,33"]],
        merges=[f"{c}1:{c}2" for c in "ABCDEF"] + ["G1:H1"])
    code, doc, err = run(path, capsys)
    assert code == 1 and doc["created"] == 0 and doc["rows"] == 0
    columns = {e["column"] for e in doc["errors"]}
    assert columns == {"Ngạch", "Hệ số lương hiện hưởng"}
    assert any("Mã ngạch" in e["message"] for e in doc["errors"])
    assert not CivilServant.objects.exists()


def upload(client, path, on_commit):
    with path.open("rb") as handle, on_commit(execute=True):
        response = client.post(reverse("core:import_create", args=["personnel"]), {"file": handle})
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_preview_and_error_sheet_show_dates_dd_mm_yyyy_and_the_kind_in_vietnamese(
        client, world, officer_a, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(officer_a)
    path = workbook(tmp_path / "ds.xlsx", [
        [*HEADER, "Ngày tuyển dụng"],
        [*person("CB001", "Nguyễn Văn An", "12345", birth=date(1980, 7, 5)), date(2026, 11, 30)],
    ])
    job = upload(client, path, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    page = client.get(reverse("core:import_detail", args=[job.pk])).content.decode()
    assert "30/11/2026" in page and "05/07/1980" in page
    assert "2026-11-30" not in page and "1980-07-05" not in page
    assert "Hồ sơ cán bộ" in page
    sheet = client.get(reverse("core:import_errors", args=[job.pk])).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet)).get_sheet_by_index(0).to_python()
    assert "05/07/1980" in rows[1] and "30/11/2026" in rows[1]
    listing = client.get(reverse("core:import_list")).content.decode()
    assert "Hồ sơ cán bộ" in listing and "<td>personnel</td>" not in listing


def test_an_import_of_several_sheets_names_the_sheet_of_an_unknown_column(world, tmp_path, capsys):
    from tests.xlsx import write_workbook

    path = write_workbook(tmp_path / "vtvl.xlsx", [
        ["Mã đơn vị", "Mã vị trí", "Tên vị trí", "Nhóm", "Ghi chú"],
        ["A1", "CV", "Chuyên viên", "Chuyên môn", "mới"]], title="Vị trí việc làm")
    code = 0
    try:
        call_command("import_positions", str(path), "--json")
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    assert code == 0, out.out
    assert "Trang tính “Vị trí việc làm”: Cột “Ghi chú” không được nhập." in out.err
