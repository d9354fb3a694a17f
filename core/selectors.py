"""Read paths of the core screens: the unit tree as of a date, dashboard counts, locked logins,
access records."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from core.access import UnitScope
from core.models import AccessRecord, OrgUnit, User
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
        "id", "code", "name", "short_name", "kind", "sector", "parent_id", "path", "depth",
        "sort_order", "valid_from", "valid_to", "search_text"))
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


# Columns other apps add to the unit tree: (label, function(scope, day) -> {unit id: count of that
# unit alone}). The tree shows each unit's count with all its sub-units.
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
        totals.append({"label": label, "count": sum(n for pk, n in direct.items() if pk in subtree),
                       "url": url})
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
    return (direct.get(node.unit.pk, 0)
            + sum(_subtree_total(child, direct) for child in node.children))


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


def locked_logins() -> list[dict]:
    """Login names locked out now (django-axes rows at the failure limit within the cool-off),
    one row per name with its account if there is one: two queries."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = list(AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since,
    ).values("username").annotate(failures=Max("failures_since_start"), last=Max("attempt_time"),
                                  addresses=Count("ip_address", distinct=True)).order_by("-last"))
    accounts = User.objects.in_bulk([row["username"] for row in rows], field_name="username")
    for row in rows:
        row["account"] = accounts.get(row["username"])
        row["until"] = row["last"] + settings.AXES_COOLOFF_TIME
    return rows


# The model whose primary keys AccessRecord.subject_ids hold (personnel's people), registered
# from that app's AppConfig.ready() so that core imports nothing from it.
_SUBJECTS: dict = {"model": None, "code_field": ""}
SUBJECT_LABELS_PER_RECORD = 5


def register_access_subject(model, *, code_field: str) -> None:
    _SUBJECTS.update(model=model, code_field=code_field)


def access_records(*, user: str = "", action: str = "", date_from: date | None = None,
                   date_to: date | None = None, person: str = "") -> QuerySet[AccessRecord]:
    """Access records, newest first, filtered by account (login name or part of the full name),
    action, local dates (both ends included) and person (primary key or employee code)."""
    records = AccessRecord.objects.select_related("user").order_by("-at", "-id")
    if user:
        records = records.filter(
            Q(user__username__iexact=user) | Q(user__full_name__icontains=user))
    if action:
        records = records.filter(action=action)
    if date_from:
        records = records.filter(at__gte=_start_of(date_from))
    if date_to:
        records = records.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if person:
        records = _mentioning(records, _subject_ids(person))
    return records


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _subject_ids(text: str) -> set[int]:
    ids = {int(text)} if text.isdigit() else set()
    model, code_field = _SUBJECTS["model"], _SUBJECTS["code_field"]
    if model is not None:
        ids.update(model._base_manager.filter(**{code_field: text}).values_list("pk", flat=True))
    return ids


def _mentioning(records: QuerySet, ids: set[int]) -> QuerySet:
    """Records whose ``subject_ids`` list holds one of ``ids``."""
    if not ids:
        return records.none()
    if connection.features.supports_json_field_contains:  # PostgreSQL: jsonb @> [id]
        condition = Q()
        for pk in ids:
            condition |= Q(subject_ids__contains=[pk])
        return records.filter(condition)
    # SQLite has no JSON containment lookup: match the id as a whole element of the list's text,
    # which json.dumps writes as "[1, 2, 3]".
    pattern = "|".join(str(pk) for pk in sorted(ids))
    return records.annotate(subjects_text=Cast("subject_ids", TextField())).filter(
        subjects_text__regex=rf"[\[ ]({pattern})[,\]]")


def with_subjects(records) -> list[AccessRecord]:
    """Records with ``subjects``: (label, url) of the first few people each read, fetched in one
    query for the whole page, and ``more``: how many others."""
    records = list(records)
    wanted = {pk for r in records for pk in _ints(r.subject_ids)[:SUBJECT_LABELS_PER_RECORD]}
    model, found = _SUBJECTS["model"], {}
    if model is not None and wanted:
        found = model._base_manager.in_bulk(wanted)
    for record in records:
        ids = _ints(record.subject_ids)
        record.subjects = [_subject_label(pk, found.get(pk))
                           for pk in ids[:SUBJECT_LABELS_PER_RECORD]]
        record.more = max(0, len(ids) - SUBJECT_LABELS_PER_RECORD)
    return records


def _ints(values) -> list[int]:
    return [v for v in values if isinstance(v, int)] if isinstance(values, list) else []


def _subject_label(pk: int, obj) -> tuple[str, str]:
    if obj is None:
        return f"#{pk}", ""
    code = getattr(obj, _SUBJECTS["code_field"], "")
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return (f"{obj} ({code})" if code else str(obj)), url


# --- the audit log: who saw, who exported, who changed whose data ---------------------------------

VIEWED, EXPORTED, CHANGED = "viewed", "exported", "changed"
AUDIT_LOG_PAGE = 50
AUDIT_LOG_MAX_PAGE = 200  # deeper than 10,000 rows back, the filters should narrow the search
AUDIT_LOG_MAX_PEOPLE = 100  # a name matching more people than this is too vague to search by


