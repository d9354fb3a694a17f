"""The exam API's input check: a body that is not a JSON object, or a number beyond its column,
is a 400 JSON refusal with a message for the candidate on every endpoint (a caller without a
token is refused before the body is read)."""
import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from recruitment.exam import api, services
from recruitment.models import Answer
from tests.recruitment.test_exam_runtime import login, make_bank, make_session

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ["[]", '"x"', "1", "null", "[null,null]", "true"]
HUGE = 2**70  # DataError on PostgreSQL's bigint, OverflowError on SQLite


def vi(message: str) -> str:
    with override("vi"):
        return gettext(message)


def _refusal(response, text: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": text, "code": "invalid"}


@pytest.fixture
def exam(db):
    return make_session(make_bank())


@pytest.fixture
def signed_in(client, exam):
    """A candidate who has logged in, and their token."""
    _session, [(attempt, password), _] = exam
    return attempt, login(client, attempt, password)


@pytest.fixture(params=["anonymous", "candidate"])
def headers(request, signed_in) -> dict:
    """Each refusal holds with the candidate's token and without one."""
    _attempt, token = signed_in
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if request.param == "candidate" else {}


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_a_login_body_that_is_not_an_object_is_refused(client, headers, body):
    response = client.post(reverse("exam:api_login"), body, content_type="application/json",
                           **headers)
    _refusal(response, vi("The request body must be a JSON object."))


@pytest.mark.parametrize("body", [{"number": ["SBD001"], "password": "X"}, {"number": "SBD001"},
                                  {"number": None, "password": "X"},
                                  {"number": "S" * 65, "password": "X"}])
def test_a_login_object_without_text_fields_is_refused(client, db, body):
    response = client.post(reverse("exam:api_login"), body, content_type="application/json")
    _refusal(response, vi("Send the candidate number and the password as text."))


def _put_answer(client, attempt, body: str, headers: dict):
    return client.put(reverse("exam:api_answer", args=[attempt.pk, 1]), body,
                      content_type="application/json", **headers)


def _expect(response, headers: dict, message: str) -> None:
    """400 for the candidate; without a token, 401 before the body is read."""
    if headers:
        _refusal(response, message)
    else:
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_an_answer_body_that_is_not_an_object_is_refused(client, signed_in, headers, body):
    attempt, _token = signed_in
    _expect(_put_answer(client, attempt, body, headers), headers,
            vi("The request body must be a JSON object."))
    assert not Answer.objects.exists()


@pytest.mark.parametrize("body", [
    {"choice": 0, "seq": HUGE}, {"choice": 0, "seq": services.SEQ_MAX + 1}, {"choice": 0, "seq": 0},
    {"choice": HUGE, "seq": 1}, {"choice": -1, "seq": 1}, {"choice": 0, "seq": "1"},
    {"choice": True, "seq": 1}, {"choice": 0.5, "seq": 1}, {"choice": 0}])
def test_an_answer_out_of_range_or_of_the_wrong_type_is_refused(client, signed_in, headers, body):
    attempt, _token = signed_in
    message = vi("choice must be an option number or null, and seq a whole number from 1 to "
                 "%(max)s.") % {"max": services.SEQ_MAX}
    _expect(_put_answer(client, attempt, json.dumps(body), headers), headers, message)
    assert not Answer.objects.exists()


def test_the_largest_seq_is_saved(client, signed_in):
    attempt, token = signed_in
    response = client.put(reverse("exam:api_answer", args=[attempt.pk, 1]),
                          json.dumps({"choice": 0, "seq": services.SEQ_MAX}),
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == {"saved": services.SEQ_MAX}
    assert Answer.objects.get(attempt=attempt, n=1).seq == services.SEQ_MAX


@pytest.mark.parametrize(("name", "method", "args"), [
    ("exam:api_attempt", "get", [HUGE]), ("exam:api_submit", "post", [HUGE]),
    ("exam:api_answer", "put", [HUGE, 1]), ("exam:api_answer", "put", ["own", HUGE]),
    ("exam:api_answer", "put", ["own", api.SMALL_MAX + 1]), ("exam:api_answer", "put", ["own", 0])])
def test_a_number_in_the_address_beyond_its_column_is_refused(client, signed_in, headers, name,
                                                              method, args):
    attempt, _token = signed_in
    url = reverse(name, args=[attempt.pk if a == "own" else a for a in args])
    body = {} if method == "get" else {"data": json.dumps({"choice": 0, "seq": 1})}
    response = getattr(client, method)(url, content_type="application/json", **body, **headers)
    _refusal(response, vi("A number in the address is out of range."))


@pytest.mark.parametrize("body", ["{", "[" * 100_000, b"\xff\xfe"])
def test_a_body_that_is_not_json_is_refused(client, signed_in, headers, body):
    attempt, _token = signed_in
    message = vi("The request body is not valid JSON.")
    login_response = client.post(reverse("exam:api_login"), body, content_type="application/json")
    _refusal(login_response, message)
    _expect(_put_answer(client, attempt, body, headers), headers, message)


def test_submit_takes_an_empty_body_or_an_object_only(client, signed_in):
    attempt, token = signed_in
    url, bearer = reverse("exam:api_submit", args=[attempt.pk]), f"Bearer {token}"
    _refusal(client.post(url, "[]", content_type="application/json", HTTP_AUTHORIZATION=bearer),
             vi("The request body must be a JSON object."))
    submitted = client.post(url, content_type="application/json", HTTP_AUTHORIZATION=bearer)
    assert submitted.json()["status"] == "submitted"


def test_other_refusals_keep_the_same_shape(client, signed_in):
    attempt, _token = signed_in
    response = client.get(reverse("exam:api_attempt", args=[attempt.pk]))
    assert response.status_code == 401 and set(response.json()) == {"detail", "code"}


def test_the_service_refuses_a_seq_beyond_the_limit(signed_in):
    attempt, _token = signed_in
    attempt.refresh_from_db()
    with pytest.raises(services.ExamRefused) as refused:
        services.answer_save(attempt=attempt, n=1, choice=0, seq=HUGE)
    assert refused.value.code == "invalid"


def test_the_page_ignores_a_choice_that_is_not_a_plain_number(client, exam):
    _session, [(attempt, password), _] = exam
    client.post(reverse("exam:login"), {"number": attempt.number, "password": password})
    response = client.post(reverse("exam:paper"), {"q1": "²", "q2": "1", "q3": str(HUGE)})
    assert response.status_code == 302
    assert list(Answer.objects.filter(attempt=attempt).values_list("n", "choice")) == [(2, 1)]


def test_a_click_with_more_in_its_body_than_a_click_is_still_checked_and_saved(client, signed_in):
    """A body longer than a click, or with other keys, is read by the view's own check."""
    attempt, token = signed_in
    body = json.dumps({"choice": 1, "seq": 3, "note": "x" * 500})
    response = client.put(reverse("exam:api_answer", args=[attempt.pk, 2]), body,
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json() == {"saved": 3}
    assert Answer.objects.get(attempt=attempt, n=2).choice == 1


def test_a_login_typed_with_spaces_or_in_small_letters_opens_the_attempt(client, exam):
    """The login's quick path (api.quick_login) takes the text as the serializer did: trimmed,
    the number in any case."""
    _session, [(attempt, password), _] = exam
    response = client.post(reverse("exam:api_login"), {"number": f"  {attempt.number.lower()} ",
                                                       "password": f" {password}\t"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["attempt"] == attempt.pk


@pytest.mark.parametrize("body", ['{"number": "SBD001", "password": "X", "extra": NaN}',
                                  '{"number": "SBD001", "password": Infinity}'])
def test_a_login_body_with_a_constant_json_does_not_know_is_refused(client, db, body):
    response = client.post(reverse("exam:api_login"), body, content_type="application/json")
    _refusal(response, vi("The request body is not valid JSON."))


def test_a_wrong_password_sent_as_a_number_is_counted_like_any_other(client, exam):
    """A password the quick path leaves to the view (not text) is still checked and refused."""
    _session, [(attempt, _password), _] = exam
    response = client.post(reverse("exam:api_login"),
                           {"number": attempt.number, "password": 12345678},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "credentials"
