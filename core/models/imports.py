import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way through validate → preview → confirm → import.

    The same row serves the preview page, the progress bar of a background import and the
    downloadable error sheet. ``summary`` holds the result document of DESIGN.md §4.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Ready to import")
        INVALID = "invalid", _("Has errors")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.UPLOADED)
    options = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    summary = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    # Task runs that started on this job: a file that kills its worker is redelivered (acks-late),
    # so the task counts its starts and gives up past IMPORT_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.IMPORTING}

    @property
    def errors(self) -> list[dict]:
        return self.summary.get("errors", [])

    @property
    def kind_label(self) -> str:
        """What is imported, in the user's language ("Hồ sơ cán bộ"), not the code ("personnel")."""
        from core.importing import importer_class

        try:
            return str(importer_class(self.kind).title)
        except LookupError:
            return self.kind
