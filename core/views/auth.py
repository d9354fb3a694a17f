from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login

from core import two_factor
from core.services.lockouts import PASSWORD_RESET, lockout_clear
from core.views.access import AccountWriteMixin
from core.views.edit import ObjectActionView
from core.views.generic import StaffRequiredMixin

# The language switch must work on the login page, before anyone is signed in.
set_language = login_not_required(django_set_language)


class LoginView(auth_views.LoginView):
    """Staff land on their dashboard, candidates on their portal."""

    def get_success_url(self):
        url = super().get_success_url()
        if (getattr(self.request.user, "is_candidate", False)
                and not url.startswith(reverse("recruitment:portal"))):
            return reverse("recruitment:portal")
        return url

    def form_valid(self, form):
        # Not on ObjectEditView: Django's sign-in, before there is a user or a unit to scope by.
        # An account with a confirmed TOTP device is not signed in yet: the code comes next.
        user = form.get_user()
        if two_factor.confirmed_device(user) is not None:
            two_factor.pending_start(self.request, user, self.get_redirect_url())
            return redirect("core:login_code")
        return super().form_valid(form)

    def form_invalid(self, form):
        # A candidate who gives the right password before confirming the address is told so, with
        # the way to a new link; any wrong password keeps the one message (it reveals nothing).
        from recruitment.services import candidate_unconfirmed_login

        unconfirmed = candidate_unconfirmed_login(form.data.get("username", ""),
                                                  form.data.get("password", ""))
        return self.render_to_response(self.get_context_data(form=form, unconfirmed=unconfirmed))


class PasswordResetView(auth_views.PasswordResetView):
    """A reset link by e-mail: the way back in for an owner whose login someone else locked."""

    success_url = reverse_lazy("core:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        return {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}

    def form_valid(self, form):
        # Not on ObjectEditView: Django's anonymous reset form, which must answer the same page
        # whether the address exists or not (no enumeration).
        # A candidate who never confirmed the address has no password to reset yet (the account is
        # inactive): the confirmation link is what they need. The page shown stays the same.
        from core.models import User
        from recruitment import notices, services

        for user in User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=False,
                                        account_type=User.AccountType.CANDIDATE):
            if services.candidate_unconfirmed(user):
                notices.send_verification(user, self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form):
        # Not on ObjectEditView: Django's token-checked reset; the link, not a unit, is the scope.
        response = super().form_valid(form)
        # Whoever opened the link reads the account's mailbox: the lockout goes with the old
        # password, so the owner may log in at once instead of waiting out the cool-off.
        lockout_clear(actor=form.user, username=form.user.get_username(), action=PASSWORD_RESET)
        return response


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from your authenticator app"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric",
                                                         "autofocus": True}))


@method_decorator(login_not_required, name="dispatch")
class LoginCodeView(View):
    """The second step of signing in: the six-digit code of the account's TOTP device.

    The same django-axes throttle as the password: a locked (name, address) pair gets the lockout
    page, and each wrong code is one more failure."""

    template_name = "registration/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.user = two_factor.pending_user(request)
        self.device = two_factor.confirmed_device(self.user) if self.user is not None else None
        if self.device is None:
            request.session.pop(two_factor.PENDING, None)
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request):
        # Not on ObjectEditView: no one is signed in yet (the pending account is in the session)
        # and the throttle, not a unit scope, guards it.
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        form = CodeForm(request.POST)
        if form.is_valid() and two_factor.verify(self.device, form.cleaned_data["code"]):
            next_url = request.session.pop(two_factor.PENDING).get("next", "")
            login(request, self.user, backend=self.user.backend)
            otp_login(request, self.device)
            return redirect(_safe_next(request, next_url) or _home(self.user))
        two_factor.count_failure(request, self.user.get_username())
        form.add_error("code", _("Wrong code. Enter the six digits your app shows now."))
        return render(request, self.template_name, {"form": form})


def _safe_next(request, url: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure())
    return url if ok else ""


def _home(user) -> str:
    if user.is_candidate:
        return reverse("recruitment:portal")
    return reverse(settings.LOGIN_REDIRECT_URL)


class TwoFactorView(StaffRequiredMixin, View):
    """One's own two-factor sign-in: enrol an authenticator app (the secret as a QR code and as
    text, confirmed by a code), or give the code to verify this session, or see that it is on."""

    template_name = "core/two_factor.html"

    def get(self, request, form=None):
        user, device = request.user, two_factor.confirmed_device(request.user)
        context = {"form": form or CodeForm(), "device": device, "verified": user.is_verified(),
                   "required": two_factor.two_factor_required(user), "next": _safe_next(
                       request, request.GET.get("next", "") or request.POST.get("next", ""))}
        if device is None:
            enrolling = two_factor.enrolment_device(user)
            context.update(uri=enrolling.config_url, qr=two_factor.qr_svg(enrolling.config_url),
                           secret=two_factor.secret_base32(enrolling))
        return render(request, self.template_name, context)

    def post(self, request):
        # Not on ObjectEditView: one's own device, no unit to scope by; a wrong code is a throttled
        # login failure and the session's verification changes, which no service call expresses.
        user, form = request.user, CodeForm(request.POST)
        device = two_factor.confirmed_device(user)
        enrolling = device is None
        if enrolling:
            device = two_factor.enrolment_device(user)
            ok = form.is_valid() and two_factor.two_factor_enrol(actor=user, device=device,
                                                                 token=form.cleaned_data["code"])
        else:
            credentials = {"username": user.get_username()}
            if not AxesProxyHandler.is_allowed(request, credentials):
                return get_lockout_response(request, credentials=credentials)
            ok = form.is_valid() and two_factor.verify(device, form.cleaned_data["code"])
            if not ok:
                two_factor.count_failure(request, user.get_username())
        if not ok:
            form.add_error("code", _("Wrong code. Enter the six digits your app shows now."))
            return self.get(request, form)
        otp_login(request, device)
        if enrolling:
            messages.success(request, _("Two-factor sign-in is on for your account."))
        return redirect(_safe_next(request, request.POST.get("next", "")) or "core:two_factor")


class TwoFactorResetView(AccountWriteMixin, ObjectActionView):
    """Provincial HR removes an account's TOTP device (a lost phone); the owner enrols again."""

    service = two_factor.two_factor_reset
    http_method_names = ["post"]  # the access page posts the button; no page of its own

    def service_kwargs(self, form) -> dict:
        return {"user": self.object, "reason": form.cleaned_data["reason"].strip()}

    def get_success_message(self, result) -> str:
        return _("Two-factor sign-in of %(name)s was reset: they enrol again at the "
                 "next sign-in.") % {"name": self.object.get_username()}
