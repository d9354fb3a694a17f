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
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 - table name from the model
        start = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + count + 1))


def _pg_escape(text: str) -> str:
    """COPY text format escaping. Looking for the four characters first and replacing only when
    one is there is many times faster than ``str.translate``, which is slow on non-ASCII text."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
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
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(["?"] * len(columns))})'  # noqa: S608
            for chunk in _chunks(rows, CHUNK_ROWS):
                cursor.cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in chunk])
                count += len(chunk)
    return count


def model_defaults(model: type[models.Model], fields: Sequence[str]) -> dict[str, object]:
    """Default values of ``fields`` for rows that do not set them (computed once per import)."""
    defaults = {}
    for name in fields:
        field = model._meta.get_field(name)
        defaults[name] = field.get_default() if field.has_default() else ("" if field.empty_strings_allowed
                                                                           and not field.null else None)
    return defaults


def _column_types(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).db_type(connection) for name in fields]


def _pg_stage(cursor, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> tuple[str, int]:
    """COPY ``rows`` into a temporary table shaped like ``fields`` of ``model`` (dropped at commit)."""
    stage = f"stage_{uuid.uuid4().hex[:12]}"
    columns = column_names(model, fields)
    spec = ", ".join(f'"{c}" {t}' for c, t in zip(columns, _column_types(model, fields), strict=True))
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
            cursor.execute(f'UPDATE "{table}" AS t SET {assignments} FROM "{stage}" AS s '  # noqa: S608
                           f'WHERE t."{key}" = s."{key}"')
            cursor.execute(f'DROP TABLE "{stage}"')
            return count
        setters = ", ".join(f'"{c}" = ?' for c in columns)
        sql = f'UPDATE "{table}" SET {setters} WHERE "{key}" = ?'  # noqa: S608 - names from the model
        count = 0
        for chunk in _chunks(rows, CHUNK_ROWS):
            cursor.cursor.executemany(sql, [[*(_sqlite_value(v) for v in row[1:]), row[0]] for row in chunk])
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
            cursor.execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{stage}" '  # noqa: S608
                           f'ON CONFLICT ({target}) DO UPDATE SET {assignments}')
            cursor.execute(f'DROP TABLE "{stage}"')
            return count
        sql = (f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(["?"] * len(columns))}) '  # noqa: S608
               f'ON CONFLICT ({target}) DO UPDATE SET {assignments}')
        count = 0
        for chunk in _chunks(rows, CHUNK_ROWS):
            cursor.cursor.executemany(sql, [[_sqlite_value(v) for v in row] for row in chunk])
            count += len(chunk)
        return count
