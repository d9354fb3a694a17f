"""Benchmark: nothing acknowledged is lost — a gunicorn worker killed during the save load, and the
deadline's auto-submit run again by a retried or redelivered task. PostgreSQL and Redis only.

Set-up (not timed): a throwaway database, migrated; ``make_exam_session --candidates N --questions
60``; the exam server in the production configuration of ``_exam.py`` (gunicorn restarts a worker
that dies); every candidate logged in through the API.

(a) Saves: the open-loop save load of ``exam_saves`` at ``--rate`` saves/s for ``--duration``
    seconds; ``--kills`` times during it, ``kill -9`` of one gunicorn worker chosen at random. The
    client records every acknowledged save (``{"saved": seq}``: attempt, n, seq, choice).
    Afterwards, against the database: for every (attempt, n) the stored ``seq`` must be ≥ the
    highest acknowledged one and, when equal, the choice the same (target: 0 lost). Reported: the
    requests that failed around each kill (never acknowledged, so they may be lost; how many were
    committed anyway), the failures away from the kills (the control: 0), how long gunicorn took to
    replace the worker.
(b) Auto-submit exactly once: the deadline of ``--due`` attempts is moved into the past in the
    database; ``recruitment.tasks.submit_due_attempts`` is run twice with ``apply()``; then, for
    another ``--due`` attempts, by a real Celery worker on Redis (prefork, 2 processes, the
    production settings: acks late, reject on worker lost): the task is sent, its worker process
    is killed with ``kill -9`` part-way through, the broker redelivers it and it finishes; then it
    is sent once more. Finally two copies are sent at once for a third set (two scheduled runs
    overlapping). Target: exactly one ``auto_submit`` ExamEvent per attempt, none elsewhere.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/exam_durability.py
    ... benchmarks/exam_durability.py --candidates 2000 --duration 20      # smaller and quicker
    ... benchmarks/exam_durability.py --no-celery                         # apply() only

The last line of stdout is the JSON of every figure.
"""
import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import _exam
from _support import PROJECT_ROOT, emit_json, log

KILL_WINDOW = 5.0  # seconds after a kill in which failures are put down to it


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rate", type=float, default=200, help="saves per second during the kills (default 200)"
    )
    parser.add_argument(
        "--duration", type=float, default=40, help="seconds of save load (default 40)"
    )
    parser.add_argument(
        "--kills", type=int, default=4, help="workers killed during the load (default 4)"
    )
    parser.add_argument(
        "--connections", type=int, default=512, help="client connections (default 512)"
    )
    parser.add_argument(
        "--due", type=int, default=1000, help="attempts made due per auto-submit check (1,000)"
    )
    parser.add_argument("--no-celery", action="store_true", help="skip the real Celery worker")
    _exam.add_session_arguments(parser, port=8121, db_name="cong_vu_bench_exam_durability")
    return parser.parse_args()


# --- (a) saves through worker kills ---------------------------------------------------------------

class Killer:
    """Called by the load client about every 0.1 s: kills a worker at each planned instant and
    notes when gunicorn has replaced it."""

    def __init__(self, server: _exam.Server, at: list[float]):
        self.server, self.pending, self.kills = server, sorted(at), []
        self.rng = random.Random(7)

    def __call__(self, now: float) -> None:
        for kill in self.kills:
            if (
                "replaced_after_s" not in kill
                and len(self.server.workers()) == self.server.config.workers
                and kill["pid"] not in self.server.workers()
            ):
                kill["replaced_after_s"] = round(now - kill["at"], 2)
        if self.pending and now >= self.pending[0]:
            self.pending.pop(0)
            pid = self.rng.choice(self.server.workers())
            os.kill(pid, signal.SIGKILL)
            self.kills.append({"at": now, "pid": pid})
            log(f"  kill -9 worker {pid}")


def stored_answers(session_id: int) -> dict[tuple[int, int], tuple[int, int | None]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT a.attempt_id, a.n, a.seq, a.choice FROM "
                       "recruitment_answer a JOIN recruitment_attempt t ON t.id "
                       "= a.attempt_id WHERE t.session_id = %s", [session_id])
        return {(attempt, n): (seq, choice) for attempt, n, seq, choice in cursor.fetchall()}


