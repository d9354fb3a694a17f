"""Retirement age and dates (rule family ``retirement``).

``RET-LC2012``: until 31/12/2020 men retire at 60 and women at 55 (Labour Code 2012 Art 187,
procedure ND 46/2010). ``RET-ND135``: from 1/1/2021 the age rises each year, by 3 months for men
from 60y3m (2021) to 62y (2028) and by 4 months for women from 55y4m (2021) to 60y (2035)
(Labour Code 2019 Art 169, ND 135/2020 Art 4). The age that applies is the one in force in the
year the person reaches it; the retirement time is the last day of that month and the pension
starts the next day; when only the birth year is known, the birth date is 1 January
(ND 135/2020 Art 4 and Appendix I). Notices: 6 months ahead, decision 3 months ahead
(ND 170/2025 Art 61–63; ND 46/2010 before).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from core.dates import add_months, last_day_of_month
from core.rules import registry
from core.rules.registry import RuleSet

MALE, FEMALE = "male", "female"


@dataclass(frozen=True)
class RetirementRuleSet(RuleSet):
    # months, in the first year in force
    first_year_age: dict[str, int] = field(default_factory=dict)
    yearly_step: dict[str, int] = field(default_factory=dict)  # months added each following year
    final_age: dict[str, int] = field(default_factory=dict)  # months, the age the roadmap ends at
    notice_months: int = 6
    decision_months: int = 3

    def age_months(self, sex: str, year: int) -> int:
        steps = max(0, year - self.valid_from.year)
        return min(self.first_year_age[sex] + steps * self.yearly_step[sex], self.final_age[sex])


# Before the Labour Code 1994 took effect (1/1/1995) the same ages applied under the social
# insurance rules of 1961 (ND 218/CP); kept so that a window reaching back to 1900 (who retired,
# ever) is answered with the rule then in force. Earlier than 1900: a clear error.
RET_PRE1995 = registry.register(RetirementRuleSet(
    code="RET-PRE1995", family="retirement", title="Tuổi nghỉ hưu trước năm 1995",
    legal_basis="Nghị định 218/CP ngày 27/12/1961 (Điều lệ tạm thời về bảo hiểm xã hội); Bộ luật "
                "Lao động 1994 từ 01/01/1995",
    valid_from=date(1900, 1, 1), valid_to=date(1994, 12, 31),
    first_year_age={MALE: 720, FEMALE: 660}, yearly_step={MALE: 0, FEMALE: 0},
    final_age={MALE: 720, FEMALE: 660},
))
FIRST_RULE_DAY = RET_PRE1995.valid_from


class NoRetirementRule(ValueError):
    """A date before any retirement rule this product knows (1/1/1900)."""


RET_LC2012 = registry.register(RetirementRuleSet(
    code="RET-LC2012", family="retirement", title="Tuổi nghỉ hưu trước năm 2021",
    legal_basis="Bộ luật Lao động 2012 Điều 187; Nghị định 46/2010/NĐ-CP",
    valid_from=date(1995, 1, 1), valid_to=date(2020, 12, 31),
    first_year_age={MALE: 720, FEMALE: 660}, yearly_step={MALE: 0, FEMALE: 0},
    final_age={MALE: 720, FEMALE: 660},
))
RET_ND135 = registry.register(RetirementRuleSet(
    code="RET-ND135", family="retirement", title="Lộ trình tuổi nghỉ hưu từ năm 2021",
    legal_basis="Bộ luật Lao động 2019 Điều 169; Nghị định 135/2020/NĐ-CP Điều 4, Phụ lục I",
    valid_from=date(2021, 1, 1),
    first_year_age={MALE: 723, FEMALE: 664}, yearly_step={MALE: 3, FEMALE: 4},
    final_age={MALE: 744, FEMALE: 720},
))


@dataclass(frozen=True)
class Retirement:
    """When a person retires, and why."""

    age_years: int
    age_months: int
    retirement_date: date  # last working day: the end of the month the age is reached
    pension_start: date
    notice_due: date  # written notice 6 months before
    decision_due: date  # decision 3 months before
    rule_set: str
    legal_basis: str


def required_age_months(sex: str, year: int) -> tuple[int, RetirementRuleSet]:
    if year < FIRST_RULE_DAY.year:
        raise NoRetirementRule(
            f"Chưa có quy định tuổi nghỉ hưu trước ngày {FIRST_RULE_DAY:%d/%m/%Y}")
    rule = registry.for_date("retirement", date(year, 1, 1))
    return rule.age_months(sex, year), rule


def age_bounds(sex: str) -> tuple[int, int]:
    """The youngest and the oldest retirement age (months) of any registered rule set for ``sex``.

    Searches are bounded by these rather than by fixed ages, so a rule set with another age (a new
    roadmap, a special category) widens them instead of silently cutting a forecast short. An age
    lies between the first year's and the final one (``age_months`` is clamped to the latter)."""
    ages = [age for rule in registry.family("retirement")
            for age in (rule.first_year_age[sex], rule.final_age[sex])]
    return min(ages), max(ages)


