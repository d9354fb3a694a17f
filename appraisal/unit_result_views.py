"""Pages of each unit's own result of the year: the list for the units the user sees, and the form
(create or correct) for the units they manage, on core's generic edit view."""
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from appraisal import unit_results
from appraisal.forms import UnitResultForm
from appraisal.models import Level, UnitResult
from core.views.edit import ObjectEditView
from core.views.generic import UnitScopedMixin


def _year(request) -> int:
    value = request.GET.get("year", "")
    return (int(value) if value.isdigit() and 2020 <= int(value) <= 2100
            else timezone.localdate().year)


class UnitResultListView(UnitScopedMixin, TemplateView):
    """The units' results of a year (``?year=``, default this year), with the count per level."""

    template_name = "appraisal/unitresult_list.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        results = list(unit_results.unit_results_of(year, self.scope))
        for result in results:
            result.editable = self.manage_scope.contains(result.unit)
        years = sorted(set(self.scope.filter(UnitResult.objects.all(), "unit").order_by()
                           .values_list("year", flat=True).distinct()) | {year}, reverse=True)
        levels = {row["level"]: row["n"] for row in unit_results.unit_results_of(year, self.scope)
                  .order_by().values("level").annotate(n=Count("pk"))}
        return super().get_context_data(
            year=year, years=years, results=results, can_edit=bool(self.manage_scope),
            levels=[(level, levels.get(level.value, 0)) for level in Level], **kwargs)


class UnitResultEditView(ObjectEditView):
    """Record a unit's result of the year, or correct it (the unit and the year stay)."""

    model = UnitResult
    template_name = "generic/object_form.html"
    form_class = UnitResultForm
    form_scope = True
    object_kwarg = "unit_result"
    service = unit_results.unit_result_record
    success_message = gettext_lazy("Unit result saved: %(object)s.")

    def get_queryset(self):
        return UnitResult.objects.select_related("unit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_initial(self):
        initial = {}
        for name in ("unit", "year"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def service_kwargs(self, form):
        data = super().service_kwargs(form)
        if self.object is not None:
            data.pop("unit", None)
            data.pop("year", None)
        return data

    def get_success_url(self) -> str:
        return reverse("appraisal:unit_results") + f"?year={self.result.year}"

    def get_context_data(self, **kwargs):
        year = self.object.year if self.object else _year(self.request)
        title = (_("Correct the result of %(unit)s, %(year)s")
                 % {"unit": self.object.unit.name, "year": year}
                 if self.object else _("Record a unit's result of the year"))
        return super().get_context_data(title=title,
                                        cancel_url=reverse("appraisal:unit_results")
                                        + f"?year={year}", intro=_(
            "The unit's own appraisal of the year: planned targets, those completed on time and "
            "with quality, those exceeded, and its level. Its leaders' results are tied to it (ND "
            "335/2025 Art 15; ND 90/2020)."), **kwargs)
