"""Progress per unit: who has not self-assessed, whose latest closed period is not scored, which
products wait for the leader's review; the names on expand; the scope of the board; bounded
queries."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal import ledger, progress, services
from appraisal.models import Appraisal, AppraisalCycle, PeriodKind
from positions.services import position_create
from tests.factories import VIEW, UserFactory, grant, make_servant, make_unit

pytestmark = pytest.mark.django_db


def score(appraisal, period, general=Decimal(25)):
    services.period_scores_save(actor=None, rows=[{"appraisal_id": appraisal.pk, "period": period,
                                                   "general": general, "quantity": Decimal(100),
                                                   "quality": Decimal(90),
                                                   "progress": Decimal(100)}])


def reported(appraisal, item, due=date(2026, 4, 20)):
    assignment = ledger.work_assign(actor=None, appraisal=appraisal, item=item, due_date=due)
    return ledger.work_report(actor=None, assignment=assignment, completed=Decimal(1),
                              completed_on=due, link="https://vanban.example.gov.vn/1")


@pytest.fixture
def year(world):
    """Department A (its head, a public employee under ND 90) and division A1 (three people);
    department B apart."""
    make_servant(world.unit_a, code="A-0", full_name="Trần Văn Trưởng")
    make_servant(world.unit_a, code="A-VC", full_name="Đỗ Thị Viên", sex="female",
                 category="public_employee")
    for i in range(1, 4):
        make_servant(world.unit_a1, code=f"A1-{i}", full_name=f"Nguyễn Văn {chr(64 + i)}")
    make_servant(world.unit_b, code="B-1", full_name="Lê Văn Bê")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    services.cycle_open(actor=None, unit=world.unit_b, year=2026)
    people = {a.servant.code: a for a in Appraisal.objects.select_related("servant")}
    services.self_assess(actor=None, appraisal=people["A1-1"], self_level="HTT",
                         self_assessment="Hoàn thành tốt.")
    Appraisal.objects.filter(pk=people["A-VC"].pk).update(
        self_assessment="Đã viết bản tự đánh giá.")
    score(people["A-0"], 4)
    score(people["A1-1"], 4)
    # incomplete: the leader has not scored the general criteria
    score(people["A1-2"], 4, general=None)
    score(people["A1-3"], 3)  # another period
    position = position_create(actor=None, unit=world.unit_a1, code="VT-1", title="Chuyên viên")
    item = ledger.work_item_save(actor=None, position=position, code="VB", name="Văn bản",
                                 output_unit="văn bản", coefficient=Decimal(1))
    reported(people["A1-2"], item)
    reported(people["A1-2"], item, due=date(2026, 4, 25))
    return cycle, people


def test_counts_per_work_unit_for_the_period(client, officer_a, year, world):
    cycle, _people = year
    client.force_login(officer_a)
    page = client.get(reverse("appraisal:progress", args=[cycle.pk]), {"period": 4})
    assert page.status_code == 200
    rows = {row.unit.code: row for row in page.context["rows"]}
    assert set(rows) == {"A", "A1"}
    a, a1 = rows["A"], rows["A1"]
    # A: two people, the public employee's self-assessment written; ND 90 has no period scores.
    assert (a.people, a.self_assessed, a.periodic, a.scored, a.awaiting_review) == (2, 1, 1, 1, 0)
    assert (a1.people, a1.self_assessed, a1.periodic, a1.scored,
            a1.awaiting_review) == (3, 1, 3, 1, 2)
    html = page.content.decode()
    assert 'data-testid="scored-A1">1/3<' in html and 'data-testid="awaiting-A1">2<' in html
    assert page.context["totals"] == {"people": 5, "self_assessed": 2, "periodic": 4, "scored": 2,
                                      "awaiting_review": 2}


def test_the_names_of_who_is_missing_on_expand(client, officer_a, year, world):
    cycle, _people = year
    client.force_login(officer_a)
    url = reverse("appraisal:progress", args=[cycle.pk])
    partial = client.get(url, {"unit": world.unit_a1.pk, "period": 4},
                         headers={"HX-Request": "true"})
    assert [t.name for t in partial.templates][0] == "appraisal/_progress_missing.html"
    missing = partial.context["missing"]
    assert [a.servant.code for a in missing.not_self_assessed] == ["A1-2", "A1-3"]
    assert [a.servant.code for a in missing.not_scored] == ["A1-2", "A1-3"]
    assert missing.awaiting_review == [("Nguyễn Văn B", 2)]
    assert "Nguyễn Văn C" in partial.content.decode()
    # Without HTMX the same address shows the whole page with that unit open.
    full = client.get(url, {"unit": world.unit_a1.pk, "period": 4}).content.decode()
    assert "<details open" in full and "Nguyễn Văn C" in full


def test_the_latest_closed_period_is_the_default(client, officer_a, year, monkeypatch):
    cycle, _people = year
    assert progress.last_closed_period(cycle, date(2026, 5, 10)) == 4
    assert progress.last_closed_period(cycle, date(2026, 1, 31)) is None
    quarterly = AppraisalCycle(year=2026, period_kind=PeriodKind.QUARTER)
    assert progress.last_closed_period(quarterly, date(2026, 7, 1)) == 2
    assert progress.period_end(quarterly, 1) == date(2026, 3, 31)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 5, 10))
    client.force_login(officer_a)
    page = client.get(reverse("appraisal:progress", args=[cycle.pk]))
    assert page.context["period"] == 4
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 1, 15))
    page = client.get(reverse("appraisal:progress", args=[cycle.pk]))
    assert page.context["period"] is None
    assert 'data-testid="scored-A1">—<' in page.content.decode()


def test_scoped_like_the_board(client, year, world, officer_b, viewer_a):
    cycle, _people = year
    client.force_login(officer_b)
    assert client.get(reverse("appraisal:progress", args=[cycle.pk])).status_code == 404
    division_head = grant(UserFactory(username="truongphong.a1", role="unit_head"), world.unit_a1,
                          VIEW)
    client.force_login(division_head)
    page = client.get(reverse("appraisal:progress", args=[cycle.pk]), {"period": 4})
    assert page.status_code == 200 and [row.unit.code for row in page.context["rows"]] == ["A1"]
    partial = client.get(reverse("appraisal:progress", args=[cycle.pk]),
                         {"unit": world.unit_a.pk, "period": 4}, headers={"HX-Request": "true"})
    # another unit's people are not listed
    assert partial.context["missing"].not_self_assessed == []


def test_the_board_links_to_the_progress_page(client, viewer_a, year):
    cycle, _people = year
    client.force_login(viewer_a)
    board = client.get(reverse("appraisal:board", args=[cycle.pk])).content.decode()
    assert reverse("appraisal:progress", args=[cycle.pk]) in board


@pytest.mark.parametrize("units", [2, 12])
def test_the_page_reads_a_bounded_number_of_queries(client, officer_a, world, units,
                                                    django_assert_max_num_queries):
    for u in range(units):
        division = make_unit(f"Phòng {u}", parent=world.unit_a)
        for i in range(3):
            make_servant(division, code=f"D{u}-{i}", full_name=f"Phạm Văn {u}{i}")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    for appraisal in Appraisal.objects.all()[::2]:
        score(appraisal, 4)
    client.force_login(officer_a)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("appraisal:progress", args=[cycle.pk]), {"period": 4})
    assert len(page.context["rows"]) == units
    with django_assert_max_num_queries(15):
        client.get(reverse("appraisal:progress", args=[cycle.pk]),
                   {"period": 4, "unit": page.context["rows"][0].unit.pk},
                   headers={"HX-Request": "true"})
