"""Every write of streamlining: plans and their approval, cases through the approval chain.

The chain (ND 154/2025 Art 13–14; ND 178/2024 Art 14): the unit proposes, HR reviews, the
authority decides; each step records who and when, and a step is refused with every reason at once.
A person excluded by ND 154 Art 3 (pregnancy, maternity, a child under 36 months — unless
voluntary —; discipline in effect, prosecution, inspection) cannot be proposed, reviewed or decided.
On the decision the amounts are computed one last time and frozen on the case, and the person's
exit is written into the career record through personnel's ``servant_leave``: the status changes
and an event is added, nothing is deleted.
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import OrgUnit, UnitChange
from personnel.models import CareerEvent, CivilServant, DisciplineRecord, LeaveRecord
from personnel.services.servants import Decision, servant_leave
from streamlining import amounts as amounts_of
from streamlining import evidence as evidence_of
from streamlining.models import CASE_NUMBERS, Case, Ground, Option, Plan, PlanTarget

# Early retirement ends the career as retired, the
# other options as streamlined (personnel statuses).
EXIT_KIND = {Option.EARLY_RETIREMENT: CareerEvent.Kind.RETIRED,
             Option.RESIGNATION: CareerEvent.Kind.STREAMLINED}


# --- plans ----------------------------------------------------------------------------------------
@transaction.atomic
def plan_save(*, actor, unit: OrgUnit, year: int, title: str,
              targets: list[tuple[str, str, str, int]], plan: Plan | None = None) -> Plan:
    """Create a plan, or replace the targets of a draft;
    ``targets`` are (ground, category, sector, n)."""
    if plan is None:
        if Plan.objects.filter(unit=unit, year=year).exists():
            raise ValidationError({"year": _("%(unit)s already has a plan for %(year)s.")
                                   % {"unit": unit.name, "year": year}})
        plan = Plan.objects.create(unit=unit, year=year, title=title.strip())
        action = "create"
    else:
        if plan.status != Plan.Status.DRAFT:
            raise ValidationError(
                _("An approved plan is not changed; make a new decision instead."))
        plan.title = title.strip()
        plan.save(update_fields=["title"])
        action = "update"
    wanted = {(g, c, s): n for g, c, s, n in targets if n}
    for target in plan.targets.all():
        key = (target.ground, target.category, target.sector)
        if key in wanted:
            target.target = wanted.pop(key)
            target.save(update_fields=["target"])
        else:
            PlanTarget.objects.filter(pk=target.pk).update(target=0)  # kept at zero, never deleted
    PlanTarget.objects.bulk_create(PlanTarget(plan=plan, ground=g, category=c, sector=s, target=n)
                                   for (g, c, s), n in wanted.items())
    audit.record(actor=actor, obj=plan, action=action, unit=unit,
                 changes={"targets": [None,
                                      {"|".join(k): n for k, n in sorted(_targets(plan).items())}]})
    return plan


def _targets(plan: Plan) -> dict[tuple[str, str, str], int]:
    return {(t.ground, t.category, t.sector): t.target for t in plan.targets.all()}


@transaction.atomic
def plan_approve(*, actor, plan: Plan, decision_number: str, decision_date: date,
                 signer: str) -> Plan:
    """Approve a plan by its decision (number, date, signer)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("This plan is already approved."))
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Give the number of the approving decision.")
    if not signer.strip():
        errors["signer"] = _("Give who signed the decision.")
    if not plan.targets.filter(target__gt=0).exists():
        errors[None] = _("A plan needs at least one target before it is approved.")
    if errors:
        raise ValidationError(errors)
    plan.status = Plan.Status.APPROVED
    plan.decision_number, plan.decision_date = decision_number.strip(), decision_date
    plan.signer = signer.strip()
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    audit.record(actor=actor, obj=plan, action="plan_approve", unit=plan.unit,
                 changes={"decision_number": [None, plan.decision_number]})
    return plan


