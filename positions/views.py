"""Pages of job positions, their descriptions and frameworks, approval dossiers, quotas and the
catalogues. Positions are scoped by their unit like everything else."""
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.forms import unit_choices
from core.text import unaccent
from core.views.edit import ObjectActionView, ObjectEditView
from core.views.generic import StaffRequiredMixin, UnitScopedMixin
from positions import forms, selectors, services
from positions.models import (
    Competency,
    JobDescription,
    JobPosition,
    PositionDossier,
    Rank,
    RankRatioCap,
    SalaryCoefficient,
    StaffingQuota,
)


class PositionScopedMixin(UnitScopedMixin):
    manage = False

    @cached_property
    def position(self) -> JobPosition:
        positions = JobPosition.objects.select_related("unit", "rank", "leadership_title")
        return self.get_scoped_object(positions, manage=self.manage, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate",
                                                         False) and self.scope:
            self.position  # noqa: B018 - resolve access first
        return super().dispatch(request, *args, **kwargs)


class PositionListView(UnitScopedMixin, TemplateView):
    """Positions of the user's units with their posts against their holders."""

    template_name = "positions/position_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        positions = self.scope.filter(JobPosition.objects.filter(valid_to__isnull=True), "unit")
        unit_id, query, group = self.request.GET.get("unit", ""), self.request.GET.get("q", ""), \
            self.request.GET.get("group", "")
        unit = self.scope.units().filter(pk=unit_id).first() if unit_id.isdigit() else None
        if unit is not None:
            positions = positions.filter(unit__path__startswith=unit.path)
        for word in unaccent(query).split():
            positions = positions.filter(search_text__contains=word)
        if group:
            positions = positions.filter(group=group)
        # ``holders`` is the reverse side of CivilServant.job_position (personnel builds on
        # positions).
        positions = positions.select_related("unit", "rank").annotate(
            holding=Count("holders",
                          filter=Q(holders__status="active"))).order_by("unit__path", "code")
        page = Paginator(positions, 50).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, units=unit_choices(self.scope), unit=unit, query=query,
                       group=group, groups=JobPosition.Group.choices,
                       can_manage=bool(self.manage_scope))
        return context


class PositionCreateView(ObjectEditView):
    model = JobPosition
    template_name = "positions/position_form.html"
    form_class = forms.PositionForm
    form_scope = True  # the unit is chosen among the units the user manages
    service = services.position_create

    def get_initial(self):
        unit = self.manage_scope.units().filter(pk=self.request.GET.get("unit") or 0).first()
        return {"unit": unit} if unit else {}

    def get_success_message(self, result) -> str:
        return _("Position %(code)s created.") % {"code": result.code}


class PositionUpdateView(ObjectEditView):
    model = JobPosition
    template_name = "positions/position_form.html"
    form_class = forms.PositionForm
    form_scope = True
    service = services.position_update
    object_kwarg = "position"
    success_message = gettext_lazy("Changes saved.")

    def get_queryset(self):
        return JobPosition.objects.select_related("unit", "rank", "leadership_title")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in services.POSITION_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.object, **kwargs)


class PositionDetailView(PositionScopedMixin, TemplateView):
    template_name = "positions/position_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = self.position
        approved = services.approved_description(position)
        latest = services.latest_description(position)
        shown = approved or latest
        context.update(
            position=position, description=shown, latest=latest, approved=approved,
            requirements=list(shown.requirements.select_related("competency")) if shown else [],
            versions=list(position.descriptions.select_related("dossier")),
            holders=list(position.holders.filter(status="active").order_by("sort_key")),
            can_manage=self.manage_scope.contains(position.unit) and position.is_open,
        )
        return context


class PositionPrintView(PositionDetailView):
    """The job description and competency framework of a position, printable."""

    template_name = "positions/position_print.html"


class DescriptionMixin:
    """The draft description of the position of the URL (403 once the latest version is frozen)."""

    model = JobPosition

    def get_queryset(self):
        return JobPosition.objects.select_related("unit", "rank", "leadership_title")

    @cached_property
    def draft(self) -> JobDescription:
        latest = services.latest_description(self.object)
        if latest is None or latest.is_frozen:
            raise PermissionDenied(_("The current version is frozen; start a new version first."))
        return latest

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.object, description=self.draft, **kwargs)


