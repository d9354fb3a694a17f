"""Crafted POSTs on the recruitment rounds' write screens: an HR officer of unit A who names a
round, an application or an appeal of unit B, or a unit outside their grant in a form field, is
refused and nothing changes (no row, no audit entry)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from personnel.models import CivilServant
from recruitment import services
from recruitment.models import Appeal, Application, Mark, RecruitmentRound, RoundResult, Vacancy
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_b(world):
    """Unit B's round, in the exams, with a numbered candidate and a pending re-marking request."""
    round_ = make_round(world.unit_b, code="TD-B", status="open")
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="VT-B", title="Bác sĩ", quota=1, unit=world.unit_b
    )
    application = make_application(vacancy, eligible=True)
    services.numbers_assign(actor=None, round_=round_, prefix="B")
    appeal = Appeal.objects.create(application=application, component="written", reason="Phúc khảo")
    return round_, application, appeal


def state(round_):
    """What a write on B's round would change."""
    round_ = RecruitmentRound.objects.get(pk=round_.pk)
    return (
        round_.name,
        round_.status,
        round_.agency_id,
        round_.results_published_on,
        AuditEntry.objects.count(),
        Vacancy.objects.count(),
        Mark.objects.count(),
        RoundResult.objects.count(),
        CivilServant.objects.count(),
        round_.banks.count(),
        list(Application.objects.values_list("status", "fee_status", "number").order_by("pk")),
        list(Appeal.objects.values_list("status", "answer")),
    )


ROUND_B_WRITES = {
    "recruitment:round_update": lambda r, a, p, w: (
        {"pk": r.pk},
        {
            "code": "TD-B",
            "name": "Đổi tên",
            "kind": "recruitment",
            "method": "exam",
            "agency": w.unit_a.pk,
            "announced_on": "01/09/2026",
            "round2_form": "written",
            "written_weight": "100",
            "interview_weight": "0",
            "fee": "0",
        },
    ),
    "recruitment:round_status": lambda r, a, p, w: (
        {"pk": r.pk},
        {"status": "review", "reason": "x"},
    ),
    "recruitment:vacancy_create": lambda r, a, p, w: (
        {"pk": r.pk},
        {"code": "V2", "title": "Y", "quota": 1},
    ),
    "recruitment:board_grant": lambda r, a, p, w: ({"pk": r.pk}, {"username": "officer_a"}),
    "recruitment:board_revoke": lambda r, a, p, w: ({"pk": r.pk, "user_pk": 1}, {}),
    "recruitment:round_banks": lambda r, a, p, w: ({"pk": r.pk}, {}),
    "recruitment:numbers_assign": lambda r, a, p, w: ({"pk": r.pk}, {"prefix": "X"}),
    "recruitment:marks": lambda r, a, p, w: ({"pk": r.pk}, {f"m-{a.pk}-written-1": "90"}),
    "recruitment:round1": lambda r, a, p, w: ({"pk": r.pk}, {f"r1-{a.pk}-general": "50"}),
    "recruitment:results_publish": lambda r, a, p, w: ({"pk": r.pk}, {}),
    "recruitment:appeal_answer": lambda r, a, p, w: (
        {"pk": p.pk},
        {"answer": "Giữ nguyên", "new_score": "99"},
    ),
    "recruitment:application_review": lambda r, a, p, w: (
        {"pk": a.pk},
        {"decision": "rejected", "reason": "x"},
    ),
    "recruitment:application_fee": lambda r, a, p, w: ({"pk": a.pk}, {"receipt": "BL-9"}),
    "recruitment:application_hire": lambda r, a, p, w: (
        {"pk": a.pk},
        {
            "code": "NV-9",
            "start_date": "01/12/2026",
            "unit": w.unit_a.pk,
            "decision_number": "1/QĐ",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_B_WRITES))
def test_an_officer_of_a_cannot_write_into_a_round_of_b(client, officer_a, world, round_b, name):
    round_, application, appeal = round_b
    kwargs, data = ROUND_B_WRITES[name](round_, application, appeal, world)
    before = state(round_)
    client.force_login(officer_a)
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 404
    assert state(round_) == before


def test_a_new_round_for_a_unit_outside_the_grant_is_refused(client, officer_a, world):
    client.force_login(officer_a)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("recruitment:round_create"),
        {
            "code": "TD-X",
            "name": "X",
            "kind": "recruitment",
            "method": "exam",
            "agency": world.unit_b.pk,
            "announced_on": "01/09/2026",
            "round2_form": "written",
            "written_weight": "100",
            "interview_weight": "0",
            "fee": "0",
        },
    )
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert (
        not RecruitmentRound.objects.filter(code="TD-X").exists()
        and AuditEntry.objects.count() == before
    )