# --- cases ----------------------------------------------------------------------------------------
def exclusions(case: Case, day: date | None = None) -> list[str]:
    """Why the person may not be streamlined now (ND 154/2025 Art 3; CV 2529/SNV for ND 178)."""
    day = day or timezone.localdate()
    reasons = []
    # Maternity leave on record counts even when the form's box was left unticked.
    maternity_on_record = LeaveRecord.objects.filter(
        servant_id=case.servant_id, kind=LeaveRecord.Kind.MATERNITY, cancelled=False,
        start_date__lte=day, end_date__gte=day).exists()
    # These protect the person only against a move they do not want: "unless voluntary"
    # (ND 154/2025 Art 3).
    if not case.voluntary:
        if case.pregnant:
            reasons.append(_("She is pregnant and does not leave voluntarily."))
        if case.maternity or maternity_on_record:
            reasons.append(_("She is on maternity leave and does not leave voluntarily."))
        if case.child_under_36_months:
            reasons.append(_("Raising a child under 36 months and not leaving voluntarily."))
    discipline = (DisciplineRecord.objects
                  .filter(servant_id=case.servant_id, effective_from__lte=day)
                  .exclude(effective_to__lt=day).first())
    if discipline is not None:
        reasons.append(_("Under discipline in effect (%(form)s from %(date)s).")
                       % {"form": discipline.form, "date": f"{discipline.effective_from:%d/%m/%Y}"})
    if case.prosecuted:
        reasons.append(_("Under investigation or prosecution."))
    if case.inspected:
        reasons.append(_("Under inspection or audit."))
    return reasons


def _next_code(year: int) -> str:
    count = Case.objects.filter(code__startswith=f"TG-{year}-").count()
    code = f"TG-{year}-{count + 1:04d}"
    # Codes of deleted drafts leave the count short of the last code: step past any code already
    # taken.
    while Case.objects.filter(code=code).exists():
        count += 1
        code = f"TG-{year}-{count + 1:04d}"
    return code


def _check_case(servant: CivilServant, ground: str, case_number: int, option: str) -> dict:
    errors = {}
    if ground not in Ground.values:
        errors["ground"] = _("Unknown legal ground.")
    elif case_number not in CASE_NUMBERS[Ground(ground)]:
        errors["case_number"] = _("%(ground)s has no case %(number)s.") % {
            "ground": Ground(ground).label, "number": case_number}
    if option not in Option.values:
        errors["option"] = _("Unknown option.")
    if servant.status != CivilServant.Status.ACTIVE:
        errors["servant"] = _("%(name)s is no longer working.") % {"name": servant.full_name}
    # One open case per person: two would price and pay the same exit twice.
    elif Case.objects.filter(servant=servant, status__in=[Case.Status.DRAFT, Case.Status.PROPOSED,
                                                           Case.Status.REVIEWED]).exists():
        errors["servant"] = _("%(name)s already has an open case.") % {"name": servant.full_name}
    return errors


def _calculate(case: Case) -> None:
    """Price the case with the calculator and keep the result, its formula version and inputs."""
    reorganised = case.reorganisation.effective_date if case.reorganisation_id else None
    calculation, reason = amounts_of.price(amounts_of.case_input(
        case.servant, leaving_date=case.leaving_date, option=case.option, ground=case.ground,
        reorganisation_date=reorganised, code=case.code))
    if calculation is None:
        case.rule_set, case.formula_version, case.amounts, case.total = "", "", {}, None
        case.inputs = {"refused": reason}
        return
    case.rule_set, case.formula_version = calculation.rule_set, calculation.formula_version
    case.amounts, case.total = dict(calculation.amounts), calculation.total
    # Stored as JSON: Decimals and dates are kept as text.
    plain = {k: v if isinstance(v, (int, str, list, type(None))) else str(v)
             for k, v in calculation.inputs.items()}
    si_months = amounts_of.months_between(case.servant.recruitment_date, case.leaving_date)
    case.inputs = {**plain, "lines": list(calculation.lines), "notes": list(calculation.notes),
                   "months_early": calculation.months_early,
                   "years_early": str(calculation.years_early),
                   "si_years": str(calculation.si_years), "si_months": si_months}


