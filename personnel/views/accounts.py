"""HR creates the civil servants' own sign-ins for a unit in one action (self-service)."""
from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import UnitChoiceField, unit_choices
from core.views.edit import ObjectEditView
from personnel.accounts import accounts_create


class AccountsForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=None, help_text=gettext_lazy(
        "Everyone working in this unit and its sub-units who has no account gets one."))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class AccountsCreateView(ObjectEditView):
    """The accounts created are shown once, on the answer to the POST, to be printed and handed
    over sealed; the passwords are not kept anywhere readable."""

    template_name = "generic/object_form.html"
    form_class = AccountsForm
    form_scope = True
    service = accounts_create
    success_message = ""

    def success_response(self, result):
        response = TemplateResponse(self.request, "personnel/accounts_created.html",
                                    {"rows": result, "unit": self.get_form().data.get("unit")})
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Accounts for civil servants"), intro=_(
            "Each person signs in with their employee code to report their products, see their "
            "scores and self-assess. The initial passwords are shown once, on the next page: print "
            "them and hand them over sealed. A person with an e-mail address on record can also "
            "set their password with \"Forgot password\"."), **kwargs)
