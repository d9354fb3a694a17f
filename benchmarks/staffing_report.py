r"""Benchmark: the staffing report over a whole province (issue 5).

Builds, in a throwaway database, a province of about 3,000 units (departments with divisions and
service units, communes with their divisions) and 50,000 people with their assignments, then
times ``personnel.staffing.staffing_report`` for everything, counts its queries, and repeats at a
quarter of the size to show that the query count does not grow with the number of units. The
baseline is the physical minimum measured in the same run: one bare GROUP BY over the assignments
of the same day.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/staffing_report.py
    .venv/bin/python benchmarks/staffing_report.py            # SQLite in a temporary file

Options: --people N (default 50000), --units N (default 3000), --keep (keep the database).
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database: str | None) -> tuple[str, object]:
    """Point Django at a fresh database of our own and return (url, cleanup)."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg2

        name = database or "cong_vu_bench_staffing"
        admin = base.rsplit("/", 1)[0] + "/postgres"
        connection = psycopg2.connect(admin)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = base.rsplit("/", 1)[0] + "/" + name

        def cleanup():
            from django.db import connections

            connections.close_all()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        return url, cleanup
    folder = tempfile.mkdtemp(prefix="staffing-bench-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: None


def build_units(total: int):
    """A province with departments (divisions, service units) and communes (divisions) ≈
    ``total``."""
    from core.models import OrgUnit
    from core.services.units import unit_create

    province = unit_create(actor=None, code="P", name="Tỉnh Thử", kind=OrgUnit.Kind.PROVINCE,
                           province_class="type_2_3", valid_from=date(2020, 1, 1))
    leaves, made = [], 1
    departments = max(total // 60, 1)
    communes = max((total - departments * 12) // 5, 1)
    for d in range(departments):
        department = unit_create(actor=None, code=f"D{d}", name=f"Sở {d}",
                                 kind=OrgUnit.Kind.DEPARTMENT, parent=province,
                                 valid_from=date(2020, 1, 1))
        leaves.append(department)
        for i in range(11):
            leaves.append(unit_create(actor=None, code=f"D{d}.{i}", name=f"Phòng {d}.{i}",
                                      parent=department, kind=OrgUnit.Kind.DIVISION,
                                      valid_from=date(2020, 1, 1)))
        made += 12
    for c in range(communes):
        commune = unit_create(actor=None, code=f"X{c}", name=f"Xã {c}", kind=OrgUnit.Kind.COMMUNE,
                              parent=province, sector=OrgUnit.Sector.COMMUNE,
                              valid_from=date(2020, 1, 1))
        leaves.append(commune)
        for i in range(4):
            leaves.append(unit_create(actor=None, code=f"X{c}.{i}", name=f"Phòng {c}.{i}",
                                      parent=commune, kind=OrgUnit.Kind.DIVISION,
                                      sector=OrgUnit.Sector.COMMUNE, valid_from=date(2020, 1, 1)))
        made += 5
    return province, leaves, made + departments * 0


def build_people(units, count: int, offset: int = 0) -> None:
    """``count`` people spread over ``units`` with their current assignment (bulk path)."""
    from django.utils import timezone

    from core.bulk import allocate_ids, bulk_insert, model_defaults
    from core.text import name_sort_key, search_key
    from personnel.models import Assignment, CivilServant

    servant_fields = [f.name for f in CivilServant._meta.concrete_fields]
    defaults = model_defaults(CivilServant, servant_fields)
    ids, assignment_ids = allocate_ids(CivilServant, count), allocate_ids(Assignment, count)
    now, servants, assignments = timezone.now(), [], []
    titles = ["Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", "Chuyên viên", "Chuyên viên",
              "Chuyên viên"]
    for index in range(count):
        unit = units[index % len(units)]
        title = titles[(index // len(units)) % len(titles)]
        leadership = "head" if title == "Trưởng phòng" else ("deputy"
                                                                 if title.startswith("Phó") else "")
        name = f"Nguyễn Văn Người {offset + index}"
        row = dict(defaults, id=ids[index], code=f"B{offset + index:07d}",
                   national_id=f"0080{80 + index % 20:02d}{(offset + index) % 1_000_000:06d}",
                   full_name=name,
                   date_of_birth=date(1980 + index % 20, 1 + index % 12, 1 + index % 28),
                   sex="male" if index % 2 else "female", category="civil_servant", status="active",
                   unit=unit.pk, title=title, leadership=leadership, search_text=search_key(name),
                   sort_key=name_sort_key(name), created_at=now, updated_at=now)
        servants.append(tuple(row[f] for f in servant_fields))
        assignments.append((assignment_ids[index], ids[index], unit.pk, None, title, leadership,
                            "primary", date(2021, 1, 1), None, None))
    bulk_insert(CivilServant, servant_fields, servants)
    bulk_insert(Assignment, ["id", "servant", "unit", "job_position", "title", "leadership", "kind",
                             "start_date", "end_date", "event"], assignments)


def measure(repeat: int, on: date) -> dict:
    from django.db import connection, reset_queries
    from django.db.models import Count, Q
    from django.test.utils import CaptureQueriesContext

    from core.access import UnitScope
    from personnel.models import Assignment
    from personnel.staffing import staffing_report

    scope = UnitScope(everything=True)
    report_times, bare_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        list(Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on),
                                       start_date__lte=on)
             .values("unit_id", "leadership").annotate(n=Count("servant")))
        bare_times.append(time.perf_counter() - started)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rows = staffing_report(scope=scope, on=on)
            report_times.append(time.perf_counter() - started)
    return {"units": len(rows), "flagged": sum(1 for r in rows if r.flags),
            "queries": len(queries.captured_queries), "report_s": statistics.median(report_times),
            "bare_s": statistics.median(bare_times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, cleanup = configure(None)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    on = date(2026, 6, 1)
    results = {}
    try:
        for label, fraction in (("quarter", 4), ("full", 1)):
            if label == "full":
                call_command("flush", interactive=False, verbosity=0)
            with transaction.atomic():
                _, leaves, _ = build_units(args.units // fraction)
                build_people(leaves, args.people // fraction)
            results[label] = measure(args.repeat, on)
            print(f"{label:>8}: {results[label]['units']} units, {args.people // fraction} people "
                  f"— report {results[label]['report_s'] * 1000:.0f} ms in "
                  f"{results[label]['queries']} queries, bare GROUP BY "
                  f"{results[label]['bare_s'] * 1000:.0f} ms, ratio "
                  f"{results[label]['report_s'] / results[label]['bare_s']:.1f}×", file=sys.stderr)
    finally:
        if not args.keep:
            cleanup()
    full, quarter = results["full"], results["quarter"]
    print(json.dumps({"database": url.split(":")[0], "units": full["units"], "people": args.people,
                      "report_seconds": round(full["report_s"], 3),
                      "bare_seconds": round(full["bare_s"], 3),
                      "ratio_to_bare": round(full["report_s"] / full["bare_s"], 1),
                      "queries": full["queries"], "queries_at_quarter_size": quarter["queries"],
                      "flagged_units": full["flagged"]}))


if __name__ == "__main__":
    main()
