"""Fast bulk inserts for large imports: PostgreSQL COPY, SQLite executemany, ids allocated up front.

Django's ``bulk_create`` builds a model instance and converts every field of every row; for
100,000 people that alone is several times the cost of reading the file. These helpers take plain
tuples in column order and stream them in a few statements per table (one per ``CHUNK_ROWS``
rows, so memory stays flat), inside the caller's transaction. Callers validate everything first
(the importers do): no model validation runs here.
"""
import gc
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice

from django.db import connection, models

CHUNK_ROWS = 10_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: it dominates large loads of small objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys for ``model`` (inside the caller's transaction)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count])
            return [row[0] for row in cursor.fetchall()]
        # S608: the table name comes from the model, never from input.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        start = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + count + 1))


def _pg_escape(text: str) -> str:
    """COPY text format escaping. Looking for the four characters first and replacing only when
    one is there is many times faster than ``str.translate``, which is slow on non-ASCII text."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return _pg_escape(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return _pg_escape(json.dumps(value, ensure_ascii=False))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _sqlite_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value) if isinstance(value, Decimal) else value.hex
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _chunks(rows: Iterable[Sequence], size: int) -> Iterator[list[Sequence]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of Python values in ``fields`` order, foreign keys as ids, JSON as
    dicts) into ``model``'s table, ``CHUNK_ROWS`` at a time. Returns the number of rows."""
    table = model._meta.db_table
    columns = column_names(model, fields)
    quoted = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f'COPY "{table}" ({quoted}) FROM STDIN'
            for chunk in _chunks(rows, CHUNK_ROWS):
                text = "".join(["\t".join([_pg_text(v) for v in row]) + "\n" for row in chunk])
                cursor.copy_expert(sql, io.StringIO(text))
                count += len(chunk)
        else:
            marks = ", ".join(["?"] * len(columns))
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
            for chunk in _chunks(rows, CHUNK_ROWS):
                cursor.cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in chunk])
                count += len(chunk)
    return count


def model_defaults(model: type[models.Model], fields: Sequence[str]) -> dict[str, object]:
    """Default values of ``fields`` for rows that do not set them (computed once per import)."""
    defaults = {}
    for name in fields:
        field = model._meta.get_field(name)
        if field.has_default():
            defaults[name] = field.get_default()
        else:
            defaults[name] = "" if field.empty_strings_allowed and not field.null else None
    return defaults


def _column_types(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).db_type(connection) for name in fields]


def _pg_stage(cursor, model: type[models.Model], fields: Sequence[str],
              rows: Iterable[Sequence]) -> tuple[str, int]:
    """COPY ``rows`` into a temporary table shaped like
    ``fields`` of ``model`` (dropped at commit)."""
    stage = f"stage_{uuid.uuid4().hex[:12]}"
    columns = column_names(model, fields)
    spec = ", ".join(f'"{c}" {t}'
                     for c, t in zip(columns, _column_types(model, fields), strict=True))
    cursor.execute(f'CREATE TEMPORARY TABLE "{stage}" ({spec}) ON COMMIT DROP')
    quoted = ", ".join(f'"{c}"' for c in columns)
    count = 0
    for chunk in _chunks(rows, CHUNK_ROWS):
        text = "".join(["\t".join([_pg_text(v) for v in row]) + "\n" for row in chunk])
        cursor.copy_expert(f'COPY "{stage}" ({quoted}) FROM STDIN', io.StringIO(text))
        count += len(chunk)
    return stage, count


