"""Pages of the work ledger (ND 335/2025 Art 13–14): the catalogue of products per job position
(HR), the ledger of a unit (its leader assigns, reviews, waives for an objective cause), the
leader's score of a period, a product's file. Writes go through core's generic edit view."""
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from appraisal import ledger, services
from appraisal.forms import (
    AssignForm,
    ExemptForm,
    PeriodScoreForm,
    ReviewForm,
    WorkItemForm,
    period_choices,
)
from appraisal.models import Appraisal, AppraisalCycle, PeriodScore, WorkAssignment, WorkItem
from core.views.edit import ActionForm, ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin
from personnel.accounts import own_servant
from positions.models import JobPosition

ASSIGN = "appraisal.assign_work"


class CatalogueView(UnitScopedMixin, TemplateView):
    """The products and work items of each job position, current versions first, with history."""

    template_name = "appraisal/catalogue.html"

    def get_context_data(self, **kwargs):
        positions = self.scope.filter(JobPosition.objects.filter(valid_to__isnull=True), "unit")
        positions = positions.select_related("unit").order_by("unit__path", "title")
        position = self.request.GET.get("position", "")
        items = self.scope.filter(WorkItem.objects.all(),
                                  "position__unit").select_related("position__unit")
        if position.isdigit():
            items = items.filter(position_id=int(position))
        # Bounded page: a province's catalogue runs to thousands of items; choosing a position
        # narrows it.
        items = list(items.order_by("position__unit__path", "position__title", "code",
                                    "-version")[:500])
        return super().get_context_data(
            positions=list(positions), position=position, items=items,
            can_edit=bool(self.manage_scope),
            **kwargs)


class WorkItemEditView(ObjectEditView):
    """Add a catalogue item, or change one (a new version from today)."""

    model = WorkItem
    unit_field = "position__unit"
    template_name = "generic/object_form.html"
    form_class = WorkItemForm
    form_scope = True
    object_kwarg = "work_item"
    service = ledger.work_item_save
    success_message = gettext_lazy("Catalogue item saved: %(object)s.")

    def get_queryset(self):
        return WorkItem.objects.select_related("position__unit")

    def check_object(self, obj) -> None:
        if not obj.is_current:
            raise PermissionDenied(_("This version has been replaced; edit the current one."))

    def get_initial(self):
        position = self.request.GET.get("position", "")
        return {"position": int(position)} if position.isdigit() else {}

    def service_kwargs(self, form):
        data = super().service_kwargs(form)
        if self.object is not None:
            data.pop("position", None)
            data["code"] = self.object.code
        return data

    def get_context_data(self, **kwargs):
        title = (_("Change a catalogue item (new version)") if self.object
                 else _("Add a catalogue item"))
        return super().get_context_data(
            title=title, cancel_url=reverse("appraisal:catalogue"),
            intro=_("The catalogue of products and work items of a job position (ND 335/2025 "
                    "Art 13). A change takes effect as a new version from today; what was "
                    "assigned before keeps its coefficient."), **kwargs)


class WorkItemWithdrawView(ObjectActionView):
    model = WorkItem
    unit_field = "position__unit"
    object_kwarg = "work_item"
    service = ledger.work_item_withdraw
    action_label = gettext_lazy("Withdraw from the catalogue")
    success_message = gettext_lazy("Withdrawn from the catalogue: %(object)s.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Withdraw %(item)s") % {"item": self.object},
                                        cancel_url=reverse("appraisal:catalogue"), **kwargs)


class LedgerView(UnitScopedMixin, TemplateView):
    """The ledger of the units a leader sees: products to review first, then those under way."""

    template_name = "appraisal/ledger.html"

    def get_context_data(self, **kwargs):
        rows = self.scope.filter(
            WorkAssignment.objects.filter(appraisal__cycle__status=AppraisalCycle.Status.OPEN),
            "work_unit").select_related("appraisal__servant", "work_unit", "item")
        unit_id, status, period = (self.request.GET.get(k, "")
                                   for k in ("unit", "status", "period"))
        if unit_id.isdigit():
            rows = rows.filter(work_unit_id=int(unit_id))
        if status in WorkAssignment.Status.values:
            rows = rows.filter(status=status)
        if period.isdigit():
            rows = rows.filter(period=int(period))
        urgent = Case(When(status=WorkAssignment.Status.REPORTED, then=Value(0)),
                      When(status__in=[WorkAssignment.Status.ASSIGNED,
                                       WorkAssignment.Status.RETURNED], then=Value(1)),
                      default=Value(2), output_field=IntegerField())
        # Products to review first, then those still to do; bounded, the filters narrow it.
        page = list(rows.annotate(urgent=urgent).order_by("urgent", "due_date", "pk")[:300])
        can_assign = self.request.user.has_perm(ASSIGN)
        return super().get_context_data(
            rows=page, can_assign=can_assign, statuses=WorkAssignment.Status.choices, status=status,
            period=period, unit_id=unit_id, periods=range(1, 13), **kwargs)


