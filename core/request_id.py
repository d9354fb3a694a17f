"""One id per request, in the response header, in every log line and in the audit entries (issue
16).

The id comes from the X-Request-ID header when the proxy (nginx: ``proxy_set_header X-Request-ID
$request_id``) sent a sane one, so a line of nginx's access log, of the application's log and an
audit entry can be matched; otherwise it is a new uuid4. A header that is too long or carries other
characters is a client's invention and is replaced, never echoed (no log or header injection).
"""
import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

_current: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    return _current.get()


def request_id_from(request) -> str:
    candidate = request.headers.get(HEADER, "")
    return candidate if SANE.fullmatch(candidate) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: everything after it (the audit context, the views, django.request's
    log records) sees the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the request being served, or the one django.request's record
    carries (it logs 4xx/5xx after the middleware has returned), else "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", "") or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json, the production default) for journald / a log
    collector: time (UTC, ISO), level, logger, message, request_id, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            document["status"] = status
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)
