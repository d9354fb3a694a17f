"""Crafted POSTs on every appraisal write screen (all on core's edit view): a record of another
unit is 404/403 and nothing changes; a record of one's own unit posted with a unit, a position or a
person of another unit in a form field is refused and nothing changes.

The records are the permission matrix's (built once per module, all in unit A1); the outsiders are
the officer of unit B, a unit head of B and a civil servant of B signed in as themselves.
"""
# ruff: noqa: F811 - the permission matrix's ``objects`` fixture is imported and used as a parameter
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from appraisal import ledger
from appraisal import services as appraisal_services
from appraisal.models import Appraisal, AppraisalCycle, UnitResult, WorkAssignment, WorkItem
from core.models import AuditEntry
from personnel.models import CivilServant
from positions.services import position_create
from tests.factories import VIEW, UserFactory, grant, make_servant

# The matrix's objects, built once for this module too and rolled back after it.
from tests.test_permission_matrix import matrix_objects, objects  # noqa: F401

pytestmark = pytest.mark.django_db


def state() -> dict:
    """Every appraisal table, row by row, and the number of audit entries: what "nothing changed"
    means."""
    tables = {model.__name__: list(model.objects.order_by("pk").values())
              for model in apps.get_app_config("appraisal").get_models()}
    return {**tables, "audit": AuditEntry.objects.count()}


def pk(key: str):
    return lambda o: [o[key].pk]


# (who, url name, the record, the form as a well-meaning user of that record would fill it)
MANAGER_SCREENS = [
    ("appraisal:cycle_close", pk("cycle"), {"reason": "Đóng năm"}),
    ("appraisal:committee_decide", pk("appraisal"),
     {"proposed_level": "HTT", "committee_note": "Đề xuất"}),
    ("appraisal:unit_result_edit", pk("unit_result"), {"targets_planned": 10, "targets_on_time": 10,
                                                       "targets_exceeded": 2, "level": "HTXS"}),
    ("appraisal:work_item_edit", pk("work_item"), {"name": "Văn bản sửa", "output_unit": "văn bản",
                                                   "coefficient": "2"}),
    ("appraisal:work_item_withdraw", pk("work_item"), {"reason": "Thu hồi"}),
    ("appraisal:consolidate", pk("cycle"), {"unit": "a1", "hr_note": "Tổng hợp"}),
    ("appraisal:decision", pk("cycle"),
     {"unit": "a1", "decision_number": "12/QĐ", "decision_date": "10/12/2026",
                                         "decision_authority": "Giám đốc Sở"}),
    ("appraisal:publish", pk("cycle"), {"unit": "a1", "published_on": "10/12/2026"}),
    ("appraisal:party_opinion", pk("leader_appraisal"),
     {"party_body": "Chi bộ", "party_opinion": "Đồng ý",
                                                         "party_opinion_on": "01/12/2026"}),
    ("appraisal:petition_file", pk("appraisal"),
     {"text": "Đề nghị xem xét", "filed_on": "05/12/2026"}),
    ("appraisal:petition_answer", pk("petition"),
     {"outcome": "changed", "new_level": "HTXS", "answer": "Đổi",
                                                   "answered_on": "06/12/2026"}),
]
LEADER_SCREENS = [
    ("appraisal:period_score", pk("appraisal"), {"period": 1, "general": "30"}),
    ("appraisal:work_review", pk("assignment"), {"outcome": "return", "delays": 2}),
    ("appraisal:work_exempt", pk("assignment"),
     {"exempt_quality": "on", "exempt_reason": "Mất điện",
                                                 "exempt_approver": "Giám đốc",
      "exempt_approved_on": "01/04/2026"}),
    ("appraisal:work_cancel", pk("assignment"), {"reason": "Huỷ"}),
]
OWN_SCREENS = [
    ("appraisal:my_report", pk("assignment"), {"completed": "1", "completed_on": "30/03/2026"}),
    ("appraisal:my_score", pk("appraisal"), {"period": 1, "general_self": "30"}),
    ("appraisal:my_self_assess", pk("appraisal"), {"self_level": "HTXS", "self_assessment": "Tốt"}),
    ("appraisal:my_petition", pk("appraisal"), {"text": "Đề nghị", "filed_on": "05/12/2026"}),
]


def fill(objects, data: dict) -> dict:
    return {k: objects[v].pk if v in ("a1", "b") else v for k, v in data.items()}


def assert_refused_and_unchanged(client, url: str, data: dict) -> None:
    before = state()
    response = client.post(url, data)
    assert response.status_code in (403, 404), f"{url}: {response.status_code}"
    assert state() == before, url


@pytest.mark.parametrize(("name", "kwargs", "data"), MANAGER_SCREENS,
                         ids=[s[0] for s in MANAGER_SCREENS])
def test_an_officer_of_b_cannot_write_on_a_record_of_a(client, objects, name, kwargs, data):
    client.force_login(objects["officer_b"])
    assert_refused_and_unchanged(client, reverse(name, args=kwargs(objects)), fill(objects, data))


def test_an_officer_of_b_cannot_hold_the_review_meeting_of_a(client, objects):
    client.force_login(objects["officer_b"])
    url = reverse("appraisal:meeting", args=[objects["cycle"].pk]) + f"?unit={objects['a1'].pk}"
    assert_refused_and_unchanged(client, url,
                                 {"held_on": "01/12/2026", "chaired_by": "X", "attendee_count": 5,
                                               "minutes": "Biên bản"})


@pytest.mark.parametrize(("name", "kwargs", "data"), LEADER_SCREENS,
                         ids=[s[0] for s in LEADER_SCREENS])