def bulk_update(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set ``fields[1:]`` of the rows whose ``fields[0]`` (the primary key) is given: on PostgreSQL
    one COPY into a temporary table and one ``UPDATE … FROM`` (Django's ``bulk_update`` writes a
    CASE per column whose size grows with the batch: minutes for 50,000 rows); on SQLite an
    ``executemany`` of plain UPDATEs. Must run inside the caller's transaction."""
    table = model._meta.db_table
    key, *columns = column_names(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage, count = _pg_stage(cursor, model, fields, rows)
            assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
            sql = (f'UPDATE "{table}" AS t SET {assignments} FROM "{stage}" AS s '  # noqa: S608
                   f'WHERE t."{key}" = s."{key}"')
            cursor.execute(sql)
            cursor.execute(f'DROP TABLE "{stage}"')
            return count
        setters = ", ".join(f'"{c}" = ?' for c in columns)
        # S608: table and column names come from the model; the values are parameters.
        sql = f'UPDATE "{table}" SET {setters} WHERE "{key}" = ?'  # noqa: S608
        count = 0
        for chunk in _chunks(rows, CHUNK_ROWS):
            cursor.cursor.executemany(sql,
                                      [[*(_sqlite_value(v) for v in row[1:]), row[0]]
                                       for row in chunk])
            count += len(chunk)
        return count


def bulk_upsert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], *,
                conflict: Sequence[str], update: Sequence[str]) -> int:
    """Insert ``rows`` or, where a row with the same ``conflict`` fields exists, set its ``update``
    fields: on PostgreSQL a COPY into a temporary table and one ``INSERT … SELECT … ON CONFLICT DO
    UPDATE``; on SQLite an ``executemany`` of the same upsert. Inside the caller's transaction."""
    table = model._meta.db_table
    columns = column_names(model, fields)
    quoted = ", ".join(f'"{c}"' for c in columns)
    target = ", ".join(f'"{c}"' for c in column_names(model, conflict))
    assignments = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in column_names(model, update))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage, count = _pg_stage(cursor, model, fields, rows)
            sql = (f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{stage}" '  # noqa: S608
                   f'ON CONFLICT ({target}) DO UPDATE SET {assignments}')
            cursor.execute(sql)
            cursor.execute(f'DROP TABLE "{stage}"')
            return count
        marks = ", ".join(["?"] * len(columns))
        sql = (f'INSERT INTO "{table}" ({quoted}) VALUES ({marks}) '  # noqa: S608
               f'ON CONFLICT ({target}) DO UPDATE SET {assignments}')
        count = 0
        for chunk in _chunks(rows, CHUNK_ROWS):
            cursor.cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in chunk])
            count += len(chunk)
        return count


# --- rows declared once, rendered straight to COPY text -------------------------------------------

class Fixed:
    """A value every row of a :class:`TableRows` shares (rendered once, not once per row)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _pg_value(value) -> str:
    """A value other than None or text as COPY text (its escaping is checked on the whole line)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "t" if value else "f"
    return value.isoformat() if isinstance(value, datetime) else str(value)


# Types whose str() is their COPY text (a date's is its ISO form).
_PLAIN = frozenset({int, date, Decimal, uuid.UUID})
_NEEDS_ESCAPE = re.compile(r"[\\\n\r]")


class TableRows:
    """The rows one bulk write adds to one table, declared once as ``{field: getter}``.

    A getter is a function of the item a row is built from (an import row, say), or a
    :class:`Fixed` value shared by every row. On PostgreSQL each row becomes its line of COPY text
    as the COPY asks for it: the shared columns are formatted once, each other column by the
    formatter its value's type calls for. The rows of :meth:`write` are rendered while the COPY
    runs, so PostgreSQL stores one part of the table while Python renders the next, on the
    other core, and memory stays flat. On SQLite the rows are tuples of Python values for one
    ``executemany``. No model validation runs: callers check everything first (DESIGN.md §5)."""

    def __init__(self, model: type[models.Model], fields: dict, *, send=None):
        self.model = model
        self.fields = list(fields)
        self.postgresql = connection.vendor == "postgresql"
        self.count = 0
        self.send = send or copy_rows
        self._fixed: dict[int, object] = {}
        self._template: list = []
        self._getters: list[tuple[int, object]] = []
        for index, (name, getter) in enumerate(fields.items()):
            model._meta.get_field(name)  # a misspelt field fails here, not in the COPY
            if isinstance(getter, Fixed):
                self._fixed[index] = getter.value
                fixed = getter.value
                self._template.append(("\0" if fixed is None else _pg_text(fixed))
                                      if self.postgresql else _sqlite_value(fixed))
            else:
                self._template.append(None)
                self._getters.append((index, getter))

    def render(self, item):
        """One row of ``item``: its line of COPY text (PostgreSQL) or its tuple (SQLite)."""
        row = self._template.copy()
        if not self.postgresql:
            for index, getter in self._getters:
                row[index] = _sqlite_value(getter(item))
            return row
        # Text as it is, checked for COPY's special characters once on the whole line (a row
        # needing escapes is rare: it is then rendered value by value).
        for index, getter in self._getters:
            value = getter(item)
            kind = value.__class__
            row[index] = (value if kind is str else "\0" if value is None
                          else str(value) if kind in _PLAIN else _pg_value(value))
        line = "\t".join(row)
        if _NEEDS_ESCAPE.search(line) or line.count("\t") != len(row) - 1:
            return "\t".join(_pg_text(value) for value in self.values(item))
        if "\0" in line:  # NUL marks a NULL here: PostgreSQL text cannot hold it
            return line.replace("\0", "\\N")
        return line

    def values(self, item) -> tuple:
        """One row as Python values in ``fields`` order
        (for a caller that writes it its own way)."""
        row = [self._fixed.get(index) for index in range(len(self.fields))]
        for index, getter in self._getters:
            row[index] = getter(item)
        return tuple(row)

    def write(self, items: Iterable) -> int:
        """Insert one row per item, rendered as the database takes them; return how many."""
        before = self.count

        def rows():
            for item in items:
                self.count += 1
                yield self.render(item)

        self.send(self, rows())
        return self.count - before


