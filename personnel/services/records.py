"""Discipline, rewards and training: each a structured record tied to its career event."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import add_months
from core.models import OrgUnit
from core.text import clean
from personnel.models import (
    CareerEvent,
    CivilServant,
    DisciplineRecord,
    RewardRecord,
    TrainingPlan,
    TrainingRecord,
)
from personnel.rules import discipline as discipline_rules
from personnel.services.servants import NO_DECISION, Decision, event_record
from personnel.validation import reward_year_error


@transaction.atomic
def discipline_record(*, actor, servant: CivilServant, form: str, violation: str,
                      effective_from: date, decision: Decision = NO_DECISION,
                      detected_on: date | None = None, is_party: bool = False) -> DisciplineRecord:
    """Record a disciplinary measure under the regime in force on ``effective_from``."""
    rules = discipline_rules.rules_on(effective_from, servant.category)
    allowed = rules.forms_for(category=servant.category, is_leader=servant.is_leader)
    if form not in allowed:
        labels = ", ".join(str(discipline_rules.FORM_LABELS[f]) for f in allowed)
        raise ValidationError(
            {"form": _("%(form)s is not a form of %(code)s for this person; allowed: %(labels)s.")
             % {"form": discipline_rules.FORM_LABELS.get(form, form), "code": rules.title,
                "labels": labels}})
    if detected_on and effective_from < detected_on:
        raise ValidationError(
            {"effective_from": _("The decision cannot precede the detection of the violation.")})
    ban = rules.appointment_ban_months.get(form, 0)
    # Forced resignation ends the career: its effects have no end date.
    effects_end = (add_months(effective_from, max(ban, 12))
                   if form != discipline_rules.FORCED_RESIGNATION else None)
    label = str(discipline_rules.FORM_LABELS[form])
    event = event_record(actor=actor, servant=servant, kind=CareerEvent.Kind.DISCIPLINE,
                         effective_date=effective_from,
                         summary=f"{label}: {clean(violation)[:400]}", decision=decision,
                         rule_set=rules.code,
                         data={"form": form,
                               "raise_delay_months": rules.raise_delay_months.get(form, 0),
                               "appointment_ban_months": ban, "party": is_party})
    return DisciplineRecord.objects.create(
        servant=servant, rule_set=rules.code, form=form, violation=clean(violation),
        detected_on=detected_on,
        effective_from=effective_from, effective_to=effects_end, is_party=is_party, event=event)


@transaction.atomic
def reward_record(*, actor, servant: CivilServant, year: int, title: str, level: str = "",
                  decision: Decision = NO_DECISION,
                  effective_date: date | None = None) -> RewardRecord:
    if not clean(title):
        raise ValidationError({"title": _("Name the reward.")})
    problem = reward_year_error(year, servant.date_of_birth)
    if problem:
        raise ValidationError({"year": problem})
    event = event_record(actor=actor, servant=servant, kind=CareerEvent.Kind.REWARD,
                         effective_date=effective_date or decision.decided_on or date(year, 12, 31),
                         summary=f"{clean(title)} ({year})", decision=decision,
                         data={"year": year, "level": clean(level)})
    return RewardRecord.objects.create(servant=servant, year=year, title=clean(title),
                                       level=clean(level), event=event)


@transaction.atomic
def training_record(*, actor, servant: CivilServant, kind: str, institution: str, major: str,
                    start_date: date, end_date: date | None = None, mode: str = "",
                    diploma: str = "", decision: Decision = NO_DECISION) -> TrainingRecord:
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    event = event_record(actor=actor, servant=servant, kind=CareerEvent.Kind.TRAINING,
                         effective_date=start_date, summary=f"{clean(major)}, {clean(institution)}",
                         decision=decision, data={"kind": kind, "diploma": clean(diploma)})
    record = TrainingRecord.objects.create(servant=servant, kind=kind,
                                           institution=clean(institution), major=clean(major),
                                           start_date=start_date, end_date=end_date,
                                           mode=clean(mode), diploma=clean(diploma),
                                           unit=servant.unit, event=event)
    _complete_resume(actor, servant, record)
    return record


# Completed training that the résumé (Mẫu 2C item 15) shows as a level.
RESUME_FIELD_OF_KIND = {TrainingRecord.Kind.POLITICAL_THEORY: "political_theory",
                        TrainingRecord.Kind.STATE_MANAGEMENT: "state_management",
                        TrainingRecord.Kind.FOREIGN_LANGUAGE: "foreign_language",
                        TrainingRecord.Kind.IT: "it_skill"}


def _complete_resume(actor, servant: CivilServant, record: TrainingRecord) -> None:
    field = RESUME_FIELD_OF_KIND.get(record.kind)
    level = record.diploma or record.major
    if field and record.end_date and level and getattr(servant, field) != level[:50]:
        from personnel.services.servants import servant_update

        reason = _("Completed training: %(course)s") % {"course": record.major}
        servant_update(actor=actor, servant=servant, reason=reason, **{field: level[:50]})


@transaction.atomic
def training_plan_set(*, actor, unit: OrgUnit, year: int, kind: str, planned: int) -> TrainingPlan:
    from core import audit

    plan, created = TrainingPlan.objects.get_or_create(unit=unit, year=year, kind=kind,
                                                       defaults={"planned": planned})
    if not created and plan.planned != planned:
        audit.record(actor=actor, obj=plan, action="update", unit=unit,
                     changes={"planned": [plan.planned, planned]})
        plan.planned = planned
        plan.save(update_fields=["planned"])
    elif created:
        audit.record(actor=actor, obj=plan, action="create", unit=unit,
                     changes={"planned": [None, planned]})
    return plan
