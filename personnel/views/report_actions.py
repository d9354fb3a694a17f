"""What an office does from the retirement and raises-due pages: the .xlsx of exactly what is on
screen (same filters, same rows), a print view, the retirement notices and decisions of one or
several people as printable documents, and step raises decided for several people at once."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.dates import parse_date
from core.views.generic import UnitScopedMixin
from personnel.documents import DOCUMENTS, DocumentHeader, retirement_documents
from personnel.models import CareerEvent, CivilServant
from personnel.report_exports import raises_sheets, retirement_sheets, workbook_bytes
from personnel.services.raises import RaiseChoice, RaisesRefused, raises_record
from personnel.services.retirement import NoticesRefused, retirement_notices_record
from personnel.services.servants import Decision
from personnel.views.reports import RaisesFilterMixin, RetirementFilterMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _day(raw: str) -> date | None:
    try:
        return parse_date(raw).value if raw.strip() else None
    except ValueError:
        return None


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


# --- retirement -----------------------------------------------------------------------------------------

class RetirementExportView(RetirementFilterMixin, View):
    """The retirement page's tables as .xlsx, with its filters."""

    def get(self, request):
        data = self.retirement_data()
        title = _("Retirement forecast %(first)s–%(last)s, as of %(today)s") % {
            "first": data["first_year"], "last": data["first_year"] + data["years"] - 1,
            "today": f"{data['today']:%d/%m/%Y}"}
        return _xlsx(workbook_bytes(title, retirement_sheets(data)), f"nghi-huu-{data['today']:%Y%m%d}.xlsx")


class RetirementPrintView(RetirementFilterMixin, TemplateView):
    """The retirement page's lists on paper."""

    template_name = "personnel/retirement_print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.retirement_data(), **kwargs)


class RetirementDocumentsMixin(UnitScopedMixin):
    """The notice or the decision of people the user manages: 404 for anyone outside the units
    they manage (403 when they manage none), so a document is never filled from another's record."""

    template_name = "personnel/retirement_document.html"

    def people(self, ids: list[int]) -> list[CivilServant]:
        if not self.manage_scope:
            raise PermissionDenied
        people = list(self.manage_scope.filter(CivilServant.objects.filter(pk__in=ids), "unit")
                      .select_related("unit", "rank"))
        if not ids or len(people) != len(ids):
            raise Http404
        return people

    def header(self) -> DocumentHeader:
        get = self.request.GET
        return DocumentHeader(number=get.get("number", "").strip()[:100], place=get.get("place", "").strip()[:100],
                              day=_day(get.get("date", "")), signer=get.get("signer", "").strip()[:150],
                              signer_title=get.get("signer_title", "").strip()[:150])

    def render_documents(self, kind: str, ids: list[int]):
        if kind not in DOCUMENTS:
            raise Http404
        documents = retirement_documents(self.people(ids), self.header())
        return self.render_to_response(self.get_context_data(documents=documents, kind=kind, code=DOCUMENTS[kind]))


class RetirementDocumentView(RetirementDocumentsMixin, TemplateView):
    """One person's retirement notice or decision."""

    def get(self, request, pk: int, kind: str):
        return self.render_documents(kind, [pk])


class RetirementDocumentsView(RetirementDocumentsMixin, TemplateView):
    """The notices or decisions of the people ticked on the retirement page, one page each."""

    def get(self, request):
        return self.render_documents(request.GET.get("doc", ""), _ids(request.GET.getlist("ids")))


