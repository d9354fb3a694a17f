"""The Ministry's report on the number and quality of staff (personnel.ministry_reports): the form,
the unit (within the reader's units) and the date, a preview of the table and the .xlsx download."""
from django.contrib import messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.dates import parse_date
from core.forms import unit_choices
from core.models import AccessRecord, OrgUnit
from core.services.access_log import access_record
from core.views.generic import UnitScopedMixin
from personnel.ministry_reports import FORMS, ministry_report
from personnel.ministry_xlsx import ministry_report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MinistryReportView(UnitScopedMixin, TemplateView):
    template_name = "personnel/ministry_report.html"

    def _params(self):
        query = self.request.GET
        units = self.scope.units()
        chosen = query.get("unit", "")
        unit = units.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        unit = unit or unit_choices(self.scope).first()
        on = timezone.localdate()
        if query.get("on"):
            try:
                on = parse_date(query["on"]).value
            except ValueError:
                messages.warning(self.request, _("Not a date; showing today."))
        form = query.get("form", "")
        if form not in FORMS:
            form = "BM02" if unit is not None and unit.kind == OrgUnit.Kind.COMMUNE else "BM01"
        return form, unit, on

    def get(self, request, *args, **kwargs):
        form, unit, on = self._params()
        report = ministry_report(scope=self.scope, form=form, root=unit, on=on) if unit else None
        if report is not None and request.GET.get("download") == "xlsx":
            access_record(actor=request.user, action=AccessRecord.Action.EXPORT,
                          count=report.total.counts["total"],
                          filters={"report": form, "unit": unit.pk, "on": on.isoformat()},
                          request=request)
            response = HttpResponse(ministry_report_xlsx(report), content_type=XLSX)
            response["Content-Disposition"] = (f'attachment; filename="{form.lower()}-{unit.code}-'
                                               f'{on:%Y%m%d}.xlsx"')
            return response
        context = self.get_context_data(report=report, form_key=form, unit=unit, on=on, forms=FORMS,
                                        units=unit_choices(self.scope))
        if report is not None:
            keys = ["total", *(c.key for c in report.form.columns)]
            context.update(labels=[_("Total"), *(c.label for c in report.form.columns)],
                           table=[(row, [row.counts[k] for k in keys]) for row in report.rows],
                           totals=[report.total.counts[k] for k in keys])
        return self.render_to_response(context)