class _LeaderEditView(ObjectEditView):
    """A leader's write on one assignment of a unit they see (unit heads hold a view grant and
    the ``assign_work`` permission)."""

    model = WorkAssignment
    unit_field = "work_unit"
    manage = False
    permission_required = ASSIGN
    template_name = "generic/object_form.html"
    object_kwarg = "assignment"

    def get_queryset(self):
        return WorkAssignment.objects.select_related("appraisal__servant", "appraisal__cycle__unit",
                                                     "item", "work_unit")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_success_url(self) -> str:
        return reverse("appraisal:ledger") + f"?unit={self.result.work_unit_id}"


class WorkAssignView(_LeaderEditView):
    form_class = AssignForm
    form_scope = True
    service = ledger.work_assign
    success_message = gettext_lazy("Assigned: %(object)s.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scope"] = self.scope  # a leader assigns in the units they see
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Assign a product"),
                                        cancel_url=reverse("appraisal:ledger"), intro=_(
            "The product counts in the period of its due date. Quantity × the item's coefficient "
            "is what the quantity, quality and progress of that period are measured against."),
                                        **kwargs)


class WorkReviewView(_LeaderEditView):
    form_class = ReviewForm
    service = ledger.work_review
    success_message = gettext_lazy("Review recorded: %(object)s.")

    def get_context_data(self, **kwargs):
        a = self.object
        return super().get_context_data(
            title=_("Review: %(item)s — %(name)s")
            % {"item": a, "name": a.appraisal.servant.full_name},
            cancel_url=reverse("appraisal:ledger"), assignment=a, intro=_(
                "Completed %(done)s of %(quantity)s on %(day)s (due %(due)s).") % {
                "done": a.completed, "quantity": a.quantity, "due": a.due_date.strftime("%d/%m/%Y"),
                "day": a.completed_on.strftime("%d/%m/%Y") if a.completed_on else "—"}, **kwargs)


class WorkExemptView(_LeaderEditView):
    form_class = ExemptForm
    service = ledger.work_exempt
    success_message = gettext_lazy("Objective cause recorded: %(object)s.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Objective cause: %(item)s")
                                        % {"item": self.object},
                                        cancel_url=reverse("appraisal:ledger"), intro=_(
            "An objective cause confirmed by the competent person waives the 25 % deductions of "
            "this product (ND 335/2025 Art 14)."), **kwargs)


class WorkCancelView(ObjectActionView):
    model = WorkAssignment
    unit_field = "work_unit"
    manage = False
    permission_required = ASSIGN
    object_kwarg = "assignment"
    service = ledger.work_cancel
    form_class = ActionForm
    action_label = gettext_lazy("Cancel the assignment")
    success_message = gettext_lazy("Assignment cancelled: %(object)s.")

    def get_success_url(self) -> str:
        return reverse("appraisal:ledger") + f"?unit={self.object.work_unit_id}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Cancel %(item)s") % {"item": self.object},
                                        cancel_url=reverse("appraisal:ledger"), **kwargs)


class PeriodScoreView(ObjectEditView):
    """The leader's score of one period of one person: general criteria, and đ, e for leaders."""

    model = Appraisal
    unit_field = "work_unit"
    manage = False
    permission_required = ASSIGN
    template_name = "generic/object_form.html"
    form_class = PeriodScoreForm
    service = services.period_general_save
    success_message = gettext_lazy("Period score recorded: %(object)s.")

    def get_queryset(self):
        return Appraisal.objects.select_related("servant", "cycle__unit", "unit", "work_unit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_initial(self):
        period = self.request.GET.get("period", "")
        if not period.isdigit():
            return {}
        row = PeriodScore.objects.filter(appraisal=self.object, period=int(period)).first()
        initial = {"period": int(period)}
        if row is not None:
            initial.update(general=row.general, organisation=row.organisation,
                           solidarity=row.solidarity)
        return initial

    def get_success_url(self) -> str:
        return reverse("appraisal:person_scores", args=[self.object.servant_id])

    def get_context_data(self, **kwargs):
        rows = {r.period: r for r in PeriodScore.objects.filter(appraisal=self.object)}
        labels = dict(period_choices(self.object.cycle))
        summary = ", ".join(
            f"{labels[p]}: {_('self')} "
            f"{rows[p].general_self if rows[p].general_self is not None else '—'}"
            for p in sorted(rows) if rows[p].general_self is not None)
        return super().get_context_data(
            title=_("Score a period: %(name)s") % {"name": self.object.servant.full_name},
            cancel_url=self.get_success_url(),
            intro=_("The leader's score of the general criteria counts; the person's own score is "
                    "kept beside it.")
            + (f" {summary}." if summary else ""), **kwargs)


class AttachmentView(UnitScopedMixin, View):
    """A product's file, for the leader (the unit's scope) and for the person who reported it."""

    require_scope = False

    def get(self, request, pk):
        assignment = get_object_or_404(
            WorkAssignment.objects.select_related("appraisal", "work_unit"), pk=pk)
        servant = own_servant(request.user)
        mine = servant is not None and assignment.appraisal.servant_id == servant.pk
        # The person's own product, or one in the units the user may see; 404 rather than 403, so
        # a guessed id does not tell that the product exists.
        if not mine and not self.scope.contains(assignment.work_unit):
            raise Http404
        if not assignment.attachment:
            raise Http404
        name = assignment.attachment_name or assignment.attachment.name.rsplit("/", 1)[-1]
        return FileResponse(assignment.attachment.open("rb"), as_attachment=True, filename=name)
