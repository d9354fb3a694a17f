"""API tokens: a staff member makes and revokes their own (core.api_tokens). The key is shown once,
on the answer to the form that made it; only its hash is kept."""
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api_tokens import allowed_scopes, token_create, token_revoke
from core.forms import DateField
from core.models import ApiToken
from core.views.edit import OwnObjectActionView, OwnObjectEditView


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (the system that will use it)"), max_length=100)
    scopes = forms.MultipleChoiceField(label=gettext_lazy("Scopes"),
                                       widget=forms.CheckboxSelectMultiple)
    expires_on = DateField(label=gettext_lazy("Expires on"))

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s.value, f"{s.value} — {s.label}") for s in ApiToken.Scope
                                         if s.value in allowed]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)


class ApiTokenListView(OwnObjectEditView):
    """One's tokens and the form that makes another (a token is its owner's, never a unit's)."""

    template_name = "core/api_tokens.html"
    form_class = ApiTokenForm
    model = ApiToken
    service = token_create
    success_message = ""  # the page itself shows the new key

    def allowed(self) -> list[str]:
        return allowed_scopes(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated and not self.allowed():
            raise PermissionDenied  # no right to give a token: nothing to create
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed": self.allowed()}

    def get_context_data(self, **kwargs):
        tokens = ApiToken.objects.filter(owner=self.request.user)
        return super().get_context_data(tokens=tokens, now=timezone.now(),
                                        can_create=bool(self.allowed()), **kwargs)

    def perform(self, form):
        token, self.key = super().perform(form)
        return token

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def success_response(self, result):
        # Not a redirect: the key is in this answer only, never stored or shown again.
        return self.render_to_response(self.get_context_data(
            form=self.get_form_class()(allowed=self.allowed()), new_token=result, new_key=self.key))


class ApiTokenRevokeView(OwnObjectActionView):
    model = ApiToken
    object_kwarg = "token"
    service = token_revoke
    http_method_names = ["post"]  # the list page posts the button; no page of its own

    def service_kwargs(self, form):
        return {"token": self.object}

    def get_success_message(self, result) -> str:
        return _("Token %(name)s revoked.") % {"name": result.name}

    def get_success_url(self) -> str:
        return reverse("core:api_tokens")