def test_a_unit_head_of_b_cannot_score_or_review_in_a(client, objects, name, kwargs, data):
    client.force_login(grant(UserFactory(username="leader_b", role="unit_head"), objects["b"],
                             VIEW))
    assert_refused_and_unchanged(client, reverse(name, args=kwargs(objects)), data)


@pytest.mark.parametrize(("name", "kwargs", "data"), OWN_SCREENS, ids=[s[0] for s in OWN_SCREENS])
def test_a_civil_servant_of_b_cannot_write_on_anothers_appraisal(client, objects, name, kwargs,
                                                                 data):
    servant = make_servant(objects["b"], code="B-01", full_name="Lê Văn Bê")
    account = UserFactory(username="b-01", role="civil_servant")
    CivilServant.objects.filter(pk=servant.pk).update(account=account)
    client.force_login(account)
    assert_refused_and_unchanged(client, reverse(name, args=kwargs(objects)), data)


# --- a record of A, or a form of A, naming something of B -----------------------------------------


@pytest.fixture
def of_b(objects):
    """A person of unit B with their appraisal of 2026, and a catalogue item of a position of B."""
    servant = make_servant(objects["b"], code="B-02", full_name="Phan Thị Bích", sex="female")
    cycle = appraisal_services.cycle_open(actor=None, unit=objects["b"], year=2026)
    position = position_create(actor=None, unit=objects["b"], code="VT-B",
                               title="Chuyên viên Sở Y tế")
    item = ledger.work_item_save(actor=None, position=position, code="YT", name="Báo cáo y tế",
                                 output_unit="báo cáo", coefficient=Decimal(1))
    return {"appraisal": cycle.appraisals.get(servant=servant), "position": position, "item": item}


def refused(response, field: str) -> bool:
    """Refused: 403/404, or the form again with ``field`` in error (a choice outside the scope)."""
    return response.status_code in (403, 404) or (
        response.status_code == 200 and field in response.context["form"].errors)


def test_a_year_cannot_be_opened_for_unit_b(client, objects):
    client.force_login(objects["officer_a"])
    before = state()
    response = client.post(reverse("appraisal:cycle_open"), {"unit": objects["b"].pk, "year": 2027,
                                                            "period_kind": "month"})
    assert refused(response, "unit") and state() == before
    assert not AppraisalCycle.objects.filter(unit=objects["b"]).exists()


def test_a_unit_result_cannot_be_recorded_for_unit_b_nor_moved_there(client, objects):
    client.force_login(objects["officer_a"])
    before = state()
    targets = {"targets_planned": 5, "targets_on_time": 5, "targets_exceeded": 0}
    assert refused(client.post(reverse("appraisal:unit_result_edit"),
                               {"unit": objects["b"].pk, "year": 2026,
                                                                       **targets}), "unit")
    assert state() == before
    # Correcting A1's result with B in the (fixed) unit field: the result stays A1's.
    client.post(reverse("appraisal:unit_result_edit", args=[objects["unit_result"].pk]),
                {"unit": objects["b"].pk, "year": 2026, **targets})
    assert UnitResult.objects.get(pk=objects["unit_result"].pk).unit == objects["a1"]
    assert not UnitResult.objects.filter(unit=objects["b"]).exists()


def test_a_catalogue_item_cannot_be_added_to_nor_moved_to_a_position_of_b(client, objects, of_b):
    client.force_login(objects["officer_a"])
    item = {"code": "X", "name": "Lạ", "output_unit": "văn bản", "coefficient": "1"}
    before = state()
    assert refused(client.post(reverse("appraisal:work_item_add"),
                               {"position": of_b["position"].pk, **item}),
                   "position")
    assert state() == before
    client.post(reverse("appraisal:work_item_edit", args=[objects["work_item"].pk]),
                {"position": of_b["position"].pk, **item})
    assert list(WorkItem.objects.filter(position=of_b["position"])) == [of_b["item"]]


def test_a_leader_of_a_cannot_assign_to_a_person_of_b_nor_from_bs_catalogue(client, objects, of_b):
    client.force_login(objects["viewer_a"])  # unit head of A: assigns work in the units they see
    before = state()
    due = {"quantity": "1", "due_date": "30/06/2026"}
    assert refused(client.post(reverse("appraisal:work_assign"), {
        "appraisal": of_b["appraisal"].pk, "item": objects["work_item"].pk, **due}), "appraisal")
    assert refused(client.post(reverse("appraisal:work_assign"), {
        "appraisal": objects["appraisal"].pk, "item": of_b["item"].pk, **due}), "item")
    assert state() == before
    assert not WorkAssignment.objects.filter(appraisal=of_b["appraisal"]).exists()


@pytest.mark.parametrize("name",
                         ["appraisal:consolidate", "appraisal:decision", "appraisal:publish"])
def test_a_step_of_the_year_of_a_cannot_name_unit_b(client, objects, of_b, name):
    client.force_login(objects["officer_a"])
    before = state()
    response = client.post(reverse(name, args=[objects["cycle"].pk]), {
        "unit": objects["b"].pk, "decision_number": "1/QĐ", "decision_date": "10/12/2026",
        "decision_authority": "Giám đốc", "published_on": "10/12/2026"})
    assert refused(response, "unit") and state() == before
    assert Appraisal.objects.get(pk=of_b["appraisal"].pk).status == of_b["appraisal"].status


def test_the_review_meeting_of_unit_b_cannot_be_held_from_the_year_of_a(client, objects, of_b):
    client.force_login(objects["officer_a"])
    url = reverse("appraisal:meeting", args=[objects["cycle"].pk]) + f"?unit={objects['b'].pk}"
    assert_refused_and_unchanged(client, url,
                                 {"held_on": "01/12/2026", "chaired_by": "X", "attendee_count": 5,
                                               "minutes": "Biên bản"})

