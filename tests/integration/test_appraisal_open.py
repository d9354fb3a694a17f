"""Opening a year on a real worker: the page queues the task, its poll sees the percentage and then
asks the board to reload; a redelivered task enrols nobody twice; the percentage of an enrolment
under way is seen by the other connections before it commits."""
import time

import pytest
from django.db import connections, transaction
from django.urls import reverse

from appraisal.models import Appraisal, AppraisalCycle
from appraisal.opening import ProgressWriter
from appraisal.tasks import open_cycle
from core.models import OrgUnit
from tests.factories import UserFactory, grant, make_servant, make_unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_page_queues_the_opening_and_the_worker_enrols_everyone(celery_worker_process, client):
    province = make_unit("Tỉnh Thử", code="P", kind=OrgUnit.Kind.PROVINCE)
    department = make_unit("Sở Thử", code="S", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    division = make_unit("Phòng Thử", code="S1", parent=department)
    for i in range(12):
        make_servant(division if i % 2 else department, code=f"W-{i:02d}",
                     full_name=f"Nguyễn Văn {i}", rank_code=None)
    officer = grant(UserFactory(username="worker_hr"), department)
    client.force_login(officer)
    response = client.post(reverse("appraisal:cycle_open"), {"unit": department.pk, "year": 2026,
                                                            "period_kind": "month"})
    cycle = AppraisalCycle.objects.get()
    assert response.status_code == 302 and response["Location"] == cycle.get_absolute_url()
    poll = reverse("appraisal:open_progress", args=[cycle.pk])
    deadline = time.monotonic() + 60
    while client.get(poll, headers={"HX-Request": "true"}).get("HX-Refresh") != "true":
        assert time.monotonic() < deadline, "the worker did not enrol the year within 60 s"
        time.sleep(0.3)
    assert Appraisal.objects.filter(cycle=cycle).count() == 12
    # A redelivered task (Celery retry after a lost ack) does no harm.
    assert open_cycle.delay(cycle.pk, officer.pk).get(timeout=60) == 12
    assert Appraisal.objects.count() == 12


def test_the_percentage_is_seen_before_the_enrolment_commits():
    if connections["default"].vendor != "postgresql":
        pytest.skip("the percentage is written aside on PostgreSQL only")
    cycle = AppraisalCycle.objects.create(year=2026, unit=make_unit("Sở Thử", code="S"), progress=0)
    other = connections.create_connection("default")
    writer = ProgressWriter(cycle.pk)
    try:
        with transaction.atomic():
            writer(40)
            with other.cursor() as cursor:
                cursor.execute("SELECT progress FROM appraisal_appraisalcycle WHERE id = %s",
                               [cycle.pk])
                assert cursor.fetchone() == (40,)
    finally:
        writer.close()
        other.close()
