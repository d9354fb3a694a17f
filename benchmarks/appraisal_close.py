r"""Benchmark: closing an appraisal year for a province (issue 11), PostgreSQL only.

A province of N civil servants (default 50,000) over the demo province's units (about 270 units:
departments and their divisions, offices, communes and their divisions, Party and mass
organisations; public service units are left out, since their public employees have no period
scores), each with a head, deputies and staff, scored month by month under APPR-ND335: N × 12
period rows (600,000). Everything runs in one throwaway database (``cong_vu_bench_appraisal``),
twice: first at a tenth of the people over a fifth of the units, then at full size, the tables
emptied in between. At each size, in order:

* not timed — the people and their assignments (bulk path of core.bulk), each unit's own result
  of the year, ``cycle_open`` of the year for the province, ANALYZE; the four quarterly score
  files (.xlsx, written with xlsxwriter the way an office would, one row per person and month,
  leaders with đ and e, periods written "Tháng 3", "T3" or 3, a few percents typed "87,5" or
  "90%");
* baseline — a bare COPY (psycopg2 ``copy_expert``, the text buffer built inside the timing) of
  exactly the period rows the import writes, into a table of the same shape as
  ``appraisal_periodscore`` (``LIKE … INCLUDING ALL``: columns, defaults, checks, primary key and
  the unique (appraisal, period) index, plus its foreign key to the appraisals), in one
  transaction; and, for information, the same COPY into a bare table without any index or key;
* import — the path a province uses: ``manage.py import_appraisal_scores FILE --year 2026 --json``,
  once per quarter (months 1–3, 4–6, 7–9, 10–12: N × 3 rows a file, under IMPORT_MAX_ROWS
  = 200,000 at N = 50,000), each file validated and written in its own transaction;
* ``appraisal_results --year 2026 --json`` — the document of every person (time, queries, size);
* the committee's board ``GET /appraisal/<cycle>/`` (``django.test.Client``, DEBUG off) as a
  provincial HR officer, of the whole province on one page and of the largest appraising unit
  (``?unit=``), and as a committee member granted VIEW on that unit, each GET the first of a fresh
  session (status, time, queries, rows, page size);
* close — ``services.cycle_close``: scoring, levels and the HTXS quota of every appraising unit and
  task group, written to the appraisals.

The ratio the issue sets (target ≤ 3) is (import of the four files + close) / the bare COPY into
the table of the same shape, at full size. The import and the close are split by wrapping their
steps for the run; each phase also reports the CPU seconds of this process, of its PostgreSQL
backend and of the rest of the machine (other people's work on a shared machine, autovacuum). The
query counts (``CaptureQueriesContext``) of the document and of the board at both sizes must be
equal: they do not grow with the number of units or people. Afterwards the
database is checked (N × 12 period rows, every appraisal decided, the document and the close agree,
a few annual scores recomputed by hand); ``document_sha256`` fingerprints the document so that a
change to the computation can be checked against an earlier run on the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/appraisal_close.py
    ... benchmarks/appraisal_close.py --people 2000      # smoke check, under a minute

The last line of stdout is the JSON of every figure.
"""
import argparse
import hashlib
import io
import json
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from _support import (
    FAMILY,
    GIVEN_NAMES,
    MIDDLE,
    Probe,
    emit_json,
    instrumented,
    log,
    ratio,
    start,
    timing,
)

YEAR = 2026
TARGET = 3.0
SHAPED = "bench_period_copy"  # the same shape as appraisal_periodscore
BARE = "bench_period_bare"  # the same columns, no index, no key
TICKS = os.sysconf("SC_CLK_TCK")
QUARTERS = ((1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12))
HEADERS = ["Mã cán bộ", "Kỳ", "Nhóm nhiệm vụ", "Tiêu chí chung (điểm)", "Số lượng (%)",
           "Chất lượng (%)", "Tiến độ (%)", "Tổ chức triển khai (%)", "Tập hợp, đoàn kết (%)"]
