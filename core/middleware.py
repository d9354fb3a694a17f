import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from core.audit import audit_context
from core.models import AuditEntry
from core.request_id import request_id_from


class AuditContextMiddleware:
    """Marks every change made while serving a request as coming from the web (or the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        source = AuditEntry.Source.API if api else AuditEntry.Source.WEB
        # The id RequestIdMiddleware gave the request (and sends back), so audit entries and log
        # lines match.
        request_id = getattr(request, "request_id", "") or request_id_from(request)
        with audit_context(source=source, request_id=request_id):
            return self.get_response(request)


LAST_SEEN = "idle_last_seen"  # session key: Unix time of the last recorded request
# Writing the time on every request would save the session row on every request; a minute of
# slack on a 30-minute timeout is not worth that.
WRITE_EVERY = 60
# The exam API authenticates each call by the attempt's token, not by a site login, and carries
# exam-day load: it is left untouched (no session read, no user lookup).
EXEMPT_PREFIXES = ("/exam/api/",)


class IdleTimeoutMiddleware:
    """Logs a staff member out after ``SESSION_IDLE_TIMEOUT`` seconds without a request.

    The absolute limit (``SESSION_COOKIE_AGE`` from login) stays: the first time a session is
    seen, its expiry is pinned to a date, so the once-a-minute writes do not push it back.
    Candidates' accounts are not staff sessions and are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(EXEMPT_PREFIXES) or not settings.SESSION_IDLE_TIMEOUT:
            return self.get_response(request)
        if _is_staff(request.user):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                expired = self._expire(request)
                if expired is not None:
                    return expired
            elif last is None or now - last >= WRITE_EVERY:
                self._touch(request, now, first=last is None)
        response = self.get_response(request)
        # A login in this request: start the clock now rather than on the next page.
        if _is_staff(request.user) and LAST_SEEN not in request.session:
            self._touch(request, int(time.time()), first=True)
        return response

    def _touch(self, request, now: int, *, first: bool) -> None:
        if first:
            request.session.set_expiry(
                timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        request.session[LAST_SEEN] = now

    def _expire(self, request):
        """Log out; HTMX gets an HX-Redirect to the login page (a plain redirect would be
        followed inside the XHR and the login page swapped into the fragment). Other requests
        go on as anonymous ones: pages are sent to the login page by LoginRequiredMiddleware
        with their ``next``, the API answers 403 itself."""
        logout(request)
        minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
        messages.warning(request, _("Your session has expired after %(minutes)d minutes without "
                                    "activity. Log in again to continue.") % {"minutes": minutes})
        if request.headers.get("HX-Request") != "true":
            return None
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        next_url = current.path + (f"?{current.query}" if current.query
                                       else "") if current.path else "/"
        return HttpResponseClientRedirect(redirect_to_login(next_url).url)


def _is_staff(user) -> bool:
    return user.is_authenticated and not getattr(user, "is_candidate", False)
