"""Exit allowances against the Ministry's worked examples (CV 1814/BNV-TCBC) and the DERIVED checks
of STREAMLINING.md, one case a row of tests/rules/data/streamlining_cases.csv, plus the rules a row
cannot show (breakdown lines, options side by side, notes on what is unconfirmed)."""
import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from streamlining.rules import (
    EARLY_RETIREMENT,
    JOB_SEARCH,
    ND154,
    ND177,
    ND178,
    RESIGNATION,
    CaseInput,
    calculate,
    options_for,
    reasons_not_eligible,
)
from streamlining.rules.engine import years_rounded

TABLE = Path(__file__).parent.parent / "rules" / "data" / "streamlining_cases.csv"
AMOUNT_COLUMNS = {"one_time_months": "one_time_months", "per_year_early": "per_year_early",
                  "si_years_amount": "si_years", "severance": "severance",
                  "per_si_year": "per_si_year", "job_search": "job_search"}


def _date(text: str) -> date | None:
    if not text:
        return None
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def _rows():
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def case_of(row) -> CaseInput:
    kinds = ("leadership", "public_service", "reserved_difference", "regional")
    allowances = {kind: Decimal(row[kind]) for kind in kinds if row[kind]}
    return CaseInput(
        code=row["id"], category=row["category"], sex=row["sex"], date_of_birth=_date(row["birth"]),
        leaving_date=_date(row["leaving"]), option=row["option"], ground=row["ground"],
        coefficient=Decimal(row["coefficient"]), allowances=allowances,
        si_months=int(row["si_months"]), reorganisation_date=_date(row["reorganisation"]),
    )


ROWS = _rows()


@pytest.mark.parametrize("row", [r for r in ROWS if not r["error"]], ids=lambda r: r["id"])
def test_amounts_to_the_dong(row):
    result = calculate(case_of(row))
    assert result.rule_set == row["rule_set"]
    assert result.months_early == int(row["months_early"])
    assert result.years_early == Decimal(row["years_early"])
    assert result.si_years == Decimal(row["si_years"])
    expected = {key: int(row[column]) for column, key in AMOUNT_COLUMNS.items() if row[column]}
    assert result.amounts == expected
    assert result.total == int(row["total"]) == sum(expected.values())


@pytest.mark.parametrize("row", [r for r in ROWS if r["error"]], ids=lambda r: r["id"])
def test_cases_that_do_not_qualify_are_refused_with_the_reason(row):
    with pytest.raises(ValueError, match=row["error"]):
        calculate(case_of(row))


@pytest.mark.parametrize(("months", "years"), [
    (0, "0"), (12, "1"), (24, "2"), (25, "2.5"), (30, "2.5"), (31, "3"), (35, "3"), (36, "3"),
    (60, "5"), (61, "5.5"), (84, "7"),
])
def test_odd_months_round_to_half_or_whole_years(months, years):
    # SM §1.3: 1–6 odd months are half a year (MOHA: 30 months → 2.5), more than 6 a whole year.
    assert years_rounded(months) == Decimal(years)


def _row(name: str) -> CaseInput:
    return case_of(next(r for r in ROWS if r["id"] == name))


def test_breakdown_shows_the_salary_each_amount_and_what_is_left_out():
    result = calculate(_row("moha_1_mr_c"))
    text = "\n".join(result.lines)
    assert "= 6,5625 × 2.340.000 = 15.356.250 đ" in text
    assert ("Trợ cấp hưu trí một lần cho số tháng nghỉ sớm = 15.356.250 × 1 × 30 tháng "
            "= 460.687.500 đ") in text
    assert "15.356.250 × 5 tháng × 2,5 năm = 191.953.125 đ" in text
    assert "Không tính vào tiền lương tháng hiện hưởng: phụ cấp khu vực 0,2" in text
    assert result.lines[-1] == "Tổng cộng = 744.778.125 đ"
    assert result.inputs["monthly_salary"] == 15356250
    assert result.inputs["pension_start"] == "2027-11-01"
    assert result.inputs["band"] == "A" and result.inputs["window"] == "first_12_months"
    assert result.formula_version.startswith("ND178/2024+ND67/2025")


def test_the_si_allowance_from_1_7_2025_says_so_in_the_formula_version():
    result = calculate(_row("c_si_from_1_7_2025"))
    assert "01/07/2025" in result.formula_version
    assert "4 tháng cho 15 năm đầu" in result.formula_version


def test_public_employees_get_no_job_search_allowance_and_are_told_why():
    result = calculate(_row("mr_m_public_employee"))
    assert JOB_SEARCH not in result.amounts
    assert any("bảo hiểm thất nghiệp" in note for note in result.notes)


def test_the_base_salary_of_the_month_before_leaving_applies():
    # 2,530,000 from 1/7/2026 (ND 161/2026): leaving on 1/7/2026 still uses June's 2,340,000.
    case = replace(_row("nd154_mr_m_resigns"), leaving_date=date(2026, 7, 1))
    assert calculate(case).inputs["base_salary"] == 2_340_000
    later = calculate(replace(case, leaving_date=date(2026, 8, 1)))
    assert later.inputs["base_salary"] == 2_530_000
    assert later.amounts["job_search"] == 27_779_400  # 3 × 3.66 × 2,530,000
    assert calculate(replace(case, base_salary=2_000_000)).inputs["base_salary"] == 2_000_000


