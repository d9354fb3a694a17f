"""API tokens for machine clients (the systems that read Công vụ through /api/v1/).

A token acts for its owner and never beyond: it reads only the owner's units (core.access), and
only through the scopes it was given, which are at most the owner's rights when it was made (and
are checked again against the owner's rights on every request). The key is shown once, at
creation; only its SHA-256 is kept, so a copy of the database reveals no usable key. Tokens are
revoked, never deleted: the audit trail names them.
"""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import UndeletableModel

KEY_PREFIX = "cv_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, owner__is_active=True)


class ApiToken(UndeletableModel):
    class Scope(models.TextChoices):
        UNITS_READ = "units:read", _("Read the unit tree")
        PEOPLE_READ = "people:read", _("Read people's records")
        POSITIONS_READ = "positions:read", _("Read job positions and frameworks")
        APPRAISAL_READ = "appraisal:read", _("Read appraisal results")
        APPRAISAL_WRITE = "appraisal:write", _("Send appraisal period scores")
        RECRUITMENT_READ = "recruitment:read", _("Read recruitment rounds and results")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key begins with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return KEY_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
