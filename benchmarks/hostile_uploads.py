r"""Acceptance load check: a hostile two-cell workbook uploaded again and again through the page,
with a real Celery worker, leaves the worker's memory flat and every job failed with its reason.

The file is 1.6 KB: A1 = "Mã cán bộ" and XFD1048576 = "x" (openpyxl). Before core/sheet_bounds.py,
python-calamine sized its grid from A1 to XFD1048576 (512 GiB) and aborted the process; with the
production Celery settings (acks late, reject on worker lost) the broker handed the validation task
to the next pool process, which died too, for ever. What this script does, bounded in time:

* a throwaway PostgreSQL database (``cong_vu_bench_hostile_uploads``), migrated; a unit and an HR
  officer with a MANAGE grant on it; uploads go to a temporary MEDIA_ROOT;
* ONE real worker: ``celery -A config worker --pool=prefork --concurrency=1 -Q celery`` on the
  run's Redis database (``--redis-db``, default 14, flushed before and after), ready when it
  answers ``core.tasks.ping``;
* the worker's RSS — VmRSS of the worker process plus its pool processes, from /proc — idle
  (``before``), then sampled every 20 ms while ``--uploads`` (default 20) uploads of the file go
  through ``POST /imports/personnel/new/`` with Django's test Client logged in as the officer
  (this process has the same DATABASE_URL and CELERY_BROKER_URL, so ``validate_import`` goes to
  Redis on commit), until every job has left "uploaded"/"validating" (at most ``--timeout`` s);
* then one small valid personnel workbook (``--valid-rows`` people) through the same page, which
  must end "validated": the worker is alive and still useful.

Reported: the jobs, their final statuses (target: all "invalid" — refused with the Vietnamese
reason naming the row limit — or "failed"), their task runs (attempts: 1 each when no worker
died), the first job's message, the time from the first upload to the last job done, the RSS
before / after / max (MiB) with after/before, and whether a pool process was ever replaced (a
crash: the set of pool pids seen during the run against the one before). Acceptance: every job
refused with a reason naming the row limit, one task received and run per job, no pool process
replaced, after/before ≤ ``--max-growth`` (1.10), the valid
file validated; the exit status is 1 otherwise.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/hostile_uploads.py
    ... benchmarks/hostile_uploads.py --uploads 50 --json     # one JSON document on stdout

Without ``--json`` a summary is printed and, last, one JSON line of every figure.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _exam import VENV_BIN, stop_process
from _support import (
    MIB,
    PROJECT_ROOT,
    BenchDatabase,
    PeopleGenerator,
    emit_json,
    headers,
    log,
    ratio,
    setup_django,
)

UPLOAD_URL = "/imports/personnel/new/"
PENDING = ("uploaded", "validating")
REFUSED = ("invalid", "failed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=20,
                        help="uploads of the two-cell workbook (default 20)")
    parser.add_argument("--valid-rows", type=int, default=5,
                        help="people in the final valid workbook (default 5)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for the jobs (default 120)")
    parser.add_argument("--max-growth", type=float, default=1.10,
                        help="largest accepted worker RSS after/before (default 1.10)")
    parser.add_argument("--redis-db", type=int, default=14,
                        help="Redis database of the broker (default 14)")
    parser.add_argument("--db-name", default="cong_vu_bench_hostile_uploads",
                        help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the worker's log at the end")
    parser.add_argument("--json", action="store_true", help="print only one JSON document")
    return parser.parse_args()


# --- the files ------------------------------------------------------------------------------------

def two_cell_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "Mã cán bộ"
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    return path


def valid_workbook(path: Path, count: int) -> Path:
    """``count`` valid people (benchmarks/_support.py PeopleGenerator) in the run's only unit."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append(headers())
    for cells in PeopleGenerator(seed=14).rows(count):
        sheet.append(cells)
    workbook.save(path)
    return path


# --- the worker and its memory --------------------------------------------------------------------

def vmrss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def pool_pids(pid: int) -> set[int]:
    """The children of every thread of ``pid``: billiard may fork a replacement pool process from a
    thread other than the main one, which /proc/<pid>/task/<pid>/children alone would miss."""
    found: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            found.update(int(child) for child in children)
        except OSError:
            continue
    return found


