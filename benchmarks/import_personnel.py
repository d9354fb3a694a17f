r"""Benchmark: import_personnel of N people (default 100,000) against the physical limit.

What is measured, in one run on one throwaway database (DESIGN.md §5):

(a) baseline — the least any import of this file must do: read every cell of the .xlsx into Python
    with python-calamine, then insert the same N rows into a scratch table of the same width
    (22 text columns) with a bare bulk insert in one transaction: COPY (psycopg2 ``copy_expert``) on
    PostgreSQL, ``executemany`` with the cyclic GC paused on SQLite;
(c) second baseline — the same read, plus a bare bulk insert of exactly the rows the import writes
    into the five real tables with all their indexes and constraints (people, career events,
    assignments, salary rows, audit entries), one COPY per table (``executemany`` with the GC
    paused on SQLite), in one transaction. It runs after (b) and its checks, on the five tables
    emptied again; the rows are built beforehand, untimed, by the importer's own validation and
    row builder;
(b) the real import — ``PersonnelImporter(actor=None).run(path)``: every row parsed and checked,
    then written in one transaction (people, assignments, salary rows, career events, audit
    entries).

Target: (b) / (a) ≤ 3; (b) / (c) shows what the import adds to writing its own rows. The import's
time is split (by wrapping its methods for the run) into read, parse,
check (reference data and row checks), build (ids, references checked), write (the COPYs, each
rendering its rows from the table's field declaration while PostgreSQL stores the rows sent
before) and commit. Peak memory of each is
reported (see benchmarks/_support.py for how). The file holds only valid rows (see
``PeopleGenerator``); writing it is not timed. Afterwards the database is checked: N people,
assignments, salary rows, career events and N audit entries of the import's batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/import_personnel.py
    .venv/bin/python benchmarks/import_personnel.py --rows 20000    # SQLite in a temporary file

The last line of stdout is the JSON of every figure.
"""
import argparse
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from _support import (
    LOADED_TABLES,
    PeopleGenerator,
    Probe,
    emit_json,
    headers,
    instrumented,
    log,
    ratio,
    start,
    timing,
)

TARGET = 3.0
SCRATCH = "bench_scratch"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000,
                        help="people in the file (default 100,000)")
    parser.add_argument("--db-name", default="cong_vu_bench_import",
                        help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the file at the end")
    return parser.parse_args()


# --- the file (not timed) -------------------------------------------------------------------------

def write_workbook(path: Path, count: int, samples: tuple[int, ...]) -> dict[int, list]:
    """Write the .xlsx the way an office would; return a few rows to check the result against."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path),
                                   {"constant_memory": True, "strings_to_numbers": False})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Danh sách")
    sheet.write_row(0, 0, headers())
    kept = {}
    for line, cells in enumerate(PeopleGenerator().rows(count), start=1):
        if line - 1 in samples:
            kept[line - 1] = cells
        for col, value in enumerate(cells):
            if isinstance(value, date):
                sheet.write_datetime(line, col, value, day)
            elif isinstance(value, str):
                sheet.write_string(line, col, value)
            elif value is not None:
                sheet.write_number(line, col, value)
    workbook.close()
    return kept


# --- (a) the baseline -----------------------------------------------------------------------------

def read_cells(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python(skip_empty_area=False)


def create_scratch(width: int) -> None:
    from django.db import connection

    columns = ", ".join(f"c{i:02d} text" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} ({columns})")


def _copy_text(value) -> str:
    """COPY text format; scanning first is far faster than str.translate, which is slow on
    non-ASCII text."""
    if value is None:
        return "\\N"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif not isinstance(value, str):
        return str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return value


def _bare_copy(cursor, sql: str, rows) -> None:
    """One COPY of ``rows`` in text format, built in one buffer: the least a bulk insert does."""
    import io

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join([_copy_text(v) for v in row]))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(sql, buffer)


def insert_scratch(rows: list[list]) -> None:
    """The bare bulk insert: one COPY (PostgreSQL) or one executemany with the GC paused
    (SQLite)."""
    from django.db import connection, transaction

    from core.bulk import gc_paused

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _bare_copy(cursor, f"COPY {SCRATCH} FROM STDIN", rows)
        else:
            with gc_paused():
                values = [[v.isoformat() if isinstance(v, date) else v for v in row]
                          for row in rows]
                marks = ", ".join("?" * len(rows[0]))
                cursor.cursor.executemany(f"INSERT INTO {SCRATCH} VALUES ({marks})", values)


def run_baseline(path: Path) -> dict:
    create_scratch(len(headers()))
    timings: dict[str, float] = {}
    with Probe() as probe:
        with timing(timings, "read"):
            cells = read_cells(path)
        with timing(timings, "insert"):
            insert_scratch(cells[1:])
    return {**probe.figures(), "read_s": round(timings["read"], 3),
            "insert_s": round(timings["insert"], 3), "rows_read": len(cells) - 1}


# --- (c) the second baseline: the import's own rows into the real tables --------------------------

def build_table_rows(path: Path) -> list[tuple[str, list[str], list]]:
    """(table, columns, rows) of everything the import writes, built by its own code (not timed):
    its validation, then each table's field declaration (``BulkCreator.tables``) as Python
    values."""
    from core.bulk import column_names
    from personnel.importers import BulkCreator, PersonnelImporter

    importer = PersonnelImporter(actor=None)
    _table, good, _errors = importer.validate(path)
    creator = BulkCreator(importer, good)
    people = list(creator.with_fields(creator.people()))
    tables = []
    for table in creator.tables():
        rows = [table.values(p) for p in people if table.model.__name__ != "SalaryRecord"
                or p.salary_id]
        tables.append((table.model._meta.db_table, column_names(table.model, table.fields), rows))
    return tables


def _sqlite_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value.isoformat() if isinstance(value, date) else value


def insert_tables(tables: list[tuple[str, list[str], list]]) -> dict[str, float]:
    """The bare bulk insert into the real tables: one COPY (or executemany) per table, one
    transaction."""
    from django.db import connection, transaction

    from core.bulk import gc_paused

    seconds: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor, gc_paused():
        for table, columns, rows in tables:
            quoted = ", ".join(f'"{c}"' for c in columns)
            with timing(seconds, table):
                if connection.vendor == "postgresql":
                    _bare_copy(cursor, f'COPY "{table}" ({quoted}) FROM STDIN', rows)
                else:
                    marks = ", ".join("?" * len(columns))
                    insert = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
                    cursor.cursor.executemany(insert,
                                              [[_sqlite_value(v) for v in row] for row in rows])
    return seconds


def empty_tables() -> None:
    """Empty the tables the import wrote (and, on PostgreSQL, their empty child tables), so that (c)
    starts from the state (b) started from."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(LOADED_TABLES)} CASCADE")
        else:
            for name in reversed(LOADED_TABLES):  # children first
                cursor.execute(f'DELETE FROM "{name}"')  # noqa: S608 - fixed table names
            cursor.execute("VACUUM")  # no free pages left behind: the file is as (b) found it