def check_saves(phase: _exam.Phase, stored: dict) -> dict:
    """Every acknowledged save against the database; failed requests that were committed anyway."""
    acked: dict[tuple[int, int], tuple[int, int]] = {}
    for r in phase.records:
        if r.acked and r.seq > acked.get((r.attempt, r.n), (0, 0))[0]:
            acked[(r.attempt, r.n)] = (r.seq, r.choice)
    lost = []
    for key, (seq, choice) in acked.items():
        have = stored.get(key)
        if have is None or have[0] < seq or (have[0] == seq and have[1] != choice):
            lost.append({"attempt": key[0], "n": key[1], "acked": [seq, choice], "stored": have})
    failed = [r for r in phase.records if r.status != 200]
    committed = sum(1 for r in failed if stored.get((r.attempt, r.n), (0, None))[0] >= r.seq)
    return {"acknowledged": sum(r.acked for r in phase.records), "acknowledged_keys": len(acked),
            "lost": len(lost), "lost_examples": lost[:5], "failed": len(failed),
            "failed_but_committed": committed}


def failures_by_kill(phase: _exam.Phase, kills: list[dict]) -> dict:
    """Each failure is put down to the last kill before it, if that was at most KILL_WINDOW
    earlier."""
    failed = [r for r in phase.records if r.status != 200]
    per_kill = [0] * len(kills)
    for r in failed:
        before = [i for i, k in enumerate(kills) if k["at"] <= r.done <= k["at"] + KILL_WINDOW]
        if before:
            per_kill[before[-1]] += 1
    return {"per_kill": per_kill, "away_from_kills": len(failed) - sum(per_kill),
            "kinds": dict(Counter(r.error or str(r.status) for r in failed)),
            "replaced_after_s": [k.get("replaced_after_s") for k in kills]}


def saves_under_kills(server: _exam.Server, candidates: list, session_id: int, args) -> dict:
    warmup = 2.0
    loop_start = [0.0]

    def during(now: float) -> None:
        if not loop_start[0]:
            loop_start[0] = now
            killer.pending = [
                now + warmup + args.duration * (k + 1) / (args.kills + 1) for k in range(args.kills)
            ]
        killer(now)

    killer = Killer(server, [])
    target = _exam.Target("exam", server.base, exam=True)
    with _exam.CpuMeter([server]) as meter:
        phase = asyncio.run(_exam.open_loop(target, candidates, args.rate, args.duration, warmup,
                                            args.connections, during=during))
    phase.window = (0.0, float("inf"))  # every record counts here, the warm-up's too
    phase.cpu = meter.figures()
    figures = phase.figures()
    figures.pop("throughput_per_s", None)
    checked = check_saves(phase, stored_answers(session_id))
    around = failures_by_kill(phase, killer.kills)
    log(f"  {checked['acknowledged']:,} acknowledged, {checked['lost']} lost; {checked['failed']} "
        f"failed ({around['per_kill']} around the kills, {around['away_from_kills']} elsewhere)")
    return {"load": figures, "check": checked, "kills": around}


# --- (b) auto-submit exactly once -----------------------------------------------------------------

def make_due(attempt_ids: list[int]) -> None:
    from django.utils import timezone

    from recruitment.models import Attempt

    Attempt.objects.filter(pk__in=attempt_ids).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )


def auto_submit_counts(attempt_ids: list[int], session_id: int, elsewhere: bool = False) -> dict:
    """``auto_submit`` events per attempt of ``attempt_ids``; with ``elsewhere``, also those of any
    other attempt of the session (there should be none)."""
    from django.db.models import Count

    from recruitment.models import Attempt, ExamEvent

    events = ExamEvent.objects.filter(kind=ExamEvent.Kind.AUTO_SUBMIT, session_id=session_id)
    per_attempt = dict(events.order_by().values_list("attempt_id").annotate(count=Count("id"))
                       .values_list("attempt_id", "count"))
    wanted = set(attempt_ids)
    histogram = Counter(per_attempt.get(pk, 0) for pk in wanted)
    submitted = Attempt.objects.filter(
        pk__in=wanted, status=Attempt.Status.SUBMITTED, submit_reason="deadline"
    )
    counts = {
        "attempts": len(wanted),
        "exactly_once": histogram.get(1, 0),
        "missing": histogram.get(0, 0),
        "more_than_once": sum(v for k, v in histogram.items() if k > 1),
        "submitted_at_deadline": submitted.count(),
    }
    if elsewhere:
        counts["events_elsewhere"] = sum(c for pk, c in per_attempt.items() if pk not in wanted)
    return counts


