"""Pages of the appraisal module: the years opened, a committee's board, the committee's word
on one person, closing a year, a person's scores by period. Writes go through core's generic
edit view (one write path: scope, service in a transaction, scope re-checked)."""
from collections import Counter, defaultdict

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from appraisal import opening, services
from appraisal.forms import CommitteeForm, CycleOpenForm, period_choices
from appraisal.models import Appraisal, AppraisalCycle, Level, PeriodScore, UnitResult
from appraisal.results import appraisals_of, compute, rounded
from appraisal.selectors import results_for, visible_cycles
from core.views.edit import ActionForm, ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin
from personnel.models import CivilServant

LEVELS = [Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.FAILED]
BOARD_ROWS = 800


class CycleListView(UnitScopedMixin, TemplateView):
    template_name = "appraisal/cycle_list.html"

    def get_context_data(self, **kwargs):
        cycles = visible_cycles(self.scope).select_related("unit").order_by("-year", "unit__path")
        return super().get_context_data(cycles=list(cycles), can_open=bool(self.manage_scope),
                                        **kwargs)


class CycleOpenView(ObjectEditView):
    """Open a year for a unit subtree: the cycle at once, everyone in it enrolled with
    their rule set and task group by a background task; the board shows its progress."""

    template_name = "generic/object_form.html"
    form_class = CycleOpenForm
    form_scope = True
    service = opening.cycle_open_queue
    success_message = gettext_lazy(
        "The year is open: %(object)s. Its people are enrolled in the background.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Open an appraisal year"),
                                        cancel_url=reverse("appraisal:cycle_list"), intro=_(
            "Each person gets the rule set of their category for the year (ND 335/2025 for civil "
            "servants from 2026, ND 90/2020 before and for public employees), a task group "
            "(leaders and non-leaders, editable) and their leader flag. Opening again enrols "
            "those who arrived since."), **kwargs)


class CycleBoardView(UnitScopedMixin, TemplateView):
    """A committee's board: per appraising unit, each person's score and level with its reasons,
    the quota state per task group, who was moved down; the unit's own result beside its leaders."""

    template_name = "appraisal/board.html"

    def get_context_data(self, **kwargs):
        cycle = get_object_or_404(visible_cycles(self.scope).select_related("unit"),
                                  pk=self.kwargs["pk"])
        chosen = self.request.GET.get("unit", "")
        computed = results_for(cycle.year, cycle=cycle, scope=self.scope,
                               appraising_unit_id=int(chosen) if chosen.isdigit() else None)
        quotas = {(q.unit_id, q.task_group): q for q in computed.quotas}
        units: dict[int, dict] = {}
        for result in computed.results:
            a = result.appraisal
            block = units.setdefault(a.unit_id,
                                     {"unit": a.unit, "groups": defaultdict(list),
                                      "levels": Counter()})
            block["groups"][a.task_group].append(result)
            block["levels"][result.level or "—"] += 1
        results = {(r.unit_id): r
                   for r in UnitResult.objects.filter(year=cycle.year, unit_id__in=list(units))}
        blocks = []
        for unit_id, block in units.items():
            block["result"] = results.get(unit_id)
            block["groups"] = [(group, rows, quotas.get((unit_id, group)))
                               for group, rows in block["groups"].items()]
            blocks.append(block)
        # A province-wide year has tens of thousands of people: past BOARD_ROWS the board shows one
        # line per appraising unit (levels, quota) linking to that unit's own board.
        summary = not chosen.isdigit() and len(blocks) > 1 and len(computed.results) > BOARD_ROWS
        for block in blocks:
            block["count"] = sum(block["levels"].values())
            block["level_counts"] = [block["levels"].get(level, 0) for level in LEVELS]
            block["moved_down"] = sum(1 for _group, rows, _quota in block["groups"] for r in rows
                                      if r.moved_down)
        totals = Counter(r.level or "—" for r in computed.results)
        chart = {"labels": [str(Level(level).label) for level in LEVELS],
                 "values": [totals.get(level, 0) for level in LEVELS], "label": _("People")}
        can_propose = (self.request.user.has_perm("appraisal.propose_level")
                       or bool(self.manage_scope))
        return super().get_context_data(
            cycle=cycle, blocks=blocks, chart=chart,
            totals=[(lvl, totals.get(lvl, 0)) for lvl in LEVELS],
            summary=summary, levels=LEVELS, chosen_unit=chosen,
            can_propose=can_propose and cycle.status == AppraisalCycle.Status.OPEN,
            can_close=cycle.status == AppraisalCycle.Status.OPEN
            and self.manage_scope.contains(cycle.unit),
            **kwargs)


