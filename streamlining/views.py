"""Streamlining pages: the dashboard and plans, screening, cases through the approval chain, the
reorganisation candidates, the periodic report and the refund watch. Every page is unit-scoped
(core.access); amounts are shown only to those who manage the person's unit."""
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.generic import TemplateView

from core.models import OrgUnit
from core.views.edit import ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin
from streamlining import selectors, services
from streamlining.amounts import SI_ESTIMATED
from streamlining.exporters import report_xlsx
from streamlining.forms import CaseForm, DecisionForm, PaymentForm, PlanForm, RefuseForm
from streamlining.models import CASE_NUMBERS, Case, Ground, Plan


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2020 <= int(
        value) <= 2100 else timezone.localdate().year


class UnitPickMixin(UnitScopedMixin):
    """A page about one unit's subtree (``?unit=``), by default the top of the user's units."""

    @property
    def unit(self) -> OrgUnit:
        if not hasattr(self, "_unit"):
            value = self.request.GET.get("unit", "")
            units = self.scope.units()
            if value.isdigit():
                self._unit = get_object_or_404(units, pk=int(value))
            else:
                self._unit = units.order_by("depth", "path").first()
        return self._unit

    def get_context_data(self, **kwargs):
        units = self.scope.units().open().filter(depth__lte=self.unit.depth + 2).order_by("path") \
            if self.unit else []
        return super().get_context_data(unit=self.unit, units=units, **kwargs)


class DashboardView(UnitPickMixin, TemplateView):
    """The plans of the units in scope with their progress, and the cases of the year by status."""

    template_name = "streamlining/dashboard.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        plans = list(self.scope.filter(Plan.objects.filter(year=year),
                                       "unit").select_related("unit").order_by("unit__path"))
        progress = [(plan, selectors.plan_progress(plan)) for plan in plans[:20]]
        cases = selectors.cases_in(self.scope, self.unit).filter(leaving_date__year=year)
        statuses = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
        chart = {"labels": [p.unit.short_name or p.unit.name for p, _g in progress], "datasets": [
            {"label": str(_("Target")), "data": [g["target"] for _p, g in progress]},
            {"label": str(_("Decided")), "data": [g["done"] for _p, g in progress]}]}
        return super().get_context_data(
            year=year, progress=progress, chart=chart, can_manage=bool(self.manage_scope),
            statuses=[(s, statuses.get(s.value, 0)) for s in Case.Status], **kwargs)


class PlanCreateView(ObjectEditView):
    model = Plan
    template_name = "streamlining/plan_form.html"
    form_class = PlanForm
    form_scope = True
    service = services.plan_save
    success_message = gettext_lazy("Plan saved: %(object)s.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New streamlining plan"),
                                        cancel_url=reverse("streamlining:dashboard"), **kwargs)


class PlanDetailView(UnitScopedMixin, TemplateView):
    template_name = "streamlining/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.get_scoped_object(Plan.objects.select_related("unit", "approved_by"),
                                      pk=self.kwargs["pk"])
        progress = selectors.plan_progress(plan)
        chart = {
            "labels": [
                f"{r['target'].get_ground_display()} · {r['target'].get_category_display()} · "
                f"{r['target'].get_sector_display()}" for r in progress["rows"]], "datasets": [
            {"label": str(_("Target")), "data": [r["target"].target for r in progress["rows"]]},
            {"label": str(_("Decided")), "data": [r["done"] for r in progress["rows"]]}]}
        return super().get_context_data(plan=plan, progress=progress, chart=chart,
                                        can_manage=self.manage_scope.contains(plan.unit), **kwargs)


class PlanApproveView(ObjectEditView):
    model = Plan
    template_name = "generic/object_form.html"
    form_class = DecisionForm
    service = services.plan_approve
    success_message = gettext_lazy("Plan approved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Approve the plan %(plan)s")
                                        % {"plan": self.object},
                                        cancel_url=self.object.get_absolute_url(), **kwargs)


class ScreenView(UnitPickMixin, TemplateView):
    """Who in a unit may qualify, on which ground and why: the starting point of a case."""

    template_name = "streamlining/screen.html"

    def get_context_data(self, **kwargs):
        day = timezone.localdate()
        ground = self.request.GET.get("ground", "")
        band = self.request.GET.get("band", "")
        candidates = selectors.screen(scope=self.scope, unit=self.unit, day=day, ground=ground,
                                      band_code=band) \
            if self.unit else []
        for candidate in candidates:
            candidate.can_open = self.manage_scope.contains(candidate.servant.unit)
        return super().get_context_data(candidates=candidates, ground=ground, band=band,
                                        grounds=Ground.choices, bands=selectors.BANDS.items(),
                                        si_note=SI_ESTIMATED, day=day, **kwargs)


class ReorganisationView(UnitPickMixin, TemplateView):
    """People left without a position by a merger, split or dissolution, with their options side by
    side (stay, early retirement, resignation); amounts only for the units the user manages."""

    template_name = "streamlining/reorganisation.html"

    def get_context_data(self, **kwargs):
        day = timezone.localdate()
        candidates = [c
                      for c in selectors.screen(scope=self.scope, unit=self.unit, day=day,
                                                with_options=True) if c.reorganisation is not None
                      and c.servant.job_position_id is None] if self.unit else []
        for candidate in candidates:
            # Amounts only for HR managing the person's unit; a viewer sees the grounds, not the
            # money (DESIGN.md §2).
            candidate.show_amounts = self.manage_scope.contains(candidate.servant.unit)
        return super().get_context_data(candidates=candidates, leaving=selectors.leaving_day(day),
                                        si_note=SI_ESTIMATED, **kwargs)