def submitted_count(attempt_ids: list[int]) -> int:
    from recruitment.models import Attempt

    return Attempt.objects.filter(pk__in=attempt_ids, status=Attempt.Status.SUBMITTED).count()


def apply_twice(attempt_ids: list[int], session_id: int) -> dict:
    from recruitment.tasks import submit_due_attempts

    make_due(attempt_ids)
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = submit_due_attempts.apply()
        runs.append({"submitted": result.get(), "seconds": round(time.perf_counter() - started, 2)})
    counts = auto_submit_counts(attempt_ids, session_id)
    log(
        f"  apply() twice: {runs[0]['submitted']} then "
        f"{runs[1]['submitted']} submitted; events {counts}"
    )
    return {"runs": runs, "per_attempt": counts,
            "ms_per_attempt": round(runs[0]["seconds"] * 1000 / max(1, runs[0]["submitted"]), 2)}


class CeleryWorker:
    """``celery -A config worker`` (prefork, 2 processes) on the run's Redis database, with the
    server's production environment; its log goes to a temporary file."""

    def __init__(self, server: _exam.Server):
        self.environment = {**server.environment(), "DJANGO_SETTINGS_MODULE": "config.settings"}
        self.name = f"bench-{os.getpid()}@%h"
        self.log_path = Path(tempfile.gettempdir()) / f"cong_vu_bench_celery_{os.getpid()}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        from config.celery import app

        command = [
            str(_exam.VENV_BIN / "celery"),
            "-A", "config", "worker", "--pool=prefork", "--concurrency=2", "--loglevel=info",
            "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", self.name,
            "--logfile", str(self.log_path),
        ]
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start-up; see {self.log_path}")
            if app.control.ping(
                destination=[self.name.replace("%h", os.uname().nodename)], timeout=1.0
            ):
                return self
        raise RuntimeError(f"the Celery worker did not answer within 60 s; see {self.log_path}")

    def pool_processes(self) -> list[int]:
        return _exam.children(self.process.pid)

    def stop(self) -> None:
        _exam.stop_process(self.process)

    def log_lines(self, task_id: str) -> list[str]:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [
            line.strip() for line in text.splitlines() if task_id in line or "WorkerLost" in line
        ]


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def redelivered_run(worker: CeleryWorker, attempt_ids: list[int], session_id: int) -> dict:
    """Send the task; kill -9 the worker's pool processes once part of the attempts are submitted;
    the broker gives the task again; then the next scheduled run (sent once more) finds nothing."""
    from recruitment.tasks import submit_due_attempts

    make_due(attempt_ids)
    started = time.perf_counter()
    task = submit_due_attempts.apply_async()
    if not wait_for(lambda: submitted_count(attempt_ids) >= max(1, len(attempt_ids) // 10), 120):
        raise RuntimeError("the worker did not start submitting")
    before_kill = submitted_count(attempt_ids)
    killed = worker.pool_processes()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    log(
        f"  kill -9 of the worker's pool processes {killed} after {before_kill} of "
        f"{len(attempt_ids)} submitted"
    )
    result = task.get(timeout=300)
    seconds = time.perf_counter() - started
    again = submit_due_attempts.apply_async().get(timeout=120)
    lines = worker.log_lines(task.id)
    counts = auto_submit_counts(attempt_ids, session_id)
    log(f"  redelivered run submitted {result}, the next run {again}; events {counts}")
    return {
        "submitted_before_kill": before_kill,
        "killed_pool_processes": len(killed),
        "redelivered_run_submitted": result,
        "next_run_submitted": again,
        "seconds": round(seconds, 1),
        "received_count": sum(1 for line in lines if "Task" in line and "received" in line),
        "worker_lost_logged": any("WorkerLost" in line for line in lines),
        "per_attempt": counts,
    }


def overlapping_runs(attempt_ids: list[int], session_id: int) -> dict:
    """Two copies of the task at once (a scheduled run starting before the last one ended)."""
    from recruitment.tasks import submit_due_attempts

    make_due(attempt_ids)
    tasks = [submit_due_attempts.apply_async() for _ in range(2)]
    results = [task.get(timeout=300) for task in tasks]
    counts = auto_submit_counts(attempt_ids, session_id)
    log(f"  two overlapping runs submitted {results}; events {counts}")
    return {"submitted": results, "per_attempt": counts}


def auto_submit(server: _exam.Server, attempt_ids: list[int], session_id: int, args) -> dict:
    due = args.due
    sets = [attempt_ids[i * due:(i + 1) * due] for i in range(3)]
    log(f"auto-submit: {due} attempts past their deadline, submit_due_attempts.apply() twice …")
    figures = {"apply_twice": apply_twice(sets[0], session_id)}
    if args.no_celery:
        return figures
    log("auto-submit through a real Celery worker on Redis …")
    worker = CeleryWorker(server)
    try:
        worker.start()
        figures["celery_redelivered"] = redelivered_run(worker, sets[1], session_id)
        figures["celery_overlapping"] = overlapping_runs(sets[2], session_id)
    finally:
        worker.stop()
    figures["all_sets"] = auto_submit_counts(
        [pk for chunk in sets for pk in chunk], session_id, elsewhere=True
    )
    return figures


def report(figures: dict, args) -> None:
    saves, check, kills = figures["saves"], figures["saves"]["check"], figures["saves"]["kills"]
    print(f"Exam durability: {args.candidates:,} candidates, {figures['server']}, saves at "
          f"{args.rate:g}/s for {args.duration:g} s, {args.kills} worker(s) killed with kill -9")
    print(f"  acknowledged saves {check['acknowledged']:,} ({check['acknowledged_keys']:,} "
          f"answers): lost {check['lost']} (target 0)")
    print(f"  failed requests {check['failed']} ({kills['per_kill']} within {KILL_WINDOW:g} s of "
          f"each kill, {kills['away_from_kills']} elsewhere; {check['failed_but_committed']} of "
          f"them committed anyway); kinds {kills['kinds']}; worker replaced after "
          f"{kills['replaced_after_s']} s")
    print(f"  load: p50 {saves['load'].get('p50_ms', 0):.0f} ms, p99 "
          f"{saves['load'].get('p99_ms', 0):.0f} ms; {_exam.cpu_line(saves['load'])}")
    auto = figures["auto_submit"]
    twice = auto["apply_twice"]
    print(f"  auto-submit, apply() twice: {twice['runs'][0]['submitted']} then "
          f"{twice['runs'][1]['submitted']} submitted ({twice['ms_per_attempt']} ms per attempt); "
          f"per attempt: {twice['per_attempt']}")
    if "celery_redelivered" in auto:
        red, over = auto["celery_redelivered"], auto["celery_overlapping"]
        print(f"  Celery worker killed part-way ({red['submitted_before_kill']} submitted before): "
              f"the redelivered task submitted {red['redelivered_run_submitted']}, the next run "
              f"{red['next_run_submitted']} (received {red['received_count']}×, WorkerLostError "
              f"logged: {red['worker_lost_logged']}); per attempt: {red['per_attempt']}")
        print(f"  two overlapping runs: {over['submitted']}; per attempt: {over['per_attempt']}")
        print(f"  all sets: {auto['all_sets']}")


def main() -> None:
    args = parse_args()
    if args.candidates < 3 * args.due:
        sys.exit("--candidates must be at least 3 × --due")
    # this process sends the tasks
    os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    with _exam.exam_run("exam_durability", args, baseline=False) as bench:
        server, candidates, session_id = (
            bench.servers[0], bench.candidates, bench.document["session"],
        )
        log(f"logging {len(candidates):,} candidates in …")
        _exam.login_all(server.base, candidates)
        log(f"saves at {args.rate:g}/s for {args.duration:g} s with {args.kills} worker kill(s) …")
        figures = {
            "benchmark": "exam_durability",
            "candidates": args.candidates,
            "server": bench.config.describe(),
            "rate_per_s": args.rate,
            "duration_s": args.duration,
            "saves": saves_under_kills(server, candidates, session_id, args),
        }
        attempt_ids = sorted(candidate.attempt for candidate in candidates)
        figures["auto_submit"] = auto_submit(server, attempt_ids, session_id, args)
    report(figures, args)
    emit_json(figures)


if __name__ == "__main__":
    main()
