"""import_recruitment and recruitment_results as the issue names them."""
import json
from datetime import date

import pytest
from django.core.management import call_command

from recruitment.models import Application, RecruitmentRound
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
ROUND = [
    "Mã đợt", "Tên đợt", "Ngày thông báo", "Hình thức vòng 2", "Trọng số thi viết (%)",
    "Trọng số phỏng vấn (%)",
]
QUOTA = ["Mã vị trí", "Tên vị trí", "Mã ngạch", "Chỉ tiêu", "Yêu cầu ngoại ngữ"]
CANDIDATES = [
    "Số báo danh", "Họ và tên", "Ngày sinh", "Giới tính", "Mã vị trí", "Đối tượng ưu tiên",
    "Vòng 1 - kiến thức chung (số câu đúng)", "Vòng 1 - ngoại ngữ (số câu đúng)", "Miễn ngoại ngữ",
    "Điểm thi viết", "Điểm phỏng vấn",
]


def workbook(tmp_path, round_row, quotas, candidates, name="td.xlsx"):
    return write_workbook(
        tmp_path / name,
        [ROUND, round_row],
        title="Đợt tuyển dụng",
        extra_sheets={"Chỉ tiêu": [QUOTA, *quotas], "Thí sinh": [CANDIDATES, *candidates]},
    )


def run(command, *args, capsys):
    code = 0
    try:
        call_command(command, *args, "--json")
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


ND170_ROUND = [
    "TD2026", "Thi tuyển công chức 2026", date(2026, 3, 15), "Thi viết và phỏng vấn", 70, 30,
]
QUOTAS = [["CV-QLCC", "Chuyên viên quản lý công chức", "01.003", 1, "Không"],
          ["CV-KT", "Chuyên viên kế toán", "06.031", 2, ""]]


def test_a_round_is_imported_then_ranked_by_nd170(world, tmp_path, capsys):
    path = workbook(tmp_path, ND170_ROUND, QUOTAS, [
        ["0001", "Nguyễn Văn An", "05/07/1998", "Nam", "CV-QLCC", "", 42, "", "", 74, 74],
        ["0002", "Trần Thị Bình", "12/03/1997", "Nữ", "CV-QLCC", "DTTS", 35, "", "", "70", "60"],
        ["0003", "Lê Văn Cường", "01/01/1999", "Nam", "CV-QLCC", "NVQS; CDCS", 29, "", "", 90, 90],
        ["0004", "Phạm Thị Dung", "02/02/1996", "Nữ", "CV-KT", "", 50, "", "", 80, 45],
        ["0005", "Hoàng Văn Em", "03/03/1995", "Nam", "CV-KT", "", 45, "", "", 55, 60],
    ])
    code, doc = run("import_recruitment", str(path), capsys=capsys)
    assert code == 0 and doc["errors"] == [] and doc["created"] == 1 + 2 + 5, doc
    code, results = run("recruitment_results", "TD2026", capsys=capsys)
    assert code == 0 and results["round"] == "TD2026" and results["rule_set"] == "REC-ND170"
    by_number = {c["number"]: c for c in results["candidates"]}
    an = by_number["0001"]
    assert set(an) == {
        "number", "name", "position", "round1_passed", "professional_score", "priority_points",
        "total", "rank", "result",
    }
    assert an["professional_score"] == 74 and an["total"] == 74 and an["position"] == "CV-QLCC"
    binh = by_number["0002"]  # 0.7 × 70 + 0.3 × 60 = 67.00, +5 ethnic minority = 72 < 74
    assert (binh["professional_score"], binh["priority_points"], binh["total"]) == (67, 5, 72)
    assert (an["result"], an["rank"], binh["result"]) == ("PASSED", 1, "FAILED")
    cuong = by_number["0003"]  # 29 of 60 in round 1: fails
    assert (
        cuong["round1_passed"] is False and cuong["result"] == "FAILED" and cuong["total"] is None
    )
    dung = by_number["0004"]  # interview 45 < 50: ND 170 needs each part ≥ 50
    assert dung["result"] == "FAILED"
    assert by_number["0005"]["result"] == "PASSED"  # 2 posts, one eligible candidate


def test_reimporting_changes_nothing(world, tmp_path, capsys):
    path = workbook(
        tmp_path,
        ND170_ROUND,
        QUOTAS,
        [["0001", "Nguyễn Văn An", "05/07/1998", "Nam", "CV-QLCC", "", 42, "", "", 74, 74]],
    )
    run("import_recruitment", str(path), capsys=capsys)
    code, doc = run("import_recruitment", str(path), capsys=capsys)
    assert code == 0 and (doc["created"], doc["updated"], doc["unchanged"]) == (0, 0, 4)
    assert Application.objects.count() == 1


