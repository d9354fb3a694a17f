from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.access import MANAGE, unit_scope
from core.forms import ImportUploadForm
from core.importing import error_sheet_bytes, importer_class, importer_kinds
from core.models import ImportJob
from core.services.imports import import_job_confirm, import_job_create
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

    def get_job(self) -> ImportJob:
        job = get_object_or_404(ImportJob, pk=self.kwargs["pk"])
        if job.created_by_id != self.request.user.pk and not self.request.user.is_superuser:
            raise Http404
        return job


class ImportListView(ImportAccessMixin, ListView):
    template_name = "core/import_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return ImportJob.objects.filter(created_by=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(importers=importer_kinds(), **kwargs)


class ImportCreateView(ImportAccessMixin, FormView):
    template_name = "core/import_form.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(importer=self.get_importer(), **kwargs)

    def form_valid(self, form):
        importer = self.get_importer()
        job = import_job_create(actor=self.request.user, kind=importer.kind, upload=form.cleaned_data["file"],
                                skip_invalid=form.cleaned_data["skip_invalid"])
        return redirect("core:import_detail", pk=job.pk)


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


class ImportConfirmView(ImportAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = self.get_job()
        try:
            import_job_confirm(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("core:import_detail", pk=job.pk)


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
