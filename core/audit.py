"""Explicit audit trail: services call :func:`record` for every change they make.

The source of a change (web, import batch, Celery task, management command) is carried in a
context variable that the middleware, the commands and the tasks set, so a service does not need
to know who called it.
"""
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEntry


@dataclass(frozen=True)
class AuditContext:
    source: str = AuditEntry.Source.SYSTEM
    batch: uuid.UUID | None = None
    request_id: str = ""


_context: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039 - frozen


@contextmanager
def audit_context(*, source: str, batch: uuid.UUID | None = None, request_id: str = "") -> Iterator[AuditContext]:
    ctx = AuditContext(source=source, batch=batch, request_id=request_id)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get()


def to_json(value):
    """A JSON-safe form of a field value for the changes document."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    return {name: to_json(getattr(instance, _attname(instance, name))) for name in fields}


def _attname(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    return field.attname


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def build(*, actor, obj: models.Model, action: str, changes: dict | None = None, reason: str = "",
          unit=None) -> AuditEntry:
    ctx = _context.get()
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_full_name() if actor is not None else "")[:150],
        source=ctx.source,
        batch=ctx.batch,
        request_id=ctx.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit=unit,
        changes=changes or {},
        reason=reason,
    )


def record(**kwargs) -> AuditEntry:
    """Write one audit entry now (inside the caller's transaction)."""
    entry = build(**kwargs)
    entry.save(force_insert=True)
    return entry


def record_many(entries: list[AuditEntry], batch_size: int = 2000) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


# Fields whose values only those who manage the record may read (ID numbers, health, contacts …),
# by "app_label.model"; apps register theirs in AppConfig.ready().
PRIVATE_FIELDS: dict[str, set[str]] = {}
REDACTED = "•••"


def register_private_fields(model_label: str, fields: set[str]) -> None:
    PRIVATE_FIELDS.setdefault(model_label, set()).update(fields)


def for_display(entries, manage_scope) -> list[AuditEntry]:
    """Entries with ``display_changes``: private values hidden unless the reader manages the unit."""
    shown = []
    for entry in entries:
        private = PRIVATE_FIELDS.get(f"{entry.content_type.app_label}.{entry.content_type.model}", set())
        if private and not manage_scope.contains(entry.unit):
            entry.display_changes = {k: ([REDACTED, REDACTED] if k in private else v) for k, v in entry.changes.items()}
        else:
            entry.display_changes = entry.changes
        shown.append(entry)
    return shown


def history_for(obj: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("actor", "content_type", "unit")
