"""Exam day without celery beat (the `make run` default): the console hands in what is past its
deadline; re-admission after it needs a reason; no extra time on a handed-in test; an incident
names a seated candidate or none."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recruitment.exam import services
from recruitment.models import Attempt, ExamEvent
from tests.recruitment.test_exam_runtime import make_bank, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(db):
    """A session whose first candidate started two hours ago on a 60-minute test and vanished."""
    session, seated = make_session(make_bank(), starts_at=timezone.now() - timedelta(hours=2))
    attempt = seated[0][0]
    attempt = services.attempt_begin(attempt, now=timezone.now() - timedelta(hours=2))
    assert attempt.status == Attempt.Status.ANSWERING
    return session, attempt


def test_the_console_hands_in_an_attempt_past_its_deadline_with_no_beat_running(
    client, late, provincial_hr
):
    session, attempt = late
    client.force_login(provincial_hr)
    assert client.get(reverse("recruitment:proctor", args=[session.pk])).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submit_reason == "deadline"
    assert ExamEvent.objects.filter(attempt=attempt, kind=ExamEvent.Kind.AUTO_SUBMIT).count() == 1
    # a second read changes nothing
    client.get(reverse("recruitment:session_detail", args=[session.pk]))
    assert ExamEvent.objects.filter(attempt=attempt, kind=ExamEvent.Kind.AUTO_SUBMIT).count() == 1


def test_readmission_after_the_deadline_needs_a_reason(late, provincial_hr):
    session, attempt = late
    with pytest.raises(ValidationError, match="lý do|reason"):
        services.readmit(actor=provincial_hr, attempt=attempt, reason="")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and not attempt.readmit
    services.readmit(
        actor=provincial_hr, attempt=attempt, reason="Mất điện phòng thi, hội đồng cho xem lại bài"
    )
    attempt.refresh_from_db()
    assert attempt.readmit
    assert (
        ExamEvent.objects.filter(attempt=attempt, kind=ExamEvent.Kind.READMIT)
        .get()
        .note.startswith("Mất điện")
    )


def test_no_extra_time_for_a_test_past_its_deadline(client, late, provincial_hr):
    session, attempt = late
    client.force_login(provincial_hr)
    client.post(reverse("recruitment:attempt_action", args=[attempt.pk, "extra_time"]),
                {"minutes": 10, "reason": "Máy hỏng"})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.extra_minutes == 0


def test_extra_time_before_the_deadline_still_moves_it(provincial_hr):
    session, seated = make_session(make_bank(code="KTC2"))
    other = services.attempt_begin(seated[0][0])
    deadline = other.deadline
    services.extra_time(actor=provincial_hr, attempt=other, minutes=10, reason="Máy hỏng")
    other.refresh_from_db()
    assert other.deadline == deadline + timedelta(minutes=10)


def test_an_incident_needs_a_seated_candidate_or_none(client, late, provincial_hr):
    session, attempt = late
    client.force_login(provincial_hr)
    url = reverse("recruitment:session_incident", args=[session.pk])
    client.post(url, {"number": "SBD999", "note": "Thí sinh dùng điện thoại"})
    assert not ExamEvent.objects.filter(session=session, kind=ExamEvent.Kind.INCIDENT).exists()
    client.post(url, {"number": attempt.number, "note": "Thí sinh dùng điện thoại"})
    client.post(url, {"number": "", "note": "Mất điện 5 phút"})
    incidents = ExamEvent.objects.filter(session=session, kind=ExamEvent.Kind.INCIDENT).order_by(
        "pk"
    )
    assert [e.attempt_id for e in incidents] == [attempt.pk, None]