class CommitteeDecideView(ObjectEditView):
    """The committee's proposal for one person, and its word on a tie at the quota's cut. Committee
    members hold view grants on their units and the ``propose_level`` permission; HR officers who
    manage the unit may record it for them."""

    model = Appraisal
    template_name = "generic/object_form.html"
    form_class = CommitteeForm
    manage = False
    service = services.committee_decide
    success_message = gettext_lazy("The committee's proposal is recorded.")

    def get_queryset(self):
        return Appraisal.objects.select_related("servant", "unit", "cycle__unit")

    def check_object(self, obj) -> None:
        user = self.request.user
        if not (user.has_perm("appraisal.propose_level") or self.manage_scope.contains(obj.unit)):
            raise PermissionDenied

    def get_success_url(self) -> str:
        return reverse("appraisal:board",
                       args=[self.object.cycle_id]) + f"?unit={self.object.unit_id}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Committee: %(name)s")
                                        % {"name": self.object.servant.full_name},
                                        cancel_url=self.get_success_url(), **kwargs)


class CycleCloseView(ObjectActionView):
    """Close the year: the computed scores, levels, reasons and quota are written and frozen."""

    model = AppraisalCycle
    object_kwarg = "cycle"
    service = services.cycle_close
    action_label = gettext_lazy("Close the year")
    success_message = gettext_lazy("The year is closed; the levels are final.")
    form_class = ActionForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Close %(cycle)s") % {"cycle": self.object},
                                        cancel_url=self.object.get_absolute_url(), intro=_(
            "The annual scores, levels and the HTXS quota of every appraising unit and task group "
            "are written as the board shows them, and can no longer change."), **kwargs)


class PersonScoresView(UnitScopedMixin, TemplateView):
    """One person's score by period as a line chart, each year they were appraised."""

    template_name = "appraisal/person_scores.html"

    def get_context_data(self, **kwargs):
        servant = get_object_or_404(self.scope.filter(CivilServant.objects.all(), "unit"),
                                    pk=self.kwargs["pk"])
        years = []
        can_score = self.request.user.has_perm("appraisal.assign_work")
        appraisals = Appraisal.objects.filter(servant=servant).select_related("cycle", "work_unit")
        for appraisal in appraisals.order_by("cycle__year"):
            computed = compute(appraisals_of(appraisal.cycle.year)
                               .filter(pk=appraisal.pk)).results[0]
            stored = {r.period: r for r in PeriodScore.objects.filter(appraisal=appraisal)}
            labels = dict(period_choices(appraisal.cycle))
            rows = [{"period": p, "label": labels[p],
                     "row": stored.get(p) or PeriodScore(source=""),
                     "score": rounded(computed.periods.get(p)), "d": computed.directions.get(p)}
                    for p in appraisal.cycle.periods]
            years.append({"appraisal": appraisal, "result": computed, "score": computed.shown_score,
                          "rows": rows,
                          "can_score": can_score
                          and appraisal.cycle.status == AppraisalCycle.Status.OPEN
                          and self.scope.contains(appraisal.work_unit),
                          "chart_id": f"chart-{appraisal.cycle.year}", "chart": {
                "labels": [str(p) for p in appraisal.cycle.periods],
                "values": [float(rounded(computed.periods[p])) if p in computed.periods else None
                           for p in appraisal.cycle.periods], "label": _("Period score")}})
        return super().get_context_data(servant=servant, years=years, **kwargs)
