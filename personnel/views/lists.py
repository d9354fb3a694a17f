from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from core.models import AccessRecord
from core.paging import capped_count, capped_page
from core.services.access_log import access_record
from core.views.generic import HtmxPartialMixin, UnitScopedMixin
from personnel.exporters import export_filename, stream_servants_xlsx
from personnel.forms import ServantFilterForm
from personnel.privacy import FieldPolicy
from personnel.rules.retirement import retirement_of
from personnel.selectors import servant_list

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """Counts at most ``cap`` + 1 matching rows: over a million people an exact COUNT(*) costs
    more than the page itself. Past the cap, ``count`` is the cap (the last page is the cap's)
    and ``capped`` is true, so the page says "more than".

    The page and its count are one statement (issue 17): the page's ids picked from the filtered,
    ordered list (on PostgreSQL read from servant_unit_list_idx alone for a unit subtree), those
    rows read by key, and the capped count as a scalar subquery beside them. Only a page past the
    end (or an empty page after the first) costs a separate count."""

    cap = 10_000
    object_list: QuerySet

    def __init__(self, *args, ordered_count: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Province-wide, the count stops at the cap walking the name-order index (a search would
        # otherwise read every match of the province by trigram first); within a unit subtree it
        # reads the subtree's index in any order (sorting there only costs).
        self.ordered_count = ordered_count

    @cached_property
    def _found(self) -> int:
        return capped_count(self.object_list, self.cap, ordered=self.ordered_count)

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        return self._found > self.cap

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        rows = self._rows(number)
        found = getattr(rows[0], "found_in_list", None) if rows else (0 if number == 1 else None)
        if found is not None:
            self.__dict__.setdefault("_found", found)
        if number > self.num_pages:
            number = self.num_pages
            rows = self._rows(number)
        return self._get_page(rows, number, self)

    def _rows(self, number: int) -> list:
        # Each row carries the capped count as ``found_in_list`` (read by get_page).
        return capped_page(self.object_list, start=(number - 1) * self.per_page,
                           size=self.per_page, cap=self.cap, ordered=self.ordered_count)[0]


class ServantListView(HtmxPartialMixin, UnitScopedMixin, TemplateView):
    """The people of the user's units: paged, filtered, searched without diacritics, in Vietnamese
    name order; "as of" a past date reads the assignments of that day."""

    template_name = "personnel/servant_list.html"
    partial_template_name = "personnel/servant_table_partial.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ServantFilterForm(self.request.GET or None, scope=self.scope)
        filters = form.filters()
        people = servant_list(scope=self.scope, filters=filters,
                              policy=FieldPolicy(self.scope, self.manage_scope))
        paginator = CappedPaginator(people, PAGE_SIZE,
                                    ordered_count=self.scope.everything and filters.unit is None)
        page = paginator.get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        rows = [{"servant": s, "retirement": retirement_of(s.date_of_birth, s.sex).retirement_date
                 if s.status == s.Status.ACTIVE else None} for s in page.object_list]
        self._record(filters, paginator, [row["servant"] for row in rows])
        # The export takes the same filters (not the page): the partial swaps the link out of band.
        export_query = self.request.GET.copy()
        export_query.pop("page", None)
        context.update(form=form, filters=filters, page_obj=page, rows=rows, today=today,
                       can_manage=bool(self.manage_scope), export_query=export_query.urlencode(),
                       export_oob=self.get_template_names() == [self.partial_template_name])
        return context

    def _record(self, filters, paginator, shown: list) -> None:
        # Every search is recorded, even one that found no one (a run of them probes a number);
        # a list is recorded when it shows people. The list carries no sensitive field.
        if filters.q or shown:
            action = AccessRecord.Action.SEARCH if filters.q else AccessRecord.Action.LIST
            access_record(actor=self.request.user, action=action, subjects=shown,
                          filters=filters.as_record(), count=paginator.count, request=self.request)


class ServantExportView(UnitScopedMixin, View):
    """The filtered list as .xlsx, streamed with flat memory; formulas neutralised; sensitive
    columns as the field policy allows."""

    def get(self, request):
        form = ServantFilterForm(request.GET or None, scope=self.scope)
        filters = form.filters()
        policy = FieldPolicy(self.scope, self.manage_scope)
        people = servant_list(scope=self.scope, filters=filters, policy=policy)
        # Recorded before the stream starts: a download cut short has still been read in part.
        access_record(actor=request.user, action=AccessRecord.Action.EXPORT,
                      filters=filters.as_record(), count=people.count(),
                      sensitive=people.filter(sees_private=True).exists(), request=request)
        response = StreamingHttpResponse(
            stream_servants_xlsx(people),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
        return response