class DescriptionUpdateView(DescriptionMixin, ObjectEditView):
    template_name = "positions/description_form.html"
    form_class = forms.DescriptionForm
    service = services.description_update
    success_message = gettext_lazy("Job description saved.")

    def get_form_kwargs(self):
        # A copy of the draft: the form writes its values onto its instance, and the service
        # audits the change against the draft as it is stored.
        return {**super().get_form_kwargs(),
                "instance": JobDescription.objects.get(pk=self.draft.pk)}

    def service_kwargs(self, form) -> dict:
        texts = {f: form.cleaned_data[f] for f in JobDescription.TEXT_FIELDS}
        return {"description": self.draft, **texts}


class FrameworkUpdateView(DescriptionMixin, ObjectEditView):
    template_name = "positions/framework_form.html"
    form_class = forms.FrameworkForm
    service = services.framework_set
    success_message = gettext_lazy("Competency framework saved.")

    def get_form_kwargs(self):
        current = {r.competency_id: r.level for r in self.draft.requirements.all()}
        return {**super().get_form_kwargs(), "competencies": Competency.objects.filter(active=True),
                "current": current}

    def service_kwargs(self, form) -> dict:
        return {"description": self.draft, "levels": form.levels()}


class DescriptionNewVersionView(ObjectActionView):
    """A button on the position's page (POST only): the approved version is copied into a draft."""

    model = JobPosition
    http_method_names = ["post"]
    service = services.description_new_version

    def service_kwargs(self, form) -> dict:
        return {"position": self.object}

    def get_success_message(self, result) -> str:
        return _("Version %(v)s started as a draft.") % {"v": result.version}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class DossierListView(UnitScopedMixin, TemplateView):
    template_name = "positions/dossier_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossiers = (self.scope.filter(PositionDossier.objects.all(), "unit")
                    .select_related("unit").annotate(positions=Count("descriptions")))
        context.update(dossiers=dossiers, form=forms.DossierForm(scope=self.manage_scope),
                       can_manage=bool(self.manage_scope))
        return context


class DossierCreateView(ObjectEditView):
    """The form sits on the dossier list: its errors go back there as a message."""

    model = PositionDossier
    form_class = forms.DossierForm
    form_scope = True
    template_name = "positions/dossier_list.html"
    service = services.dossier_create
    success_message = ""

    def form_invalid(self, form):
        refused = form.non_field_errors()  # the service's refusal, e.g. no draft to submit
        messages.error(self.request,
                       " ".join(refused) if refused else _("Choose a unit and a title."))
        return redirect("positions:dossier_list")


class DossierDetailView(ObjectEditView):
    """A dossier, its positions, the ND 361 deadlines, and the next step (unit HR submits;
    provincial HR appraises, approves or returns it)."""

    model = PositionDossier
    template_name = "positions/dossier_detail.html"
    form_class = forms.TransitionForm
    service = services.dossier_transition
    success_message = gettext_lazy("Dossier updated.")
    # Everyone who sees the dossier sees this page; each step is allowed by allowed_actions().
    manage = False

    def get_queryset(self):
        return PositionDossier.objects.select_related("unit")

    def get_initial(self):
        return {"on": timezone.localdate()}

    def allowed_actions(self) -> list[str]:
        user, status = self.request.user, self.object.status
        unit_manager = self.manage_scope.contains(self.object.unit)
        reviewer = user.has_perm("positions.change_positiondossier")
        actions = []
        if status == PositionDossier.Status.DRAFT and unit_manager:
            actions.append("submit")
        if status == PositionDossier.Status.SUBMITTED and reviewer:
            actions += ["appraise", "return"]
        if status == PositionDossier.Status.APPRAISED and reviewer:
            actions.append("approve")
        return actions

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        schedule = selectors.dossier_schedule(self.object, today=today)
        descriptions = self.object.descriptions.select_related("position__rank").annotate(
            lines=Count("requirements"))
        return super().get_context_data(
            dossier=self.object, actions=self.allowed_actions(), deadlines=schedule.deadlines,
            overdue=schedule.overdue, today=today, descriptions=list(descriptions), **kwargs)

    def service_kwargs(self, form) -> dict:
        action = self.request.POST.get("action", "")
        if action not in self.allowed_actions():
            raise PermissionDenied
        return {**form.cleaned_data, "dossier": self.object, "action": action}


