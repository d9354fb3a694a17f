"""One person's record: the résumé, the career timeline, and the actions that write career
events."""
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core.access import NOTHING, through_predecessors
from core.models import AccessRecord
from core.services.access_log import access_record
from core.views.edit import ObjectEditView
from core.views.generic import UnitScopedMixin
from personnel import forms
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord
from personnel.privacy import FieldPolicy, redacted
from personnel.resume import resume_context, resume_xlsx
from personnel.rules.retirement import retirement_of
from personnel.sections import sections_for
from personnel.selectors import competency_gap, next_raise_of, raise_due_after, servant_timeline
from personnel.services import records, servants
from personnel.services.competencies import assessment_record as assess_competencies

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ServantMixin(UnitScopedMixin):
    """The person of the URL, inside the user's scope (404 outside, 403 when only viewable and
    ``manage`` is set)."""

    manage = False

    @cached_property
    def servant(self) -> CivilServant:
        return self.get_scoped_object(CivilServant.objects.select_related("unit__parent",
                                                                          "rank__salary_group",
                                                                          "job_position"),
                                      manage=self.manage, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not getattr(user, "is_candidate", False) and self.scope:
            self.servant  # noqa: B018 - resolve access before anything else
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(servant=self.servant, **kwargs)


class ServantDetailView(ServantMixin, TemplateView):
    template_name = "personnel/servant_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        servant = self.servant
        can_manage = self.manage_scope.contains(servant.unit)
        show_private = FieldPolicy(self.scope, self.manage_scope).shows_private(servant.unit)
        today = timezone.localdate()
        access_record(actor=self.request.user, action=AccessRecord.Action.VIEW, subjects=[servant],
                      sensitive=show_private, request=self.request)
        context.update(
            servant=servant if show_private else redacted(servant),
            can_manage=can_manage,
            show_private=show_private,
            retirement=retirement_of(servant.date_of_birth, servant.sex),
            timeline=servant_timeline(servant),
            assignments=list(servant.assignments.select_related("unit__parent", "job_position")),
            salary_records=list(servant.salary_records.select_related("rank")),
            disciplines=list(servant.disciplines.all()), rewards=list(servant.rewards.all()),
            trainings=list(servant.trainings.all()),
            next_raise=next_raise_of(servant),
            gap=competency_gap(servant),
            # Entries are hidden by the unit of their day; a reader without the policy's leave
            # must not read today's ID number in one written while they managed the person.
            history=audit.for_display(audit.history_for(servant)[:100],
                                      self.manage_scope if show_private else NOTHING),
            today=today,
            sections=sections_for(self.request, servant),
        )
        return context


class ServantObjectMixin:
    """A write on the person of the URL through core.views.edit (404 outside the user's units,
    403 when only viewable); ``servant`` names the object for the templates and the code below."""

    model = CivilServant
    object_kwarg = "servant"

    def get_queryset(self):
        return CivilServant.objects.select_related("unit__parent", "rank__salary_group",
                                                   "job_position")

    @property
    def servant(self) -> CivilServant:
        return self.object

    def get_context_data(self, **kwargs):
        return super().get_context_data(servant=self.object, **kwargs)


class ServantCreateView(ObjectEditView):
    model = CivilServant
    template_name = "personnel/servant_form.html"
    form_class = forms.ServantCreateForm
    form_scope = True
    service = servants.servant_create

    def service_kwargs(self, form) -> dict:
        data = dict(form.cleaned_data)
        for key in ("decision_number", "decision_date", "signer"):
            data.pop(key)
        unit = data.pop("unit")
        profile = {k: v for k, v in data.items() if v not in (None, "")}
        return {"unit": unit, "decision": form.decision(), **profile}

    def get_success_message(self, result) -> str:
        return _("Record of %(name)s created.") % {"name": result.full_name}


class ServantUpdateView(ServantObjectMixin, ObjectEditView):
    template_name = "personnel/servant_profile_form.html"
    form_class = forms.ServantProfileForm
    service = servants.servant_update

    def get_form_kwargs(self):
        # A copy of the person: the form writes its values onto its instance, and the service
        # compares the new values against the record as it is stored.
        stored = CivilServant.objects.get(pk=self.object.pk)
        return {**super().get_form_kwargs(), "instance": stored}

    def service_kwargs(self, form) -> dict:
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return {"servant": self.object, "reason": form.cleaned_data["reason"], **data}

    def get_success_message(self, result) -> str:
        if not result:  # the service returns the changed fields
            messages.info(self.request, _("Nothing changed."))
            return ""
        return _("%(n)s fields changed.") % {"n": len(result)}


class ActionView(ServantObjectMixin, ObjectEditView):
    """A form that records one career event for the person (manage scope required)."""

    template_name = "personnel/servant_action.html"
    title = ""
    success_message = gettext_lazy("Recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "scope" in self.form_class.__init__.__code__.co_varnames:
            kwargs["scope"] = self.manage_scope
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form):
        self.record(form.cleaned_data, form.decision())
        return None  # the person is what is re-checked (and where the answer goes)

    def record(self, data: dict, decision) -> None:
        raise NotImplementedError


class ServantAssignView(ActionView):
    form_class = forms.AssignForm
    title = gettext_lazy("Transfer or appointment")

    template_name = "personnel/servant_assign.html"
    # What "Show the units of this date" (a GET of the same form) carries back into the form.
    CARRIED = ("kind", "title", "start_date", "end_date", "decision_number", "decision_date",
               "signer")

    def start_date(self):
        """The start date typed (posted, or sent back to list the units of that day), if it
        reads."""
        raw = (self.request.POST
               if self.request.method == "POST" else self.request.GET).get("start_date", "")
        try:
            return forms.DateField(required=False).clean(raw) if raw else None
        except ValidationError:
            return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "on": self.start_date()}

    def get_initial(self):
        initial = {"unit": self.servant.unit, "title": self.servant.title,
                   "start_date": timezone.localdate()}
        initial.update({name: self.request.GET[name] for name in self.CARRIED
                        if self.request.GET.get(name)})
        return initial

    def record(self, data, decision):
        if data.get("end_date"):  # a past period: the units the officer's own were on that day
            if not through_predecessors(self.manage_scope).contains(data["unit"]):
                raise PermissionDenied
            servants.assignment_record_past(
                actor=self.request.user, servant=self.servant, unit=data["unit"],
                start_date=data["start_date"], end_date=data["end_date"], title=data["title"],
                job_position=data.get("job_position"), decision=decision, kind=data["kind"])
            return
        if not self.manage_scope.contains(data["unit"]):
            # A former unit of theirs.
            if through_predecessors(self.manage_scope).contains(data["unit"]):
                raise ValidationError({"end_date": _("A unit that no longer exists takes a past "
                                                     "period: give its end date.")})
            raise PermissionDenied
        servants.servant_assign(actor=self.request.user, servant=self.servant,
                                start_date=data["start_date"], kind=data["kind"], unit=data["unit"],
                                title=data["title"], job_position=data.get("job_position"),
                                decision=decision)


