r"""Benchmark: the personnel export (.xlsx, 24 columns) of N people (default 100,000).

N valid people are first written through the importer's checks and bulk path (not timed). Then,
in the same run, on the benchmark's own throwaway database:

* baseline — a bare xlsxwriter ``constant_memory`` dump of exactly the cells the export writes,
  fetched into memory beforehand (the fetch is not part of the baseline): one ``write_string``,
  ``write_number`` or ``write_datetime`` per cell, nothing else;
* the real export — ``write_servants_xlsx(path, queryset)`` reading from the database with the
  people list's own queryset (``servant_list`` for a province-wide user, every status).

Both are run ``--repeat`` times (default 3) and the fastest run of each is kept (the machine may be
shared). Target: export / baseline ≤ 1.25. Memory must stay flat, shown at N/4 and N as (1) the
growth of the RSS high-water mark (VmHWM; ru_maxrss would start at the parent's RSS) of a fresh
child process doing nothing but the export — the cleanest figure, since this process's heap is
already grown by the load — and (2) the tracemalloc peak of Python allocations in untimed runs (it
plateaus at two fetch chunks of 5,000 rows once N ≥ 10,000). The JSON also has the sampled RSS
growth during the timed runs (≈0 for that reason). The file is read back to check N rows and the
24 headers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/export_personnel.py
    .venv/bin/python benchmarks/export_personnel.py --people 20000  # SQLite in a temporary file

The last line of stdout is the JSON of every figure.
"""
import argparse
import gc
import json
import subprocess
import sys
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

from _support import MIB, Probe, emit_json, hwm_bytes, load_people, log, ratio, setup_django, start

