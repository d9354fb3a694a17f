"""Writes on the organisation tree: create, edit, close, reorganise (merge, split), grant access.

Every function runs in one transaction, validates before writing and leaves audit entries.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core import audit
from core.access import MANAGE, VIEW, forget_scope
from core.models import (
    OrgUnit,
    OrgUnitGroupObjectPermission,
    OrgUnitUserObjectPermission,
    UnitChange,
)
from core.text import clean, search_key

EDITABLE_FIELDS = ("code", "name", "short_name", "kind", "sector", "province_class", "sort_order",
                   "valid_from", "decision")
GRANT_PERMS = {VIEW: "core.view_unit_data", MANAGE: "core.manage_unit_data"}


@dataclass
class UnitSpec:
    """What a new unit of a reorganisation looks like."""

    code: str
    name: str
    kind: str = OrgUnit.Kind.OTHER
    sector: str = OrgUnit.Sector.GOVERNMENT
    parent: OrgUnit | None = None
    short_name: str = ""
    province_class: str = ""
    sort_order: int = 0
    extra: dict = field(default_factory=dict)


def _set_path(unit: OrgUnit) -> None:
    parent_path = unit.parent.path if unit.parent_id else ""
    unit.path = parent_path + OrgUnit.path_segment(unit.pk)
    unit.depth = unit.parent.depth + 1 if unit.parent_id else 0
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    clash = OrgUnit.objects.open().filter(code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise ValidationError({"code": _("The code %(code)s is already used by %(name)s.")
                               % {"code": code, "name": clash.name}})


def _check_parent(parent: OrgUnit | None, valid_from: date | None) -> None:
    if parent is None:
        return
    if parent.valid_to is not None and (valid_from is None or valid_from > parent.valid_to):
        raise ValidationError({"parent": _("The parent unit %(name)s was closed on %(day)s.")
                               % {"name": parent.name,
                                  "day": parent.valid_to.strftime("%d/%m/%Y")}})


def _build(spec: UnitSpec, valid_from: date | None, decision: str = "") -> OrgUnit:
    unit = OrgUnit(
        code=clean(spec.code), name=clean(spec.name), short_name=clean(spec.short_name),
        kind=spec.kind,
        sector=spec.sector, parent=spec.parent, province_class=spec.province_class or "",
        sort_order=spec.sort_order, valid_from=valid_from, decision=clean(decision),
    )
    unit.search_text = search_key(unit.code, unit.name, unit.short_name)
    return unit


def _insert(actor, unit: OrgUnit, reason: str = "") -> OrgUnit:
    unit.path = ""
    unit.full_clean(exclude=["path", "search_text"], validate_constraints=False)
    unit.save(force_insert=True)
    _set_path(unit)
    audit.record(actor=actor, obj=unit, action="create", unit=unit, reason=reason,
                 changes={k: [None, v]
                          for k, v in audit.snapshot(unit, EDITABLE_FIELDS + ("parent",)).items()
                          if v not in ("", None)})
    return unit


@transaction.atomic
def unit_create(*, actor, code: str, name: str, kind: str = OrgUnit.Kind.OTHER,
                sector: str = OrgUnit.Sector.GOVERNMENT, parent: OrgUnit | None = None,
                valid_from: date | None = None, decision: str = "", short_name: str = "",
                province_class: str = "", sort_order: int = 0) -> OrgUnit:
    """Open a new unit under ``parent`` (or a new root)."""
    spec = UnitSpec(code=code, name=name, kind=kind, sector=sector, parent=parent,
                    short_name=short_name, province_class=province_class, sort_order=sort_order)
    if not clean(code) or not clean(name):
        raise ValidationError(_("A unit needs a code and a name."))
    _check_code_free(clean(code))
    _check_parent(parent, valid_from)
    return _insert(actor, _build(spec, valid_from, decision))


@transaction.atomic
def unit_update(*, actor, unit: OrgUnit, reason: str = "", **changes) -> OrgUnit:
    """Change descriptive fields of a unit. Its place in the tree changes only by reorganisation."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be edited: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(unit, EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(unit, name, clean(value) if isinstance(value, str) else value)
    if "code" in changes and unit.is_open:
        _check_code_free(unit.code, exclude_pk=unit.pk)
    unit.search_text = search_key(unit.code, unit.name, unit.short_name)
    unit.full_clean(exclude=["path", "search_text"], validate_constraints=False)
    delta = audit.diff(before, audit.snapshot(unit, EDITABLE_FIELDS))
    if delta:
        unit.save()
        audit.record(actor=actor, obj=unit, action="update", unit=unit, changes=delta,
                     reason=reason)
    return unit