def retirement_of(date_of_birth: date, sex: str) -> Retirement:
    """The retirement under the rule in force in the month the person reaches the required age.

    Only the birth month matters (the age is reached in the month of the birthday), so results are
    cached per (year, month, sex): a list of a million people needs a few hundred computations."""
    return _retirement(date_of_birth.year * 12 + date_of_birth.month - 1, sex)


@lru_cache(maxsize=4096)
def _retirement(birth_index: int, sex: str) -> Retirement:
    # The first month m with age(m) ≥ required(year(m)): in year Y the earliest such month is
    # max(January of Y, birth + required(Y)), if that still falls in Y. No rule asks less than the
    # youngest age, and by the year the oldest is reached every rule is met.
    youngest, oldest = age_bounds(sex)
    for year in range((birth_index + youngest) // 12, (birth_index + oldest) // 12 + 1):
        required, rule = required_age_months(sex, year)
        index = max(year * 12, birth_index + required)
        if index // 12 == year:
            month_start = date(year, index % 12 + 1, 1)
            last_day = last_day_of_month(month_start)
            return Retirement(
                age_years=required // 12, age_months=required % 12, retirement_date=last_day,
                pension_start=last_day + timedelta(days=1),
                notice_due=last_day_of_month(add_months(month_start, -rule.notice_months)),
                decision_due=last_day_of_month(add_months(month_start, -rule.decision_months)),
                rule_set=rule.code, legal_basis=rule.legal_basis,
            )
    raise ValueError("no retirement age found")


def _retirement_index(birth_index: int, sex: str) -> int | None:
    try:
        retirement = _retirement(birth_index, sex)
    except NoRetirementRule:
        return None  # would retire before 1900: outside any window this product answers
    return retirement.retirement_date.year * 12 + retirement.retirement_date.month - 1


def birth_range(sex: str, start: date, end: date) -> tuple[date, date] | None:
    """Birth dates of the people of ``sex`` whose retirement date falls in [start, end].

    The retirement month never decreases with the birth month, so the answer is one range: the
    database filters on (sex, date_of_birth) with an index instead of computing ages per row.
    """
    # Retirement dates are month ends: the start's own month always ends on or after the start.
    first_month = start.year * 12 + start.month - 1
    last_month = end.year * 12 + end.month - 1 - (0 if end == last_day_of_month(end) else 1)
    if last_month < first_month:
        return None
    # Retiring in [first, last] means born between first - oldest age and last - youngest age
    # (a year of slack below, as the age of the year reached may step).
    youngest, oldest = age_bounds(sex)
    low, high = first_month - oldest - 12, last_month - youngest
    if start < FIRST_RULE_DAY:
        raise NoRetirementRule(
            f"Chưa có quy định tuổi nghỉ hưu trước ngày {FIRST_RULE_DAY:%d/%m/%Y}")
    births = [b for b in range(low, high + 1) if (index := _retirement_index(b, sex)) is not None
              and first_month <= index <= last_month]
    if not births:
        return None
    first, last = births[0], births[-1]
    return (date(first // 12, first % 12 + 1, 1),
            last_day_of_month(date(last // 12, last % 12 + 1, 1)))
