"""The base salary (lương cơ sở) as a dated rule family ``base_salary`` (DOMAIN-RULES §5.3).

Built from positions.data.BASE_SALARIES, the table the positions app loads into its BaseSalary
model, so both read the same figures: 1,490,000 from 1/7/2019 (ND 38/2019), 1,800,000 from
1/7/2023 (ND 24/2023), 2,340,000 from 1/7/2024 (ND 73/2024), 2,530,000 from 1/7/2026
(ND 161/2026, taken from DOMAIN-RULES and not re-checked for STREAMLINING.md).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from core.rules import registry
from core.rules.registry import RuleSet
from positions.data import BASE_SALARIES
from streamlining.rules import CaseError


@dataclass(frozen=True)
class BaseSalaryRuleSet(RuleSet):
    amount: int = 0  # VND a month


def _register() -> None:
    ordered = sorted(BASE_SALARIES, key=lambda row: row[1])
    for index, (amount, valid_from, basis) in enumerate(ordered):
        valid_to = ordered[index + 1][1] - timedelta(days=1) if index + 1 < len(ordered) else None
        number = basis.split("/")[0].replace(" ", "")
        registry.register(BaseSalaryRuleSet(
            code=f"BASE-{number}-{valid_from.year}", family="base_salary", title="Mức lương cơ sở",
            legal_basis=basis, valid_from=valid_from, valid_to=valid_to, amount=amount,
        ))


_register()


def base_salary_on(day: date) -> BaseSalaryRuleSet:
    """The base salary in force on ``day``; a Vietnamese CaseError before the first one we hold."""
    try:
        return registry.for_date("base_salary", day)
    except registry.RuleSetNotFound:
        raise CaseError("leaving_date",
                        f"Không có mức lương cơ sở áp dụng ngày {day:%d/%m/%Y}") from None


def base_salary_before_month_of(day: date) -> BaseSalaryRuleSet:
    """The base salary of the month before the month of ``day`` (the month before leaving:
    CV 1814/BNV-TCBC for ND 178, ND 154 Art 5): read on the last day of that month."""
    return base_salary_on(day.replace(day=1) - timedelta(days=1))
