"""Exam day's requests, served before the site's middleware (issue 12, item 9).

On exam day 10,000 candidates log in and fetch their paper at the same minute, then click 1,000
times a second: ``POST /exam/api/login``, ``GET /exam/api/attempts/<a>`` and
``PUT /exam/api/attempts/<a>/answers/<n>`` with the attempt's bearer token. The API answers the
well-formed ones without DRF (``quick_login``, ``quick_paper``, ``quick_save`` in
recruitment.exam.api; each checks what the view checks, a click in one SQL statement). Measured
in process (``benchmarks/exam_save_profile.py``), four fifths of a click's CPU still went to the
site's seventeen middleware and the URL resolver, which these requests do not need: no session,
cookie, CSRF token, user login, two-factor step or page is involved.

So the WSGI application (``config/wsgi.py``) gives those requests to :func:`serve_answers` first.
It runs what every response of the site must still get around the quick answer: the request's
``started`` and ``finished`` signals (stale database connections are closed), the host check,
the request id, the security middleware (HTTPS redirect, HSTS, nosniff, referrer policy), the
frame options and, for the login and the paper, the site's language. Every other request, and
every one the quick answer
leaves to the API view (a refusal, a stale ``seq``, another body, a wrong token), goes to Django
as before, its body intact, and gets its full answer there.
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

from core.locale_middleware import VietnameseFirstLocaleMiddleware
from core.request_id import RequestIdMiddleware

_LEFT_TO_DJANGO = HttpResponse(status=599)  # a marker: the quick answer left this request to Django
_ATTEMPT, _N = 918273645, 4321  # sample arguments, found again in the reversed URLs


def _pattern(name: str, **kwargs) -> re.Pattern:
    """The URL ``name`` as a regex, from the URLconf (so a changed prefix cannot go unnoticed)."""
    sample = re.escape(reverse(f"exam:{name}", kwargs=kwargs))
    pattern = sample.replace(str(_ATTEMPT), "([0-9]{1,10})").replace(str(_N), "([0-9]{1,5})")
    return re.compile(pattern + r"\Z")


def _routes():
    """(method, path, whether a bearer token must come with it, the quick answer, whether its
    answer may speak) of exam day's three requests: the login, the paper and each click. The quick
    answers are the API views' own (recruitment.exam.api), which leave everything else to the
    views. A click's quick answer is only ever ``{"saved": seq}``: it needs no language."""
    from recruitment.exam import api

    return [
        ("PUT", _pattern("api_answer", attempt=_ATTEMPT, n=_N), True,
         lambda request, match: api.quick_save(request, attempt=int(match[1]), n=int(match[2])),
         False),
        ("GET", _pattern("api_attempt", attempt=_ATTEMPT), True,
         lambda request, match: api.quick_paper(request, attempt=int(match[1])), True),
        ("POST", _pattern("api_login"), False, lambda request, match: api.quick_login(request),
         True),
    ]


def _chain(quick, *, language: bool):
    """``quick`` inside the middleware every response needs, each wrapped as Django wraps its
    middleware (an exception becomes the site's error response); with ``language``, the site's
    language too (a refused login is explained to the candidate)."""

    def view(request):
        return quick(request, request.exam_match) or _LEFT_TO_DJANGO

    layers = (XFrameOptionsMiddleware, *((VietnameseFirstLocaleMiddleware,) if language else ()),
              SecurityMiddleware, RequestIdMiddleware)
    handler = convert_exception_to_response(view)
    for middleware in layers:
        handler = convert_exception_to_response(middleware(handler))
    return handler


def serve_answers(django_application: WSGIHandler):
    """``django_application`` with the exam requests it would answer quickly answered first."""
    routes = [(method, pattern, bearer, _chain(quick, language=language))
              for method, pattern, bearer, quick, language in _routes()]

    def route(environ):
        """(the quick answer in its middleware, URL match) for one of exam day's requests, else
        None."""
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        for route_method, pattern, bearer, handler in routes:
            if method == route_method and (match := pattern.match(path)) and (
                    not bearer or environ.get("HTTP_AUTHORIZATION", "").strip()):
                return handler, match
        return None

    def application(environ, start_response):
        routed = route(environ)
        if routed is None:
            return django_application(environ, start_response)
        handler, match = routed
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it
        except DisallowedHost:
            return _to_django(django_application, request, environ, start_response)
        request.exam_match = match
        response = handler(request)
        if response is _LEFT_TO_DJANGO:
            return _to_django(django_application, request, environ, start_response)
        response._handler_class = WSGIHandler
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response  # the server's close() sends request_finished, as for any response

    return application


def _to_django(django_application, request, environ, start_response):
    """Give the request to Django with its body as it arrived (the quick answer may have read
    it)."""
    body = getattr(request, "_body", None)
    if body is not None:
        environ["wsgi.input"] = io.BytesIO(body)
    return django_application(environ, start_response)