class QuotaListView(ObjectEditView):
    """Staffing quotas per unit, year and category; provincial HR sets them."""

    model = StaffingQuota
    template_name = "positions/quota_list.html"
    form_class = forms.QuotaForm
    service = services.quota_set
    success_message = gettext_lazy("Quota saved.")
    # A list every reader of the units sees; the form is for who holds add_staffingquota, on the
    # units they see (provincial HR sets the quotas of the units below it).
    manage = False

    def year(self) -> int:
        raw = self.request.GET.get("year", "")
        return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_initial(self):
        return {"year": self.year()}

    def get_context_data(self, **kwargs):
        quotas = self.scope.filter(StaffingQuota.objects.filter(year=self.year()), "unit") \
            .select_related("unit")
        return super().get_context_data(
            quotas=quotas.order_by("unit__path", "category"), year=self.year(),
            can_set=self.request.user.has_perm("positions.add_staffingquota"), **kwargs)

    def perform(self, form):
        if not self.request.user.has_perm("positions.add_staffingquota"):
            raise PermissionDenied
        return super().perform(form)

    def get_success_url(self) -> str:
        return f"{self.request.path}?year={self.result.year}"


class CatalogueView(StaffRequiredMixin, TemplateView):
    """Ranks with their salary coefficients, leadership titles and the competency catalogue."""

    template_name = "positions/catalogue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coefficients: dict[int, list] = {}
        for row in SalaryCoefficient.objects.order_by("group_id", "step", "valid_from"):
            coefficients.setdefault(row.group_id, []).append(row)
        context.update(ranks=Rank.objects.select_related("salary_group"), coefficients=coefficients,
                       competencies=Competency.objects.prefetch_related("levels"),
                       can_edit=self.request.user.has_perm("positions.change_competency"))
        return context


class CatalogueEditMixin:
    """Catalogue rows (competencies, rank ratio caps) belong to no unit: the model permission is
    the guard, any staff member may read them, and there is no unit to re-check after the write."""

    unit_field = None
    manage = False
    require_scope = False

    def check_scope(self, result) -> None:
        """Nothing to re-check: the row has no unit."""


class CompetencyEditView(CatalogueEditMixin, ObjectEditView):
    model = Competency
    template_name = "positions/competency_form.html"
    form_class = forms.CompetencyForm
    permission_required = "positions.change_competency"
    service = services.competency_save
    success_message = gettext_lazy("Competency saved.")

    def service_kwargs(self, form) -> dict:
        fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
        # Fresh from the database (the form wrote its values onto its instance): the audit
        # compares against the stored row.
        competency = Competency.objects.get(pk=self.object.pk) if self.object else Competency()
        return {"competency": competency, "descriptors": form.descriptors(),
                "confirmed_levels": form.confirmed_levels(), **fields}

    def get_success_url(self) -> str:
        return reverse("positions:catalogue")


class PositionExportView(UnitScopedMixin, View):
    """The positions of the user's units (or of ?unit=) with descriptions and frameworks, as
    .xlsx."""

    def get(self, request):
        from django.http import HttpResponse

        from positions.exporters import positions_xlsx

        positions = self.scope.filter(JobPosition.objects.filter(valid_to__isnull=True), "unit")
        unit_id = request.GET.get("unit", "")
        if unit_id.isdigit():
            unit = self.scope.units().filter(pk=int(unit_id)).first()
            if unit is not None:
                positions = positions.filter(unit__path__startswith=unit.path)
        response = HttpResponse(
            positions_xlsx(positions.order_by("unit__path", "code")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="vi-tri-viec-lam.xlsx"'
        return response


class RatioCapView(CatalogueEditMixin, ObjectEditView):
    """Caps on the share of a rank level per kind of unit; provincial HR sets them."""

    model = RankRatioCap
    template_name = "positions/ratio_caps.html"
    form_class = forms.RatioCapForm
    service = services.ratio_cap_set
    success_message = gettext_lazy("Cap saved.")

    def get_context_data(self, **kwargs):
        can_set = self.request.user.has_perm("positions.add_rankratiocap")
        return super().get_context_data(caps=RankRatioCap.objects.all(), can_set=can_set, **kwargs)

    def perform(self, form):
        if not self.request.user.has_perm("positions.add_rankratiocap"):
            raise PermissionDenied
        return super().perform(form)

    def get_success_url(self) -> str:
        return reverse("positions:ratio_caps")
