"""Reports of the personnel app: retirement forecast and notices, step raises due, training
against plan, and the per-unit dashboard."""
from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.dates import add_months, last_day_of_month
from core.forms import unit_choices
from core.views.edit import ObjectEditView, OutOfScope
from core.views.generic import UnitScopedMixin
from personnel.forms import TrainingPlanForm
from personnel.models import Category, TrainingPlan, TrainingRecord
from personnel.selectors import (
    early_raise_candidates,
    headcount_stats,
    raises_due,
    retirement_forecast,
    retirement_notices_due,
)
from personnel.services.records import training_plan_set
from positions.models import Rank


class UnitFilterMixin(UnitScopedMixin):
    """?unit=<id> narrows a report to a unit subtree inside the scope (ignored outside it)."""

    def selected_unit(self):
        raw = self.request.GET.get("unit", "")
        if not raw.isdigit():
            return None
        return self.scope.units().filter(pk=int(raw)).first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(units=unit_choices(self.scope), unit=self.selected_unit(),
                                        **kwargs)


def _int(raw: str, default: int, low: int, high: int) -> int:
    return min(max(int(raw), low), high) if raw.isdigit() else default


class RetirementFilterMixin(UnitFilterMixin):
    """The retirement page's filters (?unit, ?from, ?years) and data, shared by the page, its
    export, its print view and its documents: they show exactly the same people."""

    def retirement_data(self) -> dict:
        today = timezone.localdate()
        first = _int(self.request.GET.get("from", ""), today.year, 2000, 2100)
        years = _int(self.request.GET.get("years", ""), 5, 1, 15)
        unit = self.selected_unit()
        return {"forecast": retirement_forecast(scope=self.scope, first_year=first, years=years,
                                                unit=unit),
                "first_year": first, "years": years, "today": today,
                "notices": retirement_notices_due(scope=self.scope, today=today, unit=unit)}


class RetirementView(RetirementFilterMixin, TemplateView):
    """Retirements per year and unit (RET-ND135), and who is due a notice (6 months) or decision
    (3)."""

    template_name = "personnel/retirement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.retirement_data())
        forecast = context["forecast"]
        datasets = [{"label": str(_("Men")), "data": forecast["by_sex"]["male"]},
                    {"label": str(_("Women")), "data": forecast["by_sex"]["female"]}]
        context.update(can_manage=bool(self.manage_scope),
                       chart={"labels": forecast["years"], "datasets": datasets})
        return context


class RaisesFilterMixin(UnitFilterMixin):
    """The raises page's filters (?unit, ?month, ?months) and rows, shared by the page, its export
    and its print view."""

    def raises_data(self) -> dict:
        today = timezone.localdate()
        month = self.request.GET.get("month", "")
        try:
            # "YYYY-MM" from the month picker; a malformed value falls back to this month below.
            year, number = ((int(part) for part in month.split("-")) if month
                            else (today.year, today.month))
            first = date(year, number, 1)
        except ValueError:
            first = today.replace(day=1)
        months = _int(self.request.GET.get("months", ""), 1, 1, 12)
        last = last_day_of_month(add_months(first, months - 1))
        unit = self.selected_unit()
        return {"rows": raises_due(scope=self.scope, start=first, end=last, unit=unit),
                "first": first, "last": last, "months": months,
                "early": early_raise_candidates(scope=self.scope, year=first.year, unit=unit),
                "previous": add_months(first, -1), "following": add_months(first, 1)}


class RaisesDueView(RaisesFilterMixin, TemplateView):
    """Regular step raises and excess-seniority steps due in a month (TT 08/2013/TT-BNV)."""

    template_name = "personnel/raises.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.raises_data(), can_manage=bool(self.manage_scope))
        return context


class TrainingPlanView(UnitFilterMixin, ObjectEditView):
    """Trained people against the yearly plan per unit and kind (seed 004: training below plan)."""

    model = TrainingPlan
    template_name = "personnel/training_plan.html"
    form_class = TrainingPlanForm
    form_scope = True  # plans are set for the units the user manages
    service = training_plan_set
    success_message = gettext_lazy("Plan saved.")
    # The page is a report every reader of the units sees; what is written must still lie in the
    # units the user manages (check_scope below).
    manage = False

    def get_initial(self):
        return {"year": self.year()}

    def year(self) -> int:
        return _int(self.request.GET.get("year", ""), timezone.localdate().year, 2000, 2100)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        plans = self.scope.filter(TrainingPlan.objects.filter(year=year),
                                  "unit").select_related("unit")
        done = defaultdict(int)
        trained = self.scope.filter(TrainingRecord.objects.filter(start_date__year=year), "unit")
        for row in trained.values("unit__path", "kind").annotate(n=Count("servant", distinct=True)):
            done[(row["unit__path"], row["kind"])] += row["n"]
        rows = []
        for plan in plans:
            # Training done anywhere in the planning unit's subtree counts towards its plan.
            count = sum(n for (path, kind), n in done.items()
                        if kind == plan.kind and path.startswith(plan.unit.path))
            rows.append({"plan": plan, "done": count,
                         "percent": round(100 * count / plan.planned) if plan.planned else 100})
        context.update(year=year, rows=sorted(rows, key=lambda r: r["percent"]),
                       can_manage=bool(self.manage_scope))
        return context

    def check_scope(self, result) -> None:
        plan = TrainingPlan.objects.select_related("unit").get(pk=result.pk)
        if not self.manage_scope.contains(plan.unit):
            raise OutOfScope

    def get_success_url(self) -> str:
        return f"{self.request.path}?year={self.result.year}"


