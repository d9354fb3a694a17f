from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRecord(models.Model):
    """One read of personal data: a person's page or résumé, an export, a search that returned
    people, an API read. Who read, when, whom (``subject_ids``) or by which filter, and how many
    rows. Personal-data law (ND 13/2023, Art. 9) lets a person ask who processed their data, and a
    leak is traced from here; append-only, readable by provincial HR."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed a person's page")
        RESUME = "resume", _("Opened a résumé")
        SEARCH = "search", _("Searched people")
        LIST = "list", _("Listed people")
        EXPORT = "export", _("Exported people")
        API = "api", _("Read through the API")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    path = models.CharField(_("address"), max_length=500, blank=True)
    # The people read, by primary key (a person's page: one; a search: the page shown).
    subject_ids = models.JSONField(_("people"), default=list, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    sensitive = models.BooleanField(_("sensitive fields shown"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="core_access_user_at")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.at:%d/%m/%Y %H:%M}"
