"""Exam-day tasks on a real worker: papers made in the background, and the deadline's auto-submit
run twice (a redelivered task) handing each test in exactly once."""
from datetime import timedelta

import pytest
from django.utils import timezone

from recruitment.exam import services
from recruitment.models import Attempt, ExamEvent, ExamSession
from recruitment.tasks import generate_papers, submit_due_attempts
from tests.recruitment.test_exam_runtime import make_bank

pytestmark = pytest.mark.django_db(transaction=True)


def test_papers_and_the_auto_submit_run_on_the_worker_exactly_once(celery_worker_process):
    bank = make_bank()
    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(bank, 8),))])
    session = services.session_create(actor=None, name="Ca", blueprint=blueprint,
                                      starts_at=timezone.now() - timedelta(minutes=1))
    seated = services.attempts_add(actor=None, session=session, candidates=[
        {"number": f"W{i:03d}", "full_name": f"Thí sinh {i}"} for i in range(5)])
    assert generate_papers.delay(session.pk).get(timeout=60) == 5
    session.refresh_from_db()
    assert session.status == ExamSession.Status.READY and session.progress == 100
    for attempt, password in seated[:3]:
        started, _token = services.attempt_login(number=attempt.number, password=password)
        services.answer_save(attempt=started, n=1, choice=0, seq=1)
    Attempt.objects.filter(session=session, status="answering").update(
        deadline=timezone.now() - timedelta(minutes=1))

    first, second = submit_due_attempts.delay(), submit_due_attempts.delay()
    assert sorted([first.get(timeout=60), second.get(timeout=60)]) == [0, 3]
    assert Attempt.objects.filter(session=session, status="submitted").count() == 3
    counts = [ExamEvent.objects.filter(attempt__session=session, attempt=a,
                                       kind="auto_submit").count()
              for a in Attempt.objects.filter(session=session, status="submitted")]
    assert counts == [1, 1, 1]