TARGET = 1.25


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000,
                        help="people in the database (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs of each, the fastest is kept")
    parser.add_argument("--db-name", default="cong_vu_bench_export",
                        help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--child", nargs=2, metavar=("LIMIT", "PATH"), help=argparse.SUPPRESS)
    return parser.parse_args()


def people(limit: int | None = None):
    """The list's own queryset for a province-wide user (every status), optionally the first
    ``limit`` ids."""
    from core.access import UnitScope
    from personnel.models import CivilServant
    from personnel.selectors import ServantFilter, servant_list

    queryset = servant_list(scope=UnitScope(everything=True), filters=ServantFilter(status=""))
    if limit:
        last_id = CivilServant.objects.order_by("id").values_list("id", flat=True)[limit - 1]
        queryset = queryset.filter(pk__lte=last_id)
    return queryset


def fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"])


# --- baseline -------------------------------------------------------------------------------------

def bare_dump(path: Path, header: list[str], rows: list[list]) -> None:
    """The least an .xlsx writer can do: one xlsxwriter call per non-empty cell."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, header)
    for line, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(line, col, value)
            elif isinstance(value, date):
                sheet.write_datetime(line, col, value, day)
            else:
                sheet.write_number(line, col, value)
    workbook.close()


def run_baseline(path: Path, repeat: int) -> dict:
    from personnel.exporters import COLUMNS, rows_of

    with Probe() as fetch:
        rows = list(rows_of(people()))
    runs = []
    for _ in range(repeat):
        with Probe() as probe:
            bare_dump(path, [header for header, _field in COLUMNS], rows)
        runs.append(probe.figures())
    count = len(rows)
    del rows
    gc.collect()
    return {**fastest(runs), "runs_s": [run["seconds"] for run in runs], "rows": count,
            "fetch_s_not_in_baseline": round(fetch.seconds, 3),
            "rows_in_memory_mib": round(fetch.rss_peak_mib, 1)}


# --- the real export ------------------------------------------------------------------------------

def run_export(path: Path, limit: int | None, repeat: int) -> dict:
    from personnel.exporters import write_servants_xlsx

    runs = []
    for _ in range(repeat):
        with Probe() as probe:
            write_servants_xlsx(str(path), people(limit))
        runs.append(probe.figures())
    return {**fastest(runs), "runs_s": [run["seconds"] for run in runs]}


def child_main(limit: int, path: str) -> None:
    """In a fresh process: one export, then print its seconds and peak RSS (VmHWM) growth as
    JSON."""
    setup_django()
    from django.db import connection

    from personnel.exporters import write_servants_xlsx

    connection.ensure_connection()
    before = hwm_bytes()
    with Probe() as probe:
        write_servants_xlsx(path, people(limit))
    growth = (hwm_bytes() - before) / MIB
    print(json.dumps({"seconds": round(probe.seconds, 3), "hwm_growth_mib": round(growth, 1),
                      "hwm_mib": round(hwm_bytes() / MIB, 1)}))


def process_peak(limit: int | None, path: Path) -> dict:
    """Peak RSS of a child process doing only the export (DATABASE_URL already names our
    database)."""
    done = subprocess.run([sys.executable, __file__, "--child", str(limit or 0), str(path)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def traced_peak(path: Path, limit: int | None) -> float:
    """tracemalloc peak (MiB) of Python allocations during one export (not timed)."""
    from personnel.exporters import write_servants_xlsx

    queryset = people(limit)
    gc.collect()
    tracemalloc.start()
    try:
        write_servants_xlsx(str(path), queryset)
        return round(tracemalloc.get_traced_memory()[1] / MIB, 1)
    finally:
        tracemalloc.stop()


def memory(workdir: Path, quarter: int) -> dict:
    path = workdir / "memory.xlsx"
    return {"child_hwm_growth_mib": {"quarter": process_peak(quarter, path)["hwm_growth_mib"],
                                     "full": process_peak(None, path)["hwm_growth_mib"]},
            "tracemalloc_peak_mib": {"quarter": traced_peak(path, quarter),
                                     "full": traced_peak(path, None)}}


def verify(path: Path, count: int) -> dict:
    from python_calamine import CalamineWorkbook

    from personnel.exporters import COLUMNS

    workbook = CalamineWorkbook.from_path(str(path))
    cells = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()
    return {"rows": len(cells) - 1 == count,
            "headers": cells[0] == [header for header, _f in COLUMNS],
            "codes": all(isinstance(row[0], str) and row[0].startswith("BM") for row in cells[1:])}


# --- report ---------------------------------------------------------------------------------------

def report(vendor: str, count: int, base: dict, real: dict, quarter: dict, mem: dict,
           checks: dict) -> dict:
    figures = {"benchmark": "export_personnel", "vendor": vendor, "people": count,
               "target_ratio": TARGET, "baseline": base, "export": real, "export_quarter": quarter,
               "memory": mem, "ratio": ratio(real["seconds"], base["seconds"]),
               "correct": all(checks.values()), "checks": checks}
    child, traced = mem["child_hwm_growth_mib"], mem["tracemalloc_peak_mib"]
    print(f"\nexport_personnel — {count:,} people on {vendor} (fastest of {len(real['runs_s'])} "
          f"runs)")
    print(f"  baseline: bare xlsxwriter dump {base['seconds']:.2f} s   (rows fetched beforehand in "
          f"{base['fetch_s_not_in_baseline']:.2f} s, +{base['rows_in_memory_mib']:.0f} MiB RSS "
          f"held)")
    print(f"  export  : write_servants_xlsx {real['seconds']:.2f} s at N, "
          f"{quarter['seconds']:.2f} s at N/4")
    verdict = "OK" if figures["ratio"] <= TARGET else "OVER TARGET"
    print(f"  ratio export/baseline = {figures['ratio']:.2f}   target ≤ {TARGET}  → {verdict}")
    print(f"  memory of the export, N/4 → N: child-process peak RSS growth {child['quarter']:.0f} "
          f"→ {child['full']:.0f} MiB; tracemalloc peak {traced['quarter']:.1f} → "
          f"{traced['full']:.1f} MiB")
    correctness = "file has N rows and the 24 headers" if figures["correct"] else checks
    print(f"  correctness: {correctness}")
    return figures


def main() -> None:
    args = parse_args()
    if args.child:
        child_main(int(args.child[0]), args.child[1])
        return
    database = start(args.db_name, args.keep)
    workdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        log(f"loading {args.people:,} people through the import bulk path (not timed) …")
        load_people(args.people)
        log("baseline: bare xlsxwriter dump …")
        base = run_baseline(workdir / "bare.xlsx", args.repeat)
        log("the real export at N/4 and N …")
        quarter = run_export(workdir / "quarter.xlsx", args.people // 4, args.repeat)
        real = run_export(workdir / "export.xlsx", None, args.repeat)
        checks = verify(workdir / "export.xlsx", args.people)
        log("memory: child processes and tracemalloc (untimed) …")
        mem = memory(workdir, args.people // 4)
        figures = report(database.vendor, args.people, base, real, quarter, mem, checks)
    finally:
        database.drop()
        for file in workdir.iterdir():
            file.unlink()
        workdir.rmdir()
    emit_json(figures)


if __name__ == "__main__":
    main()