def _close(actor, unit: OrgUnit, last_day: date, reason: str) -> None:
    if unit.valid_from is not None and last_day < unit.valid_from:
        raise ValidationError(_("%(name)s cannot close before it was established (%(day)s).")
                              % {"name": unit.name, "day": unit.valid_from.strftime("%d/%m/%Y")})
    before = unit.valid_to
    unit.valid_to = last_day
    OrgUnit.objects.filter(pk=unit.pk).update(valid_to=last_day)
    audit.record(actor=actor, obj=unit, action="close", unit=unit, reason=reason,
                 changes={"valid_to": [audit.to_json(before), last_day.isoformat()]})


def _open_children(unit: OrgUnit, day: date) -> list[OrgUnit]:
    """Children still existing on ``day`` (they move with their parent's reorganisation)."""
    return list(unit.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


def _copy_grants(source: OrgUnit, target: OrgUnit) -> None:
    for grant in OrgUnitUserObjectPermission.objects.filter(content_object=source):
        OrgUnitUserObjectPermission.objects.get_or_create(
            content_object=target, user_id=grant.user_id, permission_id=grant.permission_id)
    for grant in OrgUnitGroupObjectPermission.objects.filter(content_object=source):
        OrgUnitGroupObjectPermission.objects.get_or_create(
            content_object=target, group_id=grant.group_id, permission_id=grant.permission_id)


def _carry(actor, child: OrgUnit, new_parent: OrgUnit, day: date, parent_change: UnitChange,
           moved: dict[int, OrgUnit]) -> None:
    """Re-create ``child`` (and its own children) under ``new_parent`` from ``day``."""
    _close(actor, child, day - timedelta(days=1), parent_change.note)
    spec = UnitSpec(code=child.code, name=child.name, kind=child.kind, sector=child.sector,
                    parent=new_parent, short_name=child.short_name,
                    province_class=child.province_class, sort_order=child.sort_order)
    copy = _insert(actor, _build(spec, day, child.decision), reason=parent_change.note)
    change = UnitChange.objects.create(kind=UnitChange.Kind.TRANSFER, effective_date=day,
                                       decision_number=parent_change.decision_number,
                                       decision_date=parent_change.decision_date,
                                       signer=parent_change.signer, note=parent_change.note,
                                       parent_change=parent_change)
    change.predecessors.add(child)
    change.successors.add(copy)
    _copy_grants(child, copy)
    moved[child.pk] = copy
    for grandchild in _open_children(child, day):
        _carry(actor, grandchild, copy, day, parent_change, moved)


@dataclass
class ReorganizationResult:
    change: UnitChange
    successors: list[OrgUnit]
    # id of every closed predecessor or carried sub-unit → the unit that replaces it
    moved: dict[int, OrgUnit]


@transaction.atomic
def unit_reorganize(*, actor, kind: str, predecessors: list[OrgUnit], successors: list[UnitSpec],
                    effective_date: date, decision_number: str = "",
                    decision_date: date | None = None, signer: str = "", note: str = "",
                    children_map: dict[int, int] | None = None, carry_grants: bool = False,
                    carry_children: bool = True) -> ReorganizationResult:
    """Merge units into one, split one into several, or move units to a new parent.

    Predecessors close the day before ``effective_date``; successors open on it. Every sub-unit
    that still exists is carried to a successor (``children_map``: child id → successor index,
    default the first), keeping its code and its access grants, so people can be moved with the
    same mapping. The structure before the date stays queryable as it was. With
    ``carry_children=False`` the caller reorganises the sub-units itself in the same transaction
    (the 2025 mergers restructured departments and communes at the same time as provinces).
    """
    # Locked: a second reorganisation of the same units waits, then finds them closed.
    predecessors = [OrgUnit.objects.select_for_update().get(pk=u.pk) for u in predecessors]
    _validate_reorganization(kind, predecessors, successors, effective_date)
    change = UnitChange.objects.create(kind=kind, effective_date=effective_date,
                                       decision_number=clean(decision_number),
                                       decision_date=decision_date, signer=clean(signer),
                                       note=clean(note))
    last_day = effective_date - timedelta(days=1)
    reason = _("%(kind)s under decision %(number)s") % {"kind": change.get_kind_display(),
                                                        "number": decision_number}
    for unit in predecessors:
        _close(actor, unit, last_day, reason)
    new_units = []
    for spec in successors:
        _check_code_free(clean(spec.code))
        _check_parent(spec.parent, effective_date)
        new_units.append(_insert(actor, _build(spec, effective_date, decision_number),
                                 reason=reason))
    change.predecessors.add(*predecessors)
    change.successors.add(*new_units)
    moved: dict[int, OrgUnit] = {}
    for unit in predecessors:
        moved[unit.pk] = new_units[0]
        # A transfer only moves the unit, so its grants follow it; after a merge or a split, copying
        # them is the caller's choice.
        if carry_grants or kind == UnitChange.Kind.TRANSFER:
            for successor in new_units:
                _copy_grants(unit, successor)
        for child in _open_children(unit, effective_date) if carry_children else []:
            target = new_units[(children_map or {}).get(child.pk, 0)]
            _carry(actor, child, target, effective_date, change, moved)
    return ReorganizationResult(change=change, successors=new_units, moved=moved)


def _validate_reorganization(kind, predecessors, successors, effective_date) -> None:
    if not predecessors:
        raise ValidationError(_("Choose the units being reorganised."))
    # (min, max units before, min, max units after); None: no upper bound.
    expected = {UnitChange.Kind.MERGE: (2, None, 1, 1), UnitChange.Kind.SPLIT: (1, 1, 2, None),
                UnitChange.Kind.TRANSFER: (1, None, 1, None)}
    if kind not in expected:
        raise ValidationError(_("Unknown kind of reorganisation."))
    min_pred, max_pred, min_succ, max_succ = expected[kind]
    if len(predecessors) < min_pred or (max_pred and len(predecessors) > max_pred):
        raise ValidationError(_("Wrong number of units before the reorganisation."))
    if len(successors) < min_succ or (max_succ and len(successors) > max_succ):
        raise ValidationError(_("Wrong number of units after the reorganisation."))
    codes = [clean(s.code) for s in successors]
    if (len(set(codes)) != len(codes) or not all(codes)
            or not all(clean(s.name) for s in successors)):
        raise ValidationError(_("Every new unit needs its own code and a name."))
    for unit in predecessors:
        if not unit.is_active_on(effective_date):
            raise ValidationError(_("%(name)s does not exist on %(day)s.")
                                  % {"name": unit.name, "day": effective_date.strftime("%d/%m/%Y")})
        if unit.valid_from is not None and unit.valid_from >= effective_date:
            raise ValidationError(_("%(name)s was established on or after %(day)s.")
                                  % {"name": unit.name, "day": effective_date.strftime("%d/%m/%Y")})


# What a reorganisation does to the records apps keep in units (personnel re-creates the open job
# positions and transfers the people), registered by each app's AppConfig.ready. Core knows only
# the tree; the steps run after it, in the same transaction, in the order they were registered.
_REORGANIZATION_STEPS: list[Callable[..., None]] = []


def register_reorganization_step(step: Callable[..., None]) -> None:
    """``step(*, actor, result)`` follows the reorganisation ``result`` (a ReorganizationResult)."""
    if step not in _REORGANIZATION_STEPS:
        _REORGANIZATION_STEPS.append(step)


@transaction.atomic
def units_reorganize(*, actor, **arguments) -> ReorganizationResult:
    """The reorganisation the pages run: ``unit_reorganize`` and then every registered step, all
    or nothing (a step that refuses rolls the new tree back)."""
    result = unit_reorganize(actor=actor, **arguments)
    for step in _REORGANIZATION_STEPS:
        step(actor=actor, result=result)
    return result


@transaction.atomic
def unit_dissolve(*, actor, unit: OrgUnit, effective_date: date, decision_number: str = "",
                  decision_date: date | None = None, signer: str = "",
                  note: str = "") -> UnitChange:
    """Close a unit and every sub-unit still existing on ``effective_date``."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active_on(effective_date):
        raise ValidationError(_("%(name)s does not exist on %(day)s.")
                              % {"name": unit.name, "day": effective_date.strftime("%d/%m/%Y")})
    change = UnitChange.objects.create(kind=UnitChange.Kind.DISSOLVE, effective_date=effective_date,
                                       decision_number=clean(decision_number),
                                       decision_date=decision_date, signer=clean(signer),
                                       note=clean(note))
    change.predecessors.add(unit)
    last_day = effective_date - timedelta(days=1)
    stack = [unit]
    while stack:
        current = stack.pop()
        stack.extend(_open_children(current, effective_date))
        _close(actor, current, last_day, note or decision_number)
    return change


def _grant_target(user=None, group: Group | None = None):
    if (user is None) == (group is None):
        raise ValueError("grant to exactly one of user or group")
    return user if user is not None else group


@transaction.atomic
def unit_grant(*, actor, unit: OrgUnit, level: str, user=None, group: Group | None = None,
               reason: str = "") -> None:
    """Let a user (or a group) see or manage ``unit``
    and all its sub-units. Manage replaces view."""
    target = _grant_target(user, group)
    if level not in GRANT_PERMS:
        raise ValidationError(_("Unknown access level."))
    for other_level, perm in GRANT_PERMS.items():
        if other_level != level:
            remove_perm(perm, target, unit)
    assign_perm(GRANT_PERMS[level], target, unit)
    audit.record(actor=actor, obj=unit, action="grant", unit=unit, reason=reason,
                 changes={"grantee": [None, str(target)], "level": [None, level]})
    if user is not None:
        forget_scope(user)


@transaction.atomic
def unit_revoke(*, actor, unit: OrgUnit, user=None, group: Group | None = None,
                reason: str = "") -> None:
    target = _grant_target(user, group)
    for perm in GRANT_PERMS.values():
        remove_perm(perm, target, unit)
    audit.record(actor=actor, obj=unit, action="revoke", unit=unit, reason=reason,
                 changes={"grantee": [str(target), None]})
    if user is not None:
        forget_scope(user)
