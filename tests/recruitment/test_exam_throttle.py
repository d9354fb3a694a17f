"""Exam login throttling: per candidate number and per client address, on the API and the exam
page, in the shared throttle cache; the lock in the room log, and the proctor's unlock."""
import pytest
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils.translation import gettext, override

from core.models import AuditEntry
from recruitment.exam import throttle
from recruitment.models import ExamEvent
from tests.recruitment.test_exam_runtime import make_bank, make_session

pytestmark = pytest.mark.django_db

LOCKED_NUMBER = "Too many wrong passwords for this number: ask the proctor."


@pytest.fixture
def exam(db):
    return make_session(make_bank(), candidates=3)


def api_login(client, number, password, ip="10.0.0.1"):
    return client.post(reverse("exam:api_login"), {"number": number, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


def page_login(client, number, password, ip="10.0.0.1"):
    return client.post(reverse("exam:login"), {"number": number, "password": password},
                       REMOTE_ADDR=ip)


def fail(client, number, times, login=api_login, ip="10.0.0.1"):
    for _i in range(times):
        assert login(client, number, "WRONGPW1", ip=ip).status_code == 403


def test_a_locked_number_is_refused_even_with_the_right_password(client, exam):
    _session, [(attempt, password), *_] = exam
    fail(client, attempt.number, 10)
    locked = api_login(client, attempt.number, password)
    assert locked.status_code == 429
    with override("vi"):
        assert locked.json() == {"detail": gettext(LOCKED_NUMBER), "code": "locked"}
    attempt.refresh_from_db()
    assert attempt.token_digest == ""


def test_the_exam_page_login_is_throttled_like_the_api(client, exam):
    _session, [(attempt, password), *_] = exam
    fail(client, attempt.number, 6, login=page_login)
    fail(client, attempt.number.lower(), 4)  # the two count together, whatever the case
    locked = page_login(client, attempt.number, password)
    assert locked.status_code == 429 and "exam_attempt" not in client.session
    with override("vi"):
        assert gettext(LOCKED_NUMBER) in locked.content.decode()


def test_the_counts_are_in_the_shared_cache_not_in_a_process(client, exam, settings):
    _session, [(attempt, password), *_] = exam
    fail(client, attempt.number, 10)
    cache.clear()  # the default cache is per process: clearing it changes nothing
    assert api_login(client, attempt.number, password).status_code == 429
    caches["throttle"].clear()
    assert api_login(client, attempt.number, password).status_code == 200


def test_the_limits_are_settings(client, exam, settings):
    settings.EXAM_LOGIN_FAILURES_PER_NUMBER = 3
    _session, [(attempt, password), *_] = exam
    fail(client, attempt.number, 3)
    assert api_login(client, attempt.number, password).status_code == 429


def test_a_number_locks_whatever_addresses_the_failures_come_from(client, exam):
    _session, [(attempt, password), *_] = exam
    for i in range(10):
        fail(client, attempt.number, 1, ip=f"10.0.1.{i}")
    assert api_login(client, attempt.number, password, ip="10.0.2.1").status_code == 429


def test_one_address_trying_many_numbers_is_stopped_but_not_another(client, exam, settings):
    settings.EXAM_LOGIN_FAILURES_PER_IP = 5
    _session, [(first, first_password), (second, second_password), _third] = exam
    for i in range(5):
        fail(client, f"SBD9{i:02d}", 1, ip="10.0.0.9")
    refused = api_login(client, first.number, first_password, ip="10.0.0.9")
    assert refused.status_code == 429 and refused.json()["code"] == "locked"
    assert page_login(client, first.number, first_password, ip="10.0.0.9").status_code == 429
    assert api_login(client, second.number, second_password, ip="10.0.0.10").status_code == 200


def test_the_right_password_forgets_the_typos_of_its_number(client, exam):
    _session, [(attempt, password), *_] = exam
    fail(client, attempt.number, 9)
    assert api_login(client, attempt.number, password).status_code == 200
    fail(client, attempt.number, 9)
    assert not throttle.is_locked(attempt.number)


def test_the_lock_is_written_once_in_the_room_log(client, exam):
    session, [(attempt, _password), *_] = exam
    fail(client, attempt.number, 10)
    for _i in range(3):
        assert api_login(client, attempt.number, "WRONGPW1").status_code == 429
    fail(client, "NOSUCH01", 10)  # a number of no session writes nothing
    event = ExamEvent.objects.get(kind=ExamEvent.Kind.LOCKED)
    assert (event.session, event.attempt, event.data["failures"]) == (session, attempt, 10)


def test_text_that_is_no_number_counts_as_a_wrong_password(client, exam):
    _session, [(attempt, _password), *_] = exam
    assert page_login(client, attempt.number + "\x00", "X").status_code == 403
    assert page_login(client, "S" * 5000, "X").status_code == 403


def test_the_proctor_sees_the_locked_numbers_and_unlocks_one(client, exam, provincial_hr):
    session, [(attempt, password), (other, _p), _third] = exam
    fail(client, attempt.number, 10)
    client.force_login(provincial_hr)
    console = client.get(reverse("recruitment:proctor", args=[session.pk])).content.decode()
    assert f'data-testid="locked-{attempt.number}"' in console
    assert f'data-testid="unlock-{attempt.number}"' in console
    assert f'data-testid="locked-{other.number}"' not in console
    response = client.post(reverse("recruitment:session_unlock", args=[session.pk]),
                           {"number": attempt.number})
    assert response.status_code == 302
    event = ExamEvent.objects.get(kind=ExamEvent.Kind.UNLOCKED)
    assert (event.attempt, event.by) == (attempt, provincial_hr)
    assert AuditEntry.objects.filter(action="login_unlock", actor=provincial_hr).count() == 1
    console = client.get(reverse("recruitment:proctor", args=[session.pk])).content.decode()
    assert 'data-testid="locked-numbers"' not in console
    client.logout()
    assert api_login(client, attempt.number, password).status_code == 200


def test_unlocking_a_number_that_is_not_locked_changes_nothing(client, exam, provincial_hr):
    session, [(attempt, _password), *_] = exam
    client.force_login(provincial_hr)
    for number in (attempt.number, "NOSUCH01"):
        client.post(reverse("recruitment:session_unlock", args=[session.pk]), {"number": number})
    assert not ExamEvent.objects.filter(kind=ExamEvent.Kind.UNLOCKED).exists()


def test_a_number_locked_again_after_the_unlock_is_logged_again(client, exam, provincial_hr):
    _session, [(attempt, _password), *_] = exam
    fail(client, attempt.number, 10)
    throttle.attempt_unlock(actor=provincial_hr, attempt=attempt)
    fail(client, attempt.number, 10)
    assert ExamEvent.objects.filter(kind=ExamEvent.Kind.LOCKED).count() == 2


def test_the_proctor_of_another_round_cannot_unlock(client, world, officer_b):
    from recruitment import services as recruitment_services
    from tests.factories import make_application, make_round

    round_ = make_round(world.unit_a, code="TD-L", status="exams")
    vacancy = recruitment_services.vacancy_save(actor=None, round_=round_, code="V", title="V",
                                                quota=1)
    make_application(vacancy, eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TD")
    session, [(attempt, _password)] = make_session(make_bank(), round_=round_)
    fail(client, attempt.number, 10)
    client.force_login(officer_b)
    response = client.post(reverse("recruitment:session_unlock", args=[session.pk]),
                           {"number": attempt.number})
    assert response.status_code == 404 and throttle.is_locked(attempt.number)
