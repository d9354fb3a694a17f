"""The exam runtime: login, the paper without its key, acknowledged answers, stale sequence numbers,
exactly-once submission (by the candidate, at the deadline, by a retried task), late arrival."""
import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from recruitment import services as recruitment_services
from recruitment.exam import services
from recruitment.models import Answer, Attempt, ExamEvent, PaperItem, Question, Round1Score
from recruitment.tasks import submit_due_attempts
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


def make_bank(questions=12, code="KTC"):
    bank = services.bank_create(actor=None, code=code, name="Kiến thức chung", part="general")
    for i in range(questions):
        services.question_save(
            actor=None,
            bank=bank,
            family=f"Q{i:02d}",
            text=f"Câu hỏi số {i}?",
            options=[f"Đúng {i}", f"Sai A{i}", f"Sai B{i}", f"Sai C{i}"],
            correct=0,
        )
    for question in bank.questions.all():
        services.question_approve(actor=None, question=question)
    return bank


def make_session(
    bank, *, count=10, minutes=60, starts_at=None, candidates=2, individual=False, round_=None
):
    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", minutes, (services.RuleSpec(bank, count),))])
    session = services.session_create(actor=None, name="Ca 1", blueprint=blueprint, round_=round_,
                                      starts_at=starts_at or timezone.now() - timedelta(minutes=1),
                                      individual_start=individual)
    if round_ is not None:
        seated = services.attempts_from_round(actor=None, session=session)
    else:
        seated = services.attempts_add(
            actor=None,
            session=session,
            candidates=[
                {"number": f"SBD{i:03d}", "full_name": f"Thí sinh {i}"}
                for i in range(1, candidates + 1)
            ],
        )
    services.papers_generate(session)
    return session, seated


@pytest.fixture
def exam(db):
    return make_session(make_bank())