def run_table_baseline(path: Path, read_s: float) -> dict:
    empty_tables()
    tables = build_table_rows(path)
    timings: dict[str, float] = {}
    with Probe() as probe, timing(timings, "insert"):
        by_table = insert_tables(tables)
    return {**probe.figures(), "read_s": read_s, "insert_s": round(timings["insert"], 3),
            "insert_by_table_s": {k: round(v, 3) for k, v in by_table.items()},
            "rows_by_table": {table: len(rows) for table, _columns, rows in tables}}


# --- (b) the real import --------------------------------------------------------------------------

@contextmanager
def copy_timed(timings: dict) -> Iterator[None]:
    """Time each table's COPYs (``copy:<table>``) and their sum (``copy``)."""
    import core.bulk

    original = core.bulk.copy_rows

    def wrapper(table, pending):
        with timing(timings, "copy"), timing(timings, f"copy:{table.model._meta.db_table}"):
            return original(table, pending)

    core.bulk.copy_rows = wrapper
    try:
        yield
    finally:
        core.bulk.copy_rows = original


def run_import(path: Path) -> tuple[dict, dict, "object"]:
    """``PersonnelImporter.run`` with its phases wrapped in timers."""
    import core.importing
    from personnel.importers import PersonnelImporter

    importer = PersonnelImporter(actor=None)
    t: dict[str, float] = {}
    with instrumented(core.importing, "read_table", t, "read"), \
            instrumented(importer, "validate", t), instrumented(importer, "prepare", t), \
            instrumented(importer, "check", t), instrumented(importer, "write", t), \
            copy_timed(t), Probe() as probe:
        summary = importer.run(path)
    get = t.get
    # read: the file into rows; parse: every cell; check: reference data and the row checks;
    # build: ids and the references checked; write: the COPYs, each rendering its rows (the
    # record's fields among them) while PostgreSQL stores the rows sent before; commit: the rest.
    split = {"read": get("read", 0),
             "parse": get("validate", 0) - get("read", 0) - get("prepare", 0) - get("check", 0),
             "check": get("prepare", 0) + get("check", 0),
             "build": get("write", 0) - get("copy", 0),
             "write": get("copy", 0),
             "commit": probe.seconds - get("validate", 0) - get("write", 0)}
    tables = {k.split(":", 1)[1]: round(v, 3) for k, v in t.items() if k.startswith("copy:")}
    figures = {**probe.figures(), "validate_s": round(get("validate", 0), 3),
               "write_s": round(probe.seconds - get("validate", 0), 3),
               "split_s": {k: round(v, 3) for k, v in split.items()}, "copy_by_table_s": tables}
    return figures, summary, importer


