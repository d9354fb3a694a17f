"""Writes on a civil servant's record. Each function runs in one transaction, keeps the current
fields on ``CivilServant`` in step with the dated history (assignments, salary records), records
a typed career event with its decision, and writes field-level audit entries."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.access import MANAGE, unit_scope
from core.dates import add_months
from core.models import OrgUnit
from core.text import clean, name_sort_key, search_key
from personnel import validation
from personnel.leadership import leadership_of
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord
from personnel.services.verification import verification_reset
from positions.models import JobPosition, Rank, coefficient_of

PROFILE_FIELDS = (
    "full_name", "other_names", "date_of_birth", "birth_precision", "sex", "category",
    "national_id", "code",
    "id_issue_date", "id_issue_place", "place_of_birth", "home_town", "ethnicity", "religion",
    "permanent_address", "current_address", "phone", "email", "occupation_before",
    "recruitment_date",
    "recruiting_agency", "main_duties", "general_education", "qualification", "political_theory",
    "state_management", "foreign_language", "it_skill", "party_admission_date",
    "party_official_date",
    "mass_organisations", "enlistment_date", "discharge_date", "military_rank", "honorary_title",
    "strengths",
    "health_status", "height_cm", "weight_kg", "blood_group", "war_invalid_grade", "policy_family",
    "social_insurance_number", "position_allowance",
)
CURRENT_FIELDS = ("unit", "job_position", "title", "leadership", "rank", "salary_step",
                  "salary_coefficient", "salary_step_date", "excess_seniority_percent", "status",
                  "status_date")
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
    servant.search_text = search_key(servant.full_name, servant.other_names, servant.code,
                                     servant.national_id)[:400]
    servant.sort_key = name_sort_key(servant.full_name)[:300]


# Résumé values repeat from person to person (ethnicity,
# home town, degree): an import cleans each once.
_clean_repeated = lru_cache(maxsize=4096)(clean)


def servant_fields(*, code: str, national_id: str, full_name: str, unit: OrgUnit, title: str = "",
                   **profile) -> dict:
    """The stored fields of a new record from what a form or an import row gives: text cleaned,
    and the fields derived from others (leadership from the title, search and sort keys). The one
    declaration of a new record for ``servant_create`` and the import's bulk path
    (``personnel.importers.BulkCreator``), so both store a person alike."""
    fields = {name: _clean_repeated(value) if isinstance(value, str) else value
              for name, value in profile.items()}
    code, national_id = clean(code), clean(national_id)
    full_name, title = clean(full_name), clean(title)
    fields.update(code=code, national_id=national_id, full_name=full_name, unit=unit, title=title,
                  leadership=leadership_of(title),
                  search_text=search_key(full_name, fields.get("other_names", ""), code,
                                         national_id)[:400],
                  sort_key=name_sort_key(full_name)[:300])
    return fields


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
        for name in CURRENT_FIELDS + ("updated_at", "verification"):
            setattr(caller, name, getattr(fresh, name))


def _event(actor, servant, kind, effective_date, summary, decision: Decision, data=None,
           rule_set="") -> CareerEvent:
    return CareerEvent.objects.create(
        servant=servant, kind=kind, effective_date=effective_date,
        decision_number=clean(decision.number),
        decision_date=decision.decided_on, signer=clean(decision.signer), summary=summary[:500],
        data=data or {},
        rule_set=rule_set, created_by=actor if actor is not None and actor.pk else None)


def _audit_update(actor, servant: CivilServant, before: dict, reason: str,
                  action: str = "update") -> dict:
    changes = audit.diff(before, audit.snapshot(servant, AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, obj=servant, action=action, unit=servant.unit, changes=changes,
                     reason=reason)
        # Every write of the record passes here: a changed key field un-verifies it (ND 27/2026).
        verification_reset(actor=actor, servant=servant, changes=changes)
    return changes


@transaction.atomic
def servant_create(*, actor, code: str, national_id: str, full_name: str, date_of_birth: date,
                   sex: str, unit: OrgUnit, start_date: date | None = None, title: str = "",
                   job_position: JobPosition | None = None, rank: Rank | None = None,
                   salary_step: int | None = None, salary_coefficient: Decimal | None = None,
                   salary_step_date: date | None = None, excess_seniority_percent: int = 0,
                   decision: Decision = NO_DECISION, event_kind: str = CareerEvent.Kind.RECRUITED,
                   **profile) -> CivilServant:
    """Open a record: the person, their first assignment, their first salary row and the event."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    start = start_date or profile.get("recruitment_date") or timezone.localdate()
    if start_date is None and unit.valid_from is not None and start < unit.valid_from:
        start = unit.valid_from  # as the import does: known in this unit only since it exists
    _check_unit_on(unit, start)
    servant = CivilServant(**servant_fields(code=code, national_id=national_id, full_name=full_name,
                                            unit=unit, title=title, date_of_birth=date_of_birth,
                                            sex=sex, job_position=job_position, **profile))
    _check_person({}, servant)
    _full_clean(servant)
    servant.save(force_insert=True)
    # The recruitment is dated by the recruitment decision, even when the record
    # starts later (the unit was established after the person joined the service).
    recruited = (profile.get("recruitment_date") if event_kind == CareerEvent.Kind.RECRUITED
                 else None)
    event = _event(actor, servant, event_kind, min(recruited, start) if recruited else start,
                   _("Joined %(unit)s") % {"unit": unit.name}, decision)
    Assignment.objects.create(servant=servant, unit=unit, job_position=job_position,
                              title=servant.title, leadership=servant.leadership, start_date=start,
                              event=event)
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
    current = servant.assignments.filter(kind=Assignment.Kind.PRIMARY,
                                         end_date__isnull=True).first()
    if current is None:
        return None
    if last_day < current.start_date:
        raise ValidationError(_("The new assignment cannot start before the current one (%(day)s).")
                              % {"day": current.start_date.strftime("%d/%m/%Y")})
    Assignment.objects.filter(pk=current.pk).update(end_date=last_day)
    return current


