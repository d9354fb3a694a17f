"""Crafted POSTs on every streamlining write screen (all on core's edit view): a plan or a case of
another unit is 404 (403 when only viewable) and nothing changes; a form naming a unit, a person or
a plan of another unit is refused on that field and nothing changes."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from core.models import AuditEntry
from personnel.models import CivilServant
from streamlining import services
from streamlining.models import Case, Ground, Option, Plan
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026(time_machine):
    # The cases leave on 1/1/2027: opened and acted on before that day.
    time_machine.move_to(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                         tick=False)


def state() -> dict:
    """Every streamlining table, the people's rows and the audit count: what "nothing changed"
    means."""
    tables = {model.__name__: list(model.objects.order_by("pk").values())
              for model in apps.get_app_config("streamlining").get_models()}
    people = list(CivilServant.objects.order_by("pk").values("pk", "unit_id", "status"))
    return {**tables, "people": people, "audit": AuditEntry.objects.count()}


@pytest.fixture
def of_a(world, near_retirement):
    """A plan of unit A1 and a case of one of its people."""
    plan = services.plan_save(actor=None, unit=world.unit_a1, year=2027, title="Kế hoạch A1",
                              targets=[(Ground.ND154, "civil_servant", "government", 2)])
    case = services.case_open(actor=None, servant=near_retirement, ground=Ground.ND154,
                              case_number=6, option=Option.EARLY_RETIREMENT,
                              leaving_date=date(2027, 1, 1))
    return {"plan": plan, "case": case}


DECISION = {"decision_number": "77/QĐ-UBND", "decision_date": "10/12/2026",
            "signer": "Chủ tịch UBND tỉnh"}
SCREENS = [
    ("streamlining:plan_approve", "plan", DECISION),
    ("streamlining:case_propose", "case", {"reason": ""}),
    ("streamlining:case_review", "case", {"reason": ""}),
    ("streamlining:case_decide", "case", DECISION),
    ("streamlining:case_refuse", "case", {"reason": "Dừng"}),
    ("streamlining:case_pay", "case", {"paid_on": "05/01/2027", "paid_amount": "100000000"}),
]


@pytest.mark.parametrize(("name", "record", "data"), SCREENS, ids=[s[0] for s in SCREENS])
@pytest.mark.parametrize(("persona", "status"), [("officer_b", 404), ("viewer_a", 403)])
def test_a_record_of_another_unit_or_only_viewable_is_refused_and_unchanged(
    request, client, of_a, name, record, data, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    before = state()
    assert client.post(reverse(name, args=[of_a[record].pk]), data).status_code == status
    assert state() == before


def test_a_plan_cannot_be_made_for_unit_b(client, world, officer_a):
    client.force_login(officer_a)
    before = state()
    response = client.post(reverse("streamlining:plan_create"), {
        "unit": world.unit_b.pk, "year": 2027, "title": "Kế hoạch lạ",
        "ground_0": "ND154", "category_0": "civil_servant", "sector_0": "government",
        "target_0": "4"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert state() == before and not Plan.objects.filter(unit=world.unit_b).exists()


def test_a_case_cannot_be_opened_for_a_person_of_unit_b(client, world, officer_a):
    person_b = make_servant(world.unit_b, full_name="Lê Văn Bê", date_of_birth=date(1968, 3, 1),
                            recruitment_date=date(1991, 1, 1))
    client.force_login(officer_a)
    before = state()
    response = client.post(reverse("streamlining:case_create"), {
        "servant": person_b.pk, "ground_case": "ND154:6", "option": "early_retirement",
        "leaving_date": "01/01/2027"})
    assert response.status_code == 200 and "servant" in response.context["form"].errors
    assert state() == before and not Case.objects.filter(servant=person_b).exists()


def test_a_case_of_unit_a_cannot_be_counted_in_a_plan_of_unit_b(client, world, officer_a,
                                                                near_retirement):
    plan_b = services.plan_save(actor=None, unit=world.unit_b, year=2027, title="Kế hoạch Sở Y tế",
                                targets=[(Ground.ND154, "civil_servant", "government", 2)])
    client.force_login(officer_a)
    before = state()
    response = client.post(reverse("streamlining:case_create"), {
        "servant": near_retirement.pk, "ground_case": "ND154:6", "option": "early_retirement",
        "leaving_date": "01/01/2027", "plan": plan_b.pk})
    assert response.status_code == 200 and "plan" in response.context["form"].errors
    assert state() == before and not Case.objects.filter(plan=plan_b).exists()
