"""Pages of the committee's procedure: the state of each person of an appraising unit, step by
step (self-assessment, review meeting, Party opinion, consolidation, committee, level, decision,
publication, petitions), and the forms that move it on. Writes go through core's generic edit
view; a step on a whole unit needs the management of that unit."""
from collections import defaultdict
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from appraisal import workflow
from appraisal.forms import (
    ConsolidateForm,
    DecisionForm,
    MeetingForm,
    PartyOpinionForm,
    PetitionAnswerForm,
    PetitionForm,
    PublishForm,
)
from appraisal.models import Appraisal, AppraisalCycle, Petition, ReviewOpinion
from appraisal.rules import petition_rules
from appraisal.selectors import results_for, visible_cycles
from appraisal.self_views import _OwnEditView
from core.models import OrgUnit
from core.views.edit import ObjectEditView
from core.views.generic import UnitScopedMixin


class WorkflowView(UnitScopedMixin, TemplateView):
    """Per appraising unit: where each person stands in the procedure, and what to do next."""

    template_name = "appraisal/workflow.html"

    def get_context_data(self, **kwargs):
        cycle = get_object_or_404(visible_cycles(self.scope).select_related("unit"),
                                  pk=self.kwargs["pk"])
        # Computed as the close computes them: while the year is open, the committee sees the
        # levels the quota would give.
        computed = results_for(cycle.year, cycle=cycle, scope=self.scope)
        units = {}
        for r in computed.results:
            units.setdefault(r.appraisal.unit_id, r.appraisal.unit)
        unit_id = self.request.GET.get("unit", "")
        chosen = units.get(int(unit_id)) if unit_id.isdigit() else None
        chosen = chosen or (next(iter(units.values())) if units else None)
        rows = [r for r in computed.results if chosen and r.appraisal.unit_id == chosen.pk]
        ids = [r.appraisal.pk for r in rows]
        # Meetings in date order: a later meeting's opinion on a person replaces an earlier one in
        # the dict.
        opinions = {o.appraisal_id: o for o in ReviewOpinion.objects.filter(appraisal_id__in=ids)
                    .select_related("meeting").order_by("meeting__held_on", "pk")}
        petitions = defaultdict(list)
        for p in Petition.objects.filter(appraisal_id__in=ids).order_by("filed_on", "pk"):
            petitions[p.appraisal_id].append(p)
        work_units = {}
        for r in rows:
            work_units.setdefault(r.appraisal.work_unit_id, r.appraisal.work_unit)
        manages = chosen is not None and self.manage_scope.contains(chosen)
        closed = cycle.status == AppraisalCycle.Status.CLOSED
        return super().get_context_data(
            cycle=cycle, units=list(units.values()), chosen=chosen, closed=closed, manages=manages,
            rows=[{"result": r, "a": r.appraisal, "opinion": opinions.get(r.appraisal.pk),
                   "petitions": petitions.get(r.appraisal.pk, [])} for r in rows],
            work_units=[u for u in work_units.values() if self.manage_scope.contains(u)], **kwargs)


class _CycleStepView(ObjectEditView):
    """A step on a whole unit of a cycle: the cycle is
    one the user sees, the unit one they manage."""

    model = AppraisalCycle
    unit_field = None
    manage = False
    template_name = "generic/object_form.html"
    object_kwarg = "cycle"

    @cached_property
    def object(self):
        return get_object_or_404(visible_cycles(self.scope).select_related("unit"),
                                 pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False) \
                and self.scope and not self.manage_scope:
            self.object  # noqa: B018 - 404 outside, then 403: may see, may not act
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_scope(self, result) -> None:
        """The unit acted on was checked against the managed
        units by the form; the cycle is not edited."""

    def appraising_units(self):
        ids = Appraisal.objects.filter(cycle=self.object).values("unit_id")
        return self.manage_scope.units().filter(pk__in=ids).order_by("path")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["units"] = self.appraising_units()
        return kwargs

    def get_initial(self):
        unit = self.request.GET.get("unit", "")
        return {"unit": int(unit)} if unit.isdigit() else {}

    def get_success_url(self) -> str:
        unit = getattr(self, "acted_unit", None)
        return reverse("appraisal:workflow",
                       args=[self.object.pk]) + (f"?unit={unit.pk}" if unit else "")

    def service_kwargs(self, form):
        data = super().service_kwargs(form)
        self.acted_unit = data.get("unit")
        return data

    def get_success_message(self, result) -> str:
        return str(self.success_message) % {"count": result}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, cancel_url=reverse(
            "appraisal:workflow", args=[self.object.pk]), **kwargs)


class ConsolidateView(_CycleStepView):
    form_class = ConsolidateForm
    service = workflow.consolidate
    success_message = gettext_lazy("%(count)s people consolidated and sent to the committee.")
    title = gettext_lazy("HR consolidation")
    intro = gettext_lazy(
        "Everyone reviewed by the collective goes to the appraisal committee; a leader needs the "
        "Party committee's opinion first (ND 90/2020 Art 17).")


class DecisionView(_CycleStepView):
    form_class = DecisionForm
    service = workflow.decision_record
    success_message = gettext_lazy("Decision recorded for %(count)s people.")
    title = gettext_lazy("Decision on the levels")
    intro = gettext_lazy("The decision of the competent level on the levels of the closed year.")


class PublishView(_CycleStepView):
    form_class = PublishForm
    service = workflow.publish
    success_message = gettext_lazy("%(count)s levels published; petitions run from that day.")
    title = gettext_lazy("Publish the levels")
    intro = gettext_lazy(
        "The levels are made public in the agency and written in each person's record.")