@transaction.atomic
def servant_assign(*, actor, servant: CivilServant, start_date: date,
                   kind: str = CareerEvent.Kind.TRANSFERRED, unit: OrgUnit | None = None,
                   title: str | None = None, job_position: JobPosition | None = None,
                   decision: Decision = NO_DECISION, reason: str = "") -> Assignment:
    """Move a person (transfer, appointment, re-assignment): close the current assignment the day
    before ``start_date`` and open the new one; unchanged parts are carried over."""
    caller, servant = servant, (CivilServant.objects.select_for_update(of=("self",))
                                .select_related("unit").get(pk=servant.pk))
    before = audit.snapshot(servant, AUDITED_FIELDS)
    new_unit = unit or servant.unit
    _check_unit_on(new_unit, start_date)
    new_title = clean(title) if title is not None else servant.title
    position = (job_position if job_position is not None or unit is not None
                else servant.job_position)
    previous = _close_current_assignment(servant, start_date - timedelta(days=1))
    # Without a title the timeline reads "Transferred: <unit>", not "Transferred —, <unit>".
    summary = (_("%(title)s, %(unit)s") % {"title": new_title, "unit": new_unit.name} if new_title
               else new_unit.name)
    data = {"from_unit": previous.unit_id if previous else None, "to_unit": new_unit.pk,
            "title": new_title}
    event = _event(actor, servant, kind, start_date, summary, decision, data)
    assignment = Assignment.objects.create(servant=servant, unit=new_unit, job_position=position,
                                           title=new_title, leadership=leadership_of(new_title),
                                           start_date=start_date, event=event)
    servant.unit, servant.title, servant.job_position = new_unit, new_title, position
    servant.leadership = assignment.leadership
    servant.updated_at = timezone.now()
    servant.save()
    _audit_update(actor, servant, before, reason or summary, action=kind)
    _sync(caller, servant)
    return assignment


