"""The staffing report: for every unit, headcount, leaders, deputies, non-leaders, the deputy norm,
the staffing quota and the flags of DOMAIN-RULES §7.3, as of any date.

It lives in ``personnel`` because it counts people. Its number of queries does not depend on the
number of units or people: units, people by unit, quotas, reorganisations and province mergers
are each one query, and the tree arithmetic is done in Python.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from core.access import UnitScope
from core.dates import add_months
from core.models import OrgUnit, UnitChange
from personnel.models import Assignment, Category, Leadership
from positions.models import StaffingQuota
from positions.rules.staffing import OrganisationNorms, norms_on

LEADERS_NOT_FEWER_THAN_STAFF = "LEADERS_NOT_FEWER_THAN_STAFF"
DEPUTIES_OVER_NORM = "DEPUTIES_OVER_NORM"
DEPUTIES_OVER_PARENT = "DEPUTIES_OVER_PARENT"
BELOW_MINIMUM_POSTS = "BELOW_MINIMUM_POSTS"
OVER_QUOTA = "OVER_QUOTA"
FLAGS = (LEADERS_NOT_FEWER_THAN_STAFF, DEPUTIES_OVER_NORM, DEPUTIES_OVER_PARENT,
         BELOW_MINIMUM_POSTS, OVER_QUOTA)

K = OrgUnit.Kind
AGENCY_KINDS = {K.DEPARTMENT, K.OFFICE, K.INSPECTORATE}
DIVISION_KINDS = {K.DIVISION, K.OFFICE, K.INSPECTORATE}
CIVIL_SERVICE = {Category.CADRE, Category.CIVIL_SERVANT}


@dataclass
class UnitCounts:
    """People of one unit alone: leaders of the unit itself, everyone by category."""

    heads: int = 0
    deputies: int = 0
    staff: int = 0  # non-leaders
    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class StaffingRow:
    unit: OrgUnit
    role: str  # agency, division, commune_division, service_division, sub_department, other
    headcount: int
    leaders: int
    deputies: int
    non_leaders: int
    civil_servants: int
    max_deputies: int | None
    quota: int | None
    flags: list[str]
    grace_until: date | None = None
    counted: int | None = None  # people of the categories the quota covers

    def as_json(self) -> dict:
        return {"code": self.unit.code, "name": self.unit.name, "headcount": self.headcount,
                "leaders": self.leaders, "deputies": self.deputies, "non_leaders": self.non_leaders,
                "max_deputies": self.max_deputies, "quota": self.quota, "flags": self.flags}


def _people(units_qs, on: date) -> dict[int, UnitCounts]:
    """Working people per unit on ``on``, read from the assignments of that day (one query; the
    units come as a subquery, so the statement does not grow with the tree)."""
    held = Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on),
                                     start_date__lte=on, kind=Assignment.Kind.PRIMARY,
                                     unit__in=units_qs.values("pk"))
    counts: dict[int, UnitCounts] = defaultdict(UnitCounts)
    rows = held.values_list("unit_id", "leadership",
                            "servant__category").annotate(n=Count("id")).order_by()
    for unit_id, leadership, category, n in rows:
        entry = counts[unit_id]
        entry.by_category[category] += n
        if leadership == Leadership.HEAD:
            entry.heads += n
        elif leadership == Leadership.DEPUTY:
            entry.deputies += n
        else:
            entry.staff += n
    return counts


def _role(unit: OrgUnit, parent: OrgUnit | None) -> str:
    if parent is None:
        return "other"
    if unit.kind in AGENCY_KINDS and parent.kind == K.PROVINCE:
        return "agency"
    if unit.kind == K.SUB_DEPARTMENT:
        return "sub_department"
    if parent.kind == K.COMMUNE:
        return "commune_division"
    if parent.kind == K.PUBLIC_SERVICE_UNIT and unit.kind in DIVISION_KINDS | {K.DIVISION}:
        return "service_division"
    if unit.kind in DIVISION_KINDS and parent.kind in AGENCY_KINDS:
        return "division"
    return "other"


def _max_deputies(role: str, unit: OrgUnit, norms: OrganisationNorms, province: OrgUnit | None,
                  merged: int, civil_servants: int, headcount: int) -> int | None:
    province_class = province.province_class if province else ""
    if role == "division":
        if unit.kind == K.INSPECTORATE:
            return norms.inspectorate_deputies(headcount)
        return norms.division_deputies(province_class, civil_servants)
    if role == "agency":
        return norms.department_deputies(merged)
    if role == "commune_division":
        return norms.commune_division_deputies
    if role == "service_division":
        return norms.service_division_deputies(headcount)
    return None


def _grace(units_qs, units: dict[int, OrgUnit], on: date, years: int) -> dict[int, date]:
    """Units opened by a reorganisation less than ``years`` ago → the end of their grace period."""
    since = add_months(on, -12 * years)
    changes = UnitChange.objects.filter(
        kind__in=[UnitChange.Kind.MERGE, UnitChange.Kind.SPLIT, UnitChange.Kind.TRANSFER],
        effective_date__gt=since, effective_date__lte=on,
        successors__in=units_qs.values("pk")).values_list("successors", "effective_date")
    return {unit_id: add_months(day, 12 * years) for unit_id, day in changes if unit_id in units}


def _merged_provinces(provinces: list[int]) -> dict[int, int]:
    """How many provinces each province was merged from (1 when it was not merged)."""
    rows = UnitChange.objects.filter(kind=UnitChange.Kind.MERGE, successors__in=provinces).annotate(
        n=Count("predecessors",
                filter=Q(predecessors__kind=K.PROVINCE))).values_list("successors", "n")
    merged = {pk: 1 for pk in provinces}
    merged.update({pk: max(n, 1) for pk, n in rows})
    return merged


def staffing_report(*, scope: UnitScope, on: date,
                    root: OrgUnit | None = None) -> list[StaffingRow]:
    """One row per unit of the scope existing on ``on`` (the subtree of ``root`` if given)."""
    units_qs = scope.units().active_on(on)
    if root is not None:
        units_qs = units_qs.filter(path__startswith=root.path)
    units = {u.pk: u for u in units_qs.order_by("path")}
    # Ancestors outside the report.
    above = {i for u in units.values() for i in u.ancestor_ids()} - set(units)
    everything = {**units, **OrgUnit.objects.in_bulk(above)}
    counts = _people(units_qs, on)
    quotas = _quotas(units_qs, on.year)
    norms = norms_on(on)
    grace = _grace(units_qs, units, on, norms.grace_years)
    province_ids = {u.ancestor_ids()[0] for u in units.values()}
    merged = _merged_provinces([pk for pk in province_ids if everything[pk].kind == K.PROVINCE])
    subtree = _subtree_sums(units, counts)
    rows = {}
    for unit in units.values():
        if unit.parent_id in everything:
            # Labels without queries.
            unit._state.fields_cache["parent"] = everything[unit.parent_id]
        rows[unit.pk] = _row(unit, everything, counts, subtree, quotas, norms, grace, merged)
    _department_average(rows, norms, merged, everything)
    _parent_flags(rows)
    return list(rows.values())


def _quotas(units_qs, year: int) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, category, number in StaffingQuota.objects.filter(
            unit__in=units_qs.values("pk"), year=year).values_list("unit_id", "category", "number"):
        result[unit_id][category] = number
    return result


def _subtree_sums(units: dict[int, OrgUnit],
                  counts: dict[int, UnitCounts]) -> dict[int, UnitCounts]:
    """Each unit's people with all its sub-units (one pass up the tree, deepest first)."""
    totals: dict[int, UnitCounts] = {}
    for unit in sorted(units.values(), key=lambda u: -u.depth):
        own = counts.get(unit.pk, UnitCounts())
        total = totals.setdefault(unit.pk, UnitCounts())
        total.heads += own.heads
        total.deputies += own.deputies
        total.staff += own.staff
        for category, n in own.by_category.items():
            total.by_category[category] += n
        if unit.parent_id in units:
            parent = totals.setdefault(unit.parent_id, UnitCounts())
            parent.heads += total.heads
            parent.deputies += total.deputies
            parent.staff += total.staff
            for category, n in total.by_category.items():
                parent.by_category[category] += n
    return totals