class Worker:
    """One ``celery -A config worker --pool=prefork --concurrency=1 -Q celery`` on the run's
    database and Redis database; its log goes to a temporary file."""

    def __init__(self, environment: dict):
        self.environment = environment
        self.log_path = Path(tempfile.gettempdir()) / f"cong_vu_bench_hostile_{os.getpid()}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Worker":
        from core.tasks import ping

        command = [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool=prefork",
                   "--concurrency=1", "-Q", "celery", "--loglevel=info", "--without-heartbeat",
                   "--without-mingle", "--without-gossip", "-n", f"hostile-{os.getpid()}@%h",
                   "--logfile", str(self.log_path)]
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start-up; see {self.log_path}")
            try:
                if ping.delay("sẵn sàng").get(timeout=2) == "sẵn sàng":
                    return self
            except Exception:  # noqa: BLE001 - not up yet (the task waits in Redis for the worker)
                pass
        raise RuntimeError(
            f"the Celery worker did not answer a ping within {timeout:g} s; see {self.log_path}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pool(self) -> set[int]:
        return pool_pids(self.process.pid)

    def rss(self) -> int:
        return vmrss(self.process.pid) + sum(vmrss(pid) for pid in self.pool())

    def crash_lines(self) -> list[str]:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line.strip() for line in text.splitlines()
                if "WorkerLost" in line or "exited with" in line or "signal" in line.lower()]

    def received(self, task: str) -> int:
        """How many ``task`` messages the worker took from the broker (redeliveries included)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return sum(1 for line in text.splitlines() if f"Task {task}[" in line
                   and "received" in line)

    def stop(self) -> None:
        stop_process(self.process)


class Sampler:
    """The worker's RSS every ``interval`` seconds, and every pool pid seen, while the block
    runs."""

    def __init__(self, worker: Worker, interval: float = 0.02):
        self.worker, self.interval = worker, interval
        self.peak, self.samples, self.pids = 0, 0, set()
        self._stop = threading.Event()

    def _sample(self) -> None:
        while True:
            self.pids |= self.worker.pool()
            self.peak = max(self.peak, self.worker.rss())
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "Sampler":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --- the run --------------------------------------------------------------------------------------

def make_officer():
    from core.access import MANAGE
    from core.models import OrgUnit, User
    from core.services.units import unit_create, unit_grant

    unit = unit_create(actor=None, code="HB1", name="Phòng Tổ chức cán bộ (thử tải)",
                       kind=OrgUnit.Kind.DIVISION)
    officer = User.objects.create_user(username="hostile_officer", password="Secret-Pass-2026",
                                       full_name="Cán bộ tổ chức thử tải")
    unit_grant(actor=None, unit=unit, level=MANAGE, user=officer)
    return officer


def upload(client, path: Path) -> tuple[str, float]:
    """POST the file to the upload page; returns the job's id (from the redirect) and the
    seconds."""
    started = time.perf_counter()
    with open(path, "rb") as handle:
        response = client.post(UPLOAD_URL, {"file": handle})
    seconds = time.perf_counter() - started
    location = response.get("Location", "")
    if response.status_code != 302 or "/imports/" not in location:
        raise RuntimeError(f"the upload page answered {response.status_code} {location!r}")
    return location.rstrip("/").rsplit("/", 1)[-1], seconds


def wait_done(ids: list[str], timeout: float) -> bool:
    from core.models import ImportJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not ImportJob.objects.filter(pk__in=ids, status__in=PENDING).exists():
            return True
        time.sleep(0.02)
    return False


def first_message(job) -> str:
    errors = (job.summary or {}).get("errors") or []
    return (errors[0].get("message", "") if errors else "") or job.message


def hostile_phase(client, worker: Worker, path: Path, args) -> dict:
    from core.models import ImportJob

    rss_before, pool_before = worker.rss(), worker.pool()
    ids, posts = [], []
    with Sampler(worker) as sampler:
        started = time.perf_counter()
        for _ in range(args.uploads):
            job_id, seconds = upload(client, path)
            ids.append(job_id)
            posts.append(seconds)
        uploaded_s = time.perf_counter() - started
        finished = wait_done(ids, args.timeout)
        done_s = time.perf_counter() - started
        time.sleep(0.5)  # the pool process settles after its last task
    rss_after, pool_after = worker.rss(), worker.pool()
    jobs = {str(job.pk): job for job in ImportJob.objects.filter(pk__in=ids)}
    ordered = [jobs[job_id] for job_id in ids]
    messages = [first_message(job) for job in ordered]
    replaced = bool(sampler.pids - pool_before) or pool_after != pool_before
    return {
        "uploads": args.uploads, "jobs": len(ordered), "all_finished": finished,
        "statuses": dict(Counter(job.status for job in ordered)),
        "refused_with_reason": sum(1 for job, text in zip(ordered, messages, strict=True)
                                   if job.status in REFUSED and text),
        "row_limit_named": sum(1 for text in messages if "1.048.576" in text and "200.000" in text),
        "distinct_messages": len(set(messages)), "first_message": messages[0] if messages else "",
        "attempts": dict(Counter(job.attempts for job in ordered)),
        "upload_request_ms_median": (round(sorted(posts)[len(posts) // 2] * 1000, 1)
                                     if posts else 0.0),
        "uploads_s": round(uploaded_s, 2), "first_upload_to_last_done_s": round(done_s, 2),
        "rss_before_mib": round(rss_before / MIB, 1), "rss_after_mib": round(rss_after / MIB, 1),
        "rss_max_mib": round(max(sampler.peak, rss_after) / MIB, 1), "rss_samples": sampler.samples,
        "rss_after_over_before": ratio(rss_after, rss_before),
        "rss_max_over_before": ratio(max(sampler.peak, rss_after), rss_before),
        "pool_pids_before": sorted(pool_before),
        "pool_pids_seen": sorted(sampler.pids | pool_after), "pool_replaced": replaced,
        "worker_alive": worker.alive(),
    }


def valid_phase(client, worker: Worker, path: Path, args) -> dict:
    from core.models import ImportJob

    started = time.perf_counter()
    job_id, _seconds = upload(client, path)
    finished = wait_done([job_id], args.timeout)
    job = ImportJob.objects.get(pk=job_id)
    return {"rows": args.valid_rows, "status": job.status, "finished": finished,
            "rows_read": (job.summary or {}).get("rows"),
            "errors": len((job.summary or {}).get("errors") or []),
            "first_error": first_message(job) if job.status != "validated" else "",
            "seconds": round(time.perf_counter() - started, 2), "worker_alive": worker.alive()}


def accepted(hostile: dict, valid: dict, args) -> bool:
    return (hostile["all_finished"] and hostile["jobs"] == args.uploads == hostile["tasks_received"]
            and hostile["refused_with_reason"] == args.uploads
            and hostile["row_limit_named"] == args.uploads
            and set(hostile["attempts"]) == {1} and not hostile["pool_replaced"]
            and hostile["worker_alive"]
            and hostile["rss_after_over_before"] <= args.max_growth
            and valid["status"] == "validated")


def report(figures: dict) -> None:
    h, v = figures["hostile"], figures["valid"]
    print(f"Hostile uploads: the two-cell workbook ({figures['file_bytes']:,} bytes, A1 + "
          f"XFD1048576) uploaded {h['uploads']}× through {UPLOAD_URL}, one prefork worker "
          "(concurrency 1) on Redis")
    print(f"  jobs {h['jobs']}, final statuses {h['statuses']}, refused with a reason "
          f"{h['refused_with_reason']}/{h['jobs']}, naming the row limit "
          f"{h['row_limit_named']}/{h['jobs']}, task runs per "
          f"job {h['attempts']}, tasks received by the worker {h['tasks_received']}")
    print(f"  first job's message: {h['first_message']}")
    print(f"  first upload to last job done: {h['first_upload_to_last_done_s']:.2f} s (uploads "
          f"took {h['uploads_s']:.2f} s, median page POST {h['upload_request_ms_median']:.0f} ms)")
    print(f"  worker RSS: before {h['rss_before_mib']:.1f} MiB, after {h['rss_after_mib']:.1f} "
          f"MiB, max {h['rss_max_mib']:.1f} MiB ({h['rss_samples']} samples); after/before "
          f"{h['rss_after_over_before']:.2f}, max/before {h['rss_max_over_before']:.2f}")
    print(f"  pool process replaced: {h['pool_replaced']} (before {h['pool_pids_before']}, seen "
          f"{h['pool_pids_seen']}); crash lines in the worker log: "
          f"{len(figures['worker_crash_lines'])}")
    print(f"  then a valid workbook of {v['rows']} people: {v['status']} in {v['seconds']:.2f} s "
          f"({v['rows_read']} rows read, {v['errors']} errors)")
    print(f"  acceptance: {'PASS' if figures['accepted'] else 'FAIL'}")


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("hostile_uploads needs DATABASE_URL=postgres://… (PostgreSQL)")
    import redis

    broker = f"redis://127.0.0.1:6379/{args.redis_db}"
    flush = redis.Redis(host="127.0.0.1", port=6379, db=args.redis_db).flushdb
    workdir = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    database = BenchDatabase(args.db_name, args.keep)
    database.create()
    os.environ.update({"CELERY_BROKER_URL": broker, "MEDIA_ROOT": str(workdir / "media"),
                       "DEBUG": "0"})
    os.environ.pop("CELERY_RESULT_BACKEND", None)  # results on the broker's Redis database
    flush()
    setup_django()
    worker = Worker({**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
                     "CONN_MAX_AGE": "0"})
    try:
        from django.core.management import call_command
        from django.test import Client

        log(f"migrating {database.name} …")
        call_command("migrate", verbosity=0, interactive=False)
        officer = make_officer()
        hostile = two_cell_workbook(workdir / "hai-o.xlsx")
        valid = valid_workbook(workdir / "hop-le.xlsx", args.valid_rows)
        client = Client()
        client.force_login(officer)
        log("starting one Celery worker (prefork, concurrency 1) …")
        worker.start()
        log(f"uploading the two-cell workbook {args.uploads}× …")
        figures = {"benchmark": "hostile_uploads", "file_bytes": hostile.stat().st_size,
                   "hostile": hostile_phase(client, worker, hostile, args)}
        log("uploading a valid workbook …")
        figures["valid"] = valid_phase(client, worker, valid, args)
        # the valid one
        figures["hostile"]["tasks_received"] = worker.received("core.tasks.validate_import") - 1
        figures["worker_crash_lines"] = worker.crash_lines()[:10]
        figures["max_growth"] = args.max_growth
        figures["accepted"] = accepted(figures["hostile"], figures["valid"], args)
    finally:
        worker.stop()
        flush()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            worker.log_path.unlink(missing_ok=True)
    if not args.json:
        report(figures)
    emit_json(figures)
    sys.exit(0 if figures["accepted"] else 1)


if __name__ == "__main__":
    main()