@transaction.atomic
def assignment_record_past(*, actor, servant: CivilServant, unit: OrgUnit, start_date: date,
                           end_date: date, title: str = "", job_position: JobPosition | None = None,
                           decision: Decision = NO_DECISION,
                           kind: str = CareerEvent.Kind.TRANSFERRED,
                           reason: str = "") -> Assignment:
    """A past period of the career (Mẫu 2C item 28), e.g. in a unit closed by the
    2025 reorganisation: inserted into the work history with both its dates, in
    the unit as it was then. The current assignment and the record's current
    fields stay as they are; the period may not overlap another primary
    assignment, and the unit must have existed from its first to its last day."""
    from django.db.models import Q

    servant = CivilServant.objects.select_for_update(of=("self",)).get(pk=servant.pk)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if end_date >= timezone.localdate():
        raise ValidationError(
            {"end_date": _("A past period ends before today; a move from now on is a "
                           "transfer without an end date.")})
    _check_unit_on(unit, start_date)
    _check_unit_on(unit, end_date)
    if job_position is not None and job_position.unit_id != unit.pk:
        raise ValidationError({"job_position": _("This job position belongs to another unit.")})
    clash = servant.assignments.filter(kind=Assignment.Kind.PRIMARY,
                                       start_date__lte=end_date).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)).select_related("unit").first()
    if clash is not None:
        until = clash.end_date.strftime("%d/%m/%Y") if clash.end_date else _("now")
        raise ValidationError(
            {"start_date": _("The period overlaps %(unit)s from %(start)s to %(end)s.")
             % {"unit": clash.unit.name, "start": clash.start_date.strftime("%d/%m/%Y"),
                "end": until}})
    title = clean(title)
    period = f"{start_date:%d/%m/%Y} – {end_date:%d/%m/%Y}"
    summary = _("%(title)s, %(unit)s") % {"title": title, "unit": unit.name} if title else unit.name
    event = _event(actor, servant, kind, start_date, summary, decision,
                   {"to_unit": unit.pk, "title": title, "end_date": end_date.isoformat(),
                    "past": True})
    assignment = Assignment.objects.create(servant=servant, unit=unit, job_position=job_position,
                                           title=title, leadership=leadership_of(title),
                                           start_date=start_date, end_date=end_date, event=event)
    audit.record(actor=actor, obj=servant, action=kind, unit=servant.unit,
                 changes={"work_history": [None, f"{period}: {summary}"]},
                 reason=reason or _("Past period of the career %(period)s") % {"period": period})
    return assignment


def _open_salary(servant, *, rank: Rank, step: int, start: date, kind: str,
                 event: CareerEvent | None, coefficient: Decimal | None = None,
                 excess: int = 0) -> SalaryRecord:
    value = (coefficient if coefficient is not None
             else coefficient_of(rank.salary_group, step, start))
    if value is None:
        raise ValidationError(_("Step %(step)s does not exist in salary group %(group)s.")
                              % {"step": step, "group": rank.salary_group.code})
    current = servant.salary_records.filter(end_date__isnull=True).order_by("-start_date").first()
    if current is not None and start <= current.start_date:
        raise ValidationError(_("The new salary must start after the current one (%(day)s).")
                              % {"day": current.start_date.strftime("%d/%m/%Y")})
    servant.salary_records.filter(end_date__isnull=True).update(end_date=start - timedelta(days=1))
    record = SalaryRecord.objects.create(servant=servant, rank=rank, step=step, coefficient=value,
                                         excess_seniority_percent=excess, start_date=start,
                                         kind=kind, event=event)
    _refresh_current_salary(servant)
    return record


def _salary_in_force(servant: CivilServant, on: date) -> SalaryRecord | None:
    """The row paid on ``on`` (the last one of a person
    who left); the first row when all start later."""
    rows = SalaryRecord.objects.filter(servant=servant).select_related("rank")
    return rows.filter(start_date__lte=on).order_by("-start_date", "-id").first() or \
        rows.order_by("start_date", "id").first()


