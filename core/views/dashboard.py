from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from core.access import MANAGE, unit_scope
from core.dashboard import dashboard_panels, home_for
from core.models import ImportJob, UnitChange
from core.selectors import unit_counts
from core.views.generic import StaffRequiredMixin


class DashboardView(StaffRequiredMixin, TemplateView):
    """Real counts for the user's units, and what each app adds (dashboard panels)."""

    template_name = "core/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if getattr(request.user, "is_candidate", False):
            return redirect("recruitment:portal")
        if (request.user.is_authenticated and not unit_scope(request.user)
                and (home := home_for(request.user))):
            return redirect(home)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = unit_scope(user)
        today = timezone.localdate()
        counts = unit_counts(scope=scope, on=today)
        scoped_changes = UnitChange.objects.filter(predecessors__in=scope.units().values("pk")) \
            if not scope.everything else UnitChange.objects.all()
        context.update(
            today=today, scope=scope, counts=counts,
            granted_units=list(scope.units().filter(path__in=scope.paths)) if not scope.everything
                else [],
            recent_changes=list(scoped_changes.filter(parent_change__isnull=True).distinct()
                                .prefetch_related("predecessors", "successors")[:5])
            if scope else [],
            recent_imports=(list(ImportJob.objects.filter(created_by=user)[:5])
                            if unit_scope(user, MANAGE) else []),
            panels=dashboard_panels(self.request, scope),
            chart_sectors={"labels": [str(label) for label, _ in counts["by_sector"]],
                           "values": [n for _, n in counts["by_sector"]]},
        )
        return context


def healthz(request):
    """For load balancers (no login): 200 ``{"status": "ok", "checks": {…}}`` when the database, the
    broker (if any) and the disks are fine, else 503 naming the failing check (core/health.py)."""
    from core.health import run_checks

    healthy, checks = run_checks()
    response = JsonResponse({"status": "ok" if healthy else "fail", "checks": checks},
                            status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
