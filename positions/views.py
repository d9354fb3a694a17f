"""Pages of job positions, their descriptions and frameworks, approval dossiers, quotas and the
catalogues. Positions are scoped by their unit like everything else."""
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import unit_choices
from core.text import unaccent
from core.views.generic import ManagedUnitFormMixin, StaffRequiredMixin, UnitScopedMixin
from core.views.units import form_errors_from
from positions import forms, services
from positions.models import (
    Competency,
    JobDescription,
    JobPosition,
    PositionDossier,
    Rank,
    SalaryCoefficient,
    StaffingQuota,
)


class PositionScopedMixin(UnitScopedMixin):
    manage = False

    @cached_property
    def position(self) -> JobPosition:
        return self.get_scoped_object(JobPosition.objects.select_related("unit", "rank", "leadership_title"),
                                      manage=self.manage, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False) and self.scope:
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
        # ``holders`` is the reverse side of CivilServant.job_position (personnel builds on positions).
        positions = positions.select_related("unit", "rank").annotate(
            holding=Count("holders", filter=Q(holders__status="active"))).order_by("unit__path", "code")
        page = Paginator(positions, 50).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, units=unit_choices(self.scope), unit=unit, query=query, group=group,
                       groups=JobPosition.Group.choices, can_manage=bool(self.manage_scope))
        return context


class PositionCreateView(ManagedUnitFormMixin, FormView):
    template_name = "positions/position_form.html"
    form_class = forms.PositionForm

    def get_initial(self):
        unit = self.manage_scope.units().filter(pk=self.request.GET.get("unit") or 0).first()
        return {"unit": unit} if unit else {}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if not self.manage_scope.contains(data["unit"]):
            raise PermissionDenied
        try:
            position = services.position_create(actor=self.request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Position %(code)s created.") % {"code": position.code})
        return redirect(position)


class PositionUpdateView(PositionScopedMixin, FormView):
    template_name = "positions/position_form.html"
    form_class = forms.PositionForm
    manage = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.manage_scope, "editing": True}

    def get_initial(self):
        return {f: getattr(self.position, f) for f in services.POSITION_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.position, **kwargs)

    def form_valid(self, form):
        try:
            services.position_update(actor=self.request.user, position=self.position, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.position)


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


class DescriptionMixin(PositionScopedMixin):
    manage = True

    @cached_property
    def draft(self) -> JobDescription:
        latest = services.latest_description(self.position)
        if latest is None or latest.is_frozen:
            raise PermissionDenied(_("The current version is frozen; start a new version first."))
        return latest

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.position, description=self.draft, **kwargs)


class DescriptionUpdateView(DescriptionMixin, FormView):
    template_name = "positions/description_form.html"
    form_class = forms.DescriptionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": JobDescription.objects.get(pk=self.draft.pk)}

    def form_valid(self, form):
        services.description_update(actor=self.request.user, description=self.draft,
                                    **{f: form.cleaned_data[f] for f in JobDescription.TEXT_FIELDS})
        messages.success(self.request, _("Job description saved."))
        return redirect(self.position)


class FrameworkUpdateView(DescriptionMixin, FormView):
    template_name = "positions/framework_form.html"
    form_class = forms.FrameworkForm

    def get_form_kwargs(self):
        current = {r.competency_id: r.level for r in self.draft.requirements.all()}
        return {**super().get_form_kwargs(), "competencies": Competency.objects.filter(active=True),
                "current": current}

    def form_valid(self, form):
        services.framework_set(actor=self.request.user, description=self.draft, levels=form.levels())
        messages.success(self.request, _("Competency framework saved."))
        return redirect(self.position)


class DescriptionNewVersionView(PositionScopedMixin, View):
    http_method_names = ["post"]
    manage = True

    def post(self, request, pk):
        draft = services.description_new_version(actor=request.user, position=self.position)
        messages.success(request, _("Version %(v)s started as a draft.") % {"v": draft.version})
        return redirect(self.position)


class DossierListView(UnitScopedMixin, TemplateView):
    template_name = "positions/dossier_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossiers = self.scope.filter(PositionDossier.objects.all(), "unit").select_related("unit").annotate(
            positions=Count("descriptions"))
        context.update(dossiers=dossiers, form=forms.DossierForm(scope=self.manage_scope),
                       can_manage=bool(self.manage_scope))
        return context


class DossierCreateView(ManagedUnitFormMixin, FormView):
    form_class = forms.DossierForm
    template_name = "positions/dossier_list.html"

    def form_valid(self, form):
        try:
            dossier = services.dossier_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("positions:dossier_list")
        return redirect(dossier)

    def form_invalid(self, form):
        messages.error(self.request, _("Choose a unit and a title."))
        return redirect("positions:dossier_list")


