"""What an office does from the retirement and raises-due pages: the .xlsx of exactly what is on
screen (same filters, same rows), a print view, the retirement notices and decisions of one or
several people as printable documents, and step raises decided for several people at once."""
from datetime import date
from functools import cached_property

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.dates import parse_date
from core.models import AccessRecord
from core.services.access_log import access_record
from core.views.edit import ObjectEditView, OutOfScope
from core.views.generic import UnitScopedMixin
from personnel.documents import DOCUMENTS, DocumentHeader, retirement_documents
from personnel.models import CareerEvent, CivilServant
from personnel.report_exports import raises_sheets, retirement_sheets, workbook_bytes
from personnel.services.raises import RaiseChoice, RaisesRefused, raises_record
from personnel.services.retirement import retirement_notices_record
from personnel.services.servants import Decision
from personnel.views.reports import RaisesFilterMixin, RetirementFilterMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _record_export(request, count: int) -> None:
    # A list of named people leaves the system: recorded like the people list's export (audit log).
    access_record(actor=request.user, action=AccessRecord.Action.EXPORT, count=count,
                  filters=dict(request.GET.items()), request=request)


def _day(raw: str) -> date | None:
    try:
        return parse_date(raw).value if raw.strip() else None
    except ValueError:
        return None


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


# --- retirement -----------------------------------------------------------------------------------

class RetirementExportView(RetirementFilterMixin, View):
    """The retirement page's tables as .xlsx, with its filters."""

    def get(self, request):
        data = self.retirement_data()
        _record_export(request, len(data["forecast"]["rows"]))
        title = _("Retirement forecast %(first)s–%(last)s, as of %(today)s") % {
            "first": data["first_year"], "last": data["first_year"] + data["years"] - 1,
            "today": f"{data['today']:%d/%m/%Y}"}
        return _xlsx(workbook_bytes(title, retirement_sheets(data)),
                     f"nghi-huu-{data['today']:%Y%m%d}.xlsx")


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
        return DocumentHeader(number=get.get("number", "").strip()[:100],
                              place=get.get("place", "").strip()[:100],
                              day=_day(get.get("date", "")),
                              signer=get.get("signer", "").strip()[:150],
                              signer_title=get.get("signer_title", "").strip()[:150])

    def render_documents(self, kind: str, ids: list[int]):
        if kind not in DOCUMENTS:
            raise Http404
        documents = retirement_documents(self.people(ids), self.header())
        return self.render_to_response(self.get_context_data(documents=documents, kind=kind,
                                                             code=DOCUMENTS[kind]))


class RetirementDocumentView(RetirementDocumentsMixin, TemplateView):
    """One person's retirement notice or decision."""

    def get(self, request, pk: int, kind: str):
        return self.render_documents(kind, [pk])


class RetirementDocumentsView(RetirementDocumentsMixin, TemplateView):
    """The notices or decisions of the people ticked on the retirement page, one page each."""

    def get(self, request):
        return self.render_documents(request.GET.get("doc", ""), _ids(request.GET.getlist("ids")))


class ServantsDecisionView(ObjectEditView):
    """One decision for the people ticked on a report page (``ids``): recorded for all of them or
    for none. Every id must name a person of the units the user manages (404 otherwise, 403 when
    they manage none); a refusal of the service lists every person refused, as a message on the
    page the form came from."""

    model = CivilServant
    form_class = django_forms.Form  # the fields are the page's own (ids, per-person values)
    http_method_names = ["post"]
    refused_message = ""

    @cached_property
    def ids(self) -> list[int]:
        return _ids(self.request.POST.getlist("ids"))

    def all_managed(self) -> bool:
        people = CivilServant.objects.filter(pk__in=self.ids)
        return self.manage_scope.filter(people, "unit").count() == len(self.ids)

    def perform(self, form):
        if not self.all_managed():
            raise Http404
        try:
            return self.get_service()(actor=self.request.user, **self.service_kwargs(form))
        except RaisesRefused as refused:
            self.refused = refused
            raise  # a ValidationError: the base rolls back and answers with form_invalid

    def check_scope(self, result) -> None:
        # The people, re-read in one query (not one per person), still in the managed units.
        if not self.all_managed():
            raise OutOfScope

    def form_invalid(self, form):
        refused = getattr(self, "refused", None)
        if refused is not None:
            reasons = [f"{name}: {reason}" if name else reason for name, reason in refused.errors]
        else:
            reasons = form.non_field_errors()
        messages.error(self.request, str(self.refused_message) + " " + "; ".join(reasons))
        return redirect(self.back_url())

    def back_url(self) -> str:
        raise NotImplementedError


