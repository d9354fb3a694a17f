"""Machinery shared by every endpoint of /api/v1/: token authentication for machine clients,
per-token scopes, throttles per user and per token, a capped limit/offset pagination, and the
services that create and revoke tokens.

A token authenticates as its owner, so the owner's unit scope (core.access) is the token's: a token
of an officer of unit A reads nothing of unit B. On top of it, each view names the scope it needs
(``token_scope``, or ``token_scopes`` by action); a token without it gets 403; a session (the
browsable pages) is not limited by scopes. An unknown, expired or revoked token gets 401.
"""
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from core import audit
from core.access import MANAGE, VIEW, unit_scope
from core.models import ApiToken
from core.models.tokens import hash_key
from core.paging import capped_count, capped_page

TOKEN_DAYS_MAX = 366
LAST_USED_EVERY = timedelta(minutes=1)  # one write a minute at most, not one per request


# --- authentication -------------------------------------------------------------------------------

class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer cv_…`` (``Token cv_…`` is accepted too)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give one key after the word Bearer."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token.")) from None
        token = ApiToken.objects.select_related("owner").filter(key_hash=hash_key(key)).first()
        if (token is None or not token.is_usable or not token.owner.is_active
                or getattr(token.owner, "is_candidate", False)):
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.owner, token

    def authenticate_header(self, request):
        # Also makes DRF answer 401 (not 403) to a caller without credentials.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api_tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API token made on the page 'API tokens' (scopes, expiry)."}


# --- scopes ---------------------------------------------------------------------------------------

def allowed_scopes(user) -> list[str]:
    """The scopes ``user`` may give a token: at most their own rights."""
    if not user.is_authenticated or getattr(user, "is_candidate", False):
        return []
    from recruitment.selectors import may_run_recruitment

    scopes = []
    if unit_scope(user, VIEW):
        scopes += [ApiToken.Scope.UNITS_READ, ApiToken.Scope.PEOPLE_READ,
                   ApiToken.Scope.POSITIONS_READ, ApiToken.Scope.APPRAISAL_READ]
    if unit_scope(user, MANAGE):
        scopes.append(ApiToken.Scope.APPRAISAL_WRITE)
    if may_run_recruitment(user):
        scopes.append(ApiToken.Scope.RECRUITMENT_READ)
    return [str(s) for s in scopes]


def required_scope(view) -> str | None:
    by_action = getattr(view, "token_scopes", None) or {}
    return by_action.get(getattr(view, "action", None)) or getattr(view, "token_scope", None)


class HasTokenScope(BasePermission):
    """A token needs the scope of the view (fail closed: a view naming none refuses tokens)."""

    message = "This token does not have the scope this endpoint needs."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        scope = required_scope(view)
        return scope is not None and scope in token.scopes


# --- throttles ------------------------------------------------------------------------------------

class _SharedThrottle(SimpleRateThrottle):
    """Counted in the project's shared "throttle" cache (Redis, or a table): a per-process counter
    would multiply the limit by the number of workers. Rates are read from settings at each request
    (API_THROTTLE_RATES), so a deployment or a test may change them."""

    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATES", {}).get(self.scope)

    def allow_request(self, request, view):
        # Only the staff API (views naming a token scope): the exam API has its own login lockout,
        # and a whole exam room behind one address must not share one anonymous count.
        if required_scope(view) is None and not hasattr(view, "token_scopes"):
            return True
        return super().allow_request(request, view)


class UserApiThrottle(_SharedThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        signed_in = request.user and request.user.is_authenticated
        ident = request.user.pk if signed_in else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenApiThrottle(_SharedThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


# --- pagination -----------------------------------------------------------------------------------

class CappedLimitOffsetPagination(LimitOffsetPagination):
    """``limit`` (at most 200) and ``offset``; ``count`` stops at 10,000 like the people page's
    (an exact COUNT(*) over a million people costs more than the page)."""

    default_limit = 50
    max_limit = 200
    cap = 10_000

    def get_count(self, queryset):
        if hasattr(queryset, "order_by") and hasattr(queryset, "values"):
            return queryset.order_by().values("pk")[: self.cap].count()
        return min(len(queryset), self.cap)

    def get_offset(self, request):
        # An offset past the cap would let a caller page through what the count hides, at a cost.
        return min(super().get_offset(request), self.cap)

    def paginate_queryset(self, queryset, request, view=None):
        """A view that sets ``capped_plan`` (the people list) reads its page and count in one
        statement, by the pages' plan (core.paging); ``capped_ordered`` as the page's
        ``ordered_count``. Other lists, short, keep DRF's slice and count."""
        if not getattr(view, "capped_plan", False):
            return super().paginate_queryset(queryset, request, view)
        self.request, self.limit = request, self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        ordered = getattr(view, "capped_ordered", False)
        rows, found = capped_page(queryset, start=self.offset, size=self.limit, cap=self.cap,
                                  ordered=ordered)
        if found is None:  # an empty page: past the end, or nothing matches
            found = capped_count(queryset, self.cap, ordered=ordered)
        self.count = min(found, self.cap)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows


# --- services -------------------------------------------------------------------------------------

@transaction.atomic
def token_create(*, actor, name: str, scopes: list[str], expires_on) -> tuple[ApiToken, str]:
    """A token for ``actor`` with at most their rights; (token, key): the key is shown once."""
    allowed = set(allowed_scopes(actor))
    if not allowed:
        raise PermissionDenied
    wanted = sorted(set(scopes))
    if not wanted:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    refused = [s for s in wanted if s not in allowed]
    if refused:
        raise ValidationError(
            {"scopes": _("Beyond your rights: %(scopes)s.") % {"scopes": ", ".join(refused)}})
    today = timezone.localdate()
    if not today < expires_on <= today + timedelta(days=TOKEN_DAYS_MAX):
        raise ValidationError({"expires_on": _("A date after today and within a year.")})
    key = ApiToken.new_key()
    expires_at = timezone.make_aware(timezone.datetime.combine(expires_on,
                                                               timezone.datetime.max.time()))
    token = ApiToken.objects.create(owner=actor, name=name.strip()[:100], prefix=key[:10],
                                    key_hash=hash_key(key), scopes=wanted, expires_at=expires_at)
    audit.record(actor=actor, obj=token, action="create",
                 changes={"name": [None, token.name], "scopes": [None, wanted],
                          "expires_at": [None, expires_at.isoformat()]})
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.owner_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, obj=token, action="revoke",
                     changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token
