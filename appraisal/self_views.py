"""A civil servant's own pages, signed in as themselves: the products assigned to them and their
report that one is done, their score by period and for the year, their own score of the general
criteria, the self-assessment of the year and its printable form. Nothing of anyone else."""
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from appraisal import ledger, services
from appraisal.forms import ReportForm, SelfAssessForm, SelfScoreForm, period_choices
from appraisal.models import Appraisal, AppraisalCycle, PeriodScore, WorkAssignment
from appraisal.results import appraisals_of, compute, rounded
from core.views.edit import ObjectEditView, OutOfScope
from core.views.generic import StaffRequiredMixin, UnitScopedMixin
from personnel.accounts import own_servant

FORM_BY_CATEGORY = {"cadre": "01", "civil_servant": "02", "public_employee": "03"}


class OwnRecordMixin(StaffRequiredMixin):
    """Only for an account linked to a record; everything is looked up through that record."""

    require_scope = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False) \
                and own_servant(request.user) is None:
            raise PermissionDenied(_("Your account is not linked to a personnel record."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def servant(self):
        return own_servant(self.request.user)


class MyAppraisalView(OwnRecordMixin, TemplateView):
    template_name = "appraisal/me.html"

    def get_context_data(self, **kwargs):
        servant = self.servant
        years = []
        appraisals = (Appraisal.objects.filter(servant=servant).select_related("cycle__unit")
                      .order_by("-cycle__year"))
        for appraisal in appraisals:
            computed = compute(appraisals_of(appraisal.cycle.year)
                               .filter(pk=appraisal.pk)).results[0]
            rows = {r.period: r for r in PeriodScore.objects.filter(appraisal=appraisal)}
            labels = dict(period_choices(appraisal.cycle))
            periods = [{"period": p, "label": labels[p],
                        "row": rows.get(p) or PeriodScore(source=""),
                        "score": rounded(computed.periods.get(p)), "d": computed.directions.get(p)}
                       for p in appraisal.cycle.periods]
            assignments = list(WorkAssignment.objects.filter(appraisal=appraisal).exclude(
                status=WorkAssignment.Status.CANCELLED).select_related("item")
                               .order_by("due_date", "pk"))
            closed = appraisal.cycle.status == AppraisalCycle.Status.CLOSED
            years.append({
                "appraisal": appraisal, "open": not closed, "rows": periods,
                "assignments": assignments,
                "score": rounded(appraisal.score if closed else computed.score, appraisal.rule_set),
                "level": appraisal.level if closed else computed.level,
                "reasons": appraisal.reasons if closed else computed.reasons,
                "chart_id": f"chart-{appraisal.cycle.year}",
                "chart": {"labels": [p["label"] for p in periods], "label": _("Period score"),
                          "values": [float(p["score"]) if p["score"] is not None else None
                                     for p in periods]},
            })
        return super().get_context_data(servant=servant, years=years, **kwargs)


class _OwnEditView(OwnRecordMixin, ObjectEditView):
    """A write on the person's own appraisal or assignment: the object is looked up through the
    signed-in person's record (404 for anyone else's), and re-checked the same way after."""

    template_name = "generic/object_form.html"
    owner_field = "servant"

    def get_queryset(self):
        return self.model._default_manager.filter(**{self.owner_field: self.servant})

    @cached_property
    def object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg])
        self.check_object(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and own_servant(request.user) is not None:
            self.object  # noqa: B018 - 404 before the form is built
        return super().dispatch(request, *args, **kwargs)

    def check_scope(self, result) -> None:
        target = type(self.object)._default_manager.filter(pk=self.object.pk,
                                                           **{self.owner_field: self.servant})
        if not target.exists():
            raise OutOfScope

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_success_url(self) -> str:
        return reverse("appraisal:me")


class MyReportView(_OwnEditView):
    model = WorkAssignment
    owner_field = "appraisal__servant"
    object_kwarg = "assignment"
    form_class = ReportForm
    service = ledger.work_report
    success_message = gettext_lazy("Reported done: %(object)s. Your leader will review it.")

    def get_queryset(self):
        return super().get_queryset().select_related("appraisal__cycle__unit", "appraisal__servant",
                                                     "item", "work_unit")

    def get_context_data(self, **kwargs):
        a = self.object
        intro = _("Assigned %(quantity)s %(unit)s, due %(due)s.") % {
            "quantity": a.quantity, "unit": a.item.output_unit,
            "due": a.due_date.strftime("%d/%m/%Y")}
        return super().get_context_data(title=_("Report done: %(item)s") % {"item": a},
                                        cancel_url=reverse("appraisal:me"), intro=intro, **kwargs)


class MySelfScoreView(_OwnEditView):
    model = Appraisal
    form_class = SelfScoreForm
    service = services.period_self_score
    success_message = gettext_lazy("Your score of the period is recorded.")

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__unit", "unit", "servant")

    def get_initial(self):
        period = self.request.GET.get("period", "")
        return {"period": int(period)} if period.isdigit() else {}

    def get_context_data(self, **kwargs):
        intro = _("Political and moral qualities, public-service culture and discipline; "
                  "professional competence, responsibility and attitude of service; innovation "
                  "and creativity (ND 335/2025 Art 12). Your leader's score counts; yours is kept "
                  "beside it.")
        return super().get_context_data(title=_("My score of the general criteria"),
                                        cancel_url=reverse("appraisal:me"), intro=intro, **kwargs)


class MySelfAssessView(_OwnEditView):
    model = Appraisal
    form_class = SelfAssessForm
    service = services.self_assess
    success_message = gettext_lazy("Your self-assessment is recorded.")

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__unit", "unit", "servant")

    def get_context_data(self, **kwargs):
        a = self.object
        return super().get_context_data(
            title=_("Self-assessment %(year)s (Form %(form)s)")
            % {"year": a.cycle.year, "form": FORM_BY_CATEGORY.get(a.category, "02")},
            cancel_url=reverse("appraisal:me"), intro=_(
                "It is read at the collective review meeting of your unit, then by the appraisal "
                "committee. You may correct it until the meeting has reviewed it."), **kwargs)


class AppraisalFormView(UnitScopedMixin, TemplateView):
    """The self-assessment and classification form (Mẫu 01/02/03) of one appraisal, to print:
    for the person themselves, and for those who see their unit."""

    template_name = "appraisal/form_print.html"
    require_scope = False

    def get_context_data(self, **kwargs):
        related = ("servant__rank", "servant__job_position", "unit", "work_unit", "cycle")
        appraisal = get_object_or_404(Appraisal.objects.select_related(*related),
                                      pk=self.kwargs["pk"])
        servant = own_servant(self.request.user)
        own = servant is not None and servant.pk == appraisal.servant_id
        # 404, not 403: a guessed id must not tell that the appraisal exists.
        if not own and not self.scope.contains(appraisal.unit):
            raise Http404
        computed = compute(appraisals_of(appraisal.cycle.year).filter(pk=appraisal.pk)).results[0]
        closed = appraisal.cycle.status == AppraisalCycle.Status.CLOSED
        return super().get_context_data(
            appraisal=appraisal, form_number=FORM_BY_CATEGORY.get(appraisal.category, "02"),
            position_title=appraisal.servant.title or (appraisal.servant.job_position.title
                                                       if appraisal.servant.job_position else ""),
            rank_name=appraisal.servant.rank.name if appraisal.servant.rank else "",
            score=rounded(appraisal.score if closed else computed.score, appraisal.rule_set),
            level=appraisal.level if closed else computed.level, **kwargs)
