"""``streamlining_calculate FILE.xlsx --json``: the cases priced as the README documents them, or,
when any row is refused, nothing priced and the import summary with row, column and reason."""
import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from streamlining.importers import StreamliningCaseImporter
from tests.xlsx import write_workbook

HEADERS = ["Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Loại cán bộ", "Ngày nghỉ",
           "Phương án", "Căn cứ", "Hệ số lương", "Phụ cấp chức vụ", "Phụ cấp công vụ (%)",
           "Phụ cấp khu vực", "Số tháng đóng BHXH", "Ngày quyết định sắp xếp"]
# MOHA CV 1814 examples 1 (Mr C, early retirement) and 2 (Mr M, resignation), as an office types
# them.
MR_C = ["C-01", "Nguyễn Văn C", "Nam", date(1966, 1, 15), "Công chức", date(2025, 5, 1),
        "Nghỉ hưu trước tuổi", "NĐ 178/2024/NĐ-CP", 4.65, 0.6, 25, 0.2, 264, "01/03/2025"]
MR_M = ["M-01", "Nguyễn Văn M", "Nam", "15/06/1975", "Công chức", "01/06/2025", "Nghỉ thôi việc",
        "ND178", "3,66", None, 0.25, None, 180, date(2025, 3, 1)]
CASE_KEYS = {"code", "rule_set", "option", "months_early", "years_early", "si_years", "amounts",
             "total"}


def run(path) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command("streamlining_calculate", str(path), "--json", stdout=out)
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue()
    assert text.count("\n") == 1
    return code, json.loads(text)


def test_a_batch_is_priced_to_the_dong(tmp_path):
    code, document = run(write_workbook(tmp_path / "ds.xlsx", [HEADERS, MR_C, MR_M]))
    assert code == 0 and set(document) == {"cases"}
    first, second = document["cases"]
    assert set(first) == CASE_KEYS == set(second)
    assert first == {"code": "C-01", "rule_set": "STREAM-ND178-ND67", "option": "early_retirement",
                     "months_early": 30, "years_early": 2.5, "si_years": 22,
                     "amounts": {"one_time_months": 460_687_500, "per_year_early": 191_953_125,
                                 "si_years": 92_137_500},
                     "total": 744_778_125}
    # A percentage cell (0.25 shown as 25 %) reads as 25 %.
    assert second["amounts"] == {"severance": 513_864_000, "per_si_year": 240_873_750,
                                 "job_search": 32_116_500}
    assert second["total"] == 786_854_250 and second["months_early"] == 0


def test_a_refused_row_names_row_column_and_reason_and_nothing_is_priced(tmp_path):
    # 18 SI years before 1/7/2025: no pension, no early retirement
    too_few_years = [*MR_C[:12], 216, MR_C[13]]
    bad_option = [*MR_M[:6], "Ở lại", *MR_M[7:]]
    code, document = run(write_workbook(tmp_path / "ds.xlsx",
                                        [HEADERS, MR_M, too_few_years, bad_option]))
    assert code == 1 and "cases" not in document
    assert document["rows"] == 3 and document["rejected"] == 2
    assert [(e["row"], e["column"]) for e in document["errors"]] == [(3, "Số tháng đóng BHXH"),
                                                                     (4, "Phương án")]
    assert "Chưa đủ 20 năm đóng BHXH" in document["errors"][0]["message"]
    assert "Ở lại" in document["errors"][1]["message"]


def test_a_cell_that_is_not_a_date_is_refused(tmp_path):
    row = [*MR_C[:5], "sau Tết", *MR_C[6:]]
    code, document = run(write_workbook(tmp_path / "ds.xlsx", [HEADERS, row]))
    assert code == 1
    assert document["errors"][0]["row"] == 2
    assert document["errors"][0]["column"] == "Ngày nghỉ"


def test_a_reorganisation_case_without_the_decision_date_is_refused_in_that_column(tmp_path):
    code, document = run(write_workbook(tmp_path / "ds.xlsx", [HEADERS, [*MR_C[:13], None]]))
    assert code == 1 and document["errors"][0]["column"] == "Ngày quyết định sắp xếp"


def test_a_file_without_the_headers_is_refused_as_a_whole(tmp_path):
    code, document = run(write_workbook(tmp_path / "ds.xlsx", [["Ghi chú", "STT"], ["x", 1]]))
    assert code == 1 and document["rows"] == 0 and document["errors"]


def test_the_text_output_shows_the_breakdown(tmp_path):
    out = io.StringIO()
    call_command("streamlining_calculate",
                 str(write_workbook(tmp_path / "ds.xlsx", [HEADERS, MR_C])), stdout=out)
    text = out.getvalue()
    assert "C-01 · STREAM-ND178-ND67 · Nghỉ hưu trước tuổi · tổng 744.778.125 đ" in text
    assert "= 6,5625 × 2.340.000 = 15.356.250 đ" in text


@pytest.mark.parametrize(("raw", "ground"),
                         [("ND178", "ND178"), ("Nghị định 154/2025/NĐ-CP", "ND154"),
                                             ("NĐ 177", "ND177")])
def test_the_ground_is_read_from_the_decree_number(raw, ground):
    from streamlining.importers import parse_ground

    assert parse_ground(raw) == ground


def test_the_template_has_every_header():
    assert StreamliningCaseImporter.template_bytes()
