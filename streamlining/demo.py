"""Demo streamlining data for the demo province: the year's plan approved and under way, and a few
dozen cases from the screening (people rated KHT in 2025, people left without a position by the
reorganisation of 1/7/2025) at every step of the chain — decided and paid, decided, reviewed,
proposed — priced by the calculator. Runs after the appraisal demo, whose 2025 levels it reads."""
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import UnitScope
from core.models import OrgUnit
from positions.models import Category
from streamlining import amounts as amounts_of
from streamlining import selectors, services
from streamlining.models import Case, Ground, Option, Plan

CASES = 30


def load_streamlining(stdout=None) -> bool:
    if Plan.objects.exists():
        return False
    province = OrgUnit.objects.open().filter(code="TQ").first()
    if province is None:
        return False
    today = timezone.localdate()
    with transaction.atomic():
        plan = services.plan_save(actor=None, unit=province, year=today.year,
                                  title=f"Kế hoạch tinh giản biên chế năm {today.year}",
                                  targets=[
            (Ground.ND154, Category.CIVIL_SERVANT, OrgUnit.Sector.GOVERNMENT, 12),
            (Ground.ND154, Category.PUBLIC_EMPLOYEE, OrgUnit.Sector.PUBLIC_SERVICE, 10),
            (Ground.ND154, Category.CIVIL_SERVANT, OrgUnit.Sector.COMMUNE, 8),
            (Ground.ND178, Category.CIVIL_SERVANT, OrgUnit.Sector.GOVERNMENT, 6)])
        services.plan_approve(actor=None, plan=plan, decision_number="125/QĐ-UBND",
                              signer="Chủ tịch UBND tỉnh", decision_date=date(today.year, 1, 15))
        candidates = selectors.screen(scope=UnitScope(everything=True), unit=province, day=today)
        opened = 0
        for number, candidate in enumerate(candidates):
            if opened >= CASES or candidate.excluded:
                continue
            case = _open(plan, candidate, today, number)
            if case is None:
                continue
            opened += 1
            try:
                with transaction.atomic():
                    _advance(case, opened, today)
            except ValidationError:
                pass  # a record the chain refuses stays at the step it reached
    if stdout:
        stdout.write(
            f"Streamlining: plan {plan.decision_number}, {opened} cases from {len(candidates)} "
            "screened.\n")
    return True


def _open(plan: Plan, candidate, today: date, number: int) -> Case | None:
    reason = candidate.reasons[0]
    leaving = (date(today.year, max(1, today.month - 4 + number % 4), 1) if number % 3
               else selectors.leaving_day(today))
    latest = services.latest_record_start(candidate.servant)
    if latest is not None and latest >= leaving:  # after the last raise or move on record
        leaving = selectors.leaving_day(latest)
    reorganisation = candidate.reorganisation if reason.ground == Ground.ND178 else None
    options = amounts_of.side_by_side(amounts_of.case_input(
        candidate.servant, leaving_date=leaving, ground=reason.ground,
        reorganisation_date=reorganisation.effective_date if reorganisation else None))
    if not options:
        return None
    option = options[0].option if options[0].option in Option.values else Option.RESIGNATION
    try:
        with transaction.atomic():
            return services.case_open(actor=None, servant=candidate.servant, ground=reason.ground,
                                      case_number=reason.case_number, option=option,
                                      leaving_date=leaving, plan=plan,
                                      reorganisation=reorganisation, voluntary=number % 5 == 0)
    except Exception:  # noqa: BLE001 - a demo person the rules refuse is simply left out
        return None


def _advance(case: Case, opened: int, today: date) -> None:
    """Two in three cases reach the decision (those
    leaving by now), some are paid; the rest wait."""
    stage = opened % 6
    if stage == 0:
        return  # a draft the unit is still preparing
    services.case_propose(actor=None, case=case)
    if stage == 1:
        return
    services.case_review(actor=None, case=case)
    if stage == 2 or case.total is None:
        return
    # Decided before the leaving date, as decisions are;
    # those who left by now are paid (most of them).
    case = services.case_decide(actor=None, case=case, decision_number=f"{200 + opened}/QĐ-UBND",
                                decision_date=min(today, case.leaving_date - timedelta(days=20)),
                                signer="Chủ tịch UBND tỉnh")
    if stage in (3, 4) and case.leaving_date <= today:
        services.case_pay(actor=None, case=case, paid_on=case.leaving_date, paid_amount=case.total,
                          payment_reference=f"UNC-{opened:03d}")
