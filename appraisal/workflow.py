"""The committee's procedure of a year, after the scores (ND 90/2020 Art 17, the same steps kept
under ND 335/2025): the collective review meeting of a unit with each person's opinion, the Party
committee's opinion on leaders, HR's consolidation, then after the close the decision of the
competent level, its publication, and petitions against a published level with their answers.

Each step checks the one before, so a level is never published that nobody reviewed, and every
write keeps who, when and what in the audit trail.
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    Appraisal,
    AppraisalCycle,
    Level,
    Petition,
    ReviewMeeting,
    ReviewOpinion,
)
from appraisal.rules import petition_rules
from appraisal.services import require_open
from core import audit
from core.models import OrgUnit

PRE_REVIEW = (Appraisal.Status.OPEN, Appraisal.Status.SELF_ASSESSED)


def _names(appraisals) -> str:
    return ", ".join(a.servant.full_name for a in appraisals)


def review_meeting_record(*, actor, cycle: AppraisalCycle, unit: OrgUnit, held_on: date,
                          chaired_by: str, attendee_count: int, minutes: str,
                          opinions: dict[int, tuple[str, str]],
                          attendees: str = "") -> ReviewMeeting:
    """Record a unit's review meeting and its opinion on each person reviewed
    (``opinions``: appraisal id → (opinion, proposed level)). Each of them must
    have self-assessed first: the meeting hears the person's own report."""
    require_open(cycle)
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The meeting date cannot be in the future.")
    # Appraisal ends by 15 December, or by 15 January next year where the work year ends late
    # (ND 335/2025 Art 21).
    if held_on.year not in (cycle.year, cycle.year + 1):
        errors["held_on"] = _(
            "The meeting of %(year)s is held in %(year)s or early in the next year.") % {
            "year": cycle.year}
    if not minutes.strip():
        errors["minutes"] = _("Write the minutes of the meeting.")
    if not opinions:
        errors["opinions"] = _("Record the meeting's opinion on at least one person.")
    if errors:
        raise ValidationError(errors)
    appraisals = list(Appraisal.objects.filter(cycle=cycle, pk__in=list(opinions),
                                               work_unit__path__startswith=unit.path)
                      .select_related("servant"))
    if len(appraisals) != len(opinions):
        raise ValidationError(
            {"opinions": _("Some of the people are not appraised in %(unit)s this year.")
             % {"unit": unit.name}})
    missing = [a for a in appraisals if not a.self_assessment]
    if missing:
        raise ValidationError({"opinions": _("Not self-assessed yet, so not reviewed: %(names)s.")
                               % {"names": _names(missing)}})
    with transaction.atomic():
        meeting = ReviewMeeting.objects.create(cycle=cycle, unit=unit, held_on=held_on,
                                               chaired_by=chaired_by, attendee_count=attendee_count,
                                               attendees=attendees, minutes=minutes,
                                               recorded_by=actor)
        ReviewOpinion.objects.bulk_create([ReviewOpinion(meeting=meeting, appraisal=a,
                                                         opinion=opinions[a.pk][0],
                                                         proposed_level=opinions[a.pk][1])
                                           for a in appraisals])
        # Only those not yet past review move on: a person already consolidated keeps the later
        # step.
        Appraisal.objects.filter(pk__in=[a.pk for a in appraisals], status__in=PRE_REVIEW).update(
            status=Appraisal.Status.REVIEWED)
        audit.record(actor=actor, obj=meeting, action="create", unit=unit, changes={
            "held_on": [None, held_on.strftime("%d/%m/%Y")], "people": [None, len(appraisals)]})
    return meeting