def verify(count: int, summary: dict, importer, samples: dict[int, list]) -> dict:
    from core.models import AuditEntry
    from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord

    checks = {
        "summary": (summary["rows"] == count and summary["created"] == count
                    and summary["rejected"] == 0),
        "people": CivilServant.objects.count() == count,
        "assignments": Assignment.objects.count() == count,
        "salary_records": SalaryRecord.objects.count() == count,
        "career_events": (CareerEvent.objects.filter(kind=CareerEvent.Kind.IMPORTED).count()
                          == count),
        "audit_entries": (AuditEntry.objects.filter(batch=importer.batch, action="create").count()
                          == count),
    }
    for index, cells in samples.items():
        person = CivilServant.objects.select_related("unit").get(code=cells[0])
        national_id = cells[4] if isinstance(cells[4], str) else str(int(cells[4])).zfill(12)
        checks[f"row_{index}"] = (person.full_name, person.national_id, person.unit.code) == (
            cells[1], national_id, cells[5])
    return checks


# --- report ---------------------------------------------------------------------------------------

def report(vendor: str, count: int, base: dict, tables: dict, real: dict, checks: dict,
           warnings: int) -> dict:
    baseline_s = base["read_s"] + base["insert_s"]
    tables_s = tables["read_s"] + tables["insert_s"]
    figures = {"benchmark": "import_personnel", "vendor": vendor, "rows": count,
               "target_ratio": TARGET, "baseline": base, "import": real,
               "ratio": ratio(real["seconds"], baseline_s), "import_warnings": warnings,
               "correct": all(checks.values()), "checks": checks, "baseline_tables": tables,
               "ratio_to_tables": ratio(real["seconds"], tables_s)}
    print(f"\nimport_personnel — {count:,} rows on {vendor}")
    print(f"  baseline (a): read {base['read_s']:.2f} s + bare insert {base['insert_s']:.2f} s "
          f"= {baseline_s:.2f} s   peak RSS +{base['rss_peak_mib']:.0f} MiB")
    print(f"  baseline (c): read {tables['read_s']:.2f} s + bare insert of the import's rows into "
          f"its five tables {tables['insert_s']:.2f} s = {tables_s:.2f} s   "
          f"peak RSS +{tables['rss_peak_mib']:.0f} MiB")
    by_table = tables["insert_by_table_s"]
    print("    by table: " + ", ".join(f"{k} {v:.2f}" for k, v in by_table.items()))
    print(f"  import   (b): {real['seconds']:.2f} s  (validate {real['validate_s']:.2f} s, "
          f"write {real['write_s']:.2f} s)   peak RSS +{real['rss_peak_mib']:.0f} MiB "
          f"(ru_maxrss +{real['maxrss_delta_mib']:.0f} MiB)")
    print("    split: " + ", ".join(f"{k} {v:.2f}" for k, v in real["split_s"].items()))
    copies = real["copy_by_table_s"]
    print("    bulk insert by table: " + ", ".join(f"{k} {v:.2f}" for k, v in copies.items()))
    verdict = "OK" if figures["ratio"] <= TARGET else "OVER TARGET"
    print(f"  ratio (b)/(a) = {figures['ratio']:.2f}   target ≤ {TARGET}  → {verdict}")
    print(f"  ratio (b)/(c) = {figures['ratio_to_tables']:.2f}")
    correctness = "all checks pass" if figures["correct"] else checks
    print(f"  correctness: {correctness}  ({warnings:,} row warnings)")
    return figures


def main() -> None:
    args = parse_args()
    database = start(args.db_name, args.keep)
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = workdir / "personnel.xlsx"
    try:
        log(f"writing {args.rows:,} rows to {path} (not timed) …")
        samples = write_workbook(path, args.rows, (0, args.rows // 2, args.rows - 1))
        log("baseline: calamine read + bare bulk insert …")
        base = run_baseline(path)
        log("the real import …")
        real, summary, importer = run_import(path)
        checks = verify(args.rows, summary, importer, samples)
        log("second baseline: the import's own rows (built untimed) into its five tables …")
        tables = run_table_baseline(path, base["read_s"])
        figures = report(database.vendor, args.rows, base, tables, real, checks,
                         len(importer.warnings))
        figures["file_mib"] = round(path.stat().st_size / 2 ** 20, 1)
    finally:
        database.drop()
        if not args.keep:
            path.unlink(missing_ok=True)
            workdir.rmdir()
    emit_json(figures)


if __name__ == "__main__":
    main()
