"""Retirement notices given to several people at once (the retirement page's documents).

Once the written notice is signed and handed over (ND 170/2025 Art 61–63: 6 months before the
retirement time), recording it as a career event puts it in the person's history, marks it on
the retirement page and stops the nightly reminder (personnel.notices). All or nothing: every
person is checked first and each refusal names the person.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import UnitScope
from personnel.models import CareerEvent, CivilServant
from personnel.rules.retirement import retirement_of
from personnel.services.raises import RaisesRefused
from personnel.services.servants import Decision, event_record


class NoticesRefused(RaisesRefused):
    """Nobody's notice was recorded; ``errors`` lists (person's name, reason)."""


@transaction.atomic
def retirement_notices_record(*, actor, scope: UnitScope, servant_ids: list[int],
                              decision: Decision) -> list[CareerEvent]:
    """Record the retirement notice ``decision`` (number, date, signer) for each person, or none."""
    if not decision.number or decision.decided_on is None:
        raise NoticesRefused([("", _("Enter the notice's number and date."))])
    # Locked and read again within the scope: a person moved out of the officer's units since the
    # page was drawn is refused.
    people = scope.filter(CivilServant.objects.select_for_update(of=("self",)),
                          "unit").in_bulk(servant_ids)
    # Only the latest version of a notice counts: a corrected one is superseded by its correction,
    # not doubled.
    given = set(CareerEvent.objects.filter(servant__in=list(people),
                                           kind=CareerEvent.Kind.RETIREMENT_NOTICE,
                                           corrections__isnull=True)
                .values_list("servant_id", flat=True))
    errors = []
    for pk in servant_ids:
        servant = people.get(pk)
        if servant is None:
            errors.append((str(pk), _("not among the people you manage.")))
        elif servant.status != CivilServant.Status.ACTIVE:
            errors.append((servant.full_name, _("is no longer working.")))
        elif pk in given:
            errors.append((servant.full_name, _("a retirement notice is already on record.")))
    if errors or not servant_ids:
        raise NoticesRefused(errors or [("", _("Choose at least one person."))])
    events = []
    for pk in servant_ids:
        servant = people[pk]
        retirement = retirement_of(servant.date_of_birth, servant.sex)
        summary = _("Retirement notice: retires on %(date)s, pension from %(pension)s") % {
            "date": f"{retirement.retirement_date:%d/%m/%Y}",
            "pension": f"{retirement.pension_start:%d/%m/%Y}"}
        events.append(event_record(actor=actor, servant=servant,
                                   kind=CareerEvent.Kind.RETIREMENT_NOTICE,
                                   effective_date=decision.decided_on, summary=summary,
                                   decision=decision,
                                   data={"retirement_date": retirement.retirement_date.isoformat()},
                                   rule_set=retirement.rule_set))
    return events
