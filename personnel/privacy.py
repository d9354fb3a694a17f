"""Who reads the sensitive fields of a person's record: one policy for every output.

Sensitive are the personal ID number with its issue date and place, the social insurance number,
phone, e-mail, both addresses, health (status, height, weight, blood group), war-invalid grade
and policy family (Mẫu 2C items 8–9, 23–26), the photo, and the family members (item 30). Health
is sensitive personal data under ND 13/2023 Art. 2(4); the ID number is the national key that
links a person across databases.

The rule: those who manage the person's *current* unit (its HR officers or those of a unit above,
provincial HR, superusers) see them in full. Anyone else who may see the person (unit heads and
appraisal committees: view-only grants) gets the ID number masked, nothing of the rest, and
cannot find anyone by ID number. Someone who has left the reader's units, met in an "as of" list
of the past, shows only their name, code and the assignment of that date: the rest is no longer
the reader's to read.

``servant_list`` marks each row with two flags computed in SQL from this policy
(``sees_private``, ``in_scope_now``); its instances are redacted as they are read, and the export
redacts its value rows with the same flags, so no output can forget the rule. Family members are
rows of their own: the page and the résumé ask ``shows_private`` before reading them, and so
does the photo's view (personnel.views.record_parts).
"""
import copy

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.query import ModelIterable

from core.access import MANAGE, VIEW, UnitScope, unit_scope

MASKED_FIELDS = ("national_id",)
HIDDEN_FIELDS = (
    "id_issue_date", "id_issue_place", "social_insurance_number", "phone", "email",
    "permanent_address", "current_address", "health_status", "height_cm", "weight_kg",
    "blood_group", "war_invalid_grade", "policy_family", "photo",
)
SENSITIVE_FIELDS = MASKED_FIELDS + HIDDEN_FIELDS
# What the row of someone who left the reader's units keeps; the "as of" annotations come along.
PAST_FIELDS = ("id", "code", "full_name", "sort_key")
ON_DATE_FIELDS = ("unit_on_date", "unit_code_on_date", "title_on_date")
_NULLABLE = {"id_issue_date", "height_cm", "weight_kg"}
_NOBODY = Q(pk__in=[])


def mask_national_id(value: str) -> str:
    """The first and last three digits, enough to tell two people apart on a printed list."""
    return value[:3] + "•" * 6 + value[-3:] if value else ""


def masked_value(field: str, value):
    """What a reader without the right sees in place of ``field``."""
    if field in MASKED_FIELDS:
        return mask_national_id(value or "")
    return None if field in _NULLABLE else ""


class FieldPolicy:
    """The sensitive-field rule for one reader: ``view`` (units they see) and ``manage`` (units
    whose people's sensitive fields they see in full)."""

    def __init__(self, view: UnitScope, manage: UnitScope):
        self.view, self.manage = view, manage
        self._ids: dict[str, list[int] | None] = {}

    @classmethod
    def of(cls, user) -> "FieldPolicy":
        return cls(unit_scope(user, VIEW), unit_scope(user, MANAGE))

    @classmethod
    def system(cls) -> "FieldPolicy":
        """Commands and tasks run without a reader: everything in full."""
        everything = UnitScope(everything=True)
        return cls(everything, everything)

    def shows_private(self, unit) -> bool:
        """Whether the sensitive fields of a person whose current unit is ``unit`` are shown."""
        return unit is not None and self.manage.contains(unit)

    def unit_ids(self, level: str = VIEW) -> list[int] | None:
        """Ids of the units seen (or managed), read once; None for every unit."""
        if level not in self._ids:
            self._ids[level] = (self.view if level == VIEW else self.manage).unit_ids()
        return self._ids[level]

    def _manage_covers_view(self) -> bool:
        managed = self.manage.paths
        return all(any(path.startswith(mine) for mine in managed) for path in self.view.paths)

    def in_scope_q(self) -> Q | None:
        """People the reader may open today (current unit in their units); None: everyone."""
        return None if self.view.everything else Q(unit_id__in=self.unit_ids(VIEW))

    def private_q(self, *, past: bool) -> Q | None:
        """People whose sensitive fields the reader sees, by current unit; None: every row of the
        list. Without ``past`` the list holds only people of the reader's units today."""
        if self.manage.everything:
            return None
        if not self.manage:
            return _NOBODY
        if self._manage_covers_view():
            return self.in_scope_q() if past else None
        return Q(unit_id__in=self.unit_ids(MANAGE))

    def mark(self, people: QuerySet, *, past: bool) -> QuerySet:
        """``people`` with the two flags of each row, redacted as its instances are read."""
        marked = people.annotate(sees_private=_flag(self.private_q(past=past)),
                                 in_scope_now=_flag(self.in_scope_q() if past else None))
        marked._iterable_class = RedactingIterable
        return marked


def _flag(condition: Q | None):
    if condition is None:
        return Value(True)
    # A When whose condition can match nothing is dropped by Case: the default answers.
    return Case(When(condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def redacted(servant):
    """A copy of ``servant`` with the sensitive fields masked or blanked; it cannot be saved."""
    shown = copy.copy(servant)
    for field in SENSITIVE_FIELDS:
        setattr(shown, field, masked_value(field, getattr(servant, field)))
    shown._redacted = True
    return shown


def past_only(servant):
    """Someone who left the reader's units: name, code and the assignment of the list's date."""
    shown = type(servant)(**{field: getattr(servant, field) for field in PAST_FIELDS})
    shown.status = shown.category = shown.sex = shown.birth_precision = ""
    for name in ON_DATE_FIELDS:
        setattr(shown, name, getattr(servant, name, ""))
    shown.in_scope_now, shown.sees_private, shown._redacted = False, False, True
    return shown


def redact(servant):
    """One row of a marked list, as the reader may see it (unmarked rows: fail closed)."""
    if not getattr(servant, "in_scope_now", False):
        return past_only(servant)
    if not getattr(servant, "sees_private", False):
        return redacted(servant)
    return servant


class RedactingIterable(ModelIterable):
    def __iter__(self):
        for servant in super().__iter__():
            yield redact(servant)
