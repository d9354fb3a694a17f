"""Salary-step raises (rule family ``salary_step``):
TT 08/2013/TT-BNV as amended by TT 03/2021/TT-BNV.

Regular raise: after the group's interval (60 months for senior experts, 36 for ranks needing a
college degree or more, 24 for intermediate and below) if not at the last step, at least
"completed" every year of the period and not disciplined; a discipline delays it (see the
discipline rules), unpaid leave and sick leave beyond 6 months in the period push it back day
for day. At the last step, the excess-seniority allowance starts at 5 % after the same interval
and grows 1 % a year. Early raise for achievements: up to 12 months early if, on 31 December of
the year, the person is at most 12 months short of the regular raise, never twice in a row in the
same rank, within a quota of 1 person in 10 on the payroll. Early raise at retirement: 12 months
early when the next raise falls between the retirement notice and the retirement date.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from core.dates import add_months
from core.rules import registry
from core.rules.registry import RuleSet


@dataclass(frozen=True)
class StepRaiseRuleSet(RuleSet):
    sick_leave_free_months: int = 6
    early_max_months: int = 12
    early_quota_per: int = 10
    excess_start_percent: int = 5
    excess_yearly_percent: int = 1

    def early_quota(self, payroll: int) -> int:
        # 1 in 10 on the payroll; the remainders below 10 are pooled by the superior, not here.
        return payroll // self.early_quota_per


SAL_TT08 = registry.register(StepRaiseRuleSet(
    code="SAL-TT08", family="salary_step", title="Nâng bậc lương thường xuyên và trước thời hạn",
    legal_basis="Thông tư 08/2013/TT-BNV, sửa đổi bởi Thông tư 03/2021/TT-BNV",
    valid_from=date(2013, 9, 1),
))


def _rules(day: date) -> StepRaiseRuleSet:
    """The rule set of the day a raise is decided; raises decided before TT 08/2013 are history
    and are read with the earliest rule set we hold."""
    try:
        return registry.for_date("salary_step", day)
    except registry.RuleSetNotFound:
        return registry.family("salary_step")[0]


@dataclass(frozen=True)
class RaiseDue:
    kind: str  # "regular" or "excess"
    due_date: date
    next_step: int | None
    delay_months: int
    delay_days: int
    rule_set: str


def next_raise(*, step: int, last_step: int, step_date: date, interval_months: int,
               excess_percent: int = 0, excess_after_months: int | None = None,
               discipline_delay_months: int = 0, unpaid_leave_days: int = 0,
               sick_leave_days: int = 0, on: date | None = None) -> RaiseDue:
    """When the next regular raise (or excess-seniority step) is due, with the delays that apply."""
    rules = _rules(on or add_months(step_date, interval_months))
    # Sick leave with SI benefit counts as service up to 6 months in the period; only the excess
    # pushes the raise back, day for day.
    sick_over = max(0, sick_leave_days - rules.sick_leave_free_months * 30)
    delay_days = unpaid_leave_days + sick_over
    if step < last_step:
        due = (add_months(step_date, interval_months + discipline_delay_months)
               + timedelta(days=delay_days))
        return RaiseDue("regular", due, step + 1, discipline_delay_months, delay_days, rules.code)
    # The first excess-seniority percent comes after a full interval at the last step, each later
    # one a year after the previous.
    months = (excess_after_months or interval_months) if excess_percent == 0 else 12
    due = add_months(step_date, months + discipline_delay_months) + timedelta(days=delay_days)
    return RaiseDue("excess", due, None, discipline_delay_months, delay_days, rules.code)


def early_raise_eligible(*, due: RaiseDue, year: int, last_early_in_rank: bool) -> bool:
    """Eligible for an early raise considered in ``year`` (TT 08/2013 Art 3)."""
    if due.kind != "regular" or last_early_in_rank:
        return False
    year_end = date(year, 12, 31)
    rules = _rules(year_end)
    # Judged on 31 December: due after it and at most 12 months after it (TT 08/2013 Art 3).
    return year_end < due.due_date <= add_months(year_end, rules.early_max_months)


def retirement_early_raise(*, due: RaiseDue, retirement_date: date) -> date | None:
    """Early raise at retirement (TT 08/2013 Art 3.3): a person with a retirement notice who, on the
    retirement date, is at most 12 months short of the next regular raise is raised 12 months early.
    Returns the date the new step counts from, or None."""
    if due.kind != "regular":
        return None
    if retirement_date < due.due_date <= add_months(retirement_date, 12):
        return add_months(due.due_date, -12)
    return None