def party_opinion_record(*, actor, appraisal: Appraisal, party_opinion: str, party_body: str,
                         party_opinion_on: date) -> Appraisal:
    """The written opinion of the Party committee of the
    same level on a leader (ND 90/2020 Art 17.3)."""
    require_open(appraisal.cycle)
    if not appraisal.is_leader:
        raise ValidationError(
            _("The Party committee's opinion is asked for leaders and managers only."))
    errors = {}
    if not party_opinion.strip():
        errors["party_opinion"] = _("Write the Party committee's opinion.")
    if not party_body.strip():
        errors["party_body"] = _("Name the Party committee that gave it.")
    if party_opinion_on > timezone.localdate():
        errors["party_opinion_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    values = {"party_opinion": party_opinion, "party_body": party_body,
              "party_opinion_on": party_opinion_on}
    # Read what is stored: a model form has already put the new values on the instance.
    stored = Appraisal.objects.filter(pk=appraisal.pk).values(*values).get()
    changes = {k: [str(stored[k] or ""), str(v)] for k, v in values.items() if stored[k] != v}
    with transaction.atomic():
        for key, value in values.items():
            setattr(appraisal, key, value)
        appraisal.save(update_fields=list(values))
        audit.record(actor=actor, obj=appraisal, action="update", unit=appraisal.unit,
                     changes=changes)
    return appraisal


def consolidate(*, actor, cycle: AppraisalCycle, unit: OrgUnit, hr_note: str = "") -> int:
    """HR's consolidation for an appraising unit (ND 90/2020 Art 17.4): everyone
    reviewed by the collective, and every leader with the Party committee's
    opinion, goes to the committee. Returns how many were consolidated; refuses,
    naming them, while a leader waits for the Party's opinion."""
    require_open(cycle)
    reviewed = list(Appraisal.objects.filter(cycle=cycle, unit=unit,
                                             status=Appraisal.Status.REVIEWED)
                    .select_related("servant"))
    if not reviewed:
        raise ValidationError(_("No one of %(unit)s has been reviewed by the collective yet.")
                              % {"unit": unit.name})
    # A leader goes on only with the Party committee's written opinion (ND 90/2020 Art 17.3).
    waiting = [a for a in reviewed if a.is_leader and not a.party_opinion]
    if waiting:
        raise ValidationError(_("The Party committee's opinion is still missing for: %(names)s.")
                              % {"names": _names(waiting)})
    with transaction.atomic():
        Appraisal.objects.filter(pk__in=[a.pk for a in reviewed]).update(
            status=Appraisal.Status.CONSOLIDATED, hr_note=hr_note)
        audit.record(actor=actor, obj=cycle, action="update", unit=unit, reason=hr_note,
                     changes={"consolidated": [None, len(reviewed)]})
    return len(reviewed)


def decision_record(*, actor, cycle: AppraisalCycle, unit: OrgUnit, decision_number: str,
                    decision_date: date, decision_authority: str) -> int:
    """The competent level's decision on the levels of
    an appraising unit, once the year is closed."""
    if cycle.status != AppraisalCycle.Status.CLOSED:
        raise ValidationError(_("Close the year first: the decision records the final levels."))
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Enter the decision number.")
    if decision_date > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    # People left unclassified (under 6 months worked) have no level for the decision to carry.
    appraisals = Appraisal.objects.filter(cycle=cycle, unit=unit).exclude(level="")
    with transaction.atomic():
        count = appraisals.update(decision_number=decision_number, decision_date=decision_date,
                                  decision_authority=decision_authority)
        audit.record(actor=actor, obj=cycle, action="update", unit=unit, changes={
            "decision": [None,
                         f"{decision_number} ngày {decision_date:%d/%m/%Y} ({decision_authority})"],
            "people": [None, count]})
    return count


def publish(*, actor, cycle: AppraisalCycle, unit: OrgUnit, published_on: date) -> int:
    """Publish the decided levels of an appraising unit
    in the agency; petitions run from this day."""
    decided = Appraisal.objects.filter(cycle=cycle, unit=unit).exclude(level="")
    if not decided.exists():
        raise ValidationError(_("Nothing to publish: no level has been decided for %(unit)s.")
                              % {"unit": unit.name})
    if decided.filter(decision_number="").exists():
        raise ValidationError(_("Record the decision before publishing the levels."))
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The publication date cannot be in the future.")})
    with transaction.atomic():
        count = decided.update(published_on=published_on, status=Appraisal.Status.PUBLISHED)
        audit.record(actor=actor, obj=cycle, action="update", unit=unit,
                     changes={"published_on": [None, published_on.strftime("%d/%m/%Y")],
                              "people": [None, count]})
    return count


