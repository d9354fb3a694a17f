"""The year's summary of a cycle as .xlsx, a page action of the board: the same cycle lookup and
the same people as the board (those appraised in the reader's units), the results as the year
stands (appraisal.selectors.year_results)."""
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from appraisal.exporters import export_filename, stream_summary_xlsx
from appraisal.selectors import results_for, visible_cycles
from core.models import AccessRecord
from core.services.access_log import access_record
from core.views.generic import UnitScopedMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CycleExportView(UnitScopedMixin, View):
    """Out of the reader's units: 404, as the board. The export is recorded before the stream
    starts, as the people list's export is (a download cut short has still been read in part)."""

    def get(self, request, pk):
        cycle = get_object_or_404(visible_cycles(self.scope).select_related("unit"), pk=pk)
        computed = results_for(cycle.year, cycle=cycle, scope=self.scope)
        access_record(actor=request.user, action=AccessRecord.Action.EXPORT,
                      count=len(computed.results),
                      filters={"appraisal_cycle": cycle.pk, "year": cycle.year,
                               "unit": cycle.unit.code}, request=request)
        response = StreamingHttpResponse(stream_summary_xlsx(cycle, computed), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(cycle)}"'
        return response