class _Lines:
    """A file of COPY text read by ``copy_expert``, its lines made as it is read."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)

    def read(self, size: int = -1) -> str:
        parts, length = [], 0
        for line in self._lines:
            parts.append(line)
            length += len(line) + 1
            if 0 <= size <= length:
                break
        return "\n".join(parts) + "\n" if parts else ""


COPY_READ_SIZE = 256 * 1024  # characters handed to the COPY at a time


def copy_rows(table: TableRows, rows: Iterable) -> None:
    """Send the rendered rows of ``table`` as they come: one COPY on PostgreSQL, one executemany
    on SQLite."""
    columns = ", ".join(f'"{c}"' for c in column_names(table.model, table.fields))
    name = table.model._meta.db_table
    with connection.cursor() as cursor:
        if table.postgresql:
            # The size goes by position: Django's debug cursor passes on positional arguments only.
            cursor.copy_expert(f'COPY "{name}" ({columns}) FROM STDIN', _Lines(rows),
                               COPY_READ_SIZE)
        else:
            marks = ", ".join(["?"] * len(table.fields))
            sql = f'INSERT INTO "{name}" ({columns}) VALUES ({marks})'  # noqa: S608
            cursor.cursor.executemany(sql, rows)


def lock_references(model: type[models.Model], ids: Iterable[int]) -> set[int]:
    """Of ``ids``, those ``model`` holds, locked against deletion until the transaction ends (what
    a foreign-key check does: ``FOR KEY SHARE`` on PostgreSQL). A bulk writer checks its
    references with it before :func:`references_checked`."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return set()
    table = model._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), CHUNK_ROWS):
            chunk = wanted[start:start + CHUNK_ROWS]
            marks = ", ".join(["%s"] * len(chunk))
            sql = f'SELECT "id" FROM "{table}" WHERE "id" IN ({marks}){lock}'  # noqa: S608
            cursor.execute(sql, chunk)
            found.update(row[0] for row in cursor.fetchall())
    return found


@contextmanager
def references_checked(models_written: Sequence[type[models.Model]]) -> Iterator[bool]:
    """PostgreSQL: COPY into ``models_written`` without the per-row foreign-key triggers, because
    the caller has checked and locked every reference itself (:func:`lock_references`; rows that
    refer to each other get their ids from :func:`allocate_ids` in the same transaction). The
    constraints stay defined and in force for every other write and for the rest of this
    transaction: only the trigger work of these COPYs is skipped (at 100,000 people it was 1.1
    million single-row lookups, 17–65 s at commit). Yields whether the triggers are off: a role
    that may not set ``session_replication_role`` (superuser, or ``GRANT SET ON PARAMETER`` in
    PostgreSQL 15), a table with triggers of its own, or SQLite leave the database to check, as
    before."""
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        yield False
        return
    tables = [m._meta.db_table for m in models_written]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) AND NOT "
            "tgisinternal", [tables])
        if cursor.fetchone()[0]:
            yield False
            return
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not allowed for this role: the triggers check, as for any insert
            yield False
            return
        yield True
        # Back on for the rest of the transaction (on an error the rollback undoes the SET LOCAL).
        cursor.execute("SET LOCAL session_replication_role = origin")
