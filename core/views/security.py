"""Security pages of provincial HR: locked logins (and unlocking them), access records."""
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from core.forms import AccessRecordFilterForm, LockoutClearForm
from core.selectors import access_records, locked_logins, with_subjects
from core.services.lockouts import lockout_clear
from core.views.edit import ObjectEditView
from core.views.generic import StaffRequiredMixin


class LockoutListView(StaffRequiredMixin, TemplateView):
    """Login names the throttle has locked now, for the owner who calls in locked out."""

    permission_required = "core.manage_grants"
    template_name = "core/lockout_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=locked_logins(),
                                        failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)


class LockoutClearView(ObjectEditView):
    """Unlock a login name (the throttle's failures are forgotten); no unit is written."""

    permission_required = "core.manage_grants"
    form_class = LockoutClearForm
    service = lockout_clear
    http_method_names = ["post"]  # the list posts the button; no page of its own

    def form_invalid(self, form):
        return redirect(self.get_success_url())  # no name posted: nothing to unlock

    def get_success_message(self, result) -> str:
        if not result:
            return ""  # nothing was locked under that name
        return _("%(name)s may log in again.") % {"name": self.request.POST["username"].strip()}

    def get_success_url(self) -> str:
        return reverse("core:lockout_list")


class AccessRecordListView(StaffRequiredMixin, ListView):
    """Who read whose personal data, newest first (ND 13/2023, Art. 9: a person may ask)."""

    permission_required = "core.view_accessrecord"
    template_name = "core/accessrecord_list.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        self.form = AccessRecordFilterForm(self.request.GET or None)
        return access_records(**self.form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        context["records"] = with_subjects(context["records"])
        return context
