"""Read paths of the core screens: the unit tree as of a date, dashboard counts."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from core.access import UnitScope
from core.models import OrgUnit
from core.text import unaccent, vn_sort_key


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list["TreeNode"] = field(default_factory=list)
    descendants: int = 0
    match: bool = True

    @property
    def depth(self) -> int:
        return self.unit.depth


def unit_tree(*, scope: UnitScope, on: date | None = None, query: str = "") -> list[TreeNode]:
    """The units of ``scope`` that exist on ``on`` as a forest, siblings in Vietnamese order.

    With ``query``, the matching units are kept together with their ancestors (so a match is seen
    in its place), and each node counts all its sub-units. One query whatever the tree size.
    """
    on = on or timezone.localdate()
    units = list(scope.units().active_on(on).only(
        "id", "code", "name", "short_name", "kind", "sector", "parent_id", "path", "depth", "sort_order",
        "valid_from", "valid_to", "search_text"))
    by_id = {u.pk: TreeNode(unit=u) for u in units}
    keep = set(by_id)
    if query:
        matching = _match_ids(units, query)
        keep = set()
        for pk in matching:
            keep.update(i for i in by_id[pk].unit.ancestor_ids() if i in by_id)
        for pk, node in by_id.items():
            node.match = pk in matching
    roots: list[TreeNode] = []
    for unit in sorted(units, key=lambda u: u.depth):
        if unit.pk not in keep:
            continue
        node = by_id[unit.pk]
        parent = by_id.get(unit.parent_id) if unit.parent_id in keep else None
        (parent.children if parent else roots).append(node)
    _finish(roots)
    return roots


def _match_ids(units: list[OrgUnit], query: str) -> set[int]:
    words = unaccent(query).split()
    return {u.pk for u in units if all(w in u.search_text for w in words)}


def _finish(nodes: list[TreeNode]) -> int:
    nodes.sort(key=lambda n: (n.unit.sort_order, vn_sort_key(n.unit.name)))
    total = 0
    for node in nodes:
        node.descendants = _finish(node.children)
        total += 1 + node.descendants
    return total


def flatten(nodes: list[TreeNode]) -> list[TreeNode]:
    out: list[TreeNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


# Columns other apps add to the unit tree: (label, function(scope, day) -> {unit id: count of that unit
# alone}). The tree shows each unit's count with all its sub-units.
UNIT_COUNTERS: list[tuple] = []


def register_unit_counter(label, func, url_name: str = "") -> None:
    """``url_name``: a list page that accepts ?unit=<id> (the unit page links to it)."""
    if all(entry[1] is not func for entry in UNIT_COUNTERS):
        UNIT_COUNTERS.append((label, func, url_name))


def unit_totals(unit: OrgUnit, *, scope: UnitScope, on: date) -> list[dict]:
    """Each registered count for ``unit`` with all its sub-units, and the link to the list."""
    from django.urls import reverse

    subtree = set(scope.units().filter(path__startswith=unit.path).values_list("pk", flat=True))
    totals = []
    for label, func, url_name in UNIT_COUNTERS:
        direct = func(scope, on)
        url = f"{reverse(url_name)}?unit={unit.pk}" if url_name else ""
        totals.append({"label": label, "count": sum(n for pk, n in direct.items() if pk in subtree), "url": url})
    return totals


def tree_columns(nodes: list[TreeNode], *, scope: UnitScope, on: date) -> list[dict]:
    """The registered counts for the displayed nodes, summed over each node's subtree."""
    columns = []
    for label, func, _url in UNIT_COUNTERS:
        direct = func(scope, on)
        totals: dict[int, int] = {}
        for node in nodes:
            totals[node.unit.pk] = _subtree_total(node, direct)
        columns.append({"label": label, "values": totals})
    return columns


def _subtree_total(node: TreeNode, direct: dict[int, int]) -> int:
    return direct.get(node.unit.pk, 0) + sum(_subtree_total(child, direct) for child in node.children)


def unit_counts(*, scope: UnitScope, on: date | None = None) -> dict:
    """Units of the scope existing on ``on``, by kind and by sector."""
    on = on or timezone.localdate()
    rows = list(scope.units().active_on(on).values_list("kind", "sector"))
    kinds = Counter(kind for kind, _ in rows)
    sectors = Counter(sector for _, sector in rows)
    return {
        "total": len(rows),
        "by_kind": [(OrgUnit.Kind(k).label, n) for k, n in kinds.most_common()],
        "by_sector": [(OrgUnit.Sector(s).label, n) for s, n in sectors.most_common()],
    }