class ServantSalaryView(ActionView):
    form_class = forms.SalaryForm
    title = gettext_lazy("Salary step or rank")

    def get_initial(self):
        """The raise that is due after the latest row: its step (or excess percentage) and its
        date."""
        records = self.servant.salary_records.select_related("rank__salary_group")
        latest = records.order_by("-start_date", "-id").first()
        if latest is None:
            return {"rank": self.servant.rank, "step": 1, "start_date": timezone.localdate()}
        due = raise_due_after(latest)
        if due.kind == "regular":
            return {"rank": latest.rank, "step": due.next_step, "kind": "regular",
                    "start_date": due.due_date}
        excess = latest.excess_seniority_percent
        return {"rank": latest.rank, "step": latest.step, "kind": "excess",
                "start_date": due.due_date, "excess_percent": excess + 1 if excess else 5}

    def record(self, data, decision):
        servants.servant_set_salary(actor=self.request.user, servant=self.servant,
                                    rank=data["rank"], step=data["step"],
                                    start_date=data["start_date"], kind=data["kind"],
                                    excess_percent=data.get("excess_percent") or 0,
                                    decision=decision, rule_set="SAL-TT08")


class ServantLeaveView(ActionView):
    form_class = forms.LeaveForm
    title = gettext_lazy("Leaving the service")

    def get_initial(self):
        return {"kind": CareerEvent.Kind.RETIRED,
                "last_day": retirement_of(self.servant.date_of_birth,
                                          self.servant.sex).retirement_date}

    def record(self, data, decision):
        rule_set = ""
        if data["kind"] == CareerEvent.Kind.RETIRED:
            rule_set = retirement_of(self.servant.date_of_birth, self.servant.sex).rule_set
        servants.servant_leave(actor=self.request.user, servant=self.servant, kind=data["kind"],
                               last_day=data["last_day"], decision=decision,
                               summary=data.get("summary", ""), rule_set=rule_set)


class ServantEventView(ActionView):
    form_class = forms.EventForm
    title = gettext_lazy("Other career event")

    def record(self, data, decision):
        servants.event_record(actor=self.request.user, servant=self.servant, kind=data["kind"],
                              effective_date=data["effective_date"], summary=data["summary"],
                              decision=decision)


class DisciplineCreateView(ActionView):
    form_class = forms.DisciplineForm
    title = gettext_lazy("Discipline")

    def record(self, data, decision):
        records.discipline_record(actor=self.request.user, servant=self.servant, form=data["form"],
                                  violation=data["violation"],
                                  effective_from=data["effective_from"],
                                  detected_on=data.get("detected_on"),
                                  is_party=data.get("is_party", False), decision=decision)