@dataclass
class AuditLogPage:
    rows: list  # AuditEntry (``kind`` CHANGED) and AccessRecord (VIEWED / EXPORTED), newest first
    number: int
    has_next: bool
    too_many_people: bool = False


def audit_log(*, viewer, scope: UnitScope, reads_all: bool, person: str = "", user: str = "",
              kind: str = "", date_from: date | None = None, date_to: date | None = None,
              page: int = 1) -> AuditLogPage:
    """One page of the audit log: changes to records of ``scope``'s units (AuditEntry) and reads
    and exports of personal data (AccessRecord: every account's when ``reads_all``, else the
    viewer's own), merged newest first in one query. ``person``: the person concerned, by employee
    code or by name without diacritics, among the people of ``scope``; ``user``: the acting account
    (login name or part of the full name). A constant number of queries whatever the log's size."""
    page = max(1, min(page, AUDIT_LOG_MAX_PAGE))
    ids: list[int] | None = None
    if person:
        ids = _people_in_scope(person, scope)
        if len(ids) > AUDIT_LOG_MAX_PEOPLE:
            return AuditLogPage([], page, False, too_many_people=True)
    keys = []
    if kind in ("", CHANGED):
        keys.append(_changes(scope, ids, user, date_from, date_to).annotate(
            kind=Value(CHANGED), when=F("timestamp")).values_list("kind", "pk", "when"))
    if kind in ("", VIEWED, EXPORTED):
        keys.append(_reads(viewer, reads_all, ids, user, kind, date_from, date_to).annotate(
            kind=Value(EXPORTED), when=F("at")).values_list("kind", "pk", "when"))
    merged = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    start = (page - 1) * AUDIT_LOG_PAGE
    window = list(merged.order_by("-when", "-pk")[start:start + AUDIT_LOG_PAGE + 1])
    return AuditLogPage(_audit_rows(window[:AUDIT_LOG_PAGE]), page, len(window) > AUDIT_LOG_PAGE)


def _people_in_scope(text: str, scope: UnitScope) -> list[int]:
    """Primary keys of the people of ``scope`` named by ``text``: an employee code (or the number in
    the address of their page), else every word of a name without diacritics. A word with a digit
    matches the employee code only, never the ID number (it would be read back digit by digit)."""
    model, code_field = _SUBJECTS["model"], _SUBJECTS["code_field"]
    if model is None:
        return []
    people = scope.filter(model._default_manager.all(), "unit")
    # A number may also be the id in the address of the person's page.
    by_id = Q(pk=int(text)) if text.strip().isdigit() else Q()
    exact = Q(**{f"{code_field}__iexact": text.strip()}) | by_id
    found = list(people.filter(exact).values_list("pk", flat=True)[:AUDIT_LOG_MAX_PEOPLE + 1])
    if found or not hasattr(people, "search"):
        return found
    return list(people.search(text, id_visible=Q(pk__in=[])).values_list("pk", flat=True)
                [:AUDIT_LOG_MAX_PEOPLE + 1])


def _changes(scope: UnitScope, ids, user: str, date_from, date_to) -> QuerySet:
    from core.models import AuditEntry

    entries = AuditEntry.objects.order_by()
    if not scope.everything:
        entries = scope.filter(entries.filter(unit__isnull=False), "unit")
    if user:
        entries = entries.filter(Q(actor__username__iexact=user) | Q(actor_name__icontains=user))
    if date_from:
        entries = entries.filter(timestamp__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(timestamp__lt=_start_of(date_to + timedelta(days=1)))
    if ids is not None:
        from django.contrib.contenttypes.models import ContentType

        entries = entries.filter(content_type=ContentType.objects.get_for_model(_SUBJECTS["model"]),
                                 object_id__in=[str(pk) for pk in ids])
    return entries


def _reads(viewer, reads_all: bool, ids, user: str, kind: str, date_from, date_to) -> QuerySet:
    records = access_records(user=user, date_from=date_from, date_to=date_to).order_by()
    if not reads_all:
        records = records.filter(user=viewer)
    if kind == EXPORTED:
        records = records.filter(action=AccessRecord.Action.EXPORT)
    elif kind == VIEWED:
        records = records.exclude(action=AccessRecord.Action.EXPORT)
    if ids is not None:
        records = _mentioning(records, set(ids))
    return records


def _audit_rows(window: list[tuple]) -> list:
    """The records of the page's keys, in the keys' order: two queries and the display helpers'."""
    from core.models import AuditEntry

    change_ids = [pk for kind, pk, _when in window if kind == CHANGED]
    read_ids = [pk for kind, pk, _when in window if kind != CHANGED]
    changes = AuditEntry.objects.select_related("content_type", "unit", "actor").in_bulk(change_ids)
    reads = AccessRecord.objects.select_related("user").in_bulk(read_ids)
    with_subjects(reads.values())
    rows = []
    for kind, pk, _when in window:
        row = changes[pk] if kind == CHANGED else reads[pk]
        row.kind = CHANGED if kind == CHANGED else (EXPORTED
                                                        if row.action == AccessRecord.Action.EXPORT
                                                    else VIEWED)
        rows.append(row)
    return rows
