"""Unit-scoped access: which organisation units a user may see or manage.

A grant on a unit (django-guardian object permission ``view_unit_data`` or ``manage_unit_data``,
given to the user or to one of their groups) reaches every unit below it. Province-wide roles hold
the model-level ``view_all_units`` / ``manage_all_units``. :func:`unit_scope` turns a user into a
:class:`UnitScope` in a constant number of queries whatever the size of the tree, and caches it on
the user object for the rest of the request; every list filters through it with one subquery,
except the people list, which reads the unit ids first (:meth:`UnitScope.unit_ids`).
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.models import OrgUnit

VIEW = "view"
MANAGE = "manage"
_PERMS = {VIEW: ("view_unit_data", "manage_unit_data"), MANAGE: ("manage_unit_data",)}
_GLOBAL = {VIEW: ("core.view_all_units", "core.manage_all_units"),
           MANAGE: ("core.manage_all_units",)}


@dataclass(frozen=True)
class UnitScope:
    """The part of the unit tree a user reaches: everything, or the subtrees under ``paths``."""

    everything: bool
    paths: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.everything or bool(self.paths)

    def q(self, field: str = "") -> Q:
        """A filter on ``<field>__path`` (the unit itself when ``field`` is empty)."""
        if self.everything:
            return Q()
        prefix = f"{field}__" if field else ""
        condition = Q(pk__in=[])
        for path in self.paths:
            condition |= Q(**{f"{prefix}path__startswith": path})
        return condition

    def units(self) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(self.q())

    def filter(self, queryset: QuerySet, unit_field: str = "unit") -> QuerySet:
        """Narrow any queryset with a unit foreign key to this scope, with one subquery."""
        if self.everything:
            return queryset
        return queryset.filter(**{f"{unit_field}__in": self.units().values("pk")})

    def unit_ids(self, under: OrgUnit | None = None) -> list[int] | None:
        """Ids of the units of this scope, only those in ``under``'s subtree when given, read in one
        query (a subtree has at most a few hundred units); None when that is every unit.

        For big tables searched by trigram: PostgreSQL plans ``unit_id IN (1, 2, …)`` well, while a
        join on the unit path plus the scope's subquery made it repeat the search for each unit."""
        if under is None:
            return None if self.everything else list(self.units().values_list("pk", flat=True))
        units = OrgUnit.objects.filter(path__startswith=under.path)
        if not self.contains(under):  # otherwise the whole subtree is in the scope already
            units = units.filter(self.q())
        return list(units.values_list("pk", flat=True))

    def contains(self, unit: OrgUnit | None) -> bool:
        if unit is None:
            return self.everything
        return self.everything or any(unit.path.startswith(path) for path in self.paths)


NOTHING = UnitScope(everything=False)


def through_predecessors(scope: UnitScope) -> UnitScope:
    """``scope`` reaching back through reorganisations: a unit that merged, split or moved into one
    of the scope's units (UnitChange predecessor → successor, followed transitively) counts as the
    scope's for its past, with its sub-units; so an officer of a commune formed on 1/7/2025 may
    enter the careers people had in the communes it replaced. One query whatever the tree size;
    filter the result by date (``OrgUnit.objects.active_on``) for the tree as of a day."""
    if scope.everything or not scope.paths:
        return scope
    from core.models import UnitChange

    edges = list(UnitChange.objects.filter(predecessors__isnull=False, successors__isnull=False)
                 .values_list("predecessors__path", "successors__path"))
    paths = list(scope.paths)
    grown = True
    while grown:
        grown = False
        for before, after in edges:
            if (any(after.startswith(p) for p in paths)
                    and not any(before.startswith(p) for p in paths)):
                paths.append(before)
                grown = True
    return UnitScope(everything=False, paths=tuple(paths))


