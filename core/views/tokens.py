"""API tokens: a staff member makes and revokes their own (core.api_tokens). The key is shown once,
on the answer to the form that made it; only its hash is kept."""
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.api_tokens import allowed_scopes, token_create, token_revoke
from core.forms import DateField
from core.models import ApiToken
from core.views.generic import StaffRequiredMixin
from core.views.units import form_errors_from


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (the system that will use it)"), max_length=100)
    scopes = forms.MultipleChoiceField(label=gettext_lazy("Scopes"), widget=forms.CheckboxSelectMultiple)
    expires_on = DateField(label=gettext_lazy("Expires on"))

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s.value, f"{s.value} — {s.label}") for s in ApiToken.Scope
                                         if s.value in allowed]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)


class ApiTokenListView(StaffRequiredMixin, TemplateView):
    template_name = "core/api_tokens.html"

    def allowed(self) -> list[str]:
        return allowed_scopes(self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ApiTokenForm(allowed=self.allowed()))
        tokens = ApiToken.objects.filter(owner=self.request.user)
        return super().get_context_data(tokens=tokens, now=timezone.now(), can_create=bool(self.allowed()),
                                        **kwargs)

    def post(self, request):
        allowed = self.allowed()
        if not allowed:
            raise PermissionDenied
        form = ApiTokenForm(request.POST, allowed=allowed)
        if form.is_valid():
            try:
                token, key = token_create(actor=request.user, name=form.cleaned_data["name"],
                                          scopes=form.cleaned_data["scopes"],
                                          expires_on=form.cleaned_data["expires_on"])
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                # Not a redirect: the key is in this answer only, never stored or shown again.
                return self.render_to_response(self.get_context_data(new_token=token, new_key=key))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(StaffRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
        token_revoke(actor=request.user, token=token)
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return redirect("core:api_tokens")