# (share, general points, task percent) of the people: roughly HTXS, HTT, HT and KHT years.
PROFILES = ((0.14, (27, 30), (93, 100)), (0.58, (23, 29), (80, 97)), (0.23, (18, 25), (55, 82)),
            (0.05, (10, 20), (30, 60)))
EMPTIED = ("appraisal_periodscore", "appraisal_appraisal", "appraisal_appraisalcycle",
           "appraisal_unitresult", "personnel_assignment", "personnel_civilservant",
           "core_auditentry", "core_accessrecord")


class Cpu:
    """CPU seconds of one phase: this process, its PostgreSQL backend, and the rest of the machine
    (``other``: everything else that ran meanwhile — other people's work on a shared machine,
    autovacuum; compare figures only between runs where it is small). From /proc."""

    def __enter__(self) -> "Cpu":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.start = (time.process_time(), self._ticks(self.backend), self._machine())
        return self

    def __exit__(self, *exc) -> None:
        python, backend, machine = (time.process_time(), self._ticks(self.backend), self._machine())
        self.python_s = python - self.start[0]
        self.postgres_s = (backend - self.start[1]) / TICKS
        self.other_s = max(0.0, (machine - self.start[2]) / TICKS - self.python_s - self.postgres_s)

    @staticmethod
    def _ticks(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            return 0

    @staticmethod
    def _machine() -> int:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return sum(values) - values[3] - values[4]  # all but idle and iowait

    def figures(self) -> dict:
        return {"python_s": round(self.python_s, 2), "postgres_s": round(self.postgres_s, 2),
                "other_s": round(self.other_s, 2)}


def measured(figures: dict, cpu: "Cpu") -> dict:
    return {**figures, "cpu": cpu.figures()}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50_000,
                        help="civil servants at full size (default 50,000)")
    parser.add_argument("--small", type=int, default=10,
                        help="the first size is --people / SMALL people over 1/5 of the units "
                             "(default 10)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db-name", default="cong_vu_bench_appraisal",
                        help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the files at the end")
    return parser.parse_args()


# --- the province (not timed) ---------------------------------------------------------------------

def eligible_units() -> list:
    """The demo province's open units whose people are civil servants (no public service units)."""
    from core.models import OrgUnit

    return list(OrgUnit.objects.open().exclude(kind=OrgUnit.Kind.PROVINCE)
                .exclude(sector=OrgUnit.Sector.PUBLIC_SERVICE).order_by("path"))


def unit_sizes(units: list, count: int, rng: random.Random) -> list[int]:
    """People per unit: departments and offices larger than divisions, communes' divisions smaller;
    at least three in each (a head, a deputy, one of staff)."""
    from core.models import OrgUnit

    weights = []
    for unit in units:
        base = {OrgUnit.Kind.DEPARTMENT: 3.0, OrgUnit.Kind.OFFICE: 1.5,
                OrgUnit.Kind.COMMUNE: 2.0}.get(unit.kind, 1.0)
        if unit.sector == OrgUnit.Sector.COMMUNE and unit.kind == OrgUnit.Kind.DIVISION:
            base = 0.6
        weights.append(base * rng.lognormvariate(0, 0.35))
    spare = count - 3 * len(units)
    if spare < 0:
        raise SystemExit(f"{count} people are too few for {len(units)} units (three each at least)")
    total = sum(weights)
    sizes = [3 + int(spare * w / total) for w in weights]
    for index in range(count - sum(sizes)):
        sizes[index % len(sizes)] += 1
    return sizes


def build_people(units: list, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` working civil servants with their current assignment, in bulk; returns (code,
    leadership) in id order. Each unit has a head, a deputy per 15 people (one at least, three at
    most) and staff."""
    from django.db import transaction
    from django.utils import timezone

    from core.bulk import allocate_ids, bulk_insert, model_defaults
    from core.text import name_sort_key, search_key
    from personnel.models import Assignment, CivilServant

    fields = [f.name for f in CivilServant._meta.concrete_fields]
    defaults = model_defaults(CivilServant, fields)
    family = ([f for f, _w in FAMILY], [w for _f, w in FAMILY])
    middle = {sex: ([m for m, _w in pairs], [w for _m, w in pairs])
              for sex, pairs in MIDDLE.items()}
    given = {sex: names.split() for sex, names in GIVEN_NAMES.items()}
    now, people, servants, assignments = timezone.now(), [], [], []
    with transaction.atomic():
        ids, assignment_ids = allocate_ids(CivilServant, count), allocate_ids(Assignment, count)
        index = 0
        for unit, size in zip(units, unit_sizes(units, count, rng), strict=True):
            deputies = min(3, max(1, size // 15))
            for position in range(size):
                leadership = "head" if position == 0 else ("deputy" if position <= deputies else "")
                title = {"head": "Trưởng phòng",
                         "deputy": "Phó Trưởng phòng"}.get(leadership, "Chuyên viên")
                sex = "Nam" if rng.random() < 0.55 else "Nữ"
                name = (f"{rng.choices(*family)[0]} {rng.choices(*middle[sex])[0]} "
                        f"{rng.choice(given[sex])}")
                born = date(1966 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
                code = f"DG{index:06d}"
                row = dict(defaults, id=ids[index], code=code, full_name=name, date_of_birth=born,
                           national_id=(f"008{0 if sex == 'Nam' else 1}"
                                        f"{born.year % 100:02d}{index:06d}"),
                           sex="male" if sex == "Nam" else "female", category="civil_servant",
                           status="active", unit=unit.pk, title=title, leadership=leadership,
                           search_text=search_key(name), sort_key=name_sort_key(name),
                           recruitment_date=date(2005 + rng.randrange(18), 9, 1), created_at=now,
                           updated_at=now)
                servants.append(tuple(row[f] for f in fields))
                assignments.append((assignment_ids[index], ids[index], unit.pk, None, title,
                                    leadership, "primary", date(2024, 1, 1), None, None))
                people.append((code, leadership))
                index += 1
        bulk_insert(CivilServant, fields, servants)
        bulk_insert(Assignment, ["id", "servant", "unit", "job_position", "title", "leadership",
                                 "kind", "start_date", "end_date", "event"], assignments)
    return people


def build_unit_results(units: list, rng: random.Random) -> None:
    """Each unit's own result of the year (read by the leader criteria)."""
    from appraisal.models import UnitResult

    rows = []
    for unit in units:
        planned = rng.randint(8, 30)
        on_time = planned - rng.randint(0, 3)
        rows.append(UnitResult(unit=unit, year=YEAR, targets_planned=planned,
                               targets_on_time=on_time, targets_exceeded=rng.randint(0, 4),
                               level=rng.choice(["HTXS", "HTT", "HTT", "HT"])))
    UnitResult.objects.bulk_create(rows)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SHAPED}, {BARE}")
        cursor.execute(f"TRUNCATE {', '.join(EMPTIED)} CASCADE")


# --- the score files (not timed) ------------------------------------------------------------------

def score_rows(people: list[tuple[str, str]], rng: random.Random) -> list[list]:
    """One row per person and month, as offices type them: [code, period, group, general, a, b, c,
    đ, e]."""
    shares = [p[0] for p in PROFILES]
    rows = []
    for code, leadership in people:
        _share, (g_low, g_high), (t_low, t_high) = rng.choices(PROFILES, weights=shares)[0]
        for month in range(1, 13):
            style = rng.random()
            period = f"Tháng {month}" if style < 0.8 else (f"T{month}" if style < 0.9 else month)
            general = rng.randint(2 * g_low, 2 * g_high) / 2  # half points
            parts = []
            for _ in range(3):
                value = min(100, rng.randint(t_low, t_high) + rng.choice((0, 0, 0, 0.5)))
                typed = rng.random()
                if typed < 0.03:
                    parts.append(f"{value:g}".replace(".", ",") + "%")
                elif typed < 0.08:
                    parts.append(f"{value:g}".replace(".", ","))
                else:
                    parts.append(float(value))
            leader = [float(rng.randint(80, 100)),
                      float(rng.randint(80, 100))] if leadership else ["", ""]
            rows.append([code, period, "", float(general), *parts, *leader])
    return rows


def write_files(rows: list[list], folder: Path) -> list[Path]:
    """One .xlsx per quarter: the rows of its three months (the people in the same order)."""
    import xlsxwriter

    paths = []
    month_of = {f"Tháng {m}": m for m in range(1, 13)} | {f"T{m}": m for m in range(1, 13)}
    for number, months in enumerate(QUARTERS, start=1):
        path = folder / f"diem_quy_{number}.xlsx"
        workbook = xlsxwriter.Workbook(str(path),
                                       {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet(f"Quý {number}")
        sheet.write_row(0, 0, HEADERS)
        line = 1
        for row in rows:
            if month_of.get(row[1], row[1]) in months:
                for col, value in enumerate(row):
                    if isinstance(value, str):
                        if value:
                            sheet.write_string(line, col, value)
                    else:
                        sheet.write_number(line, col, value)
                line += 1
        workbook.close()
        paths.append(path)
    return paths


def _percent(cell) -> Decimal:
    return Decimal(str(cell).rstrip("%").replace(",", ".")).quantize(Decimal("0.01"))


def written_rows(rows: list[list], appraisal_ids: dict[str, int]) -> list[tuple]:
    """The period rows exactly as the import writes them, in ``appraisal_periodscore`` column
    order."""
    from django.utils import timezone

    now = timezone.now()
    month_of = {f"Tháng {m}": m for m in range(1, 13)} | {f"T{m}": m for m in range(1, 13)}
    out = []
    for number, row in enumerate(rows, start=1):
        code, period, _group, general, a, b, c, d1, d2 = row
        out.append((number, appraisal_ids[code], month_of.get(period, period), None,
                    Decimal(str(general)).quantize(Decimal("0.01")), _percent(a), _percent(b),
                    _percent(c), None, _percent(d1) if d1 != "" else None,
                    _percent(d2) if d2 != "" else None, None, "import", now))
    return out


# --- the baseline: bare COPY ----------------------------------------------------------------------

PERIOD_COLUMNS = ("id", "appraisal_id", "period", "general_self", "general", "quantity", "quality",
                  "progress", "direction", "organisation", "solidarity", "score", "source",
                  "updated_at")


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value  # codes and "import": nothing to escape
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def bare_copy(table: str, rows: list[tuple]) -> float:
    """Format the rows as COPY text and COPY them in one transaction (committed); returns
    seconds."""
    from django.db import connection, transaction

    timings: dict[str, float] = {}
    with timing(timings, "copy"), transaction.atomic(), connection.cursor() as cursor:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join([_copy_text(v) for v in row]))
            buffer.write("\n")
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(PERIOD_COLUMNS)}) FROM STDIN", buffer)
    return timings["copy"]


def run_baseline(rows: list[tuple]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SHAPED}, {BARE}")
        cursor.execute(f"CREATE TABLE {SHAPED} (LIKE appraisal_periodscore INCLUDING ALL)")
        cursor.execute(f"ALTER TABLE {SHAPED} ADD FOREIGN KEY (appraisal_id) REFERENCES "
                       "appraisal_appraisal (id) DEFERRABLE INITIALLY DEFERRED")
        cursor.execute(f"CREATE TABLE {BARE} (LIKE appraisal_periodscore)")
    with Probe() as probe, Cpu() as cpu:
        shaped = bare_copy(SHAPED, rows)
    bare = bare_copy(BARE, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SHAPED}, {BARE}")
    return measured({**probe.figures(), "seconds": round(shaped, 3), "bare_table_s": round(bare, 3),
                     "rows": len(rows)}, cpu)


# --- the import -----------------------------------------------------------------------------------

def run_import(paths: list[Path]) -> tuple[dict, list[dict]]:
    """``import_appraisal_scores FILE --year`` per quarter, its steps timed."""
    from django.core.management import call_command

    import appraisal.services
    import core.audit
    import core.importing
    from appraisal.importers import AppraisalScoreImporter

    t: dict[str, float] = {}
    summaries, per_file = [], []
    with instrumented(core.importing, "read_table", t, "read"), \
            instrumented(AppraisalScoreImporter, "validate",
                         t), instrumented(AppraisalScoreImporter, "prepare", t), \
            instrumented(AppraisalScoreImporter, "check",
                         t), instrumented(AppraisalScoreImporter, "write", t), \
            instrumented(appraisal.services, "period_scores_save", t, "save"), \
            instrumented(core.audit, "record_many", t, "audit"), Probe() as probe, Cpu() as cpu:
        for path in paths:
            out = io.StringIO()
            with timing(t, "file"), redirect_stdout(out):
                call_command("import_appraisal_scores", str(path), "--year", str(YEAR), "--json")
            summaries.append(json.loads(out.getvalue()))
            per_file.append(round(t["file"] - sum(per_file), 3))
    get = t.get
    split = {"read": get("read", 0),
             "parse": get("validate", 0) - get("read", 0) - get("prepare", 0) - get("check", 0),
             "prepare": get("prepare", 0), "check": get("check", 0),
             "period_scores_save": get("save", 0), "audit": get("audit", 0),
             "write_rest": get("write", 0) - get("save", 0) - get("audit", 0),
             "commit_and_rest": probe.seconds - get("validate", 0) - get("write", 0)}
    return measured({**probe.figures(), "per_file_s": per_file,
                     "split_s": {k: round(v, 3) for k, v in split.items()}}, cpu), summaries


# --- the document and the board -------------------------------------------------------------------

def run_document() -> tuple[dict, dict]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = io.StringIO()
    with (Cpu() as cpu, Probe() as probe, CaptureQueriesContext(connection) as queries,
          redirect_stdout(out)):
        call_command("appraisal_results", "--year", str(YEAR), "--json")
    text = out.getvalue()
    document = json.loads(text)
    return measured({**probe.figures(), "queries": len(queries.captured_queries),
                     "people": len(document["people"]),
                     "mib": round(len(text.encode()) / 2 ** 20, 1),
                     "document_sha256": hashlib.sha256(text.encode()).hexdigest()}, cpu), document


def make_users(committee_unit, label: str) -> dict:
    """A provincial HR officer (every unit) and a committee member granted VIEW on one unit."""
    from django.contrib.auth.models import Group

    from core.access import VIEW
    from core.models import User
    from core.services.units import unit_grant

    users = {}
    for role in ("provincial_hr", "appraisal_committee"):
        user, created = User.objects.get_or_create(username=f"bench.{label}.{role}", defaults={
            "full_name": role, "account_type": User.AccountType.STAFF})
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    unit_grant(actor=None, unit=committee_unit, level=VIEW, user=users["appraisal_committee"])
    return users


def run_board(cycle, users: dict, committee_unit) -> dict:
    """The board of the whole province and of one appraising unit (``?unit=``) as provincial HR,
    and the board as a committee member granted VIEW on that unit sees it (``status`` says whether
    they may); each GET the first of a fresh session (so the idle-timeout middleware's session
    write is in every count alike)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("appraisal:board", args=[cycle.pk])
    figures = {}
    for view, role, params in (("province", "provincial_hr", {}), ("one_unit", "provincial_hr",
                                                                    {"unit": committee_unit.pk}),
                               ("committee_member", "appraisal_committee", {})):
        client = Client()
        client.force_login(users[role])
        with Cpu() as cpu, Probe() as probe, CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        if response.status_code != 200 and view != "committee_member":
            raise RuntimeError(f"the board answered {response.status_code} ({view})")
        content = response.content
        figures[view] = measured({**probe.figures(), "status": response.status_code,
                                  "queries": len(queries.captured_queries),
                                  "rows": content.count(b"data-code="),
                                  "mib": round(len(content) / 2 ** 20, 1)}, cpu)
    return figures


# --- the close ------------------------------------------------------------------------------------

def run_close(cycle) -> dict:
    import appraisal.results
    import core.bulk
    from appraisal import services

    t: dict[str, float] = {}
    steps = ("_period_rows", "_score_periods", "_disciplines", "_unit_results", "_apply_quotas")
    with instrumented(appraisal.results, "compute", t), instrumented(core.bulk, "bulk_update", t), \
            instrumented(appraisal.results, steps[0], t), instrumented(appraisal.results, steps[1],
                                                                       t), \
            instrumented(appraisal.results, steps[2], t), instrumented(appraisal.results, steps[3],
                                                                       t), \
            instrumented(appraisal.results, steps[4], t), Probe() as probe, Cpu() as cpu:
        services.cycle_close(actor=None, cycle=cycle)
    get = t.get
    split = {"appraisals_and_classify": get("compute", 0) - sum(get(s, 0) for s in steps),
             "period_rows": get("_period_rows", 0), "score_periods": get("_score_periods", 0),
             "disciplines_and_unit_results": get("_disciplines", 0) + get("_unit_results", 0),
             "quotas": get("_apply_quotas", 0), "bulk_update": get("bulk_update", 0),
             "commit_and_rest": probe.seconds - get("compute", 0) - get("bulk_update", 0)}
    return measured({**probe.figures(), "compute_s": round(get("compute", 0), 3),
                     "split_s": {k: round(v, 3) for k, v in split.items()}}, cpu)


# --- checks ---------------------------------------------------------------------------------------

def expected_score(rows: list[list]) -> Decimal:
    """A staff member's annual score by hand: the mean of general + 70 × (a + b + c) / 300, each
    period rounded half up to four places (ND 335/2025 Art 16)."""
    periods = []
    for row in rows:
        a, b, c = (Fraction(_percent(v)) for v in row[4:7])
        exact = Fraction(Decimal(str(row[3]))) + 70 * (a + b + c) / 300
        periods.append(Fraction(int(exact * 10 ** 4 + Fraction(1, 2)), 10 ** 4))
    return Decimal(sum(periods).numerator) / Decimal(sum(periods).denominator) / len(periods)


def verify(count: int, summaries: list[dict], document: dict, rows: list[list],
           people: list) -> dict:
    from collections import Counter

    from appraisal.models import Appraisal, AppraisalCycle, PeriodScore

    by_code = {p["code"]: p for p in document["people"]}
    stored = dict(Appraisal.objects.values_list("servant__code", "level"))
    checks = {
        "import_summaries": all(s["errors"] == [] and s["rejected"] == 0 for s in summaries)
        and sum(s["created"] for s in summaries) == count * 12,
        "period_rows": PeriodScore.objects.filter(source="import").count() == count * 12,
        "document_people": len(document["people"]) == count,
        "every_appraisal_decided": not Appraisal.objects.exclude(status="decided").exists(),
        "cycle_closed": (AppraisalCycle.objects.get(year=YEAR).status
                         == AppraisalCycle.Status.CLOSED),
        "close_matches_document": all(stored[code] == (p["level"] or "")
                                      for code, p in by_code.items()),
    }
    staff = [code for code, leadership in people if not leadership]
    for code in (staff[0], staff[len(staff) // 2], staff[-1]):
        own = [r for r in rows if r[0] == code]
        checks[f"score_{code}"] = by_code[code]["score"] == float(
            expected_score(own).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))
    checks["levels"] = dict(sorted(Counter(p["level"] for p in document["people"]).items()))
    return checks


# --- one size -------------------------------------------------------------------------------------

def run_size(label: str, count: int, unit_share: int, args, workdir: Path) -> dict:
    from django.db.models import Count

    from appraisal import services
    from appraisal.models import Appraisal
    from core.models import OrgUnit

    rng = random.Random(args.seed)
    units = eligible_units()
    units = units[::max(unit_share, -(-3 * len(units) // count))]  # three people a unit at least
    log(f"[{label}] {count:,} civil servants over {len(units)} units, their results, the year "
        f"opened (not timed) …")
    people = build_people(units, count, rng)
    build_unit_results(units, rng)
    province = OrgUnit.objects.open().get(kind=OrgUnit.Kind.PROVINCE)
    with Probe() as open_probe, Cpu() as open_cpu:
        cycle = services.cycle_open(actor=None, unit=province, year=YEAR)
    analyze()
    largest = (Appraisal.objects.filter(cycle=cycle).values("unit").annotate(n=Count("pk"))
               .order_by("-n").first()["unit"])
    committee_unit = OrgUnit.objects.get(pk=largest)
    users = make_users(committee_unit, label)
    log(f"[{label}] writing the four quarterly files of {count * 3:,} rows (not timed) …")
    rows = score_rows(people, rng)
    folder = workdir / label
    folder.mkdir()
    paths = write_files(rows, folder)
    appraisal_ids = dict(Appraisal.objects.filter(cycle=cycle).values_list("servant__code", "pk"))
    log(f"[{label}] baseline: bare COPY of {len(rows):,} period rows …")
    base = run_baseline(written_rows(rows, appraisal_ids))
    log(f"[{label}] import_appraisal_scores, four files …")
    imported, summaries = run_import(paths)
    analyze()  # as autovacuum would after 600,000 new rows, before the committee looks
    log(f"[{label}] appraisal_results --json …")
    document_figures, document = run_document()
    log(f"[{label}] the board …")
    board = run_board(cycle, users, committee_unit)
    log(f"[{label}] cycle_close …")
    closed = run_close(cycle)
    checks = verify(count, summaries, document, rows, people)
    total = imported["seconds"] + closed["seconds"]
    appraising = Appraisal.objects.filter(cycle=cycle).values("unit").distinct().count()
    return {"people": count, "units": len(units), "appraising_units": appraising,
            "period_rows": len(rows),
            "files": [{"name": p.name, "rows": count * 3,
                       "mib": round(p.stat().st_size / 2 ** 20, 1)} for p in paths],
            "committee_unit": committee_unit.code, "open": measured(open_probe.figures(), open_cpu),
            "baseline_copy": base,
            "import": imported, "document": document_figures, "board": board, "close": closed,
            "import_and_close_s": round(total, 3), "ratio": ratio(total, base["seconds"]),
            "ratio_import": ratio(imported["seconds"], base["seconds"]),
            "ratio_to_bare_table": ratio(total, base["bare_table_s"]),
            "checks": checks, "correct": all(v for k, v in checks.items() if k != "levels")}


# --- report ---------------------------------------------------------------------------------------

def queries_constant(sizes: dict) -> bool:
    small, full = sizes["small"], sizes["full"]
    return small["document"]["queries"] == full["document"]["queries"] and all(
        small["board"][view]["queries"] == full["board"][view]["queries"] for view in full["board"])


def report(sizes: dict) -> None:
    full = sizes["full"]
    print(f"\nappraisal_close — closing {YEAR} for {full['people']:,} civil servants × 12 months "
          f"({full['period_rows']:,} period rows) on postgresql")
    print("  import path: manage.py import_appraisal_scores FILE --year 2026, one .xlsx per "
          f"quarter (4 files × {full['people'] * 3:,} rows; IMPORT_MAX_ROWS 200,000)")
    print(f"  {'':34}{'small':>12}{'full':>12}")
    rows = [
        ("people", lambda s: f"{s['people']:,}"),
        ("units (with people)", lambda s: f"{s['units']:,}"),
        ("appraising units", lambda s: f"{s['appraising_units']:,}"),
        ("period rows", lambda s: f"{s['period_rows']:,}"),
        ("open the year (s, not in ratio)", lambda s: f"{s['open']['seconds']:.2f}"),
        ("baseline: bare COPY (s)", lambda s: f"{s['baseline_copy']['seconds']:.2f}"),
        ("  into a table without keys (s)", lambda s: f"{s['baseline_copy']['bare_table_s']:.2f}"),
        ("import, 4 files (s)", lambda s: f"{s['import']['seconds']:.2f}"),
        ("close: score, quota, write (s)", lambda s: f"{s['close']['seconds']:.2f}"),
        ("import + close (s)", lambda s: f"{s['import_and_close_s']:.2f}"),
        ("ratio (import + close) / COPY", lambda s: f"{s['ratio']:.2f}"),
        ("ratio import / COPY", lambda s: f"{s['ratio_import']:.2f}"),
        ("appraisal_results --json (s)", lambda s: f"{s['document']['seconds']:.2f}"),
        ("  queries", lambda s: f"{s['document']['queries']}"),
        ("board, whole province (s)", lambda s: f"{s['board']['province']['seconds']:.2f}"),
        ("  queries", lambda s: f"{s['board']['province']['queries']}"),
        ("  rows / MiB",
         lambda s: f"{s['board']['province']['rows']:,} / {s['board']['province']['mib']:.0f}"),
        ("board, one unit ?unit= (s)", lambda s: f"{s['board']['one_unit']['seconds']:.2f}"),
        ("  queries", lambda s: f"{s['board']['one_unit']['queries']}"),
        ("  rows", lambda s: f"{s['board']['one_unit']['rows']:,}"),
        ("board, committee member (s)",
         lambda s: f"{s['board']['committee_member']['seconds']:.2f}"),
        ("  status / queries", lambda s: f"{s['board']['committee_member']['status']} / "
                                         f"{s['board']['committee_member']['queries']}"),
        ("  rows", lambda s: f"{s['board']['committee_member']['rows']:,}"),
    ]
    for name, cell in rows:
        print(f"  {name:34}{cell(sizes['small']):>12}{cell(sizes['full']):>12}")
    print("  import split (full): "
          + ", ".join(f"{k} {v:.2f}" for k, v in full["import"]["split_s"].items()))
    print("  close split (full): "
          + ", ".join(f"{k} {v:.2f}" for k, v in full["close"]["split_s"].items()))
    for phase in ("baseline_copy", "import", "close"):
        cpu = full[phase]["cpu"]
        print(f"  CPU of {phase} (full): python {cpu['python_s']:.1f} s, its PostgreSQL backend "
              f"{cpu['postgres_s']:.1f} s, the rest of the machine {cpu['other_s']:.1f} s "
              f"(wall {full[phase]['seconds']:.1f} s, {os.cpu_count()} CPUs)")
    verdict = "OK" if full["ratio"] <= TARGET else "OVER TARGET"
    print(f"  ratio at full size = {full['ratio']:.2f}   target ≤ {TARGET}  → {verdict}")
    same = queries_constant(sizes)
    print(f"  query counts {'constant' if same else 'NOT constant'} from "
          f"{sizes['small']['people']:,} people in {sizes['small']['units']} units to "
          f"{full['people']:,} in {full['units']}")
    for label, size in sizes.items():
        failed = {k: v for k, v in size["checks"].items() if k != "levels" and not v}
        verdict = failed if failed else "all checks pass"
        print(f"  correctness ({label}): {verdict}; levels {size['checks']['levels']}")


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("appraisal_close.py needs PostgreSQL: set "
                 "DATABASE_URL=postgres://user@host:port/any_db (a throwaway database is created "
                 "next to it).")
    database = start(args.db_name, args.keep)
    workdir = Path(tempfile.mkdtemp(prefix="bench-appraisal-"))
    sizes = {}
    try:
        sizes["small"] = run_size("small", args.people // args.small, 5, args, workdir)
        empty_tables()
        sizes["full"] = run_size("full", args.people, 1, args, workdir)
        report(sizes)
    finally:
        database.drop()
        if not args.keep:
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            workdir.rmdir()
        else:
            log(f"kept the score files in {workdir}")
    full = sizes["full"]
    emit_json({"benchmark": "appraisal_close", "vendor": "postgresql", "year": YEAR,
               "people": args.people, "period_rows": full["period_rows"], "target_ratio": TARGET,
               "ratio": full["ratio"],
               "import_path": "import_appraisal_scores FILE --year, one .xlsx per quarter",
               "queries_constant": queries_constant(sizes),
               "correct": all(s["correct"] for s in sizes.values()), "sizes": sizes})


if __name__ == "__main__":
    main()