def _refresh_current_salary(servant: CivilServant, on: date | None = None) -> None:
    """Set the current salary fields from the row in force today.

    A raise is often decided ahead of its date (a decision signed in December for 1 January), so a
    future row is kept as decided, not refused: the salary tab and Mẫu 2C item 31 list it, while the
    header, item 14 and the next raise keep the step the person is paid at today, until that day
    (``salary_roll_forward``, nightly). This is what a payroll office expects."""
    record = _salary_in_force(servant, on or timezone.localdate())
    if record is None:
        return
    servant.rank, servant.salary_step = record.rank, record.step
    servant.salary_coefficient, servant.salary_step_date = record.coefficient, record.start_date
    servant.excess_seniority_percent = record.excess_seniority_percent


# Rows whose step follows the previous row by the raise rules (TT 08/2013/TT-BNV Art 2 and 3, as
# amended by TT 03/2021/TT-BNV); an initial ranking, an import and a rank change take the step of
# their own decision.
STEP_RAISES = (SalaryRecord.Kind.REGULAR, SalaryRecord.Kind.EARLY,
               SalaryRecord.Kind.EARLY_RETIREMENT)


def _check_salary_rules(previous: SalaryRecord | None, *, rank: Rank, step: int, start: date,
                        kind: str, excess: int) -> None:
    """Refuse a row the raise rules do not allow after ``previous``: a skipped or lower step, a
    regular raise before it is due, an early raise more than 12 months early, an excess-seniority
    step below the last step. Errors are keyed by the salary form's fields."""
    from personnel.rules.salary import _rules
    from personnel.selectors import raise_due_after

    if previous is None or kind not in (*STEP_RAISES, SalaryRecord.Kind.EXCESS,
                                        SalaryRecord.Kind.RANK_CHANGE):
        return
    if kind == SalaryRecord.Kind.RANK_CHANGE:
        if rank.pk == previous.rank_id:
            raise ValidationError({"rank": _("A rank change needs a rank other than %(rank)s.")
                                   % {"rank": previous.rank.name}})
        _check_promotion(previous, rank=rank, step=step, start=start)
        return
    if rank.pk != previous.rank_id:
        raise ValidationError({"kind": _("A change of rank is recorded as a rank change.")})
    due = raise_due_after(previous)
    day = {"day": due.due_date.strftime("%d/%m/%Y"), "current": previous.step}
    if kind == SalaryRecord.Kind.EXCESS:
        _check_excess(previous, due, step=step, start=start, excess=excess)
        return
    if due.next_step is None:
        raise ValidationError(
            {"step": _("Step %(current)s is the last step of this rank; what follows is the "
                       "excess seniority allowance.") % day})
    if step != due.next_step:
        raise ValidationError(
            {"step": _("The step after %(current)s is %(expected)s, not %(step)s: a raise "
                       "moves one step.") % {**day, "expected": due.next_step, "step": step}})
    # An early raise (achievements, or before retirement)
    # may come up to 12 months before the due date.
    earliest = due.due_date if kind == SalaryRecord.Kind.REGULAR else \
        add_months(due.due_date, -_rules(due.due_date).early_max_months)
    if start < earliest:
        message = _("Step %(expected)s is due on %(day)s; an earlier date is an early raise.") \
            if kind == SalaryRecord.Kind.REGULAR else \
            _("An early raise comes at most 12 months before the due date (%(day)s).")
        raise ValidationError({"start_date": message % {**day, "expected": due.next_step}})


def _table(group, day: date) -> list[tuple[int, Decimal]]:
    """(step, coefficient) of a salary group on ``day``, lowest step first."""
    steps = sorted(set(group.coefficients.filter(valid_from__lte=day)
                       .values_list("step", flat=True)))
    return [(s, coefficient_of(group, s, day)) for s in steps]