class RewardCreateView(ActionView):
    form_class = forms.RewardForm
    title = gettext_lazy("Reward")

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def record(self, data, decision):
        records.reward_record(actor=self.request.user, servant=self.servant, year=data["year"],
                              title=data["title"], level=data.get("level", ""), decision=decision)


class TrainingCreateView(ActionView):
    form_class = forms.TrainingForm
    title = gettext_lazy("Training")

    def record(self, data, decision):
        records.training_record(actor=self.request.user, servant=self.servant, kind=data["kind"],
                                institution=data["institution"], major=data["major"],
                                start_date=data["start_date"], end_date=data.get("end_date"),
                                mode=data.get("mode", ""), diploma=data.get("diploma", ""),
                                decision=decision)


class EventCorrectView(ActionView):
    """Correct a career event by a new version; the original stays in the timeline."""

    form_class = forms.CorrectionForm
    title = gettext_lazy("Correct an event")

    @cached_property
    def event(self) -> CareerEvent:
        return get_object_or_404(self.servant.events, pk=self.kwargs["event_pk"])

    @cached_property
    def rows(self) -> tuple[SalaryRecord | None, Assignment | None]:
        """The salary row and the assignment the event opened (they hang on its first version)."""
        original = self.event
        while original.corrects_id:
            original = original.corrects
        return (SalaryRecord.objects.filter(event=original).select_related("rank").first(),
                Assignment.objects.filter(event=original).select_related("unit").first())

    def get_form_kwargs(self):
        salary, assignment = self.rows
        return {**super().get_form_kwargs(), "salary": salary, "assignment": assignment}

    def get_initial(self):
        event, (salary, assignment) = self.event, self.rows
        initial = {"effective_date": event.effective_date, "summary": event.summary,
                   "decision_number": event.decision_number, "decision_date": event.decision_date,
                   "signer": event.signer}
        if salary is not None:
            initial.update(rank=salary.rank, step=salary.step, coefficient=salary.coefficient,
                           excess_percent=salary.excess_seniority_percent)
        if assignment is not None:
            initial.update(unit=assignment.unit, title=assignment.title,
                           job_position=assignment.job_position)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def record(self, data, decision):
        salary, assignment = self.rows
        values = {}
        if salary is not None:
            # A coefficient left as it was is recomputed from the table when the step or date
            # changes.
            coefficient = data.get("coefficient")
            values.update(rank=data["rank"], step=data["step"],
                          excess_percent=data.get("excess_percent") or 0,
                          coefficient=None if coefficient == salary.coefficient else coefficient)
        if assignment is not None:
            values.update(unit=data["unit"], title=data.get("title", ""),
                          job_position=data.get("job_position"))
        servants.event_correct(actor=self.request.user, event=self.event, reason=data["reason"],
                               effective_date=data["effective_date"], summary=data.get("summary"),
                               decision=decision, **values)


class ResumeMixin(ServantMixin):
    """Mẫu 2C for everyone who may read the record. It carries the ID number, addresses, health
    and family in full only for those the field policy shows them to (the person's managers); a
    view-only reader gets the form as the export shows the person: ID masked, the rest left out."""

    def record_read(self) -> bool:
        """Record the reading; True when the sensitive fields go on the form in full."""
        private = FieldPolicy(self.scope, self.manage_scope).shows_private(self.servant.unit)
        access_record(actor=self.request.user, action=AccessRecord.Action.RESUME,
                      subjects=[self.servant], sensitive=private, request=self.request)
        return private


class ServantResumeView(ResumeMixin, TemplateView):
    """Mẫu 2C résumé, printable."""

    template_name = "personnel/servant_resume.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(resume_context(self.servant, private=self.record_read()))
        return context


class ServantResumeXlsxView(ResumeMixin, View):
    def get(self, request, pk):
        response = HttpResponse(resume_xlsx(self.servant, private=self.record_read()),
                                content_type=XLSX)
        filename = f"so-yeu-ly-lich-{self.servant.code}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class AssessmentCreateView(ServantObjectMixin, ObjectEditView):
    """Record the person's assessed competency levels against their position's framework."""

    template_name = "personnel/assessment_form.html"
    form_class = forms.AssessmentForm
    success_message = gettext_lazy("Competency levels recorded.")

    def get_form_kwargs(self):
        description, rows = competency_gap(self.object)
        return {**super().get_form_kwargs(), "rows": rows}

    def get_context_data(self, **kwargs):
        description, rows = competency_gap(self.object)
        return super().get_context_data(description=description, gap_rows=rows, **kwargs)

    def perform(self, form):
        levels = form.levels()
        if levels:  # a form left blank records nothing and says nothing
            assess_competencies(actor=self.request.user, servant=self.object, levels=levels,
                                assessed_on=form.cleaned_data["assessed_on"],
                                note=form.cleaned_data.get("note", ""))
        self.recorded = bool(levels)

    def get_success_message(self, result) -> str:
        return super().get_success_message(result) if self.recorded else ""
