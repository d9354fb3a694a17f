from django.views.generic import ListView

from core import audit
from core.models import AuditEntry
from core.views.generic import UnitScopedMixin


class AuditListView(UnitScopedMixin, ListView):
    """Every recorded change touching the user's units, newest first."""

    template_name = "core/audit_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        entries = AuditEntry.objects.select_related("unit", "content_type")
        if self.scope.everything:
            scoped = entries
        else:
            scoped = self.scope.filter(entries.filter(unit__isnull=False), "unit")
        action = self.request.GET.get("action", "")
        if action:
            scoped = scoped.filter(action=action)
        unit = self.request.GET.get("unit", "")
        if unit.isdigit():
            scoped = scoped.filter(unit_id=int(unit))
        return scoped.order_by("-timestamp", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = audit.for_display(context["entries"], self.manage_scope)
        return context