class RetirementNoticesRecordView(ServantsDecisionView):
    """POST the people of printed notices (``ids``) with the notice's number, date and signer:
    every notice recorded in the people's history, or none."""

    service = retirement_notices_record
    refused_message = gettext_lazy("No notice was recorded:")

    def service_kwargs(self, form) -> dict:
        post = self.request.POST
        decision = Decision(number=post.get("number", "").strip()[:100],
                            decided_on=_day(post.get("date", "")),
                            signer=post.get("signer", "").strip()[:150])
        return {"scope": self.manage_scope, "servant_ids": self.ids, "decision": decision}

    def get_success_message(self, result) -> str:
        return _("%(n)s retirement notices recorded.") % {"n": len(result)}

    def back_url(self) -> str:
        return reverse("personnel:retirement")

    get_success_url = back_url


# --- step raises ----------------------------------------------------------------------------------

class RaisesExportView(RaisesFilterMixin, View):
    """The raises-due page's rows as .xlsx, with its filters."""

    def get(self, request):
        data = self.raises_data()
        _record_export(request, len(data["rows"]))
        title = _("Step raises due from %(a)s to %(b)s") % {"a": f"{data['first']:%d/%m/%Y}",
                                                            "b": f"{data['last']:%d/%m/%Y}"}
        return _xlsx(workbook_bytes(title, raises_sheets(data)),
                     f"nang-bac-luong-{data['first']:%Y%m}.xlsx")


class RaisesPrintView(RaisesFilterMixin, TemplateView):
    template_name = "personnel/raises_print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.raises_data(), **kwargs)


class RaisesDecideView(ServantsDecisionView):
    """POST the ticked people (``ids``, each with ``due_<id>`` = "step:YYYY-MM-DD" as the page
    showed it) and one decision (number, date, signer): every raise recorded, or none."""

    service = raises_record
    refused_message = gettext_lazy("Nobody was raised:")

    @cached_property
    def decision(self) -> Decision:
        post = self.request.POST
        return Decision(number=post.get("decision_number", "").strip()[:100], decided_on=_day(
            post.get("decision_date", "")), signer=post.get("signer", "").strip()[:150])

    def service_kwargs(self, form) -> dict:
        post = self.request.POST
        return {"scope": self.manage_scope, "decision": self.decision,
                "choices": [_choice(pk, post.get(f"due_{pk}", "")) for pk in self.ids]}

    def get_success_message(self, result) -> str:
        return _("%(n)s step raises recorded under decision %(number)s.") % {
            "n": len(result), "number": self.decision.number}

    def back_url(self) -> str:
        back = self.request.POST.get("next", "")
        # Back to the raises page the form came from, never elsewhere (an open redirect).
        return back if back.startswith(reverse("personnel:raises")) else reverse("personnel:raises")

    def get_success_url(self) -> str:
        return f"{reverse('personnel:raises_decision')}?number={self.decision.number}"


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
            decided = CareerEvent.objects.filter(
                decision_number=number,
                kind__in=[CareerEvent.Kind.SALARY_STEP, CareerEvent.Kind.RANK_CHANGED],
                corrections__isnull=True)
            events = self.scope.filter(decided, "servant__unit") \
                .select_related("servant__unit", "servant__rank") \
                .prefetch_related("salary_records__rank").order_by("servant__sort_key", "pk")
        events = list(events)
        first = events[0] if events else None
        return super().get_context_data(number=number, events=events, decision=first,
                                        today=timezone.localdate(), **kwargs)
