"""The case's approval chain, the exclusions, the exit in the career record and the refund watch."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.access import UnitScope
from core.models import AuditEntry
from personnel.models import CareerEvent, CivilServant
from personnel.services import record_parts
from streamlining import selectors, services
from streamlining.models import Case, Ground, Option

pytestmark = pytest.mark.django_db
LEAVING = date(2027, 1, 1)


def _open(servant, **flags):
    return services.case_open(actor=None, servant=servant, ground=Ground.ND154, case_number=6,
                              option=Option.EARLY_RETIREMENT, leaving_date=LEAVING, **flags)


def _decide(case, officer_a, reviewer):
    services.case_propose(actor=officer_a, case=case)
    services.case_review(actor=reviewer, case=case)
    return services.case_decide(actor=officer_a, case=case, decision_number="15/QĐ-UBND",
                                decision_date=date(2026, 12, 1), signer="Chủ tịch UBND tỉnh")


def test_a_case_is_priced_with_its_formula_version_and_inputs(near_retirement):
    case = _open(near_retirement)
    assert case.rule_set == "STREAM-ND154" and case.formula_version
    assert case.inputs["months_early"] == 40  # 1/1/2027 → 1/5/2030
    assert case.total == sum(case.amounts.values()) > 0
    assert case.inputs["lines"] and case.evidence["retirement"]["pension_start"] == "01/05/2030"


def test_the_chain_records_who_and_when_and_the_decision_writes_the_exit(
    near_retirement, officer_a, reviewer):
    case = _decide(_open(near_retirement), officer_a, reviewer)
    assert (case.status, case.proposed_by, case.reviewed_by, case.decided_by) == \
        (Case.Status.DECIDED, officer_a, reviewer, officer_a)
    assert case.proposed_at and case.reviewed_at and case.decided_at
    person = CivilServant.objects.get(pk=near_retirement.pk)  # the record stays
    assert person.status == CivilServant.Status.RETIRED and person.status_date == LEAVING
    event = CareerEvent.objects.get(servant=person, kind=CareerEvent.Kind.RETIRED)
    assert (event.decision_number, event.rule_set, event.effective_date) == (
        "15/QĐ-UBND", "STREAM-ND154", date(2026, 12, 31))
    assert case.event == event
    actions = set(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"create", "case_propose", "case_review", "case_decide"} <= actions


def test_resignation_ends_the_career_as_streamlined(world, officer_a, reviewer):
    from tests.factories import make_servant

    young = make_servant(world.unit_a1, date_of_birth=date(1990, 1, 1),
                         recruitment_date=date(2015, 1, 1))
    case = services.case_open(actor=None, servant=young, ground=Ground.ND154, case_number=6,
                              option=Option.RESIGNATION, leaving_date=LEAVING)
    _decide(case, officer_a, reviewer)
    assert CivilServant.objects.get(pk=young.pk).status == CivilServant.Status.STREAMLINED
    assert CareerEvent.objects.filter(servant=young, kind=CareerEvent.Kind.STREAMLINED).exists()


def test_the_reviewer_is_not_the_proposer(near_retirement, officer_a):
    case = _open(near_retirement)
    services.case_propose(actor=officer_a, case=case)
    with pytest.raises(ValidationError, match="người khác với người đề nghị"):
        services.case_review(actor=officer_a, case=case)


def test_steps_go_in_order(near_retirement, officer_a):
    case = _open(near_retirement)
    with pytest.raises(ValidationError):
        services.case_decide(actor=officer_a, case=case, decision_number="1",
                             decision_date=date(2026, 12, 1), signer="X")
    assert CivilServant.objects.get(pk=near_retirement.pk).status == CivilServant.Status.ACTIVE


def test_a_pregnant_woman_is_not_proposed_unless_she_volunteers(world, officer_a):
    from tests.factories import make_servant

    woman = make_servant(world.unit_a1, sex="female", full_name="Lê Thị Hoa",
                         date_of_birth=date(1990, 3, 3))
    case = services.case_open(actor=None, servant=woman, ground=Ground.ND154, case_number=6,
                              option=Option.RESIGNATION, leaving_date=LEAVING, pregnant=True,
                              prosecuted=True)
    with pytest.raises(ValidationError) as refused:
        services.case_propose(actor=officer_a, case=case)
    text = " ".join(refused.value.messages)
    assert "Đang mang thai" in text and "truy tố" in text
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_maternity_leave_on_record_excludes_unless_voluntary(world, officer_a):
    from tests.factories import make_servant

    woman = make_servant(world.unit_a1, sex="female", full_name="Lê Thị Lan",
                         date_of_birth=date(1991, 3, 3))
    today = timezone.localdate()
    record_parts.leave_record(actor=None, servant=woman, kind="maternity", start_date=today,
                              end_date=date(today.year + 1, 6, 1))
    case = services.case_open(actor=None, servant=woman, ground=Ground.ND154, case_number=6,
                              option=Option.RESIGNATION, leaving_date=LEAVING)
    assert any("thai sản" in r for r in services.exclusions(case))
    Case.objects.filter(pk=case.pk).update(voluntary=True)
    services.case_propose(actor=officer_a, case=Case.objects.get(pk=case.pk))


def test_a_second_open_case_for_the_same_person_is_refused(near_retirement):
    _open(near_retirement)
    with pytest.raises(ValidationError, match="đã có hồ sơ đang giải quyết"):
        _open(near_retirement)


def test_an_unknown_case_number_is_refused(near_retirement):
    with pytest.raises(ValidationError):
        services.case_open(actor=None, servant=near_retirement, ground=Ground.ND177, case_number=9,
                           option=Option.EARLY_RETIREMENT, leaving_date=LEAVING)


def test_payment_is_recorded_after_the_decision(near_retirement, officer_a, reviewer):
    case = _decide(_open(near_retirement), officer_a, reviewer)
    with pytest.raises(ValidationError):
        services.case_pay(actor=officer_a, case=case, paid_on=date(2026, 11, 1),
                          paid_amount=case.total)
    case = services.case_pay(actor=officer_a, case=case, paid_on=date(2027, 1, 5),
                             paid_amount=case.total, payment_reference="UNC-01")
    assert case.status == Case.Status.PAID and case.paid_amount == case.total


def test_a_person_back_on_the_payroll_within_60_months_is_on_the_refund_watch(
    near_retirement, officer_a, reviewer, world
):
    case = _decide(_open(near_retirement), officer_a, reviewer)
    everyone = UnitScope(everything=True)
    assert list(selectors.refund_watch(scope=everyone, day=date(2027, 6, 1))) == []
    # Re-recruited on the budget payroll (personnel reopens the same record: the ID number is
    # unique).
    CivilServant.objects.filter(pk=near_retirement.pk).update(status=CivilServant.Status.ACTIVE)
    assert list(selectors.refund_watch(scope=everyone, day=date(2027, 6, 1))) == [case]
    # 60 months are over
    assert list(selectors.refund_watch(scope=everyone, day=date(2032, 2, 1))) == []


def test_a_plan_is_approved_by_its_decision(world, officer_a):
    plan = services.plan_save(actor=officer_a, unit=world.unit_a, year=2026, title="Kế hoạch 2026",
                              targets=[(Ground.ND154, "civil_servant", "government", 3)])
    with pytest.raises(ValidationError):
        services.plan_approve(actor=officer_a, plan=plan, decision_number="",
                              decision_date=date(2026, 1, 5), signer="")
    plan = services.plan_approve(actor=officer_a, plan=plan, decision_number="12/QĐ-SNV",
                                 decision_date=date(2026, 1, 5), signer="Giám đốc Sở")
    assert plan.status == plan.Status.APPROVED and plan.approved_by == officer_a


def test_the_decision_is_refused_before_a_salary_step_on_record(world, officer_a, reviewer):
    from tests.factories import make_servant

    raised = make_servant(world.unit_a1, date_of_birth=date(1968, 4, 15),
                          step_date=date(2027, 3, 1))
    case = _open(raised)
    services.case_propose(actor=officer_a, case=case)
    services.case_review(actor=reviewer, case=case)
    with pytest.raises(ValidationError, match="01/03/2027"):
        services.case_decide(actor=officer_a, case=case, decision_number="1/QĐ",
                             decision_date=date(2026, 12, 1), signer="Chủ tịch")
    assert CivilServant.objects.get(pk=raised.pk).status == CivilServant.Status.ACTIVE
