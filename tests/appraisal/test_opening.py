"""Opening a year in one action: the page makes the cycle at 0 %, a task enrols everyone and writes
its progress, the board polls it; opening again, or the task run twice, enrols nobody twice."""
import pytest
from django.urls import reverse

from appraisal import opening, services
from appraisal.models import Appraisal, AppraisalCycle
from appraisal.tasks import open_cycle
from core.models import AuditEntry
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    make_servant(world.unit_a, code="A-0", full_name="Trần Văn Trưởng")
    for i in range(1, 4):
        make_servant(world.unit_a1, code=f"A-{i}", full_name=f"Nguyễn Văn {chr(64 + i)}")


def open_from_page(client, unit, on_commit, execute=True, year=2026, kind="month"):
    with on_commit(execute=execute) as callbacks:
        response = client.post(reverse("appraisal:cycle_open"),
                               {"unit": unit.pk, "year": year, "period_kind": kind})
    return response, callbacks


def test_the_page_makes_the_cycle_at_zero_and_queues_the_enrolment(
    client, officer_a, world, people, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    response, callbacks = open_from_page(client, world.unit_a, django_capture_on_commit_callbacks,
                                         execute=False)
    cycle = AppraisalCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal:board", args=[cycle.pk])
    assert (cycle.progress, cycle.appraisals.count(), len(callbacks)) == (0, 0, 1)
    board = client.get(response["Location"]).content.decode()
    assert 'data-testid="open-progress"' in board
    assert reverse("appraisal:open_progress", args=[cycle.pk]) in board
    assert 'hx-trigger="every 2s"' in board

    callbacks[0]()  # the worker picks the task up
    cycle.refresh_from_db()
    assert cycle.progress == 100 and cycle.appraisals.count() == 4
    created = AuditEntry.objects.filter(object_id=str(cycle.pk), action="create",
                                        content_type__model="appraisalcycle")
    assert created.count() == 1 and created.get().actor == officer_a
    assert 'data-testid="open-progress"' not in client.get(response["Location"]).content.decode()


def test_eager_mode_opens_the_year_end_to_end(client, officer_a, world, people,
                                              django_capture_on_commit_callbacks):
    client.force_login(officer_a)
    response, _callbacks = open_from_page(client, world.unit_a1, django_capture_on_commit_callbacks,
                                          kind="quarter")
    cycle = AppraisalCycle.objects.get()
    assert (cycle.unit, cycle.period_kind, cycle.progress) == (world.unit_a1, "quarter", 100)
    assert set(cycle.appraisals.values_list("servant__code", flat=True)) == {"A-1", "A-2", "A-3"}
    board = client.get(response["Location"])
    assert board.status_code == 200 and board.content.decode().count("data-code=") == 3


def test_the_poll_shows_the_percentage_then_asks_the_board_to_reload(client, viewer_a, world):
    cycle = AppraisalCycle.objects.create(year=2026, unit=world.unit_a, progress=45)
    client.force_login(viewer_a)
    url = reverse("appraisal:open_progress", args=[cycle.pk])
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "45 %" in polled.content.decode()
    assert "w-pct-45" in polled.content.decode()
    AppraisalCycle.objects.filter(pk=cycle.pk).update(progress=100)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_opening_twice_or_running_the_task_twice_enrols_nobody_twice(
    client, officer_a, world, people, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    open_from_page(client, world.unit_a, django_capture_on_commit_callbacks)
    cycle = AppraisalCycle.objects.get()
    assert open_cycle.delay(cycle.pk, officer_a.pk).get() == 4  # a redelivered task
    make_servant(world.unit_a1, code="A-9", full_name="Vũ Thị Em", sex="female")
    # opening again: the newcomer
    open_from_page(client, world.unit_a, django_capture_on_commit_callbacks)
    assert AppraisalCycle.objects.count() == 1
    assert Appraisal.objects.filter(cycle=cycle).count() == 5
    assert Appraisal.objects.values("servant").distinct().count() == 5


def test_the_task_opens_a_cycle_named_by_unit_year_and_periods(officer_a, world, people):
    assert open_cycle.delay(unit_id=world.unit_a.pk, year=2026, period_kind="quarter",
                            actor_id=officer_a.pk).get() == 4
    cycle = AppraisalCycle.objects.get()
    assert (cycle.period_kind, cycle.progress, cycle.opened_by) == ("quarter", 100, officer_a)


def test_a_closed_year_is_refused_on_the_page_and_left_alone_by_the_task(
    client, officer_a, world, people, django_capture_on_commit_callbacks
):
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2025)
    services.cycle_close(actor=None, cycle=cycle)
    client.force_login(officer_a)
    response, callbacks = open_from_page(client, world.unit_a, django_capture_on_commit_callbacks,
                                         year=2025)
    assert response.status_code == 200
    assert "2025" in str(response.context["form"].errors)
    assert not callbacks
    AppraisalCycle.objects.filter(pk=cycle.pk).update(progress=0)
    open_cycle.delay(cycle.pk, officer_a.pk).get()
    cycle.refresh_from_db()
    assert (cycle.progress, cycle.status) == (100, "closed")


def test_progress_is_written_only_when_the_percentage_changes(world, django_assert_num_queries):
    cycle = AppraisalCycle.objects.create(year=2026, unit=world.unit_a, progress=0)
    writer = opening.ProgressWriter(cycle.pk)
    with django_assert_num_queries(3):  # one UPDATE each for 40, 80 and 100
        for percent in (40, 40, 80, 80, 80, 100, 100):
            writer(percent)
    cycle.refresh_from_db()
    assert cycle.progress == 100


def test_a_large_opening_reports_its_progress_chunk_by_chunk(monkeypatch, officer_a, world):
    for i in range(5):
        make_servant(world.unit_a1, code=f"C-{i}", full_name=f"Lê Văn {i}")
    monkeypatch.setattr(services, "CHUNK", 2)
    written = []
    original = opening.ProgressWriter.__call__

    def spy(self, percent):
        written.append(percent)
        original(self, percent)

    monkeypatch.setattr(opening.ProgressWriter, "__call__", spy)
    cycle = opening.cycle_row(actor=officer_a, unit=world.unit_a, year=2026)
    assert open_cycle.delay(cycle.pk, officer_a.pk).get() == 5
    assert written == [40, 80, 100]
    cycle.refresh_from_db()
    assert cycle.progress == 100