class MeetingView(_CycleStepView):
    """The review meeting of one work unit (``?unit=``, a unit the user manages)."""

    form_class = MeetingForm
    service = workflow.review_meeting_record
    success_message = gettext_lazy("The review meeting is recorded.")
    title = gettext_lazy("Collective review meeting")
    intro = gettext_lazy(
        "Each person presents their self-assessment; the opinions are minuted and adopted at the "
        "meeting (ND 90/2020 Art 17.2). Only those who have self-assessed can be reviewed.")

    @cached_property
    def unit(self) -> OrgUnit:
        unit_id = self.request.GET.get("unit", "")
        unit = OrgUnit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
        if unit is None or not self.manage_scope.contains(unit):
            raise Http404
        return unit

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("units")
        kwargs["appraisals"] = (Appraisal.objects.filter(cycle=self.object, work_unit=self.unit)
                                .exclude(self_assessment="").filter(status__in=workflow.PRE_REVIEW)
                                .select_related("servant").order_by("servant__sort_key"))
        return kwargs

    def get_initial(self):
        return {}

    def service_kwargs(self, form):
        data = {k: v for k, v in form.cleaned_data.items()
                if not k.startswith(("opinion_", "level_"))}
        return {**data, "cycle": self.object, "unit": self.unit, "opinions": form.opinions()}

    def get_success_url(self) -> str:
        first = Appraisal.objects.filter(cycle=self.object, work_unit=self.unit).first()
        suffix = f"?unit={first.unit_id}" if first else ""
        return reverse("appraisal:workflow", args=[self.object.pk]) + suffix

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title}: {self.unit.name}"
        return context


class PartyOpinionView(ObjectEditView):
    model = Appraisal
    template_name = "generic/object_form.html"
    form_class = PartyOpinionForm
    service = workflow.party_opinion_record
    success_message = gettext_lazy("The Party committee's opinion is recorded: %(object)s.")

    def get_queryset(self):
        return Appraisal.objects.select_related("servant", "cycle__unit", "unit")

    def check_object(self, obj) -> None:
        # The Party committee gives its opinion on leaders only (ND 90/2020 Art 17.3).
        if not obj.is_leader:
            raise Http404

    def get_success_url(self) -> str:
        return reverse("appraisal:workflow",
                       args=[self.object.cycle_id]) + f"?unit={self.object.unit_id}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Party committee's opinion: %(name)s")
            % {"name": self.object.servant.full_name},
            cancel_url=self.get_success_url(), **kwargs)


def _petition_intro(appraisal: Appraisal) -> str:
    if appraisal.published_on is None:
        return _("The level has not been published yet.")
    rules = petition_rules(appraisal.published_on, appraisal.category)
    return _("Level %(level)s published on %(day)s. A petition is filed by %(last)s and answered "
             "within %(days)s %(kind)s (%(basis)s).") % {
        "level": appraisal.level, "day": appraisal.published_on.strftime("%d/%m/%Y"),
        "last": rules.last_filing_day(appraisal.published_on).strftime("%d/%m/%Y"),
        "days": rules.answer_days,
        "kind": _("working days") if rules.answer_in_working_days else _("days"),
        "basis": rules.legal_basis}


class PetitionFileView(ObjectEditView):
    """HR records a petition received on paper."""

    model = Appraisal
    template_name = "generic/object_form.html"
    form_class = PetitionForm
    service = workflow.petition_file
    success_message = gettext_lazy("Petition recorded: %(object)s.")

    def get_queryset(self):
        return Appraisal.objects.select_related("servant", "cycle__unit", "unit")

    def get_success_url(self) -> str:
        return reverse("appraisal:workflow",
                       args=[self.object.cycle_id]) + f"?unit={self.object.unit_id}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Petition of %(name)s")
                                        % {"name": self.object.servant.full_name},
                                        intro=_petition_intro(self.object),
                                        cancel_url=self.get_success_url(), **kwargs)


class MyPetitionView(_OwnEditView):
    """The person files a petition against their own published level."""

    model = Appraisal
    form_class = PetitionForm
    service = workflow.petition_file
    success_message = gettext_lazy("Your petition is filed; the answer is due by the date shown.")

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__unit", "unit", "servant")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("My petition on the %(year)s level")
                                        % {"year": self.object.cycle.year},
                                        intro=_petition_intro(self.object),
                                        cancel_url=reverse("appraisal:me"), **kwargs)


class PetitionAnswerView(ObjectEditView):
    model = Petition
    unit_field = "appraisal__unit"
    template_name = "generic/object_form.html"
    form_class = PetitionAnswerForm
    service = workflow.petition_answer
    success_message = gettext_lazy("The answer is recorded: %(object)s.")

    def get_queryset(self):
        return Petition.objects.select_related("appraisal__servant", "appraisal__unit",
                                               "appraisal__cycle")

    def get_success_url(self) -> str:
        a = self.object.appraisal
        return reverse("appraisal:workflow", args=[a.cycle_id]) + f"?unit={a.unit_id}"

    def get_context_data(self, **kwargs):
        p = self.object
        due = p.due_on.strftime("%d/%m/%Y") if p.due_on else "—"
        return super().get_context_data(
            title=_("Answer the petition of %(name)s") % {"name": p.appraisal.servant.full_name},
            intro=_("Filed on %(day)s, answer due by %(due)s: %(text)s") % {
                "day": p.filed_on.strftime("%d/%m/%Y"), "due": due, "text": p.text},
            cancel_url=self.get_success_url(), **kwargs)