def _check_promotion(previous: SalaryRecord, *, rank: Rank, step: int, start: date) -> None:
    """Promoted to a higher rank, a person is placed on the step whose coefficient equals, or is the
    nearest above, the coefficient held with its excess seniority (TT 02/2007/TT-BNV point II.1.a;
    not yet in DOMAIN-RULES). A move to a rank of the same or a lower group is not checked here."""
    old, new = _table(previous.rank.salary_group, start), _table(rank.salary_group, start)
    # Only a move up a group is a promotion with a placement rule; a lateral or downward move is not
    # checked.
    if not old or not new or new[0][1] <= old[0][1]:
        return
    base = dict(old).get(previous.step, previous.coefficient)
    held = base * (100 + previous.excess_seniority_percent) / 100
    # Beyond the new rank's top coefficient the person goes to its last step.
    expected, value = next(((s, c) for s, c in new if c >= held), new[-1])
    if step != expected:
        raise ValidationError(
            {"step": _("Promoted to %(rank)s, the step is %(expected)s (coefficient %(value)s, the "
                       "nearest at or above the %(held)s held).")
             % {"rank": rank.name, "expected": expected, "value": value, "held": f"{held:.2f}"}})


def _check_excess(previous: SalaryRecord, due, *, step: int, start: date, excess: int) -> None:
    # ND 204/2004 Art 6: 5 % after the interval at the last step, then 1 % a year.
    expected = previous.excess_seniority_percent + 1 if previous.excess_seniority_percent else 5
    if due.kind != "excess" or step != previous.step:
        raise ValidationError(
            {"kind": _("The excess seniority allowance starts only at the last step of the rank.")})
    # more is a history folded into one row (the allowance held at a later date)
    if excess < expected:
        raise ValidationError(
            {"excess_percent": _("The next excess seniority allowance is at least %(n)s%%.")
             % {"n": expected}})
    if start < due.due_date:
        raise ValidationError({"start_date": _("It is due on %(day)s.")
                               % {"day": due.due_date.strftime("%d/%m/%Y")}})


@transaction.atomic
def salary_roll_forward(*, actor=None, on: date | None = None) -> int:
    """Make the rows that came into force on or before ``on`` the current salary (raises decided
    ahead of their date); returns how many people changed. Run nightly and safe to repeat."""
    on = on or timezone.localdate()
    due = SalaryRecord.objects.filter(start_date__lte=on,
                                      start_date__gt=F("servant__salary_step_date"),
                                      servant__status=CivilServant.Status.ACTIVE)
    changed = 0
    # Locked one by one: a raise decided for the same person tonight waits instead of being
    # overwritten.
    locked = CivilServant.objects.select_for_update(of=("self",)).select_related("unit")
    for servant in locked.filter(pk__in=due.values("servant_id")):
        before = audit.snapshot(servant, AUDITED_FIELDS)
        _refresh_current_salary(servant, on)
        servant.updated_at = timezone.now()
        servant.save()
        changed += bool(_audit_update(actor, servant, before,
                                      _("Salary in force from its decided date."),
                                      action=CareerEvent.Kind.SALARY_STEP))
    return changed


