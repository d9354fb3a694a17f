"""Shared plumbing of the benchmark scripts (not a benchmark itself).

* a throwaway database per run: PostgreSQL ``cong_vu_bench_<name>`` created on the server named by
  ``DATABASE_URL`` (only its host, port and user are used), or a temporary SQLite file; migrated,
  and dropped at the end unless ``--keep``. The development and test databases are never touched;
* Django set up with ``DEBUG`` off (production-like: no query log);
* timers, a peak-memory probe and the final JSON line;
* a deterministic generator of valid ``import_personnel`` rows and a loader that writes them
  through the importer's own checks and bulk path (used to fill the database, never timed).

Memory is reported two ways, both in MiB: ``rss_peak_mib`` is the highest resident set size seen
while the phase ran (sampled every 10 ms from /proc/self/statm) minus the RSS when it started;
``maxrss_delta_mib`` is the growth of ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` over the phase
(0 when an earlier phase had already reached a higher peak).
"""
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

MIB = 1024 * 1024


def log(message: str) -> None:
    """Progress goes to stderr so stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


# --- the throwaway database -----------------------------------------------------------------------

class BenchDatabase:
    """Creates (and later drops) the benchmark's own database; sets DATABASE_URL to it."""

    def __init__(self, name: str, keep: bool = False):
        self.keep = keep
        self.reused = False
        source = os.environ.get("DATABASE_URL", "")
        postgres = source.startswith(("postgres://", "postgresql://"))
        self.vendor = "postgresql" if postgres else "sqlite"
        if self.vendor == "postgresql":
            parts = urlsplit(source)
            self.name = name
            self.maintenance_url = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{name}"))
        else:
            self.directory = Path(tempfile.mkdtemp(prefix=f"{name}-"))
            self.name = str(self.directory / "bench.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def _maintenance(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.maintenance_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def exists(self) -> bool:
        import psycopg2

        connection = psycopg2.connect(self.maintenance_url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            found = cursor.fetchone() is not None
        connection.close()
        return found

    def create(self, reuse: bool = False) -> None:
        """A new, empty database; with ``reuse``, a PostgreSQL database kept by an earlier
        ``--keep`` run."""
        if self.vendor == "postgresql":
            self.reused = reuse and self.exists()
            if not self.reused:
                self._maintenance(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                self._maintenance(f'CREATE DATABASE "{self.name}"')
        os.environ["DATABASE_URL"] = self.url

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            log(f"kept the benchmark database: {self.url}")
        elif self.vendor == "postgresql":
            self._maintenance(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            shutil.rmtree(self.directory, ignore_errors=True)


def setup_django() -> None:
    """Django on whatever DATABASE_URL now names, DEBUG off, "testserver" allowed."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")


def start(name: str, keep: bool, reuse: bool = False) -> BenchDatabase:
    """Create and migrate the benchmark database, set Django up on it, load the demo units."""
    database = BenchDatabase(name, keep or reuse)
    database.create(reuse)
    setup_django()
    from django.core.management import call_command

    log(f"migrating {database.vendor} database "
        f"{database.name}{' (reused)' if database.reused else ''} …")
    call_command("migrate", verbosity=0, interactive=False)
    from core.demo import load_units

    load_units()
    return database


# --- measuring ------------------------------------------------------------------------------------

def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def hwm_bytes() -> int:
    """This process's own RSS high-water mark (VmHWM). Unlike ru_maxrss, it does not start at the
    parent's RSS in a child made by fork + exec."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return maxrss_bytes()


def maxrss_bytes() -> int:
    scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


class Probe:
    """Wall time, sampled peak RSS above the start, and ru_maxrss growth of one phase."""

    def __init__(self, interval: float = 0.01):
        self.interval = interval
        self.seconds = 0.0
        self.rss_peak_mib = 0.0
        self.maxrss_delta_mib = 0.0
        self._stop = threading.Event()

    def _sample(self, start_rss: int) -> None:
        peak = start_rss
        while not self._stop.wait(self.interval):
            peak = max(peak, _rss_bytes())
        self.rss_peak_mib = max(peak, _rss_bytes()) / MIB - start_rss / MIB

    def __enter__(self) -> "Probe":
        self._maxrss = maxrss_bytes()
        self._thread = threading.Thread(target=self._sample, args=(_rss_bytes(),), daemon=True)
        self._thread.start()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._started
        self._stop.set()
        self._thread.join()
        self.maxrss_delta_mib = (maxrss_bytes() - self._maxrss) / MIB

    def figures(self) -> dict:
        return {"seconds": round(self.seconds, 3), "rss_peak_mib": round(self.rss_peak_mib, 1),
                "maxrss_delta_mib": round(self.maxrss_delta_mib, 1)}


@contextmanager
def timing(timings: dict, label: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[label]`` (accumulates over repeated calls)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[label] = timings.get(label, 0.0) + time.perf_counter() - started


@contextmanager
def instrumented(owner, name: str, timings: dict, label: str | None = None) -> Iterator[None]:
    """Temporarily wrap ``owner.<name>`` (a function or bound method) so its calls are timed."""
    original = getattr(owner, name)
    had_own = name in vars(owner)

    def wrapper(*args, **kwargs):
        with timing(timings, label or name):
            return original(*args, **kwargs)

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        if had_own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: list[float]) -> dict:
    return {"median_ms": round(statistics.median(values) * 1000, 2),
            "p95_ms": round(percentile(values, 0.95) * 1000, 2)}


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 2) if baseline else float("inf")


def emit_json(figures: dict) -> None:
    """The machine-readable result: always the last line of stdout."""
    print(json.dumps(figures, ensure_ascii=False, default=str), flush=True)


# --- valid personnel rows -------------------------------------------------------------------------

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4),
          ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Ma", 3),
          ("Nông", 2), ("Triệu", 2), ("Hà", 2), ("Giàng", 1), ("Lý", 1)]
MIDDLE = {"Nam": [("Văn", 40), ("Đức", 10), ("Minh", 10), ("Quốc", 8), ("Hữu", 8), ("Xuân", 8),
                  ("Thanh", 8), ("Ngọc", 8)],
          "Nữ": [("Thị", 50), ("Thu", 10), ("Thanh", 10), ("Ngọc", 8), ("Minh", 7), ("Phương", 7),
                 ("Hồng", 8)]}
GIVEN_NAMES = {"Nam": "An Anh Bình Cường Dũng Duy Đạt Hải Hùng Hưng Huy Khánh Kiên Long Minh Nam "
                      "Phong Quân Sơn Thắng Thành Toàn Trung Tuấn Tùng Việt Vinh Hoàng Hiếu Lâm",
               "Nữ": "Anh Chi Dung Giang Hà Hằng Hạnh Hoa Hồng Huyền Hương Lan Liên Linh Loan Mai "
                     "Nga Ngọc Nhung Oanh Phương Quỳnh Thảo Thu Thủy Trang Tuyết Vân Yến Hiền"}
TITLES = [("", 70), ("Chuyên viên", 12), ("Phó Trưởng phòng", 10), ("Trưởng phòng", 5),
          ("Phó Giám đốc", 3)]
ETHNICITIES = [("Kinh", 52), ("Tày", 22), ("Dao", 9), ("H'Mông", 7), ("Nùng", 5), ("Sán Chay", 5)]
QUALIFICATIONS = ["Cử nhân Luật", "Cử nhân Kinh tế", "Kỹ sư Nông nghiệp", "Thạc sĩ Quản lý công",
                  "Cử nhân Sư phạm", "Bác sĩ đa khoa", "Cử nhân Hành chính", ""]
THEORY = ["", "Sơ cấp", "Trung cấp", "Cao cấp"]


def _weighted(pairs: list[tuple]) -> tuple[list, list]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


class PeopleGenerator:
    """Rows of the 22 ``import_personnel`` columns, all valid, deterministic for a seed.

    Units are the demo province's open units; rank, step and coefficient agree with
    positions/data.py; the 12-digit ID number is unique and agrees with sex and birth year
    (ND 137/2015 Art 7); dates alternate between dd/mm/yyyy text and real dates."""

    def __init__(self, seed: int = 2026, today: date | None = None):
        from django.utils import timezone

        from core.models import OrgUnit
        from positions.data import RANKS, SALARY_GROUPS

        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        units = OrgUnit.objects.open().exclude(kind=OrgUnit.Kind.PROVINCE) \
            .values_list("code", "sector")
        self.units = [(code, sector == OrgUnit.Sector.PUBLIC_SERVICE) for code, sector in units]
        steps = {code: coefficients for code, *_rest, coefficients in SALARY_GROUPS}
        self.ranks = {public: [(code, steps[group]) for code, _n, kind, _l, group, _c in RANKS
                               if (kind == "public_employee") == public and group != "CGCC"]
                      for public in (False, True)}
        self.family = _weighted(FAMILY)
        self.middle = {sex: _weighted(pairs) for sex, pairs in MIDDLE.items()}
        self.titles = _weighted(TITLES)
        self.ethnicities = _weighted(ETHNICITIES)
        self.given = {sex: names.split() for sex, names in GIVEN_NAMES.items()}

    def _pick(self, weighted: tuple[list, list]):
        return self.rng.choices(weighted[0], weights=weighted[1])[0]

    def _day(self, low: date, high: date) -> date:
        return low + timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    @staticmethod
    def _years_after(day: date, years: int) -> date:
        return date(day.year + years, day.month, min(day.day, 28))

    @staticmethod
    def _cell(day: date, as_text: bool):
        return day.strftime("%d/%m/%Y") if as_text else day

    def _national_id(self, index: int, sex: str, born: date, numeric: bool):
        century = 0 if born.year < 2000 else 2
        # Province code, century-and-sex digit, year of birth, then a 6-digit serial
        # (ND 137/2015 Art 7); the province code grows past 008 beyond a million people.
        digits = (f"{8 + index // 1_000_000:03d}{century + (sex == 'Nữ')}{born.year % 100:02d}"
                  f"{index % 1_000_000:06d}")
        return float(int(digits)) if numeric else digits  # a numeric cell loses its leading zeros

    def row(self, index: int) -> list:
        from personnel.rules.retirement import retirement_of

        rng, text_dates = self.rng, index % 2 == 0
        sex = "Nam" if rng.random() < 0.55 else "Nữ"
        family, middle = self._pick(self.family), self._pick(self.middle[sex])
        name = f"{family} {middle} {rng.choice(self.given[sex])}"
        born = self._day(date(1965, 1, 1), date(2000, 12, 31))
        # Someone already past retirement age has no dates after it (the import marks them retired).
        last = min(self.today,
                   retirement_of(born, "male" if sex == "Nam" else "female").retirement_date)
        recruited = min(self._day(self._years_after(born, 22), self._years_after(born, 30)),
                        last - timedelta(days=30))
        step_since = max(recruited, self._day(last - timedelta(days=3 * 365), last))
        party = self._day(self._years_after(born, 22), last) if rng.random() < 0.4 else None
        unit, public = rng.choice(self.units)
        rank, coefficients = rng.choice(self.ranks[public])
        step = rng.randint(1, len(coefficients))
        coefficient = coefficients[step - 1]
        # As text, with the decimal comma an office types; otherwise a number cell.
        coefficient_cell = (f"{coefficient:.2f}".replace(".", ",") if text_dates
                            else float(coefficient))
        return [
            f"BM{index:07d}", name, self._cell(born, text_dates), sex,
            self._national_id(index, sex, born, numeric=index % 10 == 3), unit,
            rng.choice(["", "Viên chức"] if public else ["", "Công chức", "Công chức", "Cán bộ"]),
            rank, step, coefficient_cell,
            self._cell(step_since, not text_dates), self._cell(recruited, not text_dates),
            self._pick(self.titles), "", self._pick(self.ethnicities), "Không",
            f"Xã {rng.choice(self.given['Nam'])} {rng.choice(self.given['Nữ'])}, tỉnh Tuyên Quang",
            rng.choice(QUALIFICATIONS), rng.choice(THEORY),
            self._cell(party, text_dates) if party else None, f"09{rng.randrange(10 ** 8):08d}",
            f"bm{index:07d}@tuyenquang.gov.vn",
        ]

    def rows(self, count: int, first: int = 0) -> Iterator[list]:
        for index in range(first, first + count):
            yield self.row(index)


# The columns PeopleGenerator fills, in its order (the import has more, left blank here).
GENERATED_FIELDS = ("code", "full_name", "birth", "sex", "national_id", "unit_code", "category",
                    "rank_code", "salary_step", "salary_coefficient", "salary_step_date",
                    "recruitment_date", "title", "position_code", "ethnicity", "religion",
                    "home_town", "qualification", "political_theory", "party_admission_date",
                    "phone", "email")


def headers() -> list[str]:
    from personnel.importers import COLUMNS

    by_field = {column.field: column.header for column in COLUMNS}
    return [by_field[field] for field in GENERATED_FIELDS]


LOADED_TABLES = ("personnel_civilservant", "personnel_careerevent", "personnel_assignment",
                 "personnel_salaryrecord", "core_auditentry")


def load_people(count: int, chunk: int = 50_000, seed: int = 2026) -> float:
    """Write ``count`` valid people through the importer's own checks and bulk path (COPY on
    PostgreSQL), ``chunk`` rows per transaction, without a spreadsheet. Returns the seconds
    taken."""
    fields = list(GENERATED_FIELDS)
    generator = PeopleGenerator(seed)
    started = time.perf_counter()
    with secondary_indexes_deferred():
        for first in range(0, count, chunk):
            _load_chunk(generator, fields, first, min(chunk, count - first))
            log(f"  loaded {min(first + chunk, count):,}/{count:,} people "
                f"({time.perf_counter() - started:.0f} s)")
        log("  rebuilding the secondary indexes …")
    return time.perf_counter() - started


@contextmanager
def secondary_indexes_deferred() -> Iterator[None]:
    """PostgreSQL: drop the non-unique indexes of the loaded tables and rebuild them from their own
    definitions afterwards — building an index once is far faster than growing it a million times.
    Primary keys, unique constraints and foreign keys stay in force. (Freshly built indexes are a
    little more compact than grown ones; that is the only difference the benchmarks can see.)"""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                       "JOIN pg_class ic ON ic.oid = i.indexrelid "
                       "JOIN pg_class t ON t.oid = i.indrelid "
                       "WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary",
                       [list(LOADED_TABLES)])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def _load_chunk(generator: PeopleGenerator, fields: list[str], first: int, size: int) -> None:
    """Parse, check and write rows ``first`` … ``first + size - 1`` in one transaction."""
    from django.db import transaction

    from core.audit import audit_context
    from core.importing import Row, parse_row
    from core.models import AuditEntry
    from personnel.importers import COLUMNS, PersonnelImporter

    rows = [Row(number=first + i + 2, values={}, raw=dict(zip(fields, cells, strict=True)))
            for i, cells in enumerate(generator.rows(size, first))]
    importer = PersonnelImporter(actor=None)
    for row in rows:
        parse_row(row, COLUMNS)
    importer.prepare(rows)
    importer.check(rows)
    bad = [error for row in rows for error in row.errors]
    if bad:
        raise RuntimeError(f"the generator made invalid rows, e.g. {bad[:3]}")
    with audit_context(source=AuditEntry.Source.IMPORT, batch=importer.batch), transaction.atomic():
        importer.write(rows)