def _row(unit, everything, counts, subtree, quotas, norms, grace, merged) -> StaffingRow:
    own = counts.get(unit.pk, UnitCounts())
    total = subtree[unit.pk]
    parent = everything.get(unit.parent_id)
    province = everything.get(unit.ancestor_ids()[0])
    role = _role(unit, parent)
    headcount = sum(total.by_category.values())
    civil_servants = sum(n for c, n in total.by_category.items() if c in CIVIL_SERVICE)
    unit_quota = quotas.get(unit.pk)
    quota = sum(unit_quota.values()) if unit_quota else None
    max_deputies = _max_deputies(role, unit, norms, province,
                                 merged.get(province.pk, 1) if province else 1, civil_servants,
                                 headcount)
    row = StaffingRow(unit=unit, role=role, headcount=headcount, leaders=own.heads + own.deputies,
                      deputies=own.deputies, non_leaders=total.staff, civil_servants=civil_servants,
                      max_deputies=max_deputies, quota=quota, flags=[],
                      grace_until=grace.get(unit.pk))
    divisions = {"division", "commune_division", "service_division", "sub_department"}
    if role in divisions and row.leaders and row.leaders >= row.non_leaders:
        row.flags.append(LEADERS_NOT_FEWER_THAN_STAFF)
    if max_deputies is not None and row.deputies > max_deputies and role != "agency" \
            and row.grace_until is None:
        row.flags.append(DEPUTIES_OVER_NORM)
    if role == "division":
        # The civil-service quota when one is set, else the civil servants actually working.
        posts = sum(n for c, n in (unit_quota or {}).items() if c in CIVIL_SERVICE) \
            or civil_servants
        if posts < norms.minimum_posts(province.province_class if province else ""):
            row.flags.append(BELOW_MINIMUM_POSTS)
    if unit_quota:
        row.counted = sum(n for c, n in total.by_category.items() if c in unit_quota)
        if row.counted > quota:
            row.flags.append(OVER_QUOTA)
    return row


