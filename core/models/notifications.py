"""In-app notifications: what the nightly jobs tell a user (retirement notices due, salary raises
due, contracts expiring), shown under the bell and sent by e-mail once."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user. ``key`` makes a nightly job idempotent: the same fact (kind,
    person, due date) is told to the same user once, however often the job runs."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32)
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        # The bell counts a user's unread notifications on every page.
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"],
                                               name="notification_once")]

    def __str__(self) -> str:
        return self.title