def petition_file(*, actor, appraisal: Appraisal, text: str, filed_on: date) -> Petition:
    """A petition against a published level, within the time its rule set allows; the answer is due
    by the date the rule set gives."""
    if appraisal.published_on is None:
        raise ValidationError(_("The level has not been published yet."))
    rules = petition_rules(appraisal.published_on, appraisal.category)
    errors = {}
    if not text.strip():
        errors["text"] = _("Write what the petition asks and why.")
    if filed_on < appraisal.published_on or filed_on > timezone.localdate():
        errors["filed_on"] = _("The filing date must be between the publication and today.")
    elif filed_on > rules.last_filing_day(appraisal.published_on):
        errors["filed_on"] = _(
            "Too late: a petition is filed within %(days)s days of the publication on "
            "%(day)s (%(basis)s).") % {"days": rules.file_days, "basis": rules.legal_basis,
                                       "day": appraisal.published_on.strftime("%d/%m/%Y")}
    # One open petition at a time: the answer due date runs from its filing.
    if appraisal.petitions.filter(answered_on__isnull=True).exists():
        errors["text"] = _("A petition of this person is still waiting for its answer.")
    # From 1/7/2026 a public employee's petition is answered once and not re-reviewed (Law on Public
    # Employees 2025; DOMAIN-RULES §2.2).
    if rules.final and appraisal.petitions.filter(answered_on__isnull=False).exists():
        errors["text"] = _(
            "The petition has been answered; the answer is not reviewed again (%(basis)s).") % {
            "basis": rules.legal_basis}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        petition = Petition.objects.create(appraisal=appraisal, filed_on=filed_on, text=text,
                                           filed_by=actor, rule_set=rules.code,
                                           due_on=rules.answer_due(filed_on))
        audit.record(actor=actor, obj=petition, action="create", unit=appraisal.unit,
                     changes={"filed_on": [None, filed_on.strftime("%d/%m/%Y")],
                              "due_on": [None, petition.due_on.strftime("%d/%m/%Y")]})
    return petition


def petition_answer(*, actor, petition: Petition, answer: str, outcome: str, answered_on: date,
                    new_level: str = "") -> Petition:
    """The answer to a petition; a changed level is written on the appraisal with its reason."""
    if petition.answered_on is not None:
        raise ValidationError(_("This petition has already been answered."))
    errors = {}
    if not answer.strip():
        errors["answer"] = _("Write the answer.")
    if outcome == Petition.Outcome.CHANGED and new_level not in Level.values:
        errors["new_level"] = _("Choose the new level.")
    if outcome == Petition.Outcome.CHANGED and new_level == petition.appraisal.level:
        errors["new_level"] = _("The new level is the one already decided.")
    if answered_on < petition.filed_on or answered_on > timezone.localdate():
        errors["answered_on"] = _("The answer date must be between the filing and today.")
    if errors:
        raise ValidationError(errors)
    appraisal = petition.appraisal
    with transaction.atomic():
        petition.answer, petition.outcome, petition.answered_on = answer, outcome, answered_on
        petition.new_level = new_level if outcome == Petition.Outcome.CHANGED else ""
        petition.answered_by = actor
        petition.save()
        changes = {"outcome": [None, outcome]}
        if outcome == Petition.Outcome.CHANGED:
            changes["level"] = [appraisal.level, new_level]
            appraisal.level = new_level
            appraisal.reasons = [*appraisal.reasons,
                                 f"Thay đổi sau kiến nghị ngày {petition.filed_on:%d/%m/%Y}, "
                                 f"trả lời ngày {answered_on:%d/%m/%Y}: {answer}"]
            appraisal.save(update_fields=["level", "reasons"])
        audit.record(actor=actor, obj=petition, action="update", unit=appraisal.unit,
                     changes=changes)
    return petition
