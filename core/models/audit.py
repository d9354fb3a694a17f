from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import UndeletableModel


class AuditEntry(UndeletableModel):
    """One change to one record: who, when, through what, and each field's old → new value.

    Written explicitly by services (never by signals), so imports, Celery tasks and management
    commands leave the same trail as the web. Append-only.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        TASK = "task", _("Background task")
        COMMAND = "command", _("Command")
        SYSTEM = "system", _("System")

    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices,
                              default=Source.SYSTEM)
    action = models.CharField(_("action"), max_length=32)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "timestamp"],
                         name="audit_object_idx"),
            models.Index(fields=["unit", "timestamp"], name="audit_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)