def login(client, attempt, password):
    response = client.post(
        reverse("exam:api_login"), {"number": attempt.number, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api(client, method, url, token, body=None):
    return getattr(client, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def right_choice(attempt, n):
    item = PaperItem.objects.select_related("question").get(attempt=attempt, n=n)
    return item.option_order.index(item.question.correct)


def test_papers_are_shuffled_reproducible_and_the_key_never_reaches_the_candidate(client, exam):
    session, seated = exam
    (first, password), (second, _p) = seated
    orders = [
        list(a.items.order_by("n").values_list("question_id", flat=True)) for a in (first, second)
    ]
    assert orders[0] != orders[1]  # each candidate has their own order
    replay = services.paper_for(
        session, first, services._pools(session), {q.pk: 4 for q in Question.objects.all()}
    )
    assert [i.question_id for i in replay] == orders[0]
    token = login(client, first, password)
    body = api(client, "get", reverse("exam:api_attempt", args=[first.pk]), token).content.decode()
    paper = json.loads(body)
    assert len(paper["questions"]) == 10 and paper["deadline"] and paper["server_time"]
    assert "correct" not in body and "option_order" not in body
    shown = paper["questions"][0]["options"]
    assert sorted(shown) == sorted(PaperItem.objects.get(attempt=first, n=1).question.options)


def test_an_answer_is_acknowledged_with_its_sequence_and_a_stale_one_never_wins(client, exam):
    _session, [(attempt, password), _] = exam
    token = login(client, attempt, password)
    url = reverse("exam:api_answer", args=[attempt.pk, 3])
    assert api(client, "put", url, token, {"choice": 1, "seq": 5}).json() == {"saved": 5}
    assert api(client, "put", url, token, {"choice": 2, "seq": 7}).json() == {"saved": 7}
    stale = api(client, "put", url, token, {"choice": 0, "seq": 6})  # a retry that arrives late
    assert stale.status_code == 200 and stale.json() == {"saved": 7, "stale": True}
    # idempotent resend
    assert api(client, "put", url, token, {"choice": 2, "seq": 7}).json() == {"saved": 7}
    assert Answer.objects.get(attempt=attempt, n=3).choice == 2
    cleared = api(client, "put", url, token, {"choice": None, "seq": 8})
    assert (
        cleared.json() == {"saved": 8} and Answer.objects.get(attempt=attempt, n=3).choice is None
    )
    assert api(client, "put", reverse("exam:api_answer", args=[attempt.pk, 99]), token,
               {"choice": 0, "seq": 9}).status_code == 400
    assert api(client, "put", url, token, {"choice": 7, "seq": 9}).status_code == 400
    assert api(client, "put", url, token, {"choice": "1", "seq": "x"}).status_code == 400


def test_a_token_opens_only_its_own_attempt(client, exam):
    _session, [(mine, password), (theirs, _other)] = exam
    token = login(client, mine, password)
    assert (
        api(client, "get", reverse("exam:api_attempt", args=[theirs.pk]), token).status_code == 404
    )
    assert api(client, "put", reverse("exam:api_answer", args=[theirs.pk, 1]), token,
               {"choice": 0, "seq": 1}).status_code == 404
    assert (
        api(client, "post", reverse("exam:api_submit", args=[theirs.pk]), token).status_code == 404
    )
    assert client.get(reverse("exam:api_attempt", args=[mine.pk])).status_code in (401, 403)
    assert not Answer.objects.filter(attempt=theirs).exists()


def test_submit_scores_per_part_once_and_a_second_submit_changes_nothing(client, exam):
    _session, [(attempt, password), _] = exam
    token = login(client, attempt, password)
    for n in range(1, 7):  # six right answers of ten
        api(client, "put", reverse("exam:api_answer", args=[attempt.pk, n]), token,
            {"choice": right_choice(attempt, n), "seq": n})
    first = api(client, "post", reverse("exam:api_submit", args=[attempt.pk]), token).json()
    assert first["scores"]["general"] == {"correct": 6, "questions": 10, "passed": True}
    again = api(client, "post", reverse("exam:api_submit", args=[attempt.pk]), token).json()
    assert again == first
    assert (
        ExamEvent.objects.filter(attempt=attempt, kind__in=["submit", "auto_submit"]).count() == 1
    )
    late = api(
        client, "put", reverse("exam:api_answer", args=[attempt.pk, 8]), token,
        {"choice": 0, "seq": 99},
    )
    assert late.status_code == 409 and not Answer.objects.filter(attempt=attempt, n=8).exists()


def test_after_the_deadline_saves_are_refused_and_the_attempt_submits_itself_once(client, exam):
    _session, [(attempt, password), _] = exam
    token = login(client, attempt, password)
    api(client, "put", reverse("exam:api_answer", args=[attempt.pk, 1]), token,
        {"choice": right_choice(attempt, 1), "seq": 1})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=10))
    late = api(
        client, "put", reverse("exam:api_answer", args=[attempt.pk, 2]), token,
        {"choice": 0, "seq": 2},
    )
    assert late.status_code == 409 and late.json()["code"] == "deadline"
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"
    assert attempt.scores["general"]["correct"] == 1
    assert submit_due_attempts.apply().get() == 0  # the scheduled task finds nothing left to do
    assert ExamEvent.objects.filter(attempt=attempt, kind="auto_submit").count() == 1


def test_the_scheduled_task_submits_abandoned_attempts_and_a_retry_does_no_harm(exam):
    _session, [(attempt, password), (other, _p)] = exam
    services.attempt_login(number=attempt.number, password=password)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert submit_due_attempts.apply().get() == 1
    # Celery redelivers the task: nothing happens twice
    assert submit_due_attempts.apply().get() == 0
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert ExamEvent.objects.filter(attempt=attempt, kind="auto_submit").count() == 1
    other.refresh_from_db()
    assert other.status == "not_started"  # never came: not submitted by the task


def test_a_second_machine_needs_the_proctor(client, exam):
    _session, [(attempt, password), _] = exam
    login(client, attempt, password)
    refused = client.post(
        reverse("exam:api_login"), {"number": attempt.number, "password": password},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "readmit"
    services.readmit(actor=None, attempt=attempt, reason="Máy hỏng, chuyển sang máy 12")
    new_token = login(client, attempt, password)
    old = Attempt.objects.get(pk=attempt.pk)
    assert old.token_digest == services.digest(new_token)


def test_late_arrival_follows_the_exam_rules(client, db):
    bank = make_bank()
    start = timezone.now() - timedelta(minutes=12)
    _session, [(late, password), (_on_time, _p)] = make_session(bank, minutes=60, starts_at=start)
    refused = client.post(reverse("exam:api_login"), {"number": late.number, "password": password},
                          content_type="application/json")
    # 12 > 10 minutes for a 60-minute test
    assert refused.status_code == 403 and refused.json()["code"] == "late"
    _session, [(in_time, password), _] = make_session(
        make_bank(code="B2"), minutes=60, starts_at=timezone.now() - timedelta(minutes=8)
    )
    token = login(client, in_time, password)
    paper = api(client, "get", reverse("exam:api_attempt", args=[in_time.pk]), token).json()
    deadline = timezone.datetime.fromisoformat(paper["deadline"])
    # no extra time
    assert abs((deadline - (timezone.now() + timedelta(minutes=52))).total_seconds()) < 5


def test_wrong_passwords_lock_the_number_for_a_while(client, exam):
    _session, [(attempt, _password), _] = exam
    for _i in range(10):
        client.post(reverse("exam:api_login"), {"number": attempt.number, "password": "WRONG"},
                    content_type="application/json")
    locked = client.post(reverse("exam:api_login"), {"number": attempt.number, "password": "WRONG"},
                         content_type="application/json")
    assert locked.status_code == 429


def test_a_round_session_writes_round1_results_and_skips_exempt_parts(db, world):
    round_ = make_round(world.unit_a, code="TD-CBT", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="Chuyên viên", quota=1
    )
    application = make_application(vacancy, eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TD")
    session, [(attempt, password)] = make_session(make_bank(), round_=round_)
    assert attempt.skip_parts == ["language"]
    attempt, _token = services.attempt_login(number="td0001", password=password.lower())
    for n in range(1, 6):
        services.answer_save(attempt=attempt, n=n, choice=right_choice(attempt, n), seq=n)
    services.attempt_submit(attempt=attempt, reason="candidate")
    score = Round1Score.objects.get(application=application)
    assert (score.part, score.correct, score.questions, score.source) == ("general", 5, 10, "cbt")
    assert Decimal(score.correct) / score.questions >= Decimal("0.5")


# --- the exam page --------------------------------------------------------------------------------

def test_the_page_saves_without_javascript_and_shows_the_score(client, exam):
    _session, [(attempt, password), _] = exam
    page = client.post(
        reverse("exam:login"), {"number": attempt.number, "password": password}, follow=True
    )
    html = page.content.decode()
    assert 'data-exam-paper' in html and 'name="q1"' in html and "Câu hỏi số" in html
    assert '"correct"' not in html
    choices = {f"q{n}": str(right_choice(attempt, n)) for n in range(1, 4)}
    client.post(reverse("exam:paper"), choices)
    assert Answer.objects.filter(attempt=attempt).count() == 3
    html = client.get(reverse("exam:paper")).content.decode()
    assert html.count("checked") == 3
    result = client.post(reverse("exam:paper"), {"submit": "1"}, follow=True).content.decode()
    assert 'data-testid="exam-score"' in result and "3/10" in result


def test_the_page_uses_its_session_with_csrf_for_the_api(exam):
    from django.test import Client

    _session, [(attempt, password), _] = exam
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("exam:login"))
    csrf = browser.cookies["csrftoken"].value
    browser.post(reverse("exam:login"), {"number": attempt.number, "password": password,
                                         "csrfmiddlewaretoken": csrf})
    url = reverse("exam:api_answer", args=[attempt.pk, 1])
    without = browser.put(url, json.dumps({"choice": 0, "seq": 1}), content_type="application/json")
    assert without.status_code == 403
    csrf = browser.cookies["csrftoken"].value
    with_token = browser.put(
        url, json.dumps({"choice": 0, "seq": 1}), content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert with_token.status_code == 200 and with_token.json() == {"saved": 1}


def test_before_the_start_the_candidate_waits_without_the_questions(client, db):
    _session, [(attempt, password), _] = make_session(
        make_bank(), starts_at=timezone.now() + timedelta(minutes=10)
    )
    token = login(client, attempt, password)
    paper = api(client, "get", reverse("exam:api_attempt", args=[attempt.pk]), token).json()
    assert paper["status"] == "waiting" and paper["questions"] == [] and paper["deadline"] is None
    assert api(client, "put", reverse("exam:api_answer", args=[attempt.pk, 1]), token,
               {"choice": 0, "seq": 1}).status_code == 409


def test_the_candidate_sees_their_own_computer_test_in_the_portal(client, world, candidate):
    round_ = make_round(world.unit_a, code="TD-PORTAL", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="V", quota=1
    )
    make_application(vacancy, candidate=candidate, eligible=True)
    other = make_application(vacancy, full_name="Người khác", eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TD")
    _session, seated = make_session(make_bank(), round_=round_)
    for attempt, password in seated:
        attempt, _token = services.attempt_login(number=attempt.number, password=password)
        services.answer_save(attempt=attempt, n=1, choice=right_choice(attempt, 1), seq=1)
        services.attempt_submit(attempt=attempt, reason="candidate")
    client.force_login(candidate)
    mine = candidate.applications.get()
    page = client.get(reverse("recruitment:my_application", args=[mine.pk])).content.decode()
    assert 'data-testid="my-computer-test"' in page and "1/10" in page
    assert client.get(reverse("recruitment:my_application", args=[other.pk])).status_code == 404


def test_a_number_in_two_open_sessions_logs_in_to_the_newest_and_a_wrong_password_to_none(db):
    bank = make_bank()
    older, [(old_attempt, old_password)] = make_session(
        bank, candidates=1, starts_at=timezone.now() - timedelta(minutes=5)
    )
    newer, [(new_attempt, new_password)] = make_session(bank, candidates=1)
    assert old_attempt.number == new_attempt.number == "SBD001"
    attempt, _token = services.attempt_login(number="sbd001", password=new_password)
    assert (
        attempt.pk == new_attempt.pk
        and attempt.session == newer
        and attempt.status == Attempt.Status.ANSWERING
    )
    # Each session's password opens only its own attempt.
    attempt, _token = services.attempt_login(number="SBD001", password=old_password)
    assert attempt.pk == old_attempt.pk and attempt.session == older
    with pytest.raises(services.ExamRefused) as refused:
        services.attempt_login(number="SBD001", password="WRONGPW1")
    assert refused.value.code == "credentials"


def test_a_changed_test_length_is_seen_by_the_next_login(client, db):
    """Nothing about the session is kept in a process between requests (DESIGN.md §5): the board
    lengthens the test after the first candidate logged in, the next one gets the new length."""
    session, seated = make_session(make_bank(), minutes=60)
    (first, first_password), (second, second_password) = seated
    login(client, first, first_password)
    session.blueprint.parts.update(minutes=90)
    login(client, second, second_password)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.deadline == session.starts_at + timedelta(minutes=60)
    assert second.deadline == session.starts_at + timedelta(minutes=90)


def test_extra_time_is_seen_by_the_next_save(client, exam, provincial_hr):
    """The proctor's extra time reaches the candidate's next save, whichever process answers."""
    _session, [(attempt, password), _] = exam
    token = login(client, attempt, password)
    attempt.refresh_from_db()
    deadline = attempt.deadline
    url = reverse("exam:api_answer", args=[attempt.pk, 1])
    services.extra_time(actor=provincial_hr, attempt=attempt, minutes=10, reason="Máy treo 10 phút")
    with time_machine.travel(deadline + timedelta(minutes=5)):
        saved = api(client, "put", url, token, {"choice": 1, "seq": 1})
    assert saved.status_code == 200 and saved.json() == {"saved": 1}
    with time_machine.travel(deadline + timedelta(minutes=11)):
        refused = api(client, "put", url, token, {"choice": 2, "seq": 2})
    assert refused.status_code == 409 and refused.json()["code"] == "deadline"
    assert Answer.objects.get(attempt=attempt, n=1).choice == 1


def test_a_click_is_saved_by_one_statement_that_checks_the_token(client, exam,
                                                                 django_assert_num_queries):
    """Exam day's hot path: the upsert checks the token, the state, the deadline and the option."""
    _session, [(attempt, password), (other, _p)] = exam
    token = login(client, attempt, password)
    url = reverse("exam:api_answer", args=[attempt.pk, 2])
    with django_assert_num_queries(1):
        assert api(client, "put", url, token, {"choice": 1, "seq": 1}).json() == {"saved": 1}
    with django_assert_num_queries(1):
        assert api(client, "put", url, token, {"choice": None, "seq": 2}).json() == {"saved": 2}
    assert api(client, "put", reverse("exam:api_answer", args=[other.pk, 2]), token,
               {"choice": 1, "seq": 3}).status_code == 404
    assert api(client, "put", url, token + "x", {"choice": 1, "seq": 3}).status_code == 404
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED)
    refused = api(client, "put", url, token, {"choice": 0, "seq": 4})
    assert refused.status_code == 409 and refused.json()["code"] == "not_running"
    assert Answer.objects.get(attempt=attempt, n=2).choice is None
    assert not Answer.objects.filter(attempt=other).exists()


def test_a_saved_click_shows_the_candidate_as_present_to_the_proctor(client, exam, provincial_hr):
    """A save writes nothing but the answer: the console reads its time as the last sign of life."""
    import re

    from django.core.cache import cache

    session, [(attempt, password), _] = exam
    token = login(client, attempt, password)
    cache.delete(services.PRESENCE_KEY.format(attempt.pk))  # the login's presence is long gone
    url = reverse("exam:api_answer", args=[attempt.pk, 1])

    def state() -> str:
        client.force_login(provincial_hr)
        page = client.get(reverse("recruitment:proctor", args=[session.pk])).content.decode()
        client.logout()
        return dict(re.findall(r'data-testid="state-(\w+)">([^<]+)<', page))[attempt.number]

    assert state() == "Mất kết nối"
    assert api(client, "put", url, token, {"choice": 0, "seq": 1}).json() == {"saved": 1}
    # one statement, no cache write
    assert cache.get(services.PRESENCE_KEY.format(attempt.pk)) is None
    assert state() == "Đang làm bài"
