"""schemathesis over the whole OpenAPI schema (/api/v1/schema/, the exam API included), run by the
normal suite against the Django WSGI application with a provincial HR officer's token holding every
scope: no request may end in a server error, and every answer must match the schema.

Bounded: a fixed number of examples per operation and a fixed seed, so it runs in well under a
minute and the same way every time (CI fails on any regression)."""
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
EXAMPLES = 25  # per operation, valid and invalid requests mixed
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, its requests kept inside the test's transaction: Django's
    test client does the same (a request's end would otherwise close the test's connection)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield application
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_no_server_error_and_no_schema_violation(province, provincial_hr, settings, capsys,
                                                 wsgi_app):

    settings.API_THROTTLE_RATES = {}  # the fuzzer sends hundreds of requests a minute
    headers = {"Authorization": f"Bearer {make_token(provincial_hr)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    started, cases, failures, operations = time.monotonic(), 0, [], 0
    statuses = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # Valid requests and invalid ones (wrong types, out-of-range values, missing parameters).
        strategy = (operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                    | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @seed(16)
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case):
            nonlocal cases
            cases += 1
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        # Every operation's failures are collected, then asserted once.
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nschemathesis: {operations} operations, {cases} cases, {elapsed:.1f} s, "
              f"{dict(statuses)}")
    assert operations >= 16
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def exam_attempt(db):
    """One candidate's attempt in a session that has started, and its bearer token."""
    from django.test import Client

    from tests.recruitment.test_exam_runtime import make_bank, make_session

    _session, [(attempt, password)] = make_session(make_bank(), count=3, candidates=1)
    login = Client().post("/exam/api/login", {"number": attempt.number, "password": password},
                          content_type="application/json")
    assert login.status_code == 200, login.content
    return attempt, login.json()["token"]


def test_the_exam_api_with_a_candidates_token(exam_attempt, provincial_hr, settings, capsys,
                                              wsgi_app):
    """The exam operations during an attempt (its id in the path, its token): schemathesis's own
    attempt ids would all be someone else's (404)."""
    attempt, token = exam_attempt
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", wsgi_app,
        headers={"Authorization": f"Bearer {make_token(provincial_hr)}"})
    started, cases, failures, operations = time.monotonic(), 0, [], 0
    statuses = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/exam/api/attempts/"):
            continue
        operations += 1
        strategy = (operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                    | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @seed(16)
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case):
            nonlocal cases
            cases += 1
            case.path_parameters = {**(case.path_parameters or {}), "attempt": attempt.pk}
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    with capsys.disabled():
        print(f"\nschemathesis (exam attempt): {operations} operations, {cases} cases, "
              f"{time.monotonic() - started:.1f} s, {dict(statuses)}")
    assert operations >= 4
    assert not failures, "\n\n".join(failures)