@transaction.atomic
def servant_set_salary(*, actor, servant: CivilServant, rank: Rank, step: int, start_date: date,
                       kind: str = SalaryRecord.Kind.REGULAR, excess_percent: int = 0,
                       coefficient: Decimal | None = None, decision: Decision = NO_DECISION,
                       rule_set: str = "", reason: str = "") -> SalaryRecord:
    """A new salary step, rank or excess-seniority percentage from ``start_date``,
    checked against the latest row by the raise rules
    (:func:`_check_salary_rules`). A row dated after today is stored as decided and
    becomes the current salary on its date (:func:`_refresh_current_salary`)."""
    caller, servant = servant, (CivilServant.objects.select_for_update(of=("self",))
                                .select_related("unit").get(pk=servant.pk))
    before = audit.snapshot(servant, AUDITED_FIELDS)
    latest = (servant.salary_records.select_related("rank__salary_group")
              .order_by("-start_date", "-id").first())
    if (kind == SalaryRecord.Kind.IMPORTED and latest is not None
            and latest.start_date == start_date
            and (latest.rank_id, latest.step, latest.excess_seniority_percent)
            == (rank.pk, step, excess_percent)):
        return latest  # the same file again while its row is not yet in force: nothing new
    _check_salary_rules(latest, rank=rank, step=step, start=start_date, kind=kind,
                        excess=excess_percent)
    event_kind = (CareerEvent.Kind.RANK_CHANGED if servant.rank_id and servant.rank_id != rank.pk
                  else CareerEvent.Kind.SALARY_STEP)
    summary = _("%(rank)s, step %(step)s") % {"rank": rank.name, "step": step}
    if excess_percent:
        summary += _(", excess seniority %(percent)s%%") % {"percent": excess_percent}
    event = _event(actor, servant, event_kind, start_date, summary, decision,
                   {"rank": rank.code, "step": step, "kind": kind, "excess": excess_percent},
                   rule_set)
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
def servant_leave(*, actor, servant: CivilServant, kind: str, last_day: date,
                  decision: Decision = NO_DECISION, summary: str = "", data: dict | None = None,
                  rule_set: str = "") -> CareerEvent:
    """Retirement, resignation, streamlining or death: the record stays, the status changes."""
    if kind not in LEAVING_KINDS:
        raise ValidationError(_("Unknown way of leaving."))
    caller, servant = servant, (CivilServant.objects.select_for_update(of=("self",))
                                .select_related("unit").get(pk=servant.pk))
    if servant.status != CivilServant.Status.ACTIVE:
        raise ValidationError(_("%(name)s is no longer working.") % {"name": servant.full_name})
    # A step decided to start after the last day would never be paid: the decision must be
    # corrected (or its date moved) before the person leaves, not silently dropped.
    pending = servant.salary_records.filter(start_date__gt=last_day).order_by("start_date").first()
    if pending is not None:
        raise ValidationError(
            _("A salary step is decided from %(day)s, after the last working day %(last)s: "
              "correct that decision first.")
            % {"day": pending.start_date.strftime("%d/%m/%Y"),
               "last": last_day.strftime("%d/%m/%Y")})
    before = audit.snapshot(servant, AUDITED_FIELDS)
    event = _event(actor, servant, kind, last_day, summary or CareerEvent.Kind(kind).label,
                   decision, data, rule_set)
    _close_current_assignment(servant, last_day)
    servant.salary_records.filter(Q(end_date__isnull=True)
                                  | Q(end_date__gt=last_day)).update(end_date=last_day)
    servant.status, servant.status_date = LEAVING_KINDS[kind], last_day + timedelta(days=1)
    servant.updated_at = timezone.now()
    servant.save()
    _audit_update(actor, servant, before, event.summary, action=kind)
    _sync(caller, servant)
    return event


@transaction.atomic
def event_record(*, actor, servant: CivilServant, kind: str, effective_date: date, summary: str,
                 decision: Decision = NO_DECISION, data: dict | None = None,
                 rule_set: str = "") -> CareerEvent:
    """An event that changes no current field (probation completed, retirement notice …)."""
    event = _event(actor, servant, kind, effective_date, summary, decision, data, rule_set)
    audit.record(actor=actor, obj=servant, action=kind, unit=servant.unit, reason=summary,
                 changes={"event": [None, event.pk]})
    return event


