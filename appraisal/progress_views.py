"""Where a year stands: the progress bar of an opening under way (polled by the board) and the
progress of each work unit (who has not self-assessed, whose period is not scored, products
awaiting the leader's review). Both read the cycles the user sees, like the board."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRefresh

from appraisal import progress
from appraisal.models import AppraisalCycle
from appraisal.selectors import visible_cycles
from core.views.generic import UnitScopedMixin


class _CycleMixin(UnitScopedMixin):
    def get_cycle(self) -> AppraisalCycle:
        return get_object_or_404(visible_cycles(self.scope).select_related("unit"),
                                 pk=self.kwargs["pk"])


class OpenProgressView(_CycleMixin, TemplateView):
    """The progress bar of a year being opened; once everyone is enrolled an HTMX poll is told to
    reload the board, which then shows them."""

    template_name = "appraisal/_open_progress.html"

    def get(self, request, *args, **kwargs):
        self.cycle = self.get_cycle()
        if self.cycle.progress >= 100 and getattr(request, "htmx", False):
            return HttpResponseClientRefresh()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.cycle, **kwargs)


class CycleProgressView(_CycleMixin, TemplateView):
    """Per work unit: people, self-assessed, scored for the latest closed period (or the period
    asked for), products awaiting review; the names behind the counts on expand (HTMX, or
    ``?unit=`` without it)."""

    template_name = "appraisal/cycle_progress.html"
    partial_template_name = "appraisal/_progress_missing.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.unit_id is not None:
            return [self.partial_template_name]
        return [self.template_name]

    @property
    def unit_id(self) -> int | None:
        value = self.request.GET.get("unit", "")
        return int(value) if value.isdigit() else None

    def period(self, cycle: AppraisalCycle) -> int | None:
        value = self.request.GET.get("period", "")
        if value.isdigit() and int(value) in cycle.periods:
            return int(value)
        # By default the latest period that has ended: the current one is not late yet.
        return progress.last_closed_period(cycle, timezone.localdate())

    def get_context_data(self, **kwargs):
        cycle = self.get_cycle()
        period = self.period(cycle)
        context = {"cycle": cycle, "period": period, "unit_id": self.unit_id,
                   "period_label": progress.period_label(cycle, period) if period else "",
                   "periods": [(p, progress.period_label(cycle, p)) for p in cycle.periods]}
        if self.unit_id is not None:
            context["missing"] = progress.missing_in(cycle, self.scope, self.unit_id, period)
        # The unit rows only for the full page: an HTMX expand needs the names of one unit, not the
        # counts of all.
        if self.get_template_names() == [self.template_name]:
            rows = progress.unit_progress(cycle, self.scope, period)
            context.update(rows=rows, totals=_totals(rows))
        return super().get_context_data(**context, **kwargs)


def _totals(rows: list[progress.UnitProgress]) -> dict[str, int]:
    names = ("people", "self_assessed", "periodic", "scored", "awaiting_review")
    return {name: sum(getattr(row, name) for row in rows) for name in names}