class CaseListView(UnitPickMixin, TemplateView):
    template_name = "streamlining/case_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        cases = selectors.cases_in(self.scope, self.unit).select_related("servant", "unit")
        if status in Case.Status.values:
            cases = cases.filter(status=status)
        return super().get_context_data(cases=cases[:500], status=status,
                                        statuses=Case.Status.choices, **kwargs)


class CaseCreateView(ObjectEditView):
    model = Case
    template_name = "streamlining/case_form.html"
    form_class = CaseForm
    form_scope = True
    service = services.case_open
    success_message = gettext_lazy("Case opened: %(object)s.")

    def get_initial(self):
        initial = {"servant": self.request.GET.get("servant", ""), "leaving_date": None}
        ground, number = self.request.GET.get("ground", ""), self.request.GET.get("case", "")
        if ground and number:
            initial["ground_case"] = f"{ground}:{number}"
        initial["option"] = self.request.GET.get("option", "")
        if self.request.GET.get("reorganisation", "").isdigit():  # the change the screening found
            initial["reorganisation"] = int(self.request.GET["reorganisation"])
        return initial

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        servant = None
        value = form["servant"].value()
        if value and str(value).isdigit():
            servant = form.fields["servant"].queryset.select_related("unit").filter(
                pk=int(value)).first()
        if servant is None and self.request.method == "GET":
            raise PermissionDenied(_("Choose the person on the screening page."))
        return super().get_context_data(servant=servant, title=_("Open a streamlining case"),
                                        cancel_url=reverse("streamlining:screen"), **kwargs)


def show_amounts(view, case: Case) -> bool:
    """Amounts of a case are for HR roles managing the person's unit (DESIGN.md §2)."""
    return view.manage_scope.contains(case.unit)


class CaseDetailView(UnitScopedMixin, TemplateView):
    template_name = "streamlining/case_detail.html"

    def get_context_data(self, **kwargs):
        case = self.get_scoped_object(Case.objects.select_related(
            "servant", "unit", "plan", "reorganisation", "proposed_by", "reviewed_by", "decided_by",
            "event"), pk=self.kwargs["pk"])
        # The same rule on the case: the amounts and the steps for those managing its unit
        # (DESIGN.md §2).
        can_manage = self.manage_scope.contains(case.unit)
        amounts = [(key, value) for key, value in case.amounts.items()] if can_manage else []
        return super().get_context_data(
            case=case, can_manage=can_manage, show_amounts=can_manage, amounts=amounts,
            exclusions=services.exclusions(case) if case.is_open else [], si_note=SI_ESTIMATED,
            case_label=CASE_NUMBERS.get(case.ground, {}).get(case.case_number, ""), **kwargs)


class CaseStepView(ObjectActionView):
    """Propose or review a case (a confirmation, then the service)."""

    model = Case
    step = ""

    def get_service(self):
        return {"propose": services.case_propose, "review": services.case_review}[self.step]

    def service_kwargs(self, form):
        return {"case": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.object.get_absolute_url(), **kwargs)

    def get_success_message(self, result) -> str:
        return _("Case %(code)s: %(status)s.") % {"code": result.code,
                                                  "status": result.get_status_display()}


class CaseProposeView(CaseStepView):
    step = "propose"
    action_label = gettext_lazy("Propose (unit)")


class CaseReviewView(CaseStepView):
    step = "review"
    action_label = gettext_lazy("Review (HR)")


class CaseFormView(ObjectEditView):
    """A step of a case written through a form; ``heading`` names the case ("%(case)s")."""

    model = Case
    template_name = "generic/object_form.html"
    heading = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_(self.heading) % {"case": self.object},
                                        cancel_url=self.object.get_absolute_url(), **kwargs)


class CaseDecideView(CaseFormView):
    form_class = DecisionForm
    service = services.case_decide
    success_message = gettext_lazy("Decision recorded; the exit is in the career record.")
    heading = gettext_noop("Decision of the authority on %(case)s")


class CaseRefuseView(CaseFormView):
    form_class = RefuseForm
    service = services.case_refuse
    success_message = gettext_lazy("Case stopped.")
    heading = gettext_noop("Stop the case %(case)s")


class CasePayView(CaseFormView):
    form_class = PaymentForm
    service = services.case_pay
    success_message = gettext_lazy("Payment recorded.")
    heading = gettext_noop("Payment of %(case)s")

    def get_initial(self):
        return {"paid_amount": self.object.total, "paid_on": timezone.localdate()}


class ReportView(UnitPickMixin, TemplateView):
    """The periodic report of a unit's subtree; ``?format=xlsx`` gives the sheet sent upward."""

    template_name = "streamlining/report.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx" and self.unit is not None:
            year = _year(request)
            data = selectors.report(scope=self.scope, unit=self.unit, year=year)
            body = report_xlsx(data, unit=self.unit, year=year,
                               money=self.manage_scope.contains(self.unit))
            response = HttpResponse(body,
                                    content_type="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet")
            response[
                "Content-Disposition"] = f'attachment; filename="tinh-gian-bien-che-{year}.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        data = selectors.report(scope=self.scope, unit=self.unit, year=year) if self.unit else None
        by_case = [(Ground(g).label, n, CASE_NUMBERS[Ground(g)].get(n, ""), v)
                   for (g, n), v in data["by_case"].items()] if data else []
        return super().get_context_data(year=year, report=data, by_case=by_case,
                                        money=bool(self.unit)
                                        and self.manage_scope.contains(self.unit), **kwargs)


class RefundWatchView(UnitScopedMixin, TemplateView):
    template_name = "streamlining/refund_watch.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(cases=selectors.refund_watch(scope=self.scope,
                                                                     day=timezone.localdate()),
                                        **kwargs)