def test_options_side_by_side_under_both_decrees():
    # Mr C's profile leaving on 1/11/2025 after a reorganisation: ND 178 and ND 154 both price early
    # retirement; resignation is for those who cannot retire early.
    case = replace(_row("band_a_36_months"), option="", ground="")
    results = options_for(case)
    assert [(r.ground, r.option) for r in results] == [(ND178, EARLY_RETIREMENT),
                                                       (ND154, EARLY_RETIREMENT)]
    assert [r.total for r in results] == [898_340_625, 257_985_000]
    reasons = reasons_not_eligible(case)
    assert set(reasons) == {"ND178:resignation", "ND154:resignation"}
    assert "Đủ điều kiện nghỉ hưu trước tuổi" in reasons["ND178:resignation"]


def test_a_young_person_can_only_resign():
    case = replace(_row("moha_2_mr_m"), option="", ground="", leaving_date=date(2025, 8, 1))
    assert [(r.ground, r.option) for r in options_for(case)] == [(ND178, RESIGNATION),
                                                                 (ND154, RESIGNATION)]


def test_nd154_notes_the_unconfirmed_rounding_of_odd_months():
    case = replace(_row("nd154_c_36_months"), si_months=267)
    assert any("chưa được xác nhận" in note for note in calculate(case).notes)


def test_nd154_under_two_years_prices_nothing_and_says_why():
    case = replace(_row("band_c_first_12"), ground=ND154, reorganisation_date=None)
    result = calculate(case)
    assert result.total == 0 and any("dưới 2 năm" in note for note in result.notes)


def test_nd177_is_marked_unconfirmed():
    case = replace(_row("band_a_36_months"), ground=ND177, category="cadre")
    result = calculate(case)
    assert result.rule_set == "STREAM-ND177"
    # leaving after 1/7/2025: 5 months for the first 15 SI years + 0.5 × 7 (as reported,
    # unconfirmed)
    assert result.amounts == {"per_year_early": 230_343_750, "si_years": 130_528_125}
    assert any("chưa đối chiếu" in note for note in result.notes)
    with pytest.raises(ValueError, match="không thuộc diện"):
        calculate(replace(case, category="public_employee"))


def test_no_float_anywhere_in_the_amounts():
    result = calculate(_row("si_odd_months_derived"))
    assert all(type(amount) is int for amount in result.amounts.values())
    assert result.amounts["si_years"] == 95_976_563  # 15,356,250 × 6.25 = 95,976,562.5, half up


@pytest.mark.parametrize(("field", "value", "message"), [
    ("ground", "ND999", "Căn cứ không hợp lệ"),
    ("option", "stay", "Phương án không hợp lệ"),
    ("sex", "x", "Giới tính"),
    ("coefficient", Decimal(0), "Thiếu hệ số lương"),
    ("allowances", {"bonus": Decimal(1)}, "Loại phụ cấp không xác định"),
    ("leaving_date", date(2024, 6, 1), "Không có quy định ND178"),
])
def test_bad_input_is_refused_in_vietnamese(field, value, message):
    with pytest.raises(ValueError, match=message):
        calculate(replace(_row("moha_1_mr_c"), **{field: value}))


def test_a_refusal_names_the_field_it_is_about():
    from streamlining.rules import CaseError

    with pytest.raises(CaseError) as refused:
        calculate(replace(_row("moha_1_mr_c"), si_months=216))
    assert refused.value.field == "si_months"
    with pytest.raises(CaseError) as refused:
        calculate(replace(_row("moha_1_mr_c"), reorganisation_date=None))
    assert refused.value.field == "reorganisation_date"


def test_the_nd178_cut_off_is_configuration(settings):
    case = _row("band_a_36_months")  # leaving 1/11/2025
    assert calculate(case).rule_set == "STREAM-ND178-ND67"
    settings.STREAMLINING_ND178_LAST_LEAVING_DATE = date(2025, 8, 31)
    with pytest.raises(ValueError, match="31/08/2025"):
        calculate(case)
    assert [r.ground for r in options_for(replace(case, ground="", option=""))] == [ND154]


def test_a_leaving_date_after_the_first_counts_from_the_next_month():
    # The pension is paid by month from the first day: leaving on 15/4/2025 is the May pension
    # start.
    case = replace(_row("moha_1_mr_c"), leaving_date=date(2025, 4, 15))
    assert calculate(case).months_early == 30


def test_a_fraction_of_a_dong_is_shown_in_the_salary_line():
    # 3.33 × 2,340,000 × 1.25 is whole; 7 % excess seniority on 4.98 at a base of 1,490,001 is not.
    case = replace(_row("moha_1_mr_c"), base_salary=1_490_001,
                   allowances={"public_service": Decimal(25), "excess_seniority": Decimal(7)})
    line = calculate(case).lines[1]
    assert line.endswith(" đ") and "," in line.rsplit("=", 1)[1]


def test_part_time_commune_workers_are_told_to_use_their_own_rules():
    with pytest.raises(ValueError, match="không chuyên trách cấp xã"):
        calculate(replace(_row("moha_1_mr_c"), category="commune_part_time"))
