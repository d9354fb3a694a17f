"""Exam day's answer saves, served before the site's middleware (issue 12, item 9).

On exam day 10,000 candidates click 1,000 times a second, each click a
``PUT /exam/api/attempts/<a>/answers/<n>`` with the attempt's bearer token and a body like
``{"choice": 3, "seq": 17}``. The save is one statement (``services.answer_save_checked`` checks
the token, the attempt's state and deadline, the question and ``seq`` in SQL), and
:func:`recruitment.exam.api.quick_save` answers it without DRF. Measured in process
(``benchmarks/exam_save_profile.py``), four fifths of such a click's CPU still went to the
site's seventeen middleware and the URL resolver. A token-authenticated JSON click needs none of
them: no session, cookie, CSRF token, login, two-factor step, language or page is involved.

So the WSGI application (``config/wsgi.py``) gives those requests to :func:`serve_answers` first.
It runs what every response of the site must still get around ``quick_save``: the request's
``started`` and ``finished`` signals (stale database connections are closed), the host check,
the request id, and the security middleware (HTTPS redirect, HSTS, nosniff, referrer policy, frame
options). Every other request, and every click that ``quick_save`` leaves to the API view (a
refusal, a stale ``seq``, another body, a wrong token), goes to Django as before, its body
intact, and gets its full answer there.
"""
import io
import re

from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import reverse

from core.request_id import RequestIdMiddleware

_LEFT_TO_DJANGO = HttpResponse(status=599)  # a marker: quick_save did not answer this click


def _answer_path() -> re.Pattern:
    """The answer URL as a regex, from the URLconf (so a changed prefix cannot go unnoticed)."""
    sample = reverse("exam:api_answer", kwargs={"attempt": 918273645, "n": 4321})
    pattern = re.escape(sample).replace("918273645", "([0-9]{1,10})").replace("4321", "([0-9]{1,5})")
    return re.compile(pattern + r"\Z")


def _chain():
    """``quick_save`` inside the middleware every response needs, each wrapped as Django wraps
    its middleware (an exception becomes the site's error response)."""
    from recruitment.exam.api import quick_save

    def view(request):
        return quick_save(request, attempt=request.exam_answer[0], n=request.exam_answer[1]) \
            or _LEFT_TO_DJANGO

    handler = convert_exception_to_response(view)
    for middleware in (XFrameOptionsMiddleware, SecurityMiddleware, RequestIdMiddleware):
        handler = convert_exception_to_response(middleware(handler))
    return handler


def serve_answers(django_application: WSGIHandler):
    """``django_application`` with the answer saves it would accept answered first."""
    path = _answer_path()
    handler = _chain()

    def application(environ, start_response):
        match = (environ.get("REQUEST_METHOD") == "PUT"
                 and environ.get("HTTP_AUTHORIZATION", "").strip()
                 and path.match(environ.get("PATH_INFO", "")))
        if not match:
            return django_application(environ, start_response)
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it
        except DisallowedHost:
            return _to_django(django_application, request, environ, start_response)
        request.exam_answer = (int(match[1]), int(match[2]))
        response = handler(request)
        if response is _LEFT_TO_DJANGO:
            return _to_django(django_application, request, environ, start_response)
        response._handler_class = WSGIHandler
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response  # the server's close() sends request_finished, as for any response

    return application


def _to_django(django_application, request, environ, start_response):
    """Give the request to Django with its body as it arrived (``quick_save`` may have read it)."""
    body = getattr(request, "_body", None)
    if body is not None:
        environ["wsgi.input"] = io.BytesIO(body)
    return django_application(environ, start_response)
