"""RET-ND135 against the decree's own table (ND 135/2020 Appendix I), every birth month
1958–1980."""
import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.dates import last_day_of_month
from personnel.rules.retirement import birth_range, retirement_of

TABLE = Path(__file__).parent / "data" / "nd135_appendix1.csv"


def _month(text: str) -> int:
    month, year = text.split("/")
    return int(year) * 12 + int(month) - 1


def appendix_rows():
    with TABLE.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if not line.startswith("#")):
            sex, start, end, years, months = row
            yield sex, _month(start), _month(end) if end else 10**9, int(years) * 12 + int(months)


ROWS = list(appendix_rows())


def expected_for(sex: str, birth: date):
    index = birth.year * 12 + birth.month - 1
    for row_sex, start, end, age in ROWS:
        if row_sex == sex and start <= index <= end:
            reached = index + age
            return age, last_day_of_month(date(reached // 12, reached % 12 + 1, 1))
    raise AssertionError(f"no appendix row for {sex} born {birth}")


BIRTH_MONTHS = [date(year, month, 15) for year in range(1958, 1981) for month in range(1, 13)]


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("birth", BIRTH_MONTHS, ids=lambda d: d.strftime("%m-%Y"))
def test_retirement_matches_appendix_i(sex, birth):
    age, retirement_date = expected_for(sex, birth)
    result = retirement_of(birth, sex)
    assert (result.age_years * 12 + result.age_months) == age
    assert result.retirement_date == retirement_date
    assert result.pension_start == retirement_date + timedelta(days=1)
    assert result.rule_set == ("RET-ND135" if retirement_date.year >= 2021 else "RET-LC2012")


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("year", range(1958, 1981))
def test_year_only_birth_counts_from_the_first_of_january(sex, year):
    age, retirement_date = expected_for(sex, date(year, 1, 1))
    assert retirement_of(date(year, 1, 1), sex).retirement_date == retirement_date


@pytest.mark.parametrize(("sex", "birth", "age", "pension"), [
    # Worked examples quoted with the decree: men born 1/1961 reach 60y3m in 4/2021, pension 5/2021.
    ("male", date(1961, 1, 1), (60, 3), date(2021, 5, 1)),
    ("male", date(1964, 1, 1), (61, 3), date(2025, 5, 1)),
    ("male", date(1965, 1, 1), (61, 6), date(2026, 8, 1)),
    ("male", date(1968, 1, 1), (62, 0), date(2030, 2, 1)),
    ("female", date(1966, 8, 20), (55, 4), date(2022, 1, 1)),
    ("female", date(1975, 5, 1), (60, 0), date(2035, 6, 1)),
])
def test_worked_examples(sex, birth, age, pension):
    result = retirement_of(birth, sex)
    assert (result.age_years, result.age_months) == age
    assert result.pension_start == pension


def test_notices_fall_six_and_three_months_before():
    result = retirement_of(date(1965, 3, 10), "male")  # 61y6m → 30/09/2026
    assert result.retirement_date == date(2026, 9, 30)
    assert result.notice_due == date(2026, 3, 31)
    assert result.decision_due == date(2026, 6, 30)


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 7, 15), date(2026, 2, 10)),
    (date(2021, 1, 1), date(2021, 3, 31)), (date(2030, 6, 1), date(2035, 12, 31)),
])
def test_birth_range_selects_exactly_the_people_retiring_in_the_range(sex, start, end):
    found = birth_range(sex, start, end)
    births = [date(1950, 1, 1) + timedelta(days=d) for d in range(0, 365 * 30, 11)]
    expected = [b for b in births if start <= retirement_of(b, sex).retirement_date <= end]
    selected = [b for b in births if found and found[0] <= b <= found[1]]
    assert selected == expected
    if not expected:  # nobody retires in Q1 2021: the roadmap's first step moves them to April/May
        assert found is None


@pytest.fixture
def roadmap_2040(monkeypatch):
    """A later roadmap registered for the test only: from 1/1/2040 men retire at 70, women at 50."""
    from core.rules import registry
    from personnel.rules import retirement

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_FAMILIES",
                        {name: list(sets) for name, sets in registry._FAMILIES.items()})
    # results are cached per birth month under the rules of the day
    retirement._retirement.cache_clear()
    registry.register(retirement.RetirementRuleSet(
        code="RET-TEST2040", family="retirement", title="Thử", legal_basis="Thử",
        valid_from=date(2040, 1, 1), first_year_age={"male": 840, "female": 600},
        yearly_step={"male": 0, "female": 0}, final_age={"male": 840, "female": 600}))
    yield
    retirement._retirement.cache_clear()


@pytest.mark.usefixtures("roadmap_2040")
@pytest.mark.parametrize(("sex", "birth", "retires"), [
    ("male", date(1980, 6, 15), date(2050, 6, 30)),  # 62 in 2042 is too young by then: 70, in 2050
    # 50 in 2045, five years before the old youngest age
    ("female", date(1995, 3, 10), date(2045, 3, 31)),
])
def test_a_rule_set_with_another_age_widens_the_forecast(sex, birth, retires):
    result = retirement_of(birth, sex)
    assert (result.retirement_date, result.rule_set) == (retires, "RET-TEST2040")
    found = birth_range(sex, retires.replace(day=1), retires)
    assert found is not None and found[0] <= birth <= found[1]
