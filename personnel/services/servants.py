"""Writes on a civil servant's record. Each function runs in one transaction, keeps the current
fields on ``CivilServant`` in step with the dated history (assignments, salary records), records
a typed career event with its decision, and writes field-level audit entries."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import OrgUnit
from core.text import clean, name_sort_key, search_key
from personnel.leadership import leadership_of
from personnel import validation
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord
from positions.models import JobPosition, Rank, coefficient_of

PROFILE_FIELDS = (
    "full_name", "other_names", "date_of_birth", "birth_precision", "sex", "category", "national_id", "code",
    "id_issue_date", "id_issue_place", "place_of_birth", "home_town", "ethnicity", "religion",
    "permanent_address", "current_address", "phone", "email", "occupation_before", "recruitment_date",
    "recruiting_agency", "main_duties", "general_education", "qualification", "political_theory",
    "state_management", "foreign_language", "it_skill", "party_admission_date", "party_official_date",
    "mass_organisations", "enlistment_date", "discharge_date", "military_rank", "honorary_title", "strengths",
    "health_status", "height_cm", "weight_kg", "blood_group", "war_invalid_grade", "policy_family",
    "social_insurance_number", "position_allowance",
)
CURRENT_FIELDS = ("unit", "job_position", "title", "leadership", "rank", "salary_step", "salary_coefficient",
                  "salary_step_date", "excess_seniority_percent", "status", "status_date")
AUDITED_FIELDS = PROFILE_FIELDS + CURRENT_FIELDS


@dataclass(frozen=True)
class Decision:
    """The decision behind a career event (quyết định: number, date, signer)."""

    number: str = ""
    decided_on: date | None = None
    signer: str = ""


NO_DECISION = Decision()


def refresh_keys(servant: CivilServant) -> None:
    """NFC-trim the names and rebuild the search and sort keys."""
    servant.full_name = clean(servant.full_name)
    servant.search_text = search_key(servant.full_name, servant.other_names, servant.code, servant.national_id)[:400]
    servant.sort_key = name_sort_key(servant.full_name)[:300]


def _full_clean(servant: CivilServant) -> None:
    """Field checks, and the unique code and ID number with a clear message. The database alone
    enforces the 12-digit check constraint."""
    servant.full_clean(exclude=["search_text", "sort_key"], validate_constraints=False)
    errors: dict[str, list[ValidationError]] = {}
    for constraint in CivilServant._meta.total_unique_constraints:
        try:
            constraint.validate(CivilServant, servant)
        except ValidationError as exc:
            errors.setdefault(constraint.fields[0], []).append(exc)
    if errors:
        raise ValidationError(errors)


def _check_person(before: dict, servant: CivilServant) -> None:
    """The checks the import makes (personnel.validation), with its messages; an edit is refused
    only for a problem it adds."""
    problems = validation.new_errors(before, validation.values_of(servant)) if before else \
        validation.person_errors(validation.values_of(servant))
    if problems:
        raise ValidationError(problems)


def _check_unit_on(unit: OrgUnit, day: date) -> None:
    if not unit.is_active_on(day):
        raise ValidationError({"unit": _("%(unit)s does not exist on %(day)s.")
                               % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}})


def _sync(caller: CivilServant, fresh: CivilServant) -> None:
    """Services lock and save their own copy; keep the caller's object current as well."""
    if caller is not fresh:
        for name in CURRENT_FIELDS + ("updated_at",):
            setattr(caller, name, getattr(fresh, name))


def _event(actor, servant, kind, effective_date, summary, decision: Decision, data=None, rule_set="") -> CareerEvent:
    return CareerEvent.objects.create(
        servant=servant, kind=kind, effective_date=effective_date, decision_number=clean(decision.number),
        decision_date=decision.decided_on, signer=clean(decision.signer), summary=summary[:500], data=data or {},
        rule_set=rule_set, created_by=actor if actor is not None and actor.pk else None)


