"""From the personnel record to the calculator's input (``streamlining.rules.CaseInput``).

The calculator is pure; this module reads what it needs from the record: the salary coefficient,
the leadership and excess-seniority allowances on the person, the allowances in force on the
leaving date (personnel.models.Allowance), the public-service allowance of cadres and civil
servants (25 %, ND 34/2012), and the social-insurance months. The record holds no SI book, so the
SI months are estimated from the recruitment date to the leaving date; every page that shows them
says so (``SI_ESTIMATED``).
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from personnel.models import Allowance, CivilServant
from positions.models import Category
from streamlining import rules

SI_ESTIMATED = _(
    "Social-insurance years are estimated from the recruitment date (the record holds no SI book).")
# Phụ cấp công vụ (ND 34/2012 Art 1): cadres and civil
# servants, not public employees or contract staff.
PUBLIC_SERVICE_CATEGORIES = {Category.CADRE, Category.CIVIL_SERVANT}
_ALLOWANCE_KINDS = {  # personnel Allowance kind → (calculator kind, uses percent)
    Allowance.Kind.PROFESSIONAL_SENIORITY: rules.PROFESSIONAL_SENIORITY,
    Allowance.Kind.PREFERENTIAL: rules.PREFERENTIAL,
    Allowance.Kind.REGIONAL: rules.REGIONAL,
    Allowance.Kind.RESPONSIBILITY: rules.JOB_RESPONSIBILITY,
}


def months_between(start: date | None, end: date) -> int:
    if start is None or start >= end:
        return 0
    # Whole months: a month not yet completed by its day of the month does not count.
    return ((end.year - start.year) * 12 + end.month - start.month
            - (1 if end.day < start.day else 0))


def allowances_in_force(servant_ids: list[int], day: date) -> dict[int, list[Allowance]]:
    """The allowances of many people in force on ``day``: one query per 10,000 people (SQLite takes
    at most 32,766 parameters in a query)."""
    found: dict[int, list[Allowance]] = defaultdict(list)
    for first in range(0, len(servant_ids), 10_000):
        rows = (Allowance.objects.filter(servant_id__in=servant_ids[first:first + 10_000],
                                         start_date__lte=day)
                .exclude(end_date__lt=day))
        for row in rows.order_by("start_date", "id"):
            found[row.servant_id].append(row)
    return found


def case_input(servant: CivilServant, *, leaving_date: date, option: str = "", ground: str = "",
               reorganisation_date: date | None = None, allowances: list[Allowance] | None = None,
               code: str = "") -> rules.CaseInput:
    """The calculator's input for ``servant`` leaving on ``leaving_date``; ``allowances`` as read by
    :func:`allowances_in_force` (read here when not given)."""
    if allowances is None:
        allowances = allowances_in_force([servant.pk], leaving_date).get(servant.pk, [])
    kinds: dict[str, Decimal] = {}
    if servant.position_allowance:
        kinds[rules.LEADERSHIP] = Decimal(servant.position_allowance)
    if servant.excess_seniority_percent:
        kinds[rules.EXCESS_SENIORITY] = Decimal(servant.excess_seniority_percent)
    if servant.category in PUBLIC_SERVICE_CATEGORIES:
        kinds[rules.PUBLIC_SERVICE] = Decimal(25)
    for allowance in allowances:
        kind = _ALLOWANCE_KINDS.get(allowance.kind)
        value = allowance.percent if kind in rules.PERCENT_KINDS else allowance.coefficient
        if kind and value is not None:
            kinds[kind] = Decimal(value)
    return rules.CaseInput(
        code=code or servant.code, category=servant.category, sex=servant.sex,
        date_of_birth=servant.date_of_birth, leaving_date=leaving_date, option=option,
        ground=ground,
        coefficient=Decimal(servant.salary_coefficient or 0), allowances=kinds,
        si_months=months_between(servant.recruitment_date, leaving_date),
        reorganisation_date=reorganisation_date)


def price(case: rules.CaseInput) -> tuple[rules.Calculation | None, str]:
    """The calculation of one option, or None and the calculator's reason."""
    try:
        return rules.calculate(case), ""
    except ValueError as exc:
        return None, str(exc)


def side_by_side(case: rules.CaseInput) -> list[rules.Calculation]:
    """Every option the person qualifies for; none when the calculator cannot price them."""
    try:
        return rules.options_for(case)
    except ValueError:
        return []