def test_a_round_of_a_cannot_be_moved_to_unit_b(client, officer_a, world):
    round_ = make_round(world.unit_a, code="TD-A")
    client.force_login(officer_a)
    before = state(round_)
    response = client.post(
        reverse("recruitment:round_update", args=[round_.pk]),
        {
            "code": "TD-A",
            "name": "Chuyển sang B",
            "kind": "recruitment",
            "method": "exam",
            "agency": world.unit_b.pk,
            "announced_on": "01/09/2026",
            "round2_form": "written",
            "written_weight": "100",
            "interview_weight": "0",
            "fee": "0",
        },
    )
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert state(round_) == before


def test_a_sheet_of_round_a_cannot_carry_a_mark_of_round_b(client, officer_a, world, round_b):
    round_a = make_round(world.unit_a, code="TD-A")
    services.vacancy_save(
        actor=None, round_=round_a, code="VT-A", title="Chuyên viên", quota=1, unit=world.unit_a
    )
    _round, application_b, _appeal = round_b
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:marks", args=[round_a.pk]), {f"m-{application_b.pk}-written-1": "90"}
    )
    assert response.status_code == 302 and not Mark.objects.exists()


def test_a_winner_of_a_cannot_be_hired_into_unit_b(client, officer_a, world):
    round_ = make_round(world.unit_a, code="TD-A")
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="VT-A", title="Chuyên viên", quota=1, unit=world.unit_a
    )
    application = make_application(vacancy, eligible=True)
    RoundResult.objects.create(
        application=application,
        round1_passed=True,
        professional_score=Decimal(80),
        total=Decimal(80),
        rank=1,
        result="PASSED",
        rule_set=round_.rule_set,
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:application_hire", args=[application.pk]),
        {
            "code": "NV-9",
            "start_date": "01/12/2026",
            "unit": world.unit_b.pk,
            "decision_number": "1/QĐ",
        },
    )
    assert response.status_code == 302 and not CivilServant.objects.exists()
    application.refresh_from_db()
    assert application.hired_id is None


def test_a_write_that_would_leave_the_officers_rounds_is_rolled_back(
    client, officer_a, world, monkeypatch
):
    """The re-check inside the transaction: were a service to move the round to unit B, the
    officer of A gets 403 and the round, with its audit entry, stays as it was."""
    from recruitment.views import rounds

    def moving_update(*, actor, round_, **fields):
        services.round_update(actor=actor, round_=round_, **fields)
        RecruitmentRound.objects.filter(pk=round_.pk).update(agency=world.unit_b)

    monkeypatch.setattr(rounds.RoundUpdateView, "service", staticmethod(moving_update))
    round_ = make_round(world.unit_a, code="TD-A")
    before = state(round_)
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:round_update", args=[round_.pk]),
        {
            "code": "TD-A",
            "name": "Đổi tên",
            "kind": "recruitment",
            "method": "exam",
            "agency": world.unit_a.pk,
            "announced_on": "01/09/2026",
            "round2_form": "written",
            "written_weight": "100",
            "interview_weight": "0",
            "fee": "0",
        },
    )
    assert response.status_code == 403
    assert state(round_) == before
