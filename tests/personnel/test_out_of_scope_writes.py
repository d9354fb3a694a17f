"""Crafted POSTs to the personnel screens (issue 14): an HR officer of department A cannot write
to a person of department B, nor name a unit, a job position or a person of B in a form about
their own people; nothing changes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import AuditEntry
from personnel.models import CareerEvent, CivilServant, TrainingPlan, Verification
from personnel.services.servants import servant_assign
from positions import services as positions
from positions.models import Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db

DECISION = {"decision_number": "99/QĐ", "decision_date": "01/02/2026", "signer": "Người lạ"}

# Each screen that writes about one person, with a form that would be accepted for a person of A.
PERSON_SCREENS = {
    "personnel:servant_update": {
        "full_name": "Tên bị sửa",
        "birth_precision": "day",
        "sex": "male",
        "category": "civil_servant",
        "reason": "Sửa trái phép",
    },
    "personnel:servant_assign": {
        "kind": "transferred",
        "title": "Chuyên viên",
        "start_date": "01/02/2026",
        **DECISION,
    },
    "personnel:servant_salary": {
        "step": "4",
        "kind": "early",
        "start_date": "01/02/2026",
        **DECISION,
    },
    "personnel:servant_leave": {"kind": "resigned", "last_day": "31/03/2026", **DECISION},
    "personnel:servant_event": {
        "kind": "probation_completed",
        "effective_date": "01/02/2026",
        "summary": "Hết tập sự",
        **DECISION,
    },
    "personnel:discipline_create": {
        "form": "reprimand",
        "violation": "Đi muộn",
        "effective_from": "01/02/2026",
        **DECISION,
    },
    "personnel:reward_create": {"year": "2026", "title": "Bằng khen", **DECISION},
    "personnel:training_create": {
        "kind": "professional",
        "institution": "Học viện",
        "major": "Quản lý",
        "start_date": "01/02/2026",
        **DECISION,
    },
    "personnel:assessment_create": {"assessed_on": "15/03/2026"},
    "personnel:servant_verify": {},
}


def _state(person: CivilServant) -> tuple:
    person = CivilServant.objects.get(pk=person.pk)
    return (
        person.full_name,
        person.unit_id,
        person.title,
        person.salary_step,
        person.status,
        person.verification,
        person.events.count(),
        person.disciplines.count(),
        person.rewards.count(),
        person.trainings.count(),
        person.assignments.count(),
    )


@pytest.fixture
def person_b(world):
    return make_servant(world.unit_b, full_name="Trần Thị Bình")


@pytest.mark.parametrize("name", PERSON_SCREENS)
def test_a_person_of_another_department_is_not_found_and_unchanged(
    client, world, officer_a, person_b, name
):
    data = {
        **PERSON_SCREENS[name],
        "unit": world.unit_a1.pk,
        "rank": Rank.objects.get(code="01.003").pk,
    }
    before, audit_before = _state(person_b), AuditEntry.objects.count()
    client.force_login(officer_a)
    assert client.post(reverse(name, args=[person_b.pk]), data).status_code == 404
    assert _state(person_b) == before
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in PERSON_SCREENS
        if n not in ("personnel:servant_update", "personnel:servant_verify")
    ],
)  # a full résumé; the level above verifies
def test_the_same_posts_about_a_person_of_their_own_are_recorded(
    client, world, officer_a, name, time_machine
):
    # The control of the test above: the same form, about a person of A, goes through.
    time_machine.move_to(datetime(2026, 6, 15, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
    person = make_servant(world.unit_a1, date_of_birth=date(1990, 5, 20))
    data = {
        **PERSON_SCREENS[name],
        "unit": world.unit_a1.pk,
        "rank": Rank.objects.get(code="01.003").pk,
    }
    client.force_login(officer_a)
    response = client.post(reverse(name, args=[person.pk]), data)
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()


def test_a_career_event_of_another_department_cannot_be_corrected(
    client, world, officer_a, person_b
):
    assignment = servant_assign(
        actor=None,
        servant=person_b,
        start_date=date(2025, 8, 1),
        unit=world.unit_b,
        title="Chuyên viên",
    )
    before = _state(person_b)
    client.force_login(officer_a)
    response = client.post(
        reverse("personnel:event_correct", args=[person_b.pk, assignment.event.pk]),
        {
            "effective_date": "01/08/2025",
            "unit": world.unit_a1.pk,
            "title": "Đã chuyển",
            "reason": "Sửa",
        },
    )
    assert response.status_code == 404
    assert _state(person_b) == before


def test_a_record_cannot_be_created_in_another_department(client, world, officer_a):
    client.force_login(officer_a)
    response = client.post(
        reverse("personnel:servant_create"),
        {
            "code": "N-1",
            "full_name": "Vũ Minh Khang",
            "date_of_birth": "02/09/1992",
            "birth_precision": "day",
            "sex": "male",
            "national_id": "008092000777",
            "category": "civil_servant",
            "unit": world.unit_b.pk,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not CivilServant.objects.filter(code="N-1").exists()


def test_a_person_of_their_own_cannot_be_moved_to_another_department(client, world, officer_a):
    person = make_servant(world.unit_a1)
    before = _state(person)
    client.force_login(officer_a)
    response = client.post(
        reverse("personnel:servant_assign", args=[person.pk]),
        {
            "kind": "transferred",
            "unit": world.unit_b.pk,
            "title": "Chuyên viên",
            "start_date": "01/02/2026",
        },
    )
    assert response.status_code in (200, 403)
    assert _state(person) == before


def test_a_job_position_of_another_department_is_refused(client, world, officer_a):
    position_b = positions.position_create(
        actor=None, unit=world.unit_b, code="VT-B", title="Vị trí Sở Y tế"
    )
    person = make_servant(world.unit_a1)
    before = _state(person)
    client.force_login(officer_a)
    response = client.post(
        reverse("personnel:servant_assign", args=[person.pk]),
        {
            "kind": "reassigned",
            "unit": world.unit_a1.pk,
            "job_position": position_b.pk,
            "title": "Chuyên viên",
            "start_date": "01/02/2026",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["job_position"]
    assert (
        _state(person) == before and CivilServant.objects.get(pk=person.pk).job_position_id is None
    )


def test_a_correction_cannot_move_their_own_person_to_another_department(client, world, officer_a):
    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    assignment = servant_assign(
        actor=None, servant=person, start_date=date(2025, 8, 1), unit=world.unit_a1
    )
    before = _state(person)
    client.force_login(officer_a)
    response = client.post(
        reverse("personnel:event_correct", args=[person.pk, assignment.event.pk]),
        {
            "effective_date": "01/08/2025",
            "unit": world.unit_b.pk,
            "title": "",
            "reason": "Sai đơn vị",
        },
    )
    assert response.status_code in (200, 403)
    assert _state(person) == before


def test_a_training_plan_cannot_be_set_for_another_department(client, world, officer_a):
    client.force_login(officer_a)
    data = {"year": "2026", "kind": "professional", "planned": "12"}
    response = client.post(reverse("personnel:training_plan"), {**data, "unit": world.unit_b.pk})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not TrainingPlan.objects.exists()
    assert (
        client.post(
            reverse("personnel:training_plan"), {**data, "unit": world.unit_a1.pk}
        ).status_code
        == 302
    )
    assert TrainingPlan.objects.get().unit == world.unit_a1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("personnel:retirement_notices_record", {"number": "1/TB", "date": "31/03/2026"}),
        ("personnel:raises_decide", {"decision_number": "2/QĐ", "decision_date": "01/04/2026"}),
    ],
)
def test_a_person_of_another_department_in_a_batch_fails_the_whole_batch(
    client, world, officer_a, person_b, name, data
):
    own = make_servant(world.unit_a1, date_of_birth=date(1964, 5, 20))
    before = (_state(own), _state(person_b))
    client.force_login(officer_a)
    response = client.post(
        reverse(name),
        {
            **data,
            "ids": [own.pk, person_b.pk],
            f"due_{own.pk}": "4:2026-01-01",
            f"due_{person_b.pk}": "4:2026-01-01",
        },
    )
    assert response.status_code == 404
    assert (_state(own), _state(person_b)) == before
    assert not CareerEvent.objects.filter(decision_number__in=["1/TB", "2/QĐ"]).exists()


def test_verifying_people_of_another_department_verifies_nobody(client, world, officer_a, person_b):
    client.force_login(officer_a)
    response = client.post(reverse("personnel:readiness_verify"), {"servant": [person_b.pk]})
    assert response.status_code == 302
    assert CivilServant.objects.get(pk=person_b.pk).verification != Verification.VERIFIED
