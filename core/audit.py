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
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


@dataclass(frozen=True)
class AuditContext:
    source: str = AuditEntry.Source.SYSTEM
    batch: uuid.UUID | None = None
    request_id: str = ""


_context: ContextVar[AuditContext] = ContextVar("audit_context",
                                                default=AuditContext())  # noqa: B039 - frozen


@contextmanager
def audit_context(*, source: str, batch: uuid.UUID | None = None,
                  request_id: str = "") -> Iterator[AuditContext]:
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
    return {key: [before.get(key), value]
            for key, value in after.items() if before.get(key) != value}


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
    """Write many entries at once: on PostgreSQL a COPY when there are many (an import of a
    province's file writes tens of thousands), else ``bulk_create``."""
    from django.db import connection

    if connection.vendor == "postgresql" and len(entries) > batch_size:
        from core.bulk import bulk_insert

        fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
        bulk_insert(AuditEntry, [f.name for f in fields],
                    ([getattr(e, f.attname) for f in fields] for e in entries))
        return
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


# Fields whose values only those who manage the record may read (ID numbers, health, contacts …),
# by "app_label.model"; apps register theirs in AppConfig.ready().
PRIVATE_FIELDS: dict[str, set[str]] = {}
REDACTED = "•••"


def register_private_fields(model_label: str, fields: set[str]) -> None:
    PRIVATE_FIELDS.setdefault(model_label, set()).update(fields)


ACTION_LABELS = {
    "create": _("created"), "update": _("changed"), "close": _("closed"),
    "grant": _("access granted"), "revoke": _("access revoked"), "correct": _("corrected"),
    "framework": _("framework changed"), "import": _("imported"), "submit": _("submitted"),
    "review": _("reviewed"), "publish": _("published"),
}


def for_display(entries, manage_scope) -> list[AuditEntry]:
    """Entries ready for people: ``display_action`` and ``display_changes`` as (label, old, new) in
    words (field labels, choice labels, names instead of ids, dd/mm/yyyy), private values hidden
    unless the reader manages the unit. Related names are fetched in one query per model."""
    entries = list(entries)
    names = _related_names(entries)
    for entry in entries:
        model = entry.content_type.model_class()
        private = PRIVATE_FIELDS.get(f"{entry.content_type.app_label}.{entry.content_type.model}",
                                     set())
        hidden = bool(private) and not manage_scope.contains(entry.unit)
        entry.display_action = _action_label(entry.action)
        entry.display_changes = [
            (_field_label(model, name), *([REDACTED, REDACTED] if hidden and name in private
                                          else [_value(model, name, v, names) for v in values]))
            for name, values in entry.changes.items()
            if isinstance(values, list) and len(values) == 2]
    return entries


def register_action_labels(labels: dict) -> None:
    """Apps name their own actions (personnel: the career-event kinds)."""
    ACTION_LABELS.update(labels)


def _action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# Labels of change keys that are not fields of the record (an attached document …), by key;
# apps register theirs in AppConfig.ready().
CHANGE_LABELS: dict[str, str] = {}


def register_change_labels(labels: dict) -> None:
    CHANGE_LABELS.update(labels)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - free-form keys (grantee, event …) are shown as they are
        return str(CHANGE_LABELS.get(name, name))


def _related_names(entries) -> dict[tuple, str]:
    wanted: dict[type, set] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in entry.changes.items():
            field = _field(model, name)
            if (field is not None and field.is_relation and field.many_to_one
                    and isinstance(values, list)):
                ids = wanted.setdefault(field.related_model, set())
                ids.update(v for v in values if isinstance(v, int))
    names = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = str(obj)
    return names


def _field(model, name):
    """The model's own field of that name (reverse relations are not fields of the record)."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return None
    return None if field.auto_created and not field.concrete else field


def _value(model, name: str, value, names: dict) -> str:
    from django.utils.formats import number_format

    if value is None or value == "":
        return "∅"
    field = _field(model, name)
    if field is not None and field.is_relation and field.many_to_one:
        return names.get((field.related_model, value), str(value))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return number_format(Decimal(value))
    return str(value)


def history_for(obj: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("actor", "content_type", "unit")
