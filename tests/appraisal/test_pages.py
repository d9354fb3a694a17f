"""The appraisal pages as each role uses them: the HR officer opens and closes a year, the committee
member proposes within the committee's units only, the unit head reads; the board's queries stay
bounded whatever the number of people."""
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal import services
from appraisal.models import Appraisal, AppraisalCycle
from tests.factories import VIEW, UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db


def scores(appraisal, points, percent=100, periods=range(1, 13)):
    services.period_scores_save(actor=None, rows=[
        {"appraisal_id": appraisal.pk, "period": p, "general": Decimal(points),
         "quantity": Decimal(percent), "quality": Decimal(percent),
         "progress": Decimal(percent)} for p in periods])


@pytest.fixture
def year(world):
    for i in range(3):
        make_servant(world.unit_a1, code=f"A-{i}", full_name=f"Nguyễn Văn {chr(65 + i)}")
    make_servant(world.unit_b, code="B-1", full_name="Lê Văn Bê")
    cycle_a = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    cycle_b = services.cycle_open(actor=None, unit=world.unit_b, year=2026)
    for a in Appraisal.objects.all():
        scores(a, 28)
    return cycle_a, cycle_b


@pytest.fixture
def committee_member(world):
    return grant(UserFactory(username="hoidong.a", role="appraisal_committee"), world.unit_a, VIEW)


def test_the_hr_officer_opens_a_year_for_a_unit_from_the_page(client, officer_a, world,
                                                              django_capture_on_commit_callbacks):
    make_servant(world.unit_a1, code="A-9")
    client.force_login(officer_a)
    # the enrolment task runs when the page commits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:cycle_open"),
                               {"unit": world.unit_a1.pk, "year": 2026,
                                                                "period_kind": "quarter"})
    cycle = AppraisalCycle.objects.get()
    assert response.status_code == 302 and response["Location"] == cycle.get_absolute_url()
    assert (cycle.unit, cycle.period_kind,
            cycle.appraisals.count()) == (world.unit_a1, "quarter", 1)
    refused = client.post(reverse("appraisal:cycle_open"), {"unit": world.unit_b.pk, "year": 2026,
                                                           "period_kind": "month"})
    assert refused.status_code == 200 and refused.context["form"].errors["unit"]


def test_the_committee_member_proposes_in_the_committees_units_only(client, committee_member, year):
    cycle_a, cycle_b = year
    client.force_login(committee_member)
    board = client.get(reverse("appraisal:board", args=[cycle_a.pk]))
    assert board.status_code == 200 and 'data-testid="level-A-0"' in board.content.decode()
    assert client.get(reverse("appraisal:board", args=[cycle_b.pk])).status_code == 404
    target = Appraisal.objects.get(servant__code="A-1")
    url = reverse("appraisal:committee_decide", args=[target.pk])
    response = client.post(url, {"proposed_level": "HT", "quota_decision": "",
                                 "committee_note": "Biên bản số 3"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.proposed_level, target.committee_note,
            target.status) == ("HT", "Biên bản số 3", "proposed")
    other = Appraisal.objects.get(servant__code="B-1")
    assert client.post(reverse("appraisal:committee_decide", args=[other.pk]),
                       {"proposed_level": "HTXS"}).status_code == 404
    other.refresh_from_db()
    assert other.proposed_level == ""


def test_a_unit_head_reads_the_board_but_cannot_propose(client, viewer_a, year):
    cycle_a, _cycle_b = year
    client.force_login(viewer_a)
    board = client.get(reverse("appraisal:board", args=[cycle_a.pk])).content.decode()
    assert "Nguyễn Văn A" in board
    assert reverse("appraisal:committee_decide", args=[1])[:-12] not in board
    target = Appraisal.objects.get(servant__code="A-1")
    assert client.post(reverse("appraisal:committee_decide", args=[target.pk]),
                       {"proposed_level": "HTXS"}).status_code == 403


def test_the_hr_officer_closes_the_year_and_the_levels_are_final(client, officer_a, year):
    cycle_a, _cycle_b = year
    client.force_login(officer_a)
    assert client.get(reverse("appraisal:cycle_close", args=[cycle_a.pk])).status_code == 200
    response = client.post(reverse("appraisal:cycle_close", args=[cycle_a.pk]), {"reason": ""})
    assert response.status_code == 302
    cycle_a.refresh_from_db()
    assert cycle_a.status == AppraisalCycle.Status.CLOSED
    levels = set(Appraisal.objects.filter(cycle=cycle_a).values_list("level", flat=True))
    assert levels <= {"HTXS", "HTT"} and levels
    board = client.get(reverse("appraisal:board", args=[cycle_a.pk])).content.decode()
    assert reverse("appraisal:cycle_close", args=[cycle_a.pk]) not in board


def test_the_board_reads_a_bounded_number_of_queries(client, officer_a, world,
                                                     django_assert_max_num_queries):
    for i in range(40):
        make_servant(world.unit_a1 if i % 2 else world.unit_a, code=f"N-{i:02d}",
                     full_name=f"Trần Văn {i}")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    for a in Appraisal.objects.all():
        scores(a, 20 + a.pk % 10)
    client.force_login(officer_a)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("appraisal:board", args=[cycle.pk]))
    assert response.status_code == 200 and response.content.decode().count("data-code=") == 40


def test_a_persons_scores_by_period_feed_a_line_chart(client, officer_a, year):
    person = Appraisal.objects.get(servant__code="A-0").servant
    client.force_login(officer_a)
    page = client.get(reverse("appraisal:person_scores", args=[person.pk]))
    chart = page.context["years"][0]["chart"]
    assert chart["labels"] == [str(p) for p in range(1, 13)] and chart["values"] == [98.0] * 12
    assert 'data-chart="line"' in page.content.decode()