def _granted_paths(user, level: str) -> tuple[str, ...]:
    codenames = _PERMS[level]
    rows = OrgUnit.objects.filter(
        Q(user_grants__user=user, user_grants__permission__codename__in=codenames)
        | Q(group_grants__group__user=user, group_grants__permission__codename__in=codenames)
    ).values_list("path", flat=True).distinct()
    paths = sorted(set(rows))
    # Drop paths already covered by a granted ancestor: shorter filters, same reach.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _kept(paths) -> tuple[str, ...]:
    kept: list[str] = []
    # drop paths a granted ancestor covers: shorter filters, same reach
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _read_access(user) -> dict[str, UnitScope]:
    """Both scopes of ``user`` in one query (issue 17: four before, on every page): their model
    permissions, their own and their groups', which also fill the caches ``ModelBackend.has_perm``
    reads; their groups' names (core.roles); their unit grants at both levels."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from core.models import OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    user_model = get_user_model()
    user_perms, group_perms = user_model.user_permissions.through, Group.permissions.through
    memberships = user_model.groups.through
    perm = (f"SELECT ct.app_label || '.' || p.codename FROM {table(Permission)} p "  # noqa: S608
            f"JOIN {table(ContentType)} ct ON ct.id = p.content_type_id ")
    grant = (f"SELECT u.path, p.codename FROM {table(OrgUnit)} u "  # noqa: S608
             "JOIN %s o ON o.content_object_id = u.id "
             f"JOIN {table(Permission)} p ON p.id = o.permission_id ")
    # Table names from the models (quoted), every value a parameter.
    sql = " UNION ALL ".join([
        f"SELECT 'user', * FROM ({perm}JOIN {table(user_perms)} up "  # noqa: S608
        "ON up.permission_id = p.id WHERE up.user_id = %s) a",
        f"SELECT 'group', * FROM ({perm}JOIN {table(group_perms)} gp "  # noqa: S608
        f"ON gp.permission_id = p.id "
        f"JOIN {table(memberships)} m ON m.group_id = gp.group_id WHERE m.user_id = %s) b",
        f"SELECT 'name', g.name FROM {table(Group)} g "  # noqa: S608
        f"JOIN {table(memberships)} m ON m.group_id = g.id WHERE m.user_id = %s",
        f"SELECT 'grant:' || c.codename, c.path "  # noqa: S608
        f"FROM ({grant % table(OrgUnitUserObjectPermission)}WHERE o.user_id = %s) c",
        f"SELECT 'grant:' || d.codename, d.path "  # noqa: S608
        f"FROM ({grant % table(OrgUnitGroupObjectPermission)}"
        f"JOIN {table(memberships)} m ON m.group_id = o.group_id WHERE m.user_id = %s) d",
    ])
    rows: dict[str, set[str]] = {"user": set(), "group": set(), "name": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * 5)
        for kind, value in cursor.fetchall():
            rows.setdefault(kind, set()).add(value)
    if not user.is_superuser:  # ModelBackend's own caches, as its has_perm would fill them
        user._user_perm_cache, user._group_perm_cache = rows["user"], rows["group"]
        user._perm_cache = rows["user"] | rows["group"]
    user.__dict__["_group_names"] = frozenset(rows["name"])
    scopes = {}
    for level in (VIEW, MANAGE):
        if user.is_superuser or any(user.has_perm(name) for name in _GLOBAL[level]):
            scopes[level] = UnitScope(everything=True)
        else:
            paths = [p for codename in _PERMS[level] for p in rows.get(f"grant:{codename}", ())]
            scopes[level] = UnitScope(everything=False, paths=_kept(paths))
    return scopes


def unit_scope(user, level: str = VIEW) -> UnitScope:
    """The units ``user`` may see (``VIEW``) or edit (``MANAGE``). Deny by default."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if getattr(user, "is_candidate", False):
        return NOTHING
    cache = user.__dict__.setdefault("_unit_scope_cache", {})
    if level not in cache:
        if user.is_superuser:
            cache.update({VIEW: UnitScope(everything=True), MANAGE: UnitScope(everything=True)})
        else:
            cache.update(_read_access(user))
    return cache[level]


def forget_scope(user) -> None:
    """Drop the cached scope after grants change within the same request."""
    user.__dict__.pop("_unit_scope_cache", None)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_group_names"):
        user.__dict__.pop(attr, None)