class _Keep:
    """"Leave as it is" for a correction argument whose empty value (None, "") is a real answer."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


@transaction.atomic
def event_correct(*, actor, event: CareerEvent, reason: str, effective_date: date | None = None,
                  summary: str | None = None, decision: Decision | None = None,
                  rank: Rank | None = None, step: int | None = None,
                  coefficient: Decimal | None = None, excess_percent: int | None = None,
                  unit: OrgUnit | None = None, title: str | None = None,
                  job_position: JobPosition | None | _Keep = KEEP) -> CareerEvent:
    """Correct an event by a new version that points to it, and the data the event recorded.

    The salary row the event opened takes the corrected rank, step, excess seniority and date (the
    coefficient from the salary table unless given); the assignment it opened takes the corrected
    unit (one the actor manages that exists on that date), title and job position. When that row is
    the one in force, the current fields follow, and with them the header, Mẫu 2C and the next
    raise. The original event stays in the timeline, marked corrected; the old values and the reason
    go into the change log. Arguments left at None (KEEP for the job position) keep their value."""
    if not clean(reason):
        raise ValidationError(_("A correction needs a reason."))
    if event.corrections.exists():
        raise ValidationError(
            _("This event has already been corrected; correct the latest version."))
    servant = (CivilServant.objects.select_for_update(of=("self",))
               .select_related("unit").get(pk=event.servant_id))
    before = audit.snapshot(servant, AUDITED_FIELDS)
    original = event
    while original.corrects_id:  # history rows hang on the first version of the event
        original = original.corrects
    day = effective_date or event.effective_date
    if day != event.effective_date:
        _move_history(original, day)
    data, changes = dict(event.data), {}
    salary = (SalaryRecord.objects.filter(event=original)
              .select_related("rank__salary_group").first())
    if salary is not None:
        changes |= _correct_salary(salary, rank=rank, step=step, coefficient=coefficient,
                                   excess=excess_percent, moved=day != event.effective_date)
        salary.refresh_from_db()
        data.update(rank=salary.rank.code, step=salary.step, excess=salary.excess_seniority_percent)
    assignment = Assignment.objects.filter(event=original).select_related("unit",
                                                                          "job_position").first()
    if assignment is not None:
        changes |= _correct_assignment(actor, assignment, unit=unit, title=title,
                                       job_position=job_position)
        assignment.refresh_from_db()
        data.update(to_unit=assignment.unit_id, title=assignment.title)
    if changes and (summary is None or clean(summary) in ("", clean(event.summary))):
        summary = _corrected_summary(event, salary, assignment)
    decision = decision or Decision(event.decision_number, event.decision_date, event.signer)
    correction = CareerEvent.objects.create(
        servant=servant, kind=event.kind, effective_date=day,
        decision_number=clean(decision.number), decision_date=decision.decided_on,
        signer=clean(decision.signer),
        summary=(summary or event.summary)[:500], data=data, rule_set=event.rule_set,
        corrects=event,
        correction_reason=clean(reason),
        created_by=actor if actor is not None and actor.pk else None)
    _refresh_current_salary(servant)
    _refresh_current_assignment(servant)
    servant.updated_at = timezone.now()
    servant.save()
    current = audit.diff(before, audit.snapshot(servant, AUDITED_FIELDS))
    audit.record(actor=actor, obj=servant, action="correct", unit=servant.unit,
                 reason=clean(reason),
                 changes={"event": [event.pk, correction.pk],
                          "effective_date": [event.effective_date.isoformat(), day.isoformat()],
                          **current, **changes})
    # a corrected key field un-verifies
    verification_reset(actor=actor, servant=servant, changes=current)
    return correction


def _correct_salary(row: SalaryRecord, *, rank, step, coefficient, excess, moved: bool) -> dict:
    """Apply the corrected values to a salary row; ``{current field: [old, new]}`` of the row."""
    new_rank, new_step = rank or row.rank, step or row.step
    new_excess = row.excess_seniority_percent if excess is None else excess
    value = coefficient
    if value is None:
        # The table of the (corrected) date: coefficients change with the decree in force.
        recompute = moved or (new_rank.pk, new_step) != (row.rank_id, row.step)
        value = (coefficient_of(new_rank.salary_group, new_step, row.start_date) if recompute
                 else row.coefficient)
    if value is None:
        raise ValidationError({"step": _("Step %(step)s does not exist in salary group %(group)s.")
                               % {"step": new_step, "group": new_rank.salary_group.code}})
    previous = SalaryRecord.objects.filter(servant=row.servant_id, start_date__lt=row.start_date) \
        .select_related("rank__salary_group").order_by("-start_date", "-id").first()
    _check_salary_rules(previous, rank=new_rank, step=new_step, start=row.start_date, kind=row.kind,
                        excess=new_excess)
    old = {"rank": row.rank_id, "salary_step": row.step, "salary_coefficient": str(row.coefficient),
           "excess_seniority_percent": row.excess_seniority_percent}
    new = {"rank": new_rank.pk, "salary_step": new_step, "salary_coefficient": str(value),
           "excess_seniority_percent": new_excess}
    SalaryRecord.objects.filter(pk=row.pk).update(rank=new_rank, step=new_step, coefficient=value,
                                                  excess_seniority_percent=new_excess)
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


def _correct_assignment(actor, row: Assignment, *, unit, title, job_position) -> dict:
    """Apply the corrected unit, title and job position
    to an assignment; ``{field: [old, new]}``."""
    new_unit = unit or row.unit
    if new_unit.pk != row.unit_id:
        if actor is not None and actor.pk and not unit_scope(actor, MANAGE).contains(new_unit):
            raise ValidationError({"unit": _("%(unit)s is not one of the units you manage.")
                                   % {"unit": new_unit.name}})
        _check_unit_on(new_unit, row.start_date)
    new_title = row.title if title is None else clean(title)
    # a position belongs to its unit: another unit drops it, as a transfer does
    if job_position is KEEP:
        job_position = row.job_position if new_unit.pk == row.unit_id else None
    if job_position is not None and job_position.unit_id != new_unit.pk:
        raise ValidationError({"job_position": _("This job position belongs to another unit.")})
    old = {"unit": row.unit_id, "title": row.title, "job_position": row.job_position_id}
    new = {"unit": new_unit.pk, "title": new_title,
           "job_position": job_position.pk if job_position else None}
    Assignment.objects.filter(pk=row.pk).update(unit=new_unit, title=new_title,
                                                job_position=job_position,
                                                leadership=leadership_of(new_title))
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


def _corrected_summary(event: CareerEvent, salary: SalaryRecord | None,
                       assignment: Assignment | None) -> str:
    """The timeline text of the corrected values, worded as the service that recorded the event."""
    if salary is not None and event.kind in (CareerEvent.Kind.SALARY_STEP,
                                             CareerEvent.Kind.RANK_CHANGED):
        text = _("%(rank)s, step %(step)s") % {"rank": salary.rank.name, "step": salary.step}
        if salary.excess_seniority_percent:
            text += _(", excess seniority %(percent)s%%") % {
                "percent": salary.excess_seniority_percent}
        return text
    if assignment is not None and event.kind == CareerEvent.Kind.RECRUITED:
        return _("Joined %(unit)s") % {"unit": assignment.unit.name}
    if assignment is not None:
        return _("%(title)s, %(unit)s") % {"title": assignment.title or "—",
                                           "unit": assignment.unit.name}
    return event.summary


def _refresh_current_assignment(servant: CivilServant) -> None:
    """The current unit, title and position are those of the open primary assignment."""
    current = servant.assignments.filter(kind=Assignment.Kind.PRIMARY, end_date__isnull=True) \
        .select_related("unit").first()
    if current is not None:
        servant.unit, servant.title = current.unit, current.title
        servant.job_position_id = current.job_position_id
        servant.leadership = current.leadership


def _move_history(event: CareerEvent, new_start: date) -> None:
    """A corrected date moves the assignment or salary row the event opened, and the end of the row
    before it, so work and salary histories (Mẫu 2C items 28, 31) follow the correction; the
    caller then refreshes the current fields."""
    for model in (Assignment, SalaryRecord):
        for row in model.objects.filter(event=event):
            previous = model.objects.filter(servant=row.servant,
                                            end_date=row.start_date - timedelta(days=1)).first()
            if previous is not None and new_start <= previous.start_date:
                raise ValidationError(
                    _("The corrected date falls before the previous period (%(day)s).")
                    % {"day": previous.start_date.strftime("%d/%m/%Y")})
            if row.end_date is not None and new_start > row.end_date:
                raise ValidationError(
                    _("The corrected date falls after the end of this period (%(day)s).")
                    % {"day": row.end_date.strftime("%d/%m/%Y")})
            if previous is not None:
                model.objects.filter(pk=previous.pk).update(end_date=new_start - timedelta(days=1))
            model.objects.filter(pk=row.pk).update(start_date=new_start)
