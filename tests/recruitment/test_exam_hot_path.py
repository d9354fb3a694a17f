"""Exam day's answer saves through the site's WSGI application (config.wsgi), as gunicorn serves
them: a token click is saved and acknowledged before the middleware, with the same headers as any
response; every other click reaches the API view with its body intact and gets its full answer."""
import io
import json

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse

from config.wsgi import application
from recruitment.models import Answer
from tests.recruitment.test_exam_runtime import login, make_bank, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(db):
    _session, [(attempt, password), _other] = make_session(make_bank())
    return attempt, password


@pytest.fixture
def candidate(client, seated):
    attempt, password = seated
    return attempt, login(client, attempt, password)


def put(path: str, body: bytes, *, token: str = "", host: str = "testserver", method: str = "PUT",
        **extra):
    """One request through the WSGI application: (status, headers, body)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": host,
               "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
               "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
               **extra}
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    # As Django's test client does: the request signals must not close the test's connection,
    # which holds the test's transaction (a server's close_old_connections would).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            chunks.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


def answer_url(attempt, n=1) -> str:
    return reverse("exam:api_answer", kwargs={"attempt": attempt.pk, "n": n})


def test_a_click_is_saved_and_acknowledged_with_the_site_headers(candidate):
    attempt, token = candidate
    status, headers, content = put(answer_url(attempt, 3), b'{"choice": 2, "seq": 5}', token=token)
    assert (status, json.loads(content)) == (200, {"saved": 5})
    saved = Answer.objects.get(attempt=attempt, n=3)
    assert (saved.choice, saved.seq) == (2, 5)
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert len(headers["X-Request-ID"]) >= 8


def test_the_request_signals_are_sent_so_database_connections_are_looked_after(candidate):
    attempt, token = candidate
    seen = []

    def started(**kwargs):
        seen.append("started")

    def finished(**kwargs):
        seen.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        put(answer_url(attempt), b'{"choice": 1, "seq": 1}', token=token)
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert seen == ["started", "finished"]


def test_a_stale_click_gets_the_api_views_answer(candidate):
    attempt, token = candidate
    put(answer_url(attempt), b'{"choice": 1, "seq": 9}', token=token)
    status, _headers, content = put(answer_url(attempt), b'{"choice": 3, "seq": 4}', token=token)
    assert (status, json.loads(content)) == (200, {"saved": 9, "stale": True})
    assert Answer.objects.get(attempt=attempt, n=1).choice == 1


def test_a_body_the_quick_save_leaves_reaches_the_view_intact(candidate):
    """A number out of range is read by the quick save, refused by it, and read again by the
    view, which names what is wrong: the body was given back to Django as it arrived."""
    attempt, token = candidate
    status, headers, content = put(answer_url(attempt), b'{"choice": 1, "seq": 0}', token=token)
    assert status == 400
    assert json.loads(content)["code"] == "invalid"
    assert "Content-Security-Policy" in headers  # the full middleware ran
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_wrong_token_saves_nothing(candidate):
    attempt, _token = candidate
    status, _headers, _content = put(answer_url(attempt), b'{"choice": 1, "seq": 1}',
                                     token="not-the-token")
    assert status == 404  # the API's answer: an attempt is not found by another token
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_host_the_site_does_not_serve_is_refused_and_saves_nothing(candidate):
    attempt, token = candidate
    status, _headers, _content = put(answer_url(attempt), b'{"choice": 1, "seq": 1}', token=token,
                                     host="evil.example")
    assert status == 400
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_click_over_plain_http_is_redirected_when_the_site_wants_https(candidate, settings,
                                                                       monkeypatch):
    import config.wsgi
    from recruitment.exam.hot_path import serve_answers

    attempt, token = candidate
    settings.SECURE_SSL_REDIRECT = True
    # The middleware reads its settings when the application is built, as at a server's start.
    monkeypatch.setattr("tests.recruitment.test_exam_hot_path.application",
                        serve_answers(config.wsgi.django_application))
    status, headers, _content = put(answer_url(attempt), b'{"choice": 1, "seq": 1}', token=token)
    assert status == 301
    assert headers["Location"].startswith("https://testserver/")
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_other_requests_are_left_to_django(candidate):
    attempt, token = candidate
    status, headers, content = put(reverse("exam:api_submit", kwargs={"attempt": attempt.pk}),
                                   b"", token=token)
    assert status == 405  # the hand-in is a POST: Django's answer, with its full middleware
    assert "Content-Security-Policy" in headers


def login_body(attempt, password) -> bytes:
    return json.dumps({"number": attempt.number, "password": password}).encode()


def test_a_login_and_the_paper_are_served_with_the_site_headers(seated):
    attempt, password = seated
    status, headers, content = put(reverse("exam:api_login"), login_body(attempt, password),
                                   method="POST")
    assert status == 200, content
    token = json.loads(content)["token"]
    assert headers["X-Content-Type-Options"] == "nosniff" and "X-Request-ID" in headers
    status, headers, content = put(reverse("exam:api_attempt", kwargs={"attempt": attempt.pk}),
                                   b"", token=token, method="GET", CONTENT_TYPE="")
    paper = json.loads(content)
    assert status == 200
    assert paper["attempt"] == attempt.pk and len(paper["questions"]) == 10
    assert all("correct" not in question for question in paper["questions"])
    assert headers["Content-Language"] == "vi"


def test_a_wrong_password_is_explained_in_vietnamese(seated):
    attempt, _password = seated
    status, _headers, content = put(reverse("exam:api_login"), login_body(attempt, "sai-mat-khau"),
                                    method="POST")
    assert status in (400, 401, 403)
    detail = json.loads(content)["detail"]
    assert any(ch in detail for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def test_a_paper_asked_for_with_another_token_is_not_given(seated):
    attempt, _password = seated
    status, _headers, content = put(reverse("exam:api_attempt", kwargs={"attempt": attempt.pk}),
                                    b"", token="not-the-token", method="GET", CONTENT_TYPE="")
    assert status == 404
    assert b"questions" not in content