@transaction.atomic
def case_open(*, actor, servant: CivilServant, ground: str, case_number: int, option: str,
              leaving_date: date, plan: Plan | None = None,
              reorganisation: UnitChange | None = None, pregnant: bool = False,
              maternity: bool = False, child_under_36_months: bool = False, voluntary: bool = False,
              prosecuted: bool = False, inspected: bool = False, note: str = "") -> Case:
    """Open a case for a working person: the evidence
    is read from the record, the amounts priced."""
    servant = CivilServant.objects.select_related("unit").get(pk=servant.pk)
    errors = _check_case(servant, ground, case_number, option)
    if errors:
        raise ValidationError(errors)
    case = Case(code=_next_code(leaving_date.year), servant=servant, unit=servant.unit, plan=plan,
                ground=ground, case_number=case_number, option=option, leaving_date=leaving_date,
                category=servant.category, sector=servant.unit.sector,
                reorganisation=reorganisation, pregnant=pregnant, maternity=maternity,
                child_under_36_months=child_under_36_months, voluntary=voluntary,
                prosecuted=prosecuted, inspected=inspected, note=note.strip(),
                created_by=actor if actor and actor.pk else None)
    case.evidence = evidence_of.evidence_for(servant, reorganisation=reorganisation,
                                             day=leaving_date)
    _calculate(case)
    case.save()
    audit.record(actor=actor, obj=case, action="create", unit=case.unit,
                 changes={"ground": [None, ground], "case_number": [None, case_number],
                          "option": [None, option]})
    return case


def _lock(case: Case, *statuses: str) -> Case:
    # Locked, and only the case's row: two clicks on one step must not both pass the status check.
    case = Case.objects.select_for_update(of=("self",)).select_related(
        "servant", "unit", "reorganisation").get(pk=case.pk)
    if case.status not in statuses:
        raise ValidationError(_("This case is %(status)s; this step does not apply.")
                              % {"status": case.get_status_display().lower()})
    return case


def _refuse_excluded(case: Case, day: date) -> None:
    reasons = exclusions(case, day)
    if reasons:
        raise ValidationError([_("%(name)s may not be streamlined now:")
                               % {"name": case.servant.full_name}, *reasons])


@transaction.atomic
def case_propose(*, actor, case: Case) -> Case:
    """The unit proposes the case (step 1 of the chain); refused while an exclusion holds."""
    case = _lock(case, Case.Status.DRAFT)
    _refuse_excluded(case, timezone.localdate())
    case.status, case.proposed_by, case.proposed_at = Case.Status.PROPOSED, actor, timezone.now()
    case.save(update_fields=["status", "proposed_by", "proposed_at"])
    audit.record(actor=actor, obj=case, action="case_propose", unit=case.unit,
                 changes={"status": ["draft", "proposed"]})
    return case


@transaction.atomic
def case_review(*, actor, case: Case) -> Case:
    """HR reviews the proposal (step 2): someone other than who proposed it."""
    case = _lock(case, Case.Status.PROPOSED)
    # Four eyes: a proposer reviewing their own case would make the chain a formality.
    if actor is not None and actor.pk and case.proposed_by_id == actor.pk:
        raise ValidationError(_("The review is made by someone other than who proposed the case."))
    _refuse_excluded(case, timezone.localdate())
    case.evidence = evidence_of.evidence_for(case.servant, reorganisation=case.reorganisation,
                                             day=case.leaving_date)
    _calculate(case)
    case.status, case.reviewed_by, case.reviewed_at = Case.Status.REVIEWED, actor, timezone.now()
    case.save()
    audit.record(actor=actor, obj=case, action="case_review", unit=case.unit,
                 changes={"status": ["proposed", "reviewed"]})
    return case


