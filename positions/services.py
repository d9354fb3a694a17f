"""Writes on job positions, their versioned descriptions and frameworks, approval dossiers, quotas
and the competency catalogue. Each function runs in one transaction and leaves audit entries."""
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import OrgUnit
from core.text import clean, search_key
from positions.models import (
    Competency,
    CompetencyLevel,
    JobDescription,
    JobPosition,
    PositionDossier,
    RequiredCompetency,
    StaffingQuota,
)

POSITION_FIELDS = ("code", "title", "group", "rank", "posts", "leadership_title", "valid_from")


def _refresh(position: JobPosition) -> None:
    position.code, position.title = clean(position.code), clean(position.title)
    position.search_text = search_key(position.code, position.title)[:400]


@transaction.atomic
def position_create(*, actor, unit: OrgUnit, code: str, title: str,
                    group: str = JobPosition.Group.PROFESSIONAL, rank=None, posts: int = 1,
                    leadership_title=None, valid_from: date | None = None) -> JobPosition:
    """A new job position of ``unit`` with an empty draft description (version 1)."""
    if JobPosition.objects.filter(unit=unit, code=clean(code), valid_to__isnull=True).exists():
        raise ValidationError({"code": _("Unit %(unit)s already has a position %(code)s.")
                               % {"unit": unit.code, "code": clean(code)}})
    position = JobPosition(unit=unit, code=code, title=title, group=group, rank=rank, posts=posts,
                           leadership_title=leadership_title, valid_from=valid_from)
    _refresh(position)
    position.full_clean(exclude=["search_text"], validate_constraints=False)
    position.save()
    JobDescription.objects.create(position=position, version=1)
    audit.record(actor=actor, obj=position, action="create", unit=unit,
                 changes={k: [None, v] for k, v in audit.snapshot(position, POSITION_FIELDS).items()
                          if v})
    return position


