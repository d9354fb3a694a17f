"""Two-factor sign-in (TOTP through django-otp) for the accounts that hold personal data.

HR officers (provincial and unit), appraisal-committee members, anyone who manages a unit and the
administrators give a code from an authenticator app after their password; candidates and
civil servants reading their own record do not. An enrolled user is always asked for the code; with
``OTP_REQUIRED_FOR_HR`` (on in production) one who has not enrolled yet is sent to enrol before any
other page. A wrong code counts as a failed login for django-axes, so the throttle that guards the
password guards the code too. A lost phone is recovered by provincial HR resetting the device
(:func:`two_factor_reset`, audited); the user then enrols again.
"""
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.access import MANAGE, unit_scope
from core.roles import APPRAISAL_COMMITTEE, PROVINCIAL_HR, UNIT_HR, user_group_names

TWO_FACTOR_ROLES = frozenset({PROVINCIAL_HR.code, UNIT_HR.code, APPRAISAL_COMMITTEE.code})
PENDING = "otp_pending"  # session key: the account that gave its password, waiting for the code
DEVICE_NAME = "Công vụ"
ENROL, RESET = "otp_enrol", "otp_reset"
audit.register_action_labels({ENROL: _("two-factor sign-in turned on"),
                              RESET: _("two-factor sign-in reset")})


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a code: staff who read or change other people's data."""
    if not user.is_authenticated or getattr(user, "is_candidate", False):
        return False
    if user.is_superuser or user.is_staff or user_group_names(user) & TWO_FACTOR_ROLES:
        return True
    return bool(unit_scope(user, MANAGE))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(text: str) -> SafeString:
    """``text`` as an inline SVG QR code (no image request, nothing from a CDN)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=15, border=2)
    # S308: the SVG is built by qrcode and holds no user markup.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed by hand, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def verify(device: TOTPDevice, token: str) -> bool:
    """Check a code (django-otp refuses a code used before and slows down repeated failures)."""
    token = "".join(token.split())
    if not token.isdigit() or not device.verify_is_allowed()[0]:
        return False
    with transaction.atomic():
        return device.verify_token(token)


def count_failure(request, username: str) -> None:
    """A wrong code is a failed login for django-axes (the same lockout as a wrong password)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def two_factor_enrol(*, actor, device: TOTPDevice, token: str) -> bool:
    """Confirm ``device`` with a code from the user's app; other devices of the user are removed."""
    if device.user_id != actor.pk or not verify(device, token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=actor, obj=actor, action=ENROL)
    return True


def two_factor_reset(*, actor, user, reason: str = "") -> int:
    """Remove every TOTP device of ``user`` (a lost or changed phone). Sessions verified with the
    old device are no longer verified; the user enrols again at the next sign-in. Audited."""
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor=actor, obj=user, action=RESET, reason=reason,
                     changes={"two_factor": [True, False]} if removed else {})
    return removed


# --- the pending sign-in between the password and the code ----------------------------------------


def pending_start(request, user, next_url: str) -> None:
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": int(time.time()),
                                "next": next_url}


def pending_user(request):
    """The account that gave its password in the last few minutes, or None."""
    from core.models import User

    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at",
                                                            0) > settings.OTP_LOGIN_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is not None:
        user.backend = data["backend"]
    return user


# --- enforcement ----------------------------------------------------------------------------------

EXEMPT_PREFIXES = ("/static/", "/media/", "/login/", "/logout/", "/i18n/", "/healthz",
                   "/password/reset/", "/exam/api/")


class TwoFactorMiddleware:
    """The admin site signs in through the site's login (so the code is asked). With
    ``OTP_REQUIRED_FOR_HR``, a signed-in account that needs a code and has not given one in
    this session reaches nothing but the two-factor page (enrol, or enter the code) and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The admin site's own login form would sign an enrolled account in with its password alone.
        # (Its address ends as the admin site names it, "login/"; reverse() on every request of the
        # site cost ~0.1 ms, as much as a query.)
        if request.path.endswith("/login/") and request.path == reverse("admin:login"):
            return redirect(
                f"{reverse('login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}")
        if settings.OTP_REQUIRED_FOR_HR and not request.path.startswith(EXEMPT_PREFIXES):
            page = reverse("core:two_factor")
            user = request.user
            if request.path != page and user.is_authenticated and not user.is_verified() \
                    and two_factor_required(user):
                return self._refuse(request, page)
        return self.get_response(request)

    def _refuse(self, request, page: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Two-factor sign-in required."}, status=403)
        url = f"{page}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
