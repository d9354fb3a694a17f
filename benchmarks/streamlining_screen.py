r"""Benchmark: screening a province for streamlining and pricing every candidate's options (issue
13).

Builds, in a throwaway database, the province of ``staffing_report.py`` (about 3,000 units, 50,000
people with their assignments and a salary coefficient), rates 3 % of the people KHT for last year
(decided), and merges 5 % of the divisions on 1/7/2025 (their people hold no job position: surplus).
Then times ``streamlining.selectors.screen`` over the whole province with ``with_options=True``
(every candidate priced by ``streamlining.rules.options_for``), counts its queries, and repeats at a
quarter of the size to show that the query count does not grow with the number of units. The
baseline, measured in the same run, is reading the same people bare (one SELECT of the columns
screening needs, no computation).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/streamlining_screen.py
    .venv/bin/python benchmarks/streamlining_screen.py            # SQLite in a temporary file

Options: --people N (default 50000), --units N (default 3000), --repeat N, --keep.
"""
import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.staffing_report import build_people, build_units, configure  # noqa: E402

DAY = date(2026, 12, 7)


def add_records(province, leaves) -> dict:
    """Salary, recruitment date, KHT levels for last year and merged divisions (bulk)."""
    from appraisal.models import Appraisal, AppraisalCycle
    from core.models import OrgUnit, UnitChange
    from personnel.models import CivilServant

    CivilServant.objects.update(salary_coefficient="3.33", recruitment_date=date(2000, 9, 1))
    cycle = AppraisalCycle.objects.create(year=DAY.year - 1, unit=province, status="closed")
    ids = list(CivilServant.objects.order_by("pk").values_list("pk", "unit_id"))
    failed = [Appraisal(cycle=cycle, servant_id=pk, unit_id=unit, work_unit_id=unit,
                        rule_set="APPR-ND90", category="civil_servant",
                        status=Appraisal.Status.DECIDED, level="KHT")
              for n, (pk, unit) in enumerate(ids) if n % 33 == 0]
    Appraisal.objects.bulk_create(failed, batch_size=2000)
    divisions = [u for u in leaves if u.kind == OrgUnit.Kind.DIVISION][::20]
    change = UnitChange.objects.create(kind=UnitChange.Kind.MERGE, effective_date=date(2025, 7, 1),
                                       decision_number="1/QĐ-UBND")
    change.predecessors.add(*divisions)
    return {"kht": len(failed), "merged_divisions": len(divisions)}


def analyze() -> None:
    """Planner statistics, as a database in service has them (autovacuum would get there later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(province, repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from core.access import UnitScope
    from personnel.models import CivilServant
    from streamlining.selectors import screen

    scope = UnitScope(everything=True)
    screen_times, bare_times, found = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        active = CivilServant.objects.filter(status="active", unit__path__startswith=province.path)
        list(active.values_list(
            "pk", "date_of_birth", "sex", "category", "recruitment_date", "unit_id",
            "job_position_id", "salary_coefficient"))
        bare_times.append(time.perf_counter() - started)
        reset_queries()  # the build filled the query log (9,000 entries): count from empty
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = screen(scope=scope, unit=province, day=DAY, with_options=True)
            screen_times.append(time.perf_counter() - started)
    return {"candidates": len(found), "options": sum(len(c.options) for c in found),
            "queries": len(queries.captured_queries), "screen_s": statistics.median(screen_times),
            "bare_s": statistics.median(bare_times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, cleanup = configure("cong_vu_bench_streamlining")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    results = {}
    try:
        for label, fraction in (("quarter", 4), ("full", 1)):
            if label == "full":
                call_command("flush", interactive=False, verbosity=0)
            with transaction.atomic():
                province, leaves, _ = build_units(args.units // fraction)
                build_people(leaves, args.people // fraction)
                extra = add_records(province, leaves)
            analyze()
            results[label] = {**measure(province, args.repeat), **extra, "units": len(leaves) + 1}
            r = results[label]
            print(f"{label:>8}: {r['units']} units, {args.people // fraction} people, "
                  f"{r['candidates']} candidates ({r['options']} options priced) — screening "
                  f"{r['screen_s'] * 1000:.0f} ms in {r['queries']} queries, bare read "
                  f"{r['bare_s'] * 1000:.0f} ms, ratio "
                  f"{r['screen_s'] / r['bare_s']:.1f}×",
                  file=sys.stderr)
    finally:
        if not args.keep:
            cleanup()
    full, quarter = results["full"], results["quarter"]
    print(json.dumps({"database": url.split(":")[0], "units": full["units"], "people": args.people,
                      "candidates": full["candidates"], "options_priced": full["options"],
                      "screen_seconds": round(full["screen_s"], 3),
                      "bare_seconds": round(full["bare_s"], 3),
                      "ratio_to_bare": round(full["screen_s"] / full["bare_s"], 1),
                      "queries": full["queries"], "queries_at_quarter_size": quarter["queries"]}))


if __name__ == "__main__":
    main()
