from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core import audit
from core.dates import parse_date
from core.forms import DissolveForm, ReorganizeForm, UnitForm
from core.models import OrgUnit, UnitChange
from core.selectors import flatten, tree_columns, unit_totals, unit_tree
from core.services.units import UnitSpec, unit_create, unit_dissolve, unit_update, units_reorganize
from core.views.edit import (  # noqa: F401 - other apps import it here
    ObjectEditView,
    form_errors_from,
)
from core.views.generic import HtmxPartialMixin, UnitScopedMixin


def as_of_date(request) -> date:
    """The ?on= date of a page (dd/mm/yyyy or ISO); today when absent or unreadable."""
    raw = request.GET.get("on", "").strip()
    if raw:
        try:
            return parse_date(raw).value
        except ValueError:
            messages.warning(request,
                             _("“%(value)s” is not a date; showing today.") % {"value": raw})
    return timezone.localdate()


class UnitListView(HtmxPartialMixin, UnitScopedMixin, TemplateView):
    """The unit tree as of a date, searchable without diacritics, with sub-unit counts."""

    template_name = "core/unit_list.html"
    partial_template_name = "core/unit_tree_partial.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = as_of_date(self.request)
        query = self.request.GET.get("q", "").strip()
        nodes = flatten(unit_tree(scope=self.scope, on=on, query=query))
        context.update(on=on, query=query, nodes=nodes, matches=sum(1 for n in nodes if n.match),
                       extra_columns=tree_columns(nodes, scope=self.scope, on=on),
                       can_add=bool(self.manage_scope),
                       can_reorganize=self.request.user.has_perm("core.reorganize_units"))
        return context


class UnitDetailView(UnitScopedMixin, TemplateView):
    template_name = "core/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.get_scoped_object(self.scope.units().select_related("parent"), unit_field=None,
                                      pk=kwargs["pk"])
        today = timezone.localdate()
        changes = (UnitChange.objects.filter(predecessors=unit)
                   | UnitChange.objects.filter(successors=unit))
        context.update(
            unit=unit,
            ancestors=[(a, self.scope.contains(a)) for a in
                       OrgUnit.objects.filter(pk__in=unit.ancestor_ids()[:-1]).order_by("depth")],
            parent_visible=unit.parent is not None and self.scope.contains(unit.parent),
            children=list(unit.children.active_on(today).order_by("sort_order", "name")),
            former_children=list(
                unit.children.exclude(pk__in=unit.children.active_on(today)).order_by("-valid_to")),
            changes=list(changes.distinct().prefetch_related("predecessors", "successors")
                         .order_by("-effective_date")),
            history=audit.for_display(audit.history_for(unit)[:50], self.manage_scope),
            totals=unit_totals(unit, scope=self.scope, on=today),
            can_edit=self.manage_scope.contains(unit) and unit.is_open,
            can_reorganize=self.request.user.has_perm("core.reorganize_units") and unit.is_open,
        )
        return context


class UnitCreateView(ObjectEditView):
    template_name = "core/unit_form.html"
    form_class = UnitForm
    form_scope = True
    model = OrgUnit
    unit_field = None
    service = unit_create

    def get_initial(self):
        initial = super().get_initial()
        parent_pk = self.request.GET.get("parent") or 0
        parent = self.manage_scope.units().open().filter(pk=parent_pk).first()
        if parent is not None:
            initial.update(parent=parent, sector=parent.sector)
        return initial

    def service_kwargs(self, form):
        if form.cleaned_data.get("parent") is None and not self.manage_scope.everything:
            # a new top-level unit is for those who manage the whole province
            raise PermissionDenied
        return super().service_kwargs(form)

    def get_success_message(self, result):
        return _("Unit %(name)s created.") % {"name": result.name}


class UnitUpdateView(ObjectEditView):
    template_name = "core/unit_form.html"
    form_class = UnitForm
    form_scope = True
    unit_field = None
    object_kwarg = "unit"
    service = unit_update
    success_message = gettext_lazy("Changes saved.")

    def get_queryset(self):
        return self.scope.units()

    def check_object(self, unit):
        if not unit.is_open:
            raise PermissionDenied  # a dissolved unit is history: reorganise instead

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in ("code", "name", "short_name", "kind", "sector",
                                                      "province_class", "valid_from", "decision",
                                                      "sort_order")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.object, **kwargs)


class UnitReorganizeView(ObjectEditView):
    """Merge, split or move units from a date, under a decision (provincial HR)."""

    template_name = "core/unit_reorganize.html"
    form_class = ReorganizeForm
    form_scope = True
    permission_required = "core.reorganize_units"
    unit_field = None
    service = units_reorganize

    def get_initial(self):
        selected = self.request.GET.getlist("unit")
        open_units = self.manage_scope.units().open()
        return {"predecessors": open_units.filter(pk__in=[s for s in selected if s.isdigit()])}

    def service_kwargs(self, form) -> dict:
        data = dict(form.cleaned_data)
        predecessors = self.predecessors = list(data["predecessors"])
        parent = data.pop("parent") or predecessors[0].parent
        first = predecessors[0]
        # The new units take the kind, sector and class of the first unit before (the form names
        # only codes and names); the sub-units are carried over by the service.
        data["successors"] = [UnitSpec(code=code, name=name, kind=first.kind, sector=first.sector,
                                       parent=parent, province_class=first.province_class)
                              for code, name in data["successors"]]
        return {**data, "predecessors": predecessors}

    def scope_targets(self, result) -> list[OrgUnit]:
        return list(result.successors)  # the new units must lie in the units the user manages

    def get_success_message(self, result) -> str:
        return _("Reorganisation recorded: %(count)s sub-units carried over.") \
            % {"count": len(result.moved) - len(self.predecessors)}

    def get_success_url(self) -> str:
        return self.result.successors[0].get_absolute_url()


class UnitDissolveView(ObjectEditView):
    template_name = "core/unit_dissolve.html"
    form_class = DissolveForm
    permission_required = "core.reorganize_units"
    unit_field = None
    object_kwarg = "unit"
    service = unit_dissolve

    def get_queryset(self):
        return self.scope.units().open()

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.object, **kwargs)

    def get_success_message(self, result):
        return _("%(name)s is dissolved.") % {"name": self.object.name}
