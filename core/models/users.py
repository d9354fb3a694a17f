from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Staff (HR officers, heads, committees, exam boards) and exam candidates share the
    table but never each other's pages: ``account_type`` decides which side of the site they use."""

    class AccountType(models.TextChoices):
        STAFF = "staff", _("Staff")
        CANDIDATE = "candidate", _("Candidate")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=16, choices=AccountType.choices, default=AccountType.STAFF
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    @property
    def is_candidate(self) -> bool:
        return self.account_type == self.AccountType.CANDIDATE
