"""Shared model machinery: records that are never hard-deleted."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectedDeleteError(Exception):
    """Raised when code tries to hard-delete a record that must be kept for history."""


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise ProtectedDeleteError(
            _("Records of this kind are never deleted; close or correct them instead."))


class UndeletableModel(models.Model):
    """A model whose rows are history: close them, correct them with a new version, never delete."""

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ProtectedDeleteError(
            _("Records of this kind are never deleted; close or correct them instead."))