def _department_average(rows: dict[int, StaffingRow], norms, merged, everything) -> None:
    """Deputy directors are an average per province: flag the departments above it only when the
    province's departments together exceed their total allowance."""
    by_province: dict[int, list[StaffingRow]] = defaultdict(list)
    for row in rows.values():
        if row.role == "agency":
            by_province[row.unit.ancestor_ids()[0]].append(row)
    for agencies in by_province.values():
        allowance = sum(r.max_deputies or 0 for r in agencies)
        if sum(r.deputies for r in agencies) > allowance:
            for row in agencies:
                if row.deputies > (row.max_deputies or 0) and row.grace_until is None:
                    row.flags.append(DEPUTIES_OVER_NORM)


def _parent_flags(rows: dict[int, StaffingRow]) -> None:
    """A unit may not have more deputies than its direct parent (ND 370/2025 principle). Skipped
    when the parent is the province or has no leader recorded (nothing to compare with)."""
    for row in rows.values():
        parent = rows.get(row.unit.parent_id)
        if parent is None or parent.unit.kind == K.PROVINCE or parent.leaders == 0:
            continue
        if row.deputies > parent.deputies:
            row.flags.append(DEPUTIES_OVER_PARENT)


@dataclass(frozen=True)
class RatioWarning:
    unit: OrgUnit
    rank_level: str
    count: int
    total: int
    cap_percent: int
    confirmed: bool

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


def rank_ratio_warnings(*, scope: UnitScope, root: OrgUnit | None = None) -> list[RatioWarning]:
    """Units whose share of people at a rank level exceeds the cap set for their kind of unit
    (ND 361/2025 percentages; provincial caps are set by provincial HR). Three queries."""
    from personnel.models import CivilServant
    from positions.models import RankRatioCap

    caps = {(c.unit_kind, c.rank_level): c for c in RankRatioCap.objects.all()}
    if not caps:
        return []
    kinds = {kind for kind, _level in caps}
    units = scope.units().open().filter(kind__in=kinds)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    units = list(units)
    working = scope.filter(CivilServant.objects.active(), "unit")
    people = working.values_list("unit__path", "rank__level")
    counts: dict[int, dict[str, int]] = {u.pk: defaultdict(int) for u in units}
    for path, level in people.iterator(chunk_size=5000):
        for unit in units:
            if path.startswith(unit.path):
                counts[unit.pk][level or ""] += 1
    warnings = []
    for unit in units:
        total = sum(counts[unit.pk].values())
        for (kind, level), cap in caps.items():
            # Compared in whole numbers: level / total > max_percent %, without rounding.
            if kind == unit.kind and total and \
                    100 * counts[unit.pk][level] > cap.max_percent * total:
                warnings.append(RatioWarning(unit, level, counts[unit.pk][level], total,
                                             cap.max_percent, cap.confirmed))
    return warnings
