from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse, reverse_lazy
from django.views.i18n import set_language as django_set_language

from core.services.lockouts import PASSWORD_RESET, lockout_clear

# The language switch must work on the login page, before anyone is signed in.
set_language = login_not_required(django_set_language)


class LoginView(auth_views.LoginView):
    """Staff land on their dashboard, candidates on their portal."""

    def get_success_url(self):
        url = super().get_success_url()
        if getattr(self.request.user, "is_candidate", False) and not url.startswith(reverse("recruitment:portal")):
            return reverse("recruitment:portal")
        return url

    def form_invalid(self, form):
        # A candidate who gives the right password before confirming the address is told so, with
        # the way to a new link; any wrong password keeps the one message (it reveals nothing).
        from recruitment.services import candidate_unconfirmed_login

        unconfirmed = candidate_unconfirmed_login(form.data.get("username", ""), form.data.get("password", ""))
        return self.render_to_response(self.get_context_data(form=form, unconfirmed=unconfirmed))


class PasswordResetView(auth_views.PasswordResetView):
    """A reset link by e-mail: the way back in for an owner whose login someone else locked."""

    success_url = reverse_lazy("core:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        return {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}

    def form_valid(self, form):
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
        response = super().form_valid(form)
        # Whoever opened the link reads the account's mailbox: the lockout goes with the old
        # password, so the owner may log in at once instead of waiting out the cool-off.
        lockout_clear(actor=form.user, username=form.user.get_username(), action=PASSWORD_RESET)
        return response