class DossierDetailView(UnitScopedMixin, FormView):
    """A dossier, its positions, the ND 361 deadlines, and the next step (unit HR submits; provincial
    HR appraises, approves or returns it)."""

    template_name = "positions/dossier_detail.html"
    form_class = forms.TransitionForm

    @cached_property
    def dossier(self) -> PositionDossier:
        return self.get_scoped_object(PositionDossier.objects.select_related("unit"), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"on": timezone.localdate()}

    def allowed_actions(self) -> list[str]:
        user, status = self.request.user, self.dossier.status
        unit_manager = self.manage_scope.contains(self.dossier.unit)
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
        context = super().get_context_data(**kwargs)
        context.update(dossier=self.dossier, actions=self.allowed_actions(),
                       deadlines=services.dossier_deadlines(self.dossier), today=timezone.localdate(),
                       descriptions=list(self.dossier.descriptions.select_related("position__rank").annotate(
                           lines=Count("requirements"))))
        return context

    def form_valid(self, form):
        action = self.request.POST.get("action", "")
        if action not in self.allowed_actions():
            raise PermissionDenied
        data = form.cleaned_data
        try:
            services.dossier_transition(actor=self.request.user, dossier=self.dossier, action=action, on=data["on"],
                                        note=data.get("note", ""), decision_number=data.get("decision_number", ""),
                                        decision_date=data.get("decision_date"), signer=data.get("signer", ""))
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Dossier updated."))
        return redirect(self.dossier)


class QuotaListView(UnitScopedMixin, FormView):
    """Staffing quotas per unit, year and category; provincial HR sets them."""

    template_name = "positions/quota_list.html"
    form_class = forms.QuotaForm

    def year(self) -> int:
        raw = self.request.GET.get("year", "")
        return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_initial(self):
        return {"year": self.year()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quotas = self.scope.filter(StaffingQuota.objects.filter(year=self.year()), "unit").select_related("unit")
        context.update(quotas=quotas.order_by("unit__path", "category"), year=self.year(),
                       can_set=self.request.user.has_perm("positions.add_staffingquota"))
        return context

    def form_valid(self, form):
        if not self.request.user.has_perm("positions.add_staffingquota"):
            raise PermissionDenied
        data = form.cleaned_data
        services.quota_set(actor=self.request.user, **data)
        messages.success(self.request, _("Quota saved."))
        return redirect(f"{self.request.path}?year={data['year']}")


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


class CompetencyEditView(StaffRequiredMixin, FormView):
    template_name = "positions/competency_form.html"
    form_class = forms.CompetencyForm
    permission_required = "positions.change_competency"

    def get_object(self) -> Competency:
        return get_object_or_404(Competency, pk=self.kwargs["pk"]) if "pk" in self.kwargs else Competency()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def form_valid(self, form):
        fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
        competency = self.get_object()  # fresh from the database: the audit compares against it
        services.competency_save(actor=self.request.user, competency=competency, descriptors=form.descriptors(),
                                 confirmed_levels=form.confirmed_levels(), **fields)
        messages.success(self.request, _("Competency saved."))
        return redirect("positions:catalogue")


class PositionExportView(UnitScopedMixin, View):
    """The positions of the user's units (or of ?unit=) with descriptions and frameworks, as .xlsx."""

    def get(self, request):
        from django.http import HttpResponse

        from positions.exporters import positions_xlsx

        positions = self.scope.filter(JobPosition.objects.filter(valid_to__isnull=True), "unit")
        unit_id = request.GET.get("unit", "")
        if unit_id.isdigit():
            unit = self.scope.units().filter(pk=int(unit_id)).first()
            if unit is not None:
                positions = positions.filter(unit__path__startswith=unit.path)
        response = HttpResponse(positions_xlsx(positions.order_by("unit__path", "code")),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="vi-tri-viec-lam.xlsx"'
        return response


class RatioCapView(StaffRequiredMixin, FormView):
    """Caps on the share of a rank level per kind of unit; provincial HR sets them."""

    template_name = "positions/ratio_caps.html"
    form_class = forms.RatioCapForm

    def get_context_data(self, **kwargs):
        from positions.models import RankRatioCap

        return super().get_context_data(caps=RankRatioCap.objects.all(),
                                        can_set=self.request.user.has_perm("positions.add_rankratiocap"), **kwargs)

    def form_valid(self, form):
        if not self.request.user.has_perm("positions.add_rankratiocap"):
            raise PermissionDenied
        services.ratio_cap_set(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Cap saved."))
        return redirect("positions:ratio_caps")