@transaction.atomic
def position_update(*, actor, position: JobPosition, reason: str = "", **changes) -> dict:
    unknown = set(changes) - set(POSITION_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be edited: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(position, POSITION_FIELDS)
    for name, value in changes.items():
        setattr(position, name, value)
    _refresh(position)
    if (JobPosition.objects.filter(unit=position.unit, code=position.code, valid_to__isnull=True)
            .exclude(pk=position.pk).exists()):
        raise ValidationError({"code": _("Unit %(unit)s already has a position %(code)s.")
                               % {"unit": position.unit.code, "code": position.code}})
    position.full_clean(exclude=["search_text"], validate_constraints=False)
    delta = audit.diff(before, audit.snapshot(position, POSITION_FIELDS))
    if delta:
        position.save()
        audit.record(actor=actor, obj=position, action="update", unit=position.unit, changes=delta,
                     reason=reason)
    return delta


@transaction.atomic
def position_close(*, actor, position: JobPosition, last_day: date,
                   reason: str = "") -> JobPosition:
    # A position is closed only when empty: a person's record must always name a position that
    # exists.
    if position.holders.filter(status="active").exists():
        raise ValidationError(_("People still hold this position; move them first."))
    position.valid_to = last_day
    position.save(update_fields=["valid_to"])
    audit.record(actor=actor, obj=position, action="close", unit=position.unit, reason=reason,
                 changes={"valid_to": [None, last_day.isoformat()]})
    return position


def latest_description(position: JobPosition) -> JobDescription:
    return position.descriptions.order_by("-version").first()


def approved_description(position: JobPosition) -> JobDescription | None:
    return (position.descriptions.filter(status=JobDescription.Status.APPROVED)
            .order_by("-version").first())


def _editable(description: JobDescription) -> None:
    if description.is_frozen:
        raise ValidationError(
            _("Version %(v)s is %(status)s and frozen; start a new version to change it.")
            % {"v": description.version, "status": description.get_status_display().lower()})


@transaction.atomic
def description_update(*, actor, description: JobDescription, **texts) -> dict:
    """Change the texts of a draft description (objectives, tasks, outputs …)."""
    _editable(description)
    unknown = set(texts) - set(JobDescription.TEXT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(description, JobDescription.TEXT_FIELDS)
    for name, value in texts.items():
        setattr(description, name, (value or "").strip())
    delta = audit.diff(before, audit.snapshot(description, JobDescription.TEXT_FIELDS))
    if delta:
        description.save()
        audit.record(actor=actor, obj=description, action="update", unit=description.position.unit,
                     changes=delta)
    return delta


@transaction.atomic
def framework_set(*, actor, description: JobDescription, levels: dict[int, int]) -> dict:
    """Set the required level (1–5) of each competency of a draft framework; 0 removes it."""
    _editable(description)
    current = {r.competency_id: r for r in description.requirements.all()}
    # The history names each competency ("NL.01 Tư duy chiến lược: ∅ → 3"), not its row id.
    names = {c.pk: f"{c.code} {c.name}" for c in Competency.objects.filter(pk__in=list(levels))}
    changes = {}
    for competency_id, level in levels.items():
        if level and not 1 <= level <= 5:
            raise ValidationError(_("A competency level is between 1 and 5."))
        old = current.get(competency_id)
        if old is not None and not level:
            old.delete()  # a draft is work in progress; approved frameworks are never edited
            changes[names.get(competency_id, str(competency_id))] = [old.level, None]
        elif old is not None and old.level != level:
            RequiredCompetency.objects.filter(pk=old.pk).update(level=level)
            changes[names.get(competency_id, str(competency_id))] = [old.level, level]
        elif old is None and level:
            RequiredCompetency.objects.create(description=description, competency_id=competency_id,
                                              level=level)
            changes[names.get(competency_id, str(competency_id))] = [None, level]
    if changes:
        audit.record(actor=actor, obj=description, action="framework",
                     unit=description.position.unit, changes=changes)
    return changes


@transaction.atomic
def description_new_version(*, actor, position: JobPosition) -> JobDescription:
    """Start a new draft from the latest version (texts and framework copied)."""
    latest = latest_description(position)
    # One draft at a time: a second draft would fork the texts the dossier carries.
    if latest is not None and not latest.is_frozen:
        return latest
    version = (position.descriptions.aggregate(m=Max("version"))["m"] or 0) + 1
    texts = {f: getattr(latest, f) for f in JobDescription.TEXT_FIELDS} if latest else {}
    draft = JobDescription.objects.create(position=position, version=version, **texts)
    if latest is not None:
        RequiredCompetency.objects.bulk_create(
            RequiredCompetency(description=draft, competency_id=r.competency_id, level=r.level)
            for r in latest.requirements.all())
    audit.record(actor=actor, obj=draft, action="create", unit=position.unit,
                 changes={"version": [None, version]})
    return draft


# --- approval dossiers (ND 361/2025 Art 5) --------------------------------------------------------

def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (Monday–Friday; public holidays are not subtracted)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def dossier_deadlines(dossier: PositionDossier) -> dict[str, date | None]:
    """ND 361/2025: completion requested within 3 working days of submission, appraisal within 30,
    decision within 10 working days of the appraisal report."""
    submitted, appraised = dossier.submitted_on, dossier.appraised_on
    return {
        # ND 361/2025 Art 5: 3 working days to ask for completion, 30 to appraise, 10 to decide.
        "completion_request": add_working_days(submitted, 3) if submitted else None,
        "appraisal": add_working_days(submitted, 30) if submitted else None,
        "decision": add_working_days(appraised, 10) if appraised else None,
        "approval_by_law": date(2026, 7, 1),  # approval decisions under ND 361 before 1/7/2026
        "arrangement_by_law": date(2027, 7, 1),  # civil servants placed by position before 1/7/2027
    }


@transaction.atomic
def dossier_create(*, actor, unit: OrgUnit, title: str) -> PositionDossier:
    """A dossier carrying the current draft description of every open position of ``unit``."""
    dossier = PositionDossier.objects.create(unit=unit, title=clean(title))
    drafts = JobDescription.objects.filter(position__unit=unit, position__valid_to__isnull=True,
                                           status=JobDescription.Status.DRAFT, dossier__isnull=True)
    if not drafts.exists():
        raise ValidationError(_("No position of %(unit)s has a draft description to submit.")
                              % {"unit": unit.name})
    drafts.update(dossier=dossier)
    audit.record(actor=actor, obj=dossier, action="create", unit=unit,
                 changes={"title": [None, dossier.title]})
    return dossier


TRANSITIONS = {
    "submit": (PositionDossier.Status.DRAFT, PositionDossier.Status.SUBMITTED, "submitted_on"),
    "appraise": (PositionDossier.Status.SUBMITTED, PositionDossier.Status.APPRAISED,
                 "appraised_on"),
    "approve": (PositionDossier.Status.APPRAISED, PositionDossier.Status.APPROVED, "approved_on"),
    "return": (PositionDossier.Status.SUBMITTED, PositionDossier.Status.DRAFT, None),
}


@transaction.atomic
def dossier_transition(*, actor, dossier: PositionDossier, action: str, on: date | None = None,
                       note: str = "", decision_number: str = "", decision_date: date | None = None,
                       signer: str = "") -> PositionDossier:
    """Move a dossier one step; approval needs the decision and freezes its descriptions."""
    dossier = PositionDossier.objects.select_for_update().get(pk=dossier.pk)
    source, target, date_field = TRANSITIONS[action]
    if dossier.status != source:
        raise ValidationError(_("The dossier is %(status)s: this step is not possible now.")
                              % {"status": dossier.get_status_display().lower()})
    on = on or timezone.localdate()
    # An approval without its decision number could not be cited on the positions it freezes.
    if action == "approve" and not clean(decision_number):
        raise ValidationError({"decision_number": _("Approval needs the decision number.")})
    before = audit.snapshot(dossier, ("status", "decision_number"))
    dossier.status = target
    if date_field:
        setattr(dossier, date_field, on)
    if action == "appraise":
        dossier.appraisal_note = clean(note)
    if action == "approve":
        dossier.decision_number, dossier.decision_date = clean(decision_number), decision_date
        dossier.signer = clean(signer)
        _approve_descriptions(dossier, on)
    elif action != "return":
        dossier.descriptions.update(status=target)
    else:
        dossier.descriptions.update(status=JobDescription.Status.DRAFT)
    dossier.save()
    audit.record(actor=actor, obj=dossier, action=action, unit=dossier.unit, reason=note,
                 changes=audit.diff(before, audit.snapshot(dossier, ("status", "decision_number"))))
    return dossier


def _approve_descriptions(dossier: PositionDossier, on: date) -> None:
    for description in dossier.descriptions.select_related("position"):
        # One approved version per position: the one approved before is superseded, never deleted.
        description.position.descriptions.filter(status=JobDescription.Status.APPROVED).update(
            status=JobDescription.Status.SUPERSEDED)
    dossier.descriptions.update(status=JobDescription.Status.APPROVED, approved_on=on)


# --- quotas and catalogue -------------------------------------------------------------------------

@transaction.atomic
def quota_set(*, actor, unit: OrgUnit, year: int, category: str, number: int,
              decision: str = "") -> StaffingQuota:
    quota, created = StaffingQuota.objects.get_or_create(
        unit=unit, year=year, category=category,
        defaults={"number": number, "decision": clean(decision)})
    if created:
        audit.record(actor=actor, obj=quota, action="create", unit=unit,
                     changes={"number": [None, number]})
    elif quota.number != number or quota.decision != clean(decision):
        audit.record(actor=actor, obj=quota, action="update", unit=unit,
                     changes={"number": [quota.number, number]}, reason=clean(decision))
        quota.number, quota.decision = number, clean(decision)
        quota.save(update_fields=["number", "decision"])
    return quota


@transaction.atomic
def competency_save(*, actor, competency: Competency, descriptors: dict[int, str],
                    confirmed_levels: set[int], **fields) -> Competency:
    """Create or edit a competency and its level descriptors (provincial HR)."""
    before = audit.snapshot(competency,
                            ("code", "name", "group", "description", "field", "confirmed",
                             "active"))
    for name, value in fields.items():
        setattr(competency, name, clean(value) if isinstance(value, str) else value)
    creating = competency.pk is None
    competency.full_clean()
    competency.save()
    changes = audit.diff(before,
                         audit.snapshot(competency,
                                        ("code", "name", "group", "description", "field",
                                         "confirmed", "active")))
    for level, text in descriptors.items():
        row, _created = CompetencyLevel.objects.get_or_create(competency=competency, level=level,
                                                              defaults={"descriptor": clean(text)})
        confirmed = level in confirmed_levels
        if row.descriptor != clean(text) or row.confirmed != confirmed:
            changes[f"level_{level}"] = [row.descriptor, clean(text)]
            row.descriptor, row.confirmed = clean(text), confirmed
            row.save(update_fields=["descriptor", "confirmed"])
    if changes or creating:
        audit.record(actor=actor, obj=competency, action="create" if creating else "update",
                     changes=changes)
    return competency


@transaction.atomic
def ratio_cap_set(*, actor, unit_kind: str, rank_level: str, max_percent: int, legal_basis: str,
                  confirmed: bool = False):
    """Set the cap on the share of a rank level in a kind of unit (ND 361/2025 percentages)."""
    from positions.models import RankRatioCap

    cap, created = RankRatioCap.objects.get_or_create(
        unit_kind=unit_kind, rank_level=rank_level,
        defaults={"max_percent": max_percent, "legal_basis": clean(legal_basis),
                  "confirmed": confirmed})
    before = None if created else cap.max_percent
    if not created:
        cap.max_percent, cap.legal_basis, cap.confirmed = max_percent, clean(legal_basis), confirmed
        cap.save()
    audit.record(actor=actor, obj=cap, action="create" if created else "update",
                 changes={"max_percent": [before, max_percent]}, reason=clean(legal_basis))
    return cap