class StatsView(UnitFilterMixin, TemplateView):
    """Per-unit dashboard: headcount by category and rank, age pyramid, retirements, leaders vs
    staff."""

    template_name = "personnel/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = headcount_stats(scope=self.scope, unit=self.selected_unit())
        levels = dict(Rank.Level.choices)
        context.update(
            stats=stats,
            chart_category={"labels": [str(Category(k).label) for k in stats["by_category"]],
                            "values": list(stats["by_category"].values())},
            chart_rank={"labels": [str(levels.get(k, _("No rank"))) for k, _n in stats["by_rank"]],
                        "values": [n for _k, n in stats["by_rank"]]},
            chart_pyramid={"labels": [f"{b}–{b + 4}" if b < 60 else "60+"
                                      for b in stats["pyramid"]["bands"]],
                           "datasets": [{"label": str(_("Men")), "data": stats["pyramid"]["male"]},
                                        {"label": str(_("Women")),
                                         "data": stats["pyramid"]["female"]}]},
            chart_retirements={"labels": stats["retirements"]["years"],
                               "values": stats["retirements"]["counts"],
                               "label": str(_("Retirements"))},
            chart_divisions={"labels": [d["unit"] for d in stats["divisions"][:30]], "datasets": [
                {"label": str(_("Leaders")),
                 "data": [d["leaders"] for d in stats["divisions"][:30]]},
                {"label": str(_("Non-leaders")),
                 "data": [d["staff"] for d in stats["divisions"][:30]]}]},
            flagged=[d for d in stats["divisions"] if d["flag"]],
        )
        return context


class StaffingView(UnitFilterMixin, TemplateView):
    """Headcount against quota, leaders and deputies against the norms, per unit, as of a date."""

    template_name = "personnel/staffing.html"

    def get_context_data(self, **kwargs):
        from core.dates import parse_date
        from personnel.staffing import rank_ratio_warnings, staffing_report
        from positions.rules.staffing import norms_on

        context = super().get_context_data(**kwargs)
        on = timezone.localdate()
        if self.request.GET.get("on"):
            try:
                on = parse_date(self.request.GET["on"]).value
            except ValueError:
                messages.warning(self.request, _("Not a date; showing today."))
        rows = staffing_report(scope=self.scope, on=on, root=self.selected_unit())
        flagged_only = self.request.GET.get("flagged") == "1"
        agencies = [r for r in rows if r.role == "agency" or r.unit.kind == "commune"]
        divisions = [r for r in rows if r.role in ("division", "commune_division",
                                                   "service_division")]
        context.update(
            on=on, norms=norms_on(on), flagged_only=flagged_only,
            ratio_warnings=rank_ratio_warnings(scope=self.scope, root=self.selected_unit()),
            rows=[r for r in rows if r.flags] if flagged_only else rows,
            flag_count=sum(1 for r in rows if r.flags),
            chart_quota={"labels": [r.unit.label for r in agencies[:30]], "datasets": [
                {"label": str(_("Quota")), "data": [r.quota or 0 for r in agencies[:30]]},
                {"label": str(_("Headcount")), "data": [r.headcount for r in agencies[:30]]}]},
            chart_leaders={"labels": [r.unit.label for r in divisions[:40]], "datasets": [
                {"label": str(_("Leaders")), "data": [r.leaders for r in divisions[:40]]},
                {"label": str(_("Non-leaders")), "data": [r.non_leaders for r in divisions[:40]]}]},
        )
        return context


class TrainingNeedsView(UnitFilterMixin, TemplateView):
    """Competencies where people are below the level their position's framework requires."""

    template_name = "personnel/training_needs.html"

    def get_context_data(self, **kwargs):
        from personnel.selectors import training_needs

        context = super().get_context_data(**kwargs)
        context["needs"] = training_needs(scope=self.scope, unit=self.selected_unit())
        return context
