from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core import audit
from core.forms import DateField, FilterForm
from core.selectors import AUDIT_LOG_MAX_PEOPLE, CHANGED, EXPORTED, VIEWED, audit_log
from core.views.generic import UnitScopedMixin


class AuditLogFilterForm(FilterForm):
    """The audit log's filters, every one optional; dates dd/mm/yyyy (keyword arguments of
    ``core.selectors.audit_log``)."""

    person = forms.CharField(label=_("Person concerned"), required=False, max_length=100,
                             help_text=_("Employee code, or the name (diacritics optional)"))
    user = forms.CharField(label=_("By account"), required=False, max_length=150,
                           help_text=_("Login name or part of the full name"))
    kind = forms.ChoiceField(label=_("What"), required=False, choices=[
        ("", _("All")), (VIEWED, _("Viewed")), (EXPORTED, _("Exported")), (CHANGED, _("Changed"))])
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)


class AuditListView(UnitScopedMixin, TemplateView):
    """The audit log: who saw, who exported and who changed whose data, newest first.

    Changes are those of the records of the user's units. Reads and exports (access records,
    ND 13/2023 Art. 9) are everyone's for provincial HR, who answers for them, and one's own for
    everyone else."""

    template_name = "core/audit_list.html"

    def get_context_data(self, **kwargs):
        form = AuditLogFilterForm(self.request.GET or None)
        page_number = self.request.GET.get("page", "")
        page = audit_log(viewer=self.request.user, scope=self.scope, reads_all=self.reads_all,
                         page=int(page_number) if page_number.isdigit() else 1, **form.filters())
        audit.for_display([row for row in page.rows if row.kind == CHANGED], self.manage_scope)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=form, page=page, query=query.urlencode(),
                                        reads_all=self.reads_all, max_people=AUDIT_LOG_MAX_PEOPLE,
                                        **kwargs)

    @property
    def reads_all(self) -> bool:
        return self.request.user.has_perm("core.view_accessrecord")