def _audit_update(actor, servant: CivilServant, before: dict, reason: str, action: str = "update") -> dict:
    changes = audit.diff(before, audit.snapshot(servant, AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, obj=servant, action=action, unit=servant.unit, changes=changes, reason=reason)
    return changes


@transaction.atomic
def servant_create(*, actor, code: str, national_id: str, full_name: str, date_of_birth: date, sex: str,
                   unit: OrgUnit, start_date: date | None = None, title: str = "",
                   job_position: JobPosition | None = None, rank: Rank | None = None, salary_step: int | None = None,
                   salary_coefficient: Decimal | None = None, salary_step_date: date | None = None,
                   excess_seniority_percent: int = 0, decision: Decision = NO_DECISION,
                   event_kind: str = CareerEvent.Kind.RECRUITED, **profile) -> CivilServant:
    """Open a record: the person, their first assignment, their first salary row and the event."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    start = start_date or profile.get("recruitment_date") or timezone.localdate()
    if start_date is None and unit.valid_from is not None and start < unit.valid_from:
        start = unit.valid_from  # as the import does: known in this unit only since it exists
    _check_unit_on(unit, start)
    servant = CivilServant(code=clean(code), national_id=clean(national_id), full_name=full_name,
                           date_of_birth=date_of_birth, sex=sex, unit=unit, job_position=job_position,
                           title=clean(title), leadership=leadership_of(title), **profile)
    for name, value in profile.items():
        if isinstance(value, str):
            setattr(servant, name, clean(value))
    refresh_keys(servant)
    _check_person({}, servant)
    _full_clean(servant)
    servant.save(force_insert=True)
    # The recruitment is dated by the recruitment decision, even when the record starts later (the unit
    # was established after the person joined the service).
    recruited = profile.get("recruitment_date") if event_kind == CareerEvent.Kind.RECRUITED else None
    event = _event(actor, servant, event_kind, min(recruited, start) if recruited else start,
                   _("Joined %(unit)s") % {"unit": unit.name}, decision)
    Assignment.objects.create(servant=servant, unit=unit, job_position=job_position, title=servant.title,
                              leadership=servant.leadership, start_date=start, event=event)
    if rank is not None and salary_step:
        _open_salary(servant, rank=rank, step=salary_step, start=salary_step_date or start,
                     coefficient=salary_coefficient, kind=SalaryRecord.Kind.INITIAL, event=event,
                     excess=excess_seniority_percent)
        servant.save(update_fields=["rank", "salary_step", "salary_coefficient", "salary_step_date",
                                    "excess_seniority_percent"])
    audit.record(actor=actor, obj=servant, action="create", unit=unit,
                 changes={k: [None, v] for k, v in audit.snapshot(servant, AUDITED_FIELDS).items()
                          if v not in ("", None, 0)})
    return servant


@transaction.atomic
def servant_update(*, actor, servant: CivilServant, reason: str = "", **changes) -> dict:
    """Correct or complete résumé fields; returns {field: [old, new]} of what changed."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields change only through a career event: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(servant, AUDITED_FIELDS)
    checked_before = validation.values_of(servant)
    for name, value in changes.items():
        setattr(servant, name, clean(value) if isinstance(value, str) else value)
    refresh_keys(servant)
    _check_person(checked_before, servant)
    _full_clean(servant)
    servant.updated_at = timezone.now()
    servant.save()
    return _audit_update(actor, servant, before, reason)


def _close_current_assignment(servant: CivilServant, last_day: date) -> Assignment | None:
    current = servant.assignments.filter(kind=Assignment.Kind.PRIMARY, end_date__isnull=True).first()
    if current is None:
        return None
    if last_day < current.start_date:
        raise ValidationError(_("The new assignment cannot start before the current one (%(day)s).")
                              % {"day": current.start_date.strftime("%d/%m/%Y")})
    Assignment.objects.filter(pk=current.pk).update(end_date=last_day)
    return current


@transaction.atomic
def servant_assign(*, actor, servant: CivilServant, start_date: date, kind: str = CareerEvent.Kind.TRANSFERRED,
                   unit: OrgUnit | None = None, title: str | None = None, job_position: JobPosition | None = None,
                   decision: Decision = NO_DECISION, reason: str = "") -> Assignment:
    """Move a person (transfer, appointment, re-assignment): close the current assignment the day
    before ``start_date`` and open the new one; unchanged parts are carried over."""
    caller, servant = servant, CivilServant.objects.select_for_update().select_related("unit").get(pk=servant.pk)
    before = audit.snapshot(servant, AUDITED_FIELDS)
    new_unit = unit or servant.unit
    _check_unit_on(new_unit, start_date)
    new_title = clean(title) if title is not None else servant.title
    position = job_position if job_position is not None or unit is not None else servant.job_position
    previous = _close_current_assignment(servant, start_date - timedelta(days=1))
    # Without a title the timeline reads "Transferred: <unit>", not "Transferred —, <unit>".
    summary = (_("%(title)s, %(unit)s") % {"title": new_title, "unit": new_unit.name} if new_title
               else new_unit.name)
    data = {"from_unit": previous.unit_id if previous else None, "to_unit": new_unit.pk, "title": new_title}
    event = _event(actor, servant, kind, start_date, summary, decision, data)
    assignment = Assignment.objects.create(servant=servant, unit=new_unit, job_position=position, title=new_title,
                                           leadership=leadership_of(new_title), start_date=start_date, event=event)
    servant.unit, servant.title, servant.job_position = new_unit, new_title, position
    servant.leadership = assignment.leadership
    servant.updated_at = timezone.now()
    servant.save()
    _audit_update(actor, servant, before, reason or summary, action=kind)
    _sync(caller, servant)
    return assignment


def _open_salary(servant, *, rank: Rank, step: int, start: date, kind: str, event: CareerEvent | None,
                 coefficient: Decimal | None = None, excess: int = 0) -> SalaryRecord:
    value = coefficient if coefficient is not None else coefficient_of(rank.salary_group, step, start)
    if value is None:
        raise ValidationError(_("Step %(step)s does not exist in salary group %(group)s.")
                              % {"step": step, "group": rank.salary_group.code})
    current = servant.salary_records.filter(end_date__isnull=True).order_by("-start_date").first()
    if current is not None and start <= current.start_date:
        raise ValidationError(_("The new salary must start after the current one (%(day)s).")
                              % {"day": current.start_date.strftime("%d/%m/%Y")})
    servant.salary_records.filter(end_date__isnull=True).update(end_date=start - timedelta(days=1))
    record = SalaryRecord.objects.create(servant=servant, rank=rank, step=step, coefficient=value,
                                         excess_seniority_percent=excess, start_date=start, kind=kind, event=event)
    servant.rank, servant.salary_step, servant.salary_coefficient = rank, step, value
    servant.salary_step_date, servant.excess_seniority_percent = start, excess
    return record


@transaction.atomic
def servant_set_salary(*, actor, servant: CivilServant, rank: Rank, step: int, start_date: date,
                       kind: str = SalaryRecord.Kind.REGULAR, excess_percent: int = 0,
                       coefficient: Decimal | None = None, decision: Decision = NO_DECISION,
                       rule_set: str = "", reason: str = "") -> SalaryRecord:
    """A new salary step, rank or excess-seniority percentage from ``start_date``."""
    caller, servant = servant, CivilServant.objects.select_for_update().select_related("unit").get(pk=servant.pk)
    before = audit.snapshot(servant, AUDITED_FIELDS)
    event_kind = CareerEvent.Kind.RANK_CHANGED if servant.rank_id and servant.rank_id != rank.pk \
        else CareerEvent.Kind.SALARY_STEP
    summary = _("%(rank)s, step %(step)s") % {"rank": rank.name, "step": step}
    if excess_percent:
        summary += _(", excess seniority %(percent)s%%") % {"percent": excess_percent}
    event = _event(actor, servant, event_kind, start_date, summary, decision,
                   {"rank": rank.code, "step": step, "kind": kind, "excess": excess_percent}, rule_set)
    record = _open_salary(servant, rank=rank, step=step, start=start_date, kind=kind, event=event,
                          coefficient=coefficient, excess=excess_percent)
    servant.updated_at = timezone.now()
    servant.save()
    _audit_update(actor, servant, before, reason or summary, action=event_kind)
    _sync(caller, servant)
    return record


LEAVING_KINDS = {
    CareerEvent.Kind.RETIRED: CivilServant.Status.RETIRED,
    CareerEvent.Kind.RESIGNED: CivilServant.Status.RESIGNED,
    CareerEvent.Kind.STREAMLINED: CivilServant.Status.STREAMLINED,
    CareerEvent.Kind.DECEASED: CivilServant.Status.DECEASED,
}


@transaction.atomic
def servant_leave(*, actor, servant: CivilServant, kind: str, last_day: date, decision: Decision = NO_DECISION,
                  summary: str = "", data: dict | None = None, rule_set: str = "") -> CareerEvent:
    """Retirement, resignation, streamlining or death: the record stays, the status changes."""
    if kind not in LEAVING_KINDS:
        raise ValidationError(_("Unknown way of leaving."))
    caller, servant = servant, CivilServant.objects.select_for_update().select_related("unit").get(pk=servant.pk)
    if servant.status != CivilServant.Status.ACTIVE:
        raise ValidationError(_("%(name)s is no longer working.") % {"name": servant.full_name})
    before = audit.snapshot(servant, AUDITED_FIELDS)
    event = _event(actor, servant, kind, last_day, summary or CareerEvent.Kind(kind).label, decision, data, rule_set)
    _close_current_assignment(servant, last_day)
    servant.salary_records.filter(end_date__isnull=True).update(end_date=last_day)
    servant.status, servant.status_date = LEAVING_KINDS[kind], last_day + timedelta(days=1)
    servant.updated_at = timezone.now()
    servant.save()
    _audit_update(actor, servant, before, event.summary, action=kind)
    _sync(caller, servant)
    return event


@transaction.atomic
def event_record(*, actor, servant: CivilServant, kind: str, effective_date: date, summary: str,
                 decision: Decision = NO_DECISION, data: dict | None = None, rule_set: str = "") -> CareerEvent:
    """An event that changes no current field (probation completed, retirement notice …)."""
    event = _event(actor, servant, kind, effective_date, summary, decision, data, rule_set)
    audit.record(actor=actor, obj=servant, action=kind, unit=servant.unit, reason=summary,
                 changes={"event": [None, event.pk]})
    return event


@transaction.atomic
def event_correct(*, actor, event: CareerEvent, reason: str, effective_date: date | None = None,
                  summary: str | None = None, decision: Decision | None = None) -> CareerEvent:
    """Correct an event by a new version that points to it; the original stays in the timeline."""
    if not clean(reason):
        raise ValidationError(_("A correction needs a reason."))
    if event.corrections.exists():
        raise ValidationError(_("This event has already been corrected; correct the latest version."))
    decision = decision or Decision(event.decision_number, event.decision_date, event.signer)
    correction = CareerEvent.objects.create(
        servant=event.servant, kind=event.kind, effective_date=effective_date or event.effective_date,
        decision_number=clean(decision.number), decision_date=decision.decided_on, signer=clean(decision.signer),
        summary=(summary or event.summary)[:500], data=event.data, rule_set=event.rule_set, corrects=event,
        correction_reason=clean(reason), created_by=actor if actor is not None and actor.pk else None)
    if correction.effective_date != event.effective_date:
        original = event
        while original.corrects_id:  # history rows hang on the first version of the event
            original = original.corrects
        _move_history(original, correction.effective_date)
    audit.record(actor=actor, obj=event.servant, action="correct", unit=event.servant.unit, reason=reason,
                 changes={"event": [event.pk, correction.pk],
                          "effective_date": [event.effective_date.isoformat(), correction.effective_date.isoformat()]})
    return correction


def _move_history(event: CareerEvent, new_start: date) -> None:
    """A corrected date moves the assignment or salary row the event opened, and the end of the row
    before it, so work and salary histories (Mẫu 2C items 28, 31) follow the correction."""
    for model in (Assignment, SalaryRecord):
        for row in model.objects.filter(event=event):
            previous = model.objects.filter(servant=row.servant, end_date=row.start_date - timedelta(days=1)).first()
            if previous is not None and new_start <= previous.start_date:
                raise ValidationError(_("The corrected date falls before the previous period (%(day)s).")
                                      % {"day": previous.start_date.strftime("%d/%m/%Y")})
            if row.end_date is not None and new_start > row.end_date:
                raise ValidationError(_("The corrected date falls after the end of this period (%(day)s).")
                                      % {"day": row.end_date.strftime("%d/%m/%Y")})
            if previous is not None:
                model.objects.filter(pk=previous.pk).update(end_date=new_start - timedelta(days=1))
            model.objects.filter(pk=row.pk).update(start_date=new_start)
            if model is SalaryRecord and row.end_date is None:
                CivilServant.objects.filter(pk=row.servant_id).update(salary_step_date=new_start)
