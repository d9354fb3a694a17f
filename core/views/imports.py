from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from core.access import MANAGE, unit_scope
from core.forms import ImportUploadForm
from core.importing import error_sheet_bytes, importer_class, importer_kinds
from core.models import ImportJob
from core.services.imports import import_job_confirm, import_job_create
from core.views.edit import OwnObjectActionView, OwnObjectEditView
from core.views.generic import StaffRequiredMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportAccessMixin(StaffRequiredMixin):
    """Imports write data: only users who manage at least one unit; a job is its uploader's."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_candidate \
                and not unit_scope(request.user, MANAGE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_importer(self):
        try:
            return importer_class(self.kwargs["kind"])
        except LookupError:
            raise Http404 from None

    def owned(self, queryset):
        """A job is its uploader's; a superuser may look at any (only the uploader confirms)."""
        if self.request.user.is_superuser:
            return queryset
        return queryset.filter(created_by=self.request.user)

    def get_job(self) -> ImportJob:
        return get_object_or_404(self.owned(ImportJob.objects.all()), pk=self.kwargs["pk"])


class ImportListView(ImportAccessMixin, ListView):
    template_name = "core/import_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return ImportJob.objects.filter(created_by=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(importers=importer_kinds(), **kwargs)


class ImportCreateView(ImportAccessMixin, OwnObjectEditView):
    """Upload a file: the job is stored and its validation queued when the upload commits."""

    template_name = "core/import_form.html"
    form_class = ImportUploadForm
    model = ImportJob
    owner_field = "created_by"
    service = import_job_create
    success_message = ""  # the job's page shows its progress

    def get_context_data(self, **kwargs):
        return super().get_context_data(importer=self.get_importer(), **kwargs)

    def service_kwargs(self, form) -> dict:
        return {"kind": self.get_importer().kind, "upload": form.cleaned_data["file"],
                "skip_invalid": form.cleaned_data["skip_invalid"]}

    def get_success_url(self) -> str:
        return reverse("core:import_detail", args=[self.result.pk])


class ImportDetailView(ImportAccessMixin, TemplateView):
    """Preview with the bad cells highlighted, then confirm; a progress bar while a job runs."""

    template_name = "core/import_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/import_status_partial.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(job=job, importer=importer_class(job.kind), **kwargs)


class ImportConfirmView(ImportAccessMixin, OwnObjectActionView):
    """Import a validated job for real (in the background); only its uploader may."""

    model = ImportJob
    owner_field = "created_by"
    object_kwarg = "job"
    service = import_job_confirm
    success_message = ""
    http_method_names = ["post"]  # the job's page posts the button; no page of its own

    def service_kwargs(self, form) -> dict:
        return {"job": self.object}

    def form_invalid(self, form):
        # The refusal (not ready, already confirmed) is shown on the job's page, not on a form.
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("core:import_detail", args=[self.object.pk])


class ImportErrorSheetView(ImportAccessMixin, View):
    def get(self, request, pk):
        job = self.get_job()
        cls = importer_class(job.kind)
        content = error_sheet_bytes(job.file.path, cls.columns, job.errors, cls.sheet)
        return xlsx_response(content, f"loi-nhap-{job.kind}.xlsx")


class ImportTemplateView(ImportAccessMixin, View):
    def get(self, request, kind):
        cls = self.get_importer()
        return xlsx_response(cls.template_bytes(), f"mau-nhap-{cls.kind}.xlsx")