class RetirementNoticesRecordView(UnitScopedMixin, View):
    """POST the people of printed notices (``ids``) with the notice's number, date and signer:
    every notice recorded in the people's history, or none."""

    http_method_names = ["post"]

    def post(self, request):
        if not self.manage_scope:
            raise PermissionDenied
        ids = _ids(request.POST.getlist("ids"))
        if self.manage_scope.filter(CivilServant.objects.filter(pk__in=ids), "unit").count() != len(ids):
            raise Http404
        decision = Decision(number=request.POST.get("number", "").strip()[:100],
                            decided_on=_day(request.POST.get("date", "")),
                            signer=request.POST.get("signer", "").strip()[:150])
        try:
            events = retirement_notices_record(actor=request.user, scope=self.manage_scope, servant_ids=ids,
                                               decision=decision)
        except NoticesRefused as refused:
            messages.error(request, _("No notice was recorded:") + " " + "; ".join(
                f"{name}: {reason}" if name else reason for name, reason in refused.errors))
        else:
            messages.success(request, _("%(n)s retirement notices recorded.") % {"n": len(events)})
        return redirect("personnel:retirement")


# --- step raises ----------------------------------------------------------------------------------------

class RaisesExportView(RaisesFilterMixin, View):
    """The raises-due page's rows as .xlsx, with its filters."""

    def get(self, request):
        data = self.raises_data()
        title = _("Step raises due from %(a)s to %(b)s") % {"a": f"{data['first']:%d/%m/%Y}",
                                                            "b": f"{data['last']:%d/%m/%Y}"}
        return _xlsx(workbook_bytes(title, raises_sheets(data)), f"nang-bac-luong-{data['first']:%Y%m}.xlsx")


class RaisesPrintView(RaisesFilterMixin, TemplateView):
    template_name = "personnel/raises_print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.raises_data(), **kwargs)


class RaisesDecideView(UnitScopedMixin, View):
    """POST the ticked people (``ids``, each with ``due_<id>`` = "step:YYYY-MM-DD" as the page showed
    it) and one decision (number, date, signer): every raise recorded, or none."""

    http_method_names = ["post"]

    def post(self, request):
        if not self.manage_scope:
            raise PermissionDenied
        post = request.POST
        ids = _ids(post.getlist("ids"))
        if self.manage_scope.filter(CivilServant.objects.filter(pk__in=ids), "unit").count() != len(ids):
            raise Http404
        decision = Decision(number=post.get("decision_number", "").strip()[:100], decided_on=_day(
            post.get("decision_date", "")), signer=post.get("signer", "").strip()[:150])
        back = post.get("next", "")
        back = back if back.startswith(reverse("personnel:raises")) else reverse("personnel:raises")
        try:
            records = raises_record(actor=request.user, scope=self.manage_scope, decision=decision,
                                    choices=[_choice(pk, post.get(f"due_{pk}", "")) for pk in ids])
        except RaisesRefused as refused:
            messages.error(request, _("Nobody was raised:") + " " + "; ".join(
                f"{name}: {reason}" if name else reason for name, reason in refused.errors))
            return redirect(back)
        messages.success(request, _("%(n)s step raises recorded under decision %(number)s.") % {
            "n": len(records), "number": decision.number})
        return redirect(f"{reverse('personnel:raises_decision')}?number={decision.number}")


def _choice(pk: int, raw: str) -> RaiseChoice:
    step, _sep, day = raw.partition(":")
    try:
        due = date.fromisoformat(day)
    except ValueError:
        due = date.min
    return RaiseChoice(pk, int(step) if step.isdigit() else None, due)


class RaisesDecisionView(UnitScopedMixin, TemplateView):
    """The printable list attached to a raise decision: everyone raised under ``?number=``."""

    template_name = "personnel/raises_decision.html"

    def get_context_data(self, **kwargs):
        number = self.request.GET.get("number", "").strip()
        events = CareerEvent.objects.none()
        if number:
            events = self.scope.filter(CareerEvent.objects.filter(
                decision_number=number, kind__in=[CareerEvent.Kind.SALARY_STEP, CareerEvent.Kind.RANK_CHANGED],
                corrections__isnull=True), "servant__unit").select_related("servant__unit", "servant__rank") \
                .prefetch_related("salary_records__rank").order_by("servant__sort_key", "pk")
        events = list(events)
        first = events[0] if events else None
        return super().get_context_data(number=number, events=events, decision=first,
                                        today=timezone.localdate(), **kwargs)
