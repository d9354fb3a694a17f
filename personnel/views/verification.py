"""Verification of records by the HR level above, and the readiness of a unit's records for the
national CBCCVC database (ND 27/2026): counts, the people to fix with what is missing, a
download."""
from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.exporting import xlsx_bytes
from core.models import AccessRecord
from core.services.access_log import access_record
from core.views.edit import ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin
from personnel.forms import ReadinessFilterForm
from personnel.models import CivilServant, Verification
from personnel.readiness import readiness, readiness_rows
from personnel.services.verification import may_verify, servant_verify, servants_verify

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ServantVerifyView(ObjectActionView):
    """The HR level above verifies a record (personnel.services.verification.verifying_unit)."""

    model = CivilServant
    service = servant_verify
    object_kwarg = "servant"
    action_label = gettext_lazy("Verify")
    success_message = gettext_lazy("Record verified.")

    def get_queryset(self):
        return CivilServant.objects.select_related("unit")

    def check_object(self, obj) -> None:
        if not may_verify(self.request.user, obj):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        intro = _("You confirm that the key fields of this record match its documents.")
        return super().get_context_data(intro=intro, **kwargs)


class ReadinessMixin(UnitScopedMixin):
    @cached_property
    def form(self) -> ReadinessFilterForm:
        return ReadinessFilterForm(self.request.GET or None, scope=self.scope)

    @cached_property
    def data(self):
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return readiness(scope=self.scope, unit=filters.get("unit"),
                         show=filters.get("show") or "todo", today=timezone.localdate())


class ReadinessView(ReadinessMixin, TemplateView):
    """How many records of a unit subtree are complete, valid and verified, and the people to
    fix."""

    template_name = "personnel/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.data
        paginator = Paginator(data.people, PAGE_SIZE)
        paginator.count = data.listed  # known from the counts: no second pass over every check
        page = paginator.get_page(self.request.GET.get("page"))
        rows = readiness_rows(page.object_list, data.checks)
        ancestors = data.ancestors_of([row["servant"] for row in rows])
        for row in rows:
            row["can_verify"] = row["servant"].verification != "verified" and \
                may_verify(self.request.user, row["servant"], ancestors)
        export_query = self.request.GET.copy()
        export_query.pop("page", None)
        context.update(form=self.form, counts=data.counts, page_obj=page, rows=rows,
                       any_verifiable=any(row["can_verify"] for row in rows),
                       export_query=export_query.urlencode())
        return context


class ReadinessExportView(ReadinessMixin, View):
    """The same people as the page (every page), with what each lacks, as .xlsx."""

    def get(self, request):
        data = self.data
        headers = [_("Employee code"), _("Full name"), _("Unit"), _("Verification"),
                   _("Verified by"), _("Verified at"), _("Missing"), _("Invalid")]
        lines = []
        for row in readiness_rows(data.people.iterator(chunk_size=2000), data.checks):
            servant = row["servant"]
            lines.append([
                servant.code, servant.full_name, servant.unit.name,
                _("Verified") if servant.verification == Verification.VERIFIED
                else _("Not verified"),
                servant.verified_by.get_full_name() if servant.verified_by else "",
                timezone.localtime(servant.verified_at).date() if servant.verified_at else None,
                ", ".join(p["label"] for p in row["missing"]),
                "; ".join(f"{p['label']}: {p['message']}" for p in row["invalid"])])
        access_record(actor=request.user, action=AccessRecord.Action.EXPORT, count=len(lines),
                      filters={"report": "readiness", "unit": getattr(data.unit, "code", "")},
                      request=request)
        content = xlsx_bytes(headers, lines, sheet_name=_("Readiness"),
                             widths=[14, 28, 36, 14, 24, 12, 50, 50])
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="san-sang-csdl-quoc-gia.xlsx"'
        return response


class ReadinessVerifyView(ObjectEditView):
    """Verify the selected people at once (only those the user may verify are; the others are
    skipped, as the page offers the box only beside people the user may verify)."""

    model = CivilServant
    form_class = django_forms.Form  # the page's own fields: ``servant`` ticked per row
    http_method_names = ["post"]
    service = servants_verify
    manage = False  # the HR level above verifies the records of units it sees

    def people(self) -> list[CivilServant]:
        ids = [int(v) for v in self.request.POST.getlist("servant") if v.isdigit()]
        people = self.scope.filter(CivilServant.objects.filter(pk__in=ids))
        return list(people.select_related("unit"))

    def perform(self, form):
        people = self.people()
        return servants_verify(actor=self.request.user, servants=people) if people else 0

    def check_scope(self, result) -> None:
        """Verifying changes no unit: the people were taken from the user's scope above."""

    def get_success_message(self, result) -> str:
        return _("%(n)s records verified.") % {"n": result}

    def get_success_url(self) -> str:
        back = self.request.POST.get("next", "")
        # Back to the page the form came from, never elsewhere (an open redirect).
        page = reverse("personnel:readiness")
        return back if back.startswith(page) else page
