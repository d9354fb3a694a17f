"""Step raises decided for several people at once (the raises-due page's "make decisions").

One decision (number, date, signer) raises every selected person to the step due to them on the
date it is due (TT 08/2013/TT-BNV as amended by TT 03/2021/TT-BNV;
personnel.selectors.next_raise_of, the same computation as the page), or gives the
excess-seniority allowance at the last step (5 %, then 1 % more a year: the rule set's figures).
All or nothing: every person is checked first, each refusal names the person, and if one is
refused nobody is raised.
"""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import UnitScope
from personnel.models import CivilServant, SalaryRecord
from personnel.rules.salary import _rules
from personnel.selectors import next_raise_of
from personnel.services.servants import Decision, servant_set_salary


@dataclass(frozen=True)
class RaiseChoice:
    """A person as the officer saw them on the page:
    the step (None: excess seniority) and date due."""

    servant_id: int
    step: int | None
    due_date: date


class RaisesRefused(ValidationError):
    """Nobody was raised; ``errors`` lists (person's name, reason) for every refusal."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__([f"{name}: {reason}" for name, reason in errors])


@transaction.atomic
def raises_record(*, actor, scope: UnitScope, choices: list[RaiseChoice],
                  decision: Decision) -> list[SalaryRecord]:
    """Record the raise due to each chosen person under one decision, or none of them."""
    if not decision.number or decision.decided_on is None:
        raise RaisesRefused([("", _("Enter the decision number and date."))])
    # Locked and read again within the scope: a person moved out of the officer's units since the
    # page was drawn is refused, not raised.
    people = scope.filter(CivilServant.objects.select_for_update(of=("self",)), "unit").in_bulk(
        [c.servant_id for c in choices])
    plans, errors = [], []
    for choice in choices:
        servant = people.get(choice.servant_id)
        if servant is None:
            errors.append((str(choice.servant_id), _("not among the people you manage.")))
            continue
        plan, reason = _plan(servant, choice)
        if reason:
            errors.append((servant.full_name, reason))
        else:
            plans.append((servant, plan))
    if not errors:
        records, errors = _record(actor, plans, decision)
    if errors or not choices:
        raise RaisesRefused(errors or [("", _("Choose at least one person."))])
    return records


def _plan(servant: CivilServant, choice: RaiseChoice) -> tuple[dict, str]:
    row = next_raise_of(servant)
    if row is None:
        return {}, _(
            "no raise is due (no rank, step or step date on record, or no longer working).")
    due = row.due
    # A stale page is refused: raising to a step the officer did not see would decide what nobody
    # checked.
    if due.next_step != choice.step or due.due_date != choice.due_date:
        seen = _("step %(step)s on %(date)s") % {"step": choice.step or "—",
                                                 "date": f"{choice.due_date:%d/%m/%Y}"}
        now = _("step %(step)s on %(date)s") % {"step": due.next_step or "—",
                                                "date": f"{due.due_date:%d/%m/%Y}"}
        return {}, (_("the raise due is %(now)s, not %(seen)s; reload the page.")
                    % {"now": now, "seen": seen})
    if due.kind == "regular":
        return {"step": due.next_step, "kind": SalaryRecord.Kind.REGULAR, "excess_percent": 0,
                "start_date": due.due_date, "rule_set": due.rule_set}, ""
    rules = _rules(due.due_date)
    current = servant.excess_seniority_percent or 0
    # The first excess-seniority year starts at the rule set's 5 %, each later one adds its 1 %.
    percent = current + rules.excess_yearly_percent if current else rules.excess_start_percent
    return {"step": servant.salary_step, "kind": SalaryRecord.Kind.EXCESS,
            "excess_percent": percent, "start_date": due.due_date, "rule_set": due.rule_set}, ""


def _record(actor, plans, decision: Decision) -> tuple[list[SalaryRecord], list[tuple[str, str]]]:
    records, errors = [], []
    reason = _("Step raise, decision %(number)s") % {"number": decision.number}
    for servant, plan in plans:
        try:
            records.append(servant_set_salary(actor=actor, servant=servant, rank=servant.rank,
                                              decision=decision, reason=reason, **plan))
        except ValidationError as exc:  # the salary service's own checks, per person
            errors.append((servant.full_name, "; ".join(exc.messages)))
    return records, errors