def test_every_bad_cell_is_reported_by_sheet_row_and_column_and_nothing_is_written(
    world, tmp_path, capsys
):
    bad_round = ["TD", "Đợt", "32/13/2026", "Thi nói", 70, 20]
    path = workbook(
        tmp_path,
        bad_round,
        [["CV", "Chuyên viên", "9.99", 0, ""], ["CV", "Trùng", "", 1, ""]],
        [
            ["01", "An", "1/1/1998", "Nam", "KHONG", "XYZ", 70, "", "", 101, ""],
            ["01", "Bình", "1/1/1998", "Khác", "CV", "", "abc", "", "", "", ""],
        ],
    )
    code, doc = run("import_recruitment", str(path), capsys=capsys)
    assert code != 0 and RecruitmentRound.objects.count() == 0
    found = {(e["sheet"], e["row"], e["column"]) for e in doc["errors"]}
    assert {
        ("Đợt tuyển dụng", 2, "Ngày thông báo"), ("Đợt tuyển dụng", 2, "Hình thức vòng 2"),
        ("Chỉ tiêu", 2, "Mã ngạch"), ("Chỉ tiêu", 2, "Chỉ tiêu"), ("Chỉ tiêu", 3, "Mã vị trí"),
        ("Thí sinh", 2, "Mã vị trí"), ("Thí sinh", 2, "Đối tượng ưu tiên"),
        ("Thí sinh", 2, "Điểm thi viết"), ("Thí sinh", 3, "Số báo danh"),
        ("Thí sinh", 3, "Giới tính"), ("Thí sinh", 3, "Vòng 1 - kiến thức chung (số câu đúng)"),
    } <= found
    assert all(e["message"] for e in doc["errors"])


def test_weights_must_add_up_to_100(world, tmp_path, capsys):
    path = workbook(
        tmp_path, ["TD", "Đợt", "15/03/2026", "Thi viết và phỏng vấn", 70, 20], QUOTAS, []
    )
    code, doc = run("import_recruitment", str(path), capsys=capsys)
    assert code != 0 and doc["errors"][0]["column"] == "Trọng số phỏng vấn (%)"


def test_nd138_round_uses_the_language_part_and_the_round2_tie_break(world, tmp_path, capsys):
    round_row = ["TD2023", "Thi tuyển 2023", date(2023, 5, 10), "Thi viết", 100, 0]
    quotas = [["CV", "Chuyên viên", "01.003", 1, "Tiếng Anh"]]
    path = workbook(tmp_path, round_row, quotas, [
        ["01", "An", "1/1/1998", "Nam", "CV", "NVQS", 40, 20, "", 77.5, ""],   # 77.5 + 2.5 = 80
        # exempt from language; 75 + 5 = 80
        ["02", "Bình", "1/1/1998", "Nữ", "CV", "DTTS", 40, 10, "x", 75, ""],
        # 14 of 30 in language: fails
        ["03", "Cúc", "1/1/1998", "Nữ", "CV", "", 40, 14, "", 95, ""],
    ])
    run("import_recruitment", str(path), capsys=capsys)
    _, results = run("recruitment_results", "TD2023", capsys=capsys)
    by = {c["number"]: c for c in results["candidates"]}
    assert results["rule_set"] == "REC-ND138"
    assert by["03"]["round1_passed"] is False
    # higher round-2 score wins the tie
    assert (by["01"]["result"], by["02"]["result"]) == ("PASSED", "FAILED")


def test_a_tie_no_rule_breaks_goes_to_the_head(world, tmp_path, capsys):
    path = workbook(
        tmp_path, ["TD", "Đợt", date(2026, 3, 15), "Thi viết", 100, 0], [["CV", "CV", "", 1, ""]],
        [
            ["01", "An", "1/1/1998", "Nam", "CV", "", 40, "", "", 80, ""],
            ["02", "Bình", "1/1/1998", "Nữ", "CV", "", 45, "", "", 80, ""],
        ],
    )
    run("import_recruitment", str(path), capsys=capsys)
    _, results = run("recruitment_results", "TD", capsys=capsys)
    assert [c["result"] for c in results["candidates"]] == ["HEAD_DECIDES", "HEAD_DECIDES"]