def latest_record_start(servant: CivilServant) -> date | None:
    """The latest start of a salary row or an assignment: the exit cannot come before it."""
    starts = [servant.salary_records.aggregate(d=Max("start_date"))["d"],
              servant.assignments.aggregate(d=Max("start_date"))["d"]]
    return max((d for d in starts if d), default=None)


@transaction.atomic
def case_decide(*, actor, case: Case, decision_number: str, decision_date: date,
                signer: str) -> Case:
    """The authority's decision (step 3): amounts
    frozen, the exit written into the career record."""
    case = _lock(case, Case.Status.REVIEWED)
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Give the number of the decision.")
    if not signer.strip():
        errors["signer"] = _("Give who signed the decision.")
    if errors:
        raise ValidationError(errors)
    # The exclusions are judged on the decision date: a leave or a discipline may have begun since
    # the review.
    _refuse_excluded(case, decision_date)
    # Priced once more at the decision: the base salary or the rule set may have changed since.
    _calculate(case)
    if case.total is None:
        raise ValidationError(_("The amounts cannot be computed: %(reason)s")
                              % {"reason": case.inputs.get("refused")})
    decision = Decision(number=decision_number.strip(), decided_on=decision_date,
                        signer=signer.strip())
    summary = _("%(option)s under %(ground)s, case %(number)s") % {
        "option": case.get_option_display(), "ground": case.get_ground_display(),
        "number": case.case_number}
    # The last working day is the day before the leaving date (servant_leave takes the last day).
    last_day = date.fromordinal(case.leaving_date.toordinal() - 1)
    later = latest_record_start(case.servant)
    if later is not None and later > last_day:
        raise ValidationError({"decision_date": _(
            "The record has a salary step or an assignment from %(date)s, after the leaving date; "
            "correct the record or the leaving date first.") % {"date": f"{later:%d/%m/%Y}"}})
    case.event = servant_leave(actor=actor, servant=case.servant,
                               kind=EXIT_KIND[Option(case.option)], last_day=last_day,
                               decision=decision, summary=summary, rule_set=case.rule_set)
    case.status, case.decided_by, case.decided_at = Case.Status.DECIDED, actor, timezone.now()
    case.decision_number, case.decision_date = decision.number, decision_date
    case.signer = decision.signer
    case.save()
    audit.record(actor=actor, obj=case, action="case_decide", unit=case.unit,
                 changes={"status": ["reviewed", "decided"], "total": [None, case.total]})
    return case


@transaction.atomic
def case_refuse(*, actor, case: Case, reason: str) -> Case:
    """Stop an open case with its reason (the person stays at work)."""
    case = _lock(case, Case.Status.DRAFT, Case.Status.PROPOSED, Case.Status.REVIEWED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    before = case.status
    case.status, case.refusal_reason = Case.Status.REFUSED, reason.strip()
    case.save(update_fields=["status", "refusal_reason"])
    audit.record(actor=actor, obj=case, action="case_refuse", unit=case.unit,
                 reason=case.refusal_reason, changes={"status": [before, "refused"]})
    return case


@transaction.atomic
def case_pay(*, actor, case: Case, paid_on: date, paid_amount: int,
             payment_reference: str = "") -> Case:
    """Record the payment of a decided case."""
    case = _lock(case, Case.Status.DECIDED)
    if paid_amount is None or paid_amount <= 0:
        raise ValidationError({"paid_amount": _("Give the amount paid.")})
    if case.decision_date and paid_on < case.decision_date:
        raise ValidationError({"paid_on": _("The payment cannot precede the decision.")})
    case.status, case.paid_on, case.paid_amount = Case.Status.PAID, paid_on, paid_amount
    case.payment_reference = payment_reference.strip()
    case.save(update_fields=["status", "paid_on", "paid_amount", "payment_reference"])
    audit.record(actor=actor, obj=case, action="case_pay", unit=case.unit,
                 changes={"paid_amount": [None, paid_amount]})
    return case
