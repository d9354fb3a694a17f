"""Benchmark: 10,000 synchronised starts — every candidate of one session logs in and fetches the
paper (60 questions) at the same moment; all must be served within a minute. PostgreSQL only.

Set-up (not timed): a throwaway database, migrated; ``make_exam_session --candidates N --questions
60``; the exam server (``config.settings``) and the baseline server (``bench_settings``), both
gunicorn in the production configuration described in ``_exam.py``.

Measured, in the same run, for every candidate arriving at the same instant (``--spread 0``, the
default; or at a random instant within ``--spread`` seconds), through at most ``--connections``
client connections at once (default 1,000; a reverse proxy in front of gunicorn would queue the
rest the same way):

(a) baseline — the bare views of ``bench_urls``: ``POST /bench/login`` (one ``UPDATE … RETURNING``
    by number and password digest) then ``GET /bench/papers/<attempt>`` (one query: the questions
    with their options in the candidate's order);
(b) the exam API — ``POST /exam/api/login`` (which starts the attempt) then
    ``GET /exam/api/attempts/<attempt>`` (the paper without the key, the deadline, the answers).

Figures: the time from the start until the last candidate has the paper (target < 60 s), errors
(target 0: every candidate served), p50/p99 of the time each candidate waited for login + paper,
and the exam's time to the last start over the baseline's. Afterwards the database is checked:
every attempt started, every paper of 60 questions. ``EXPLAIN ANALYZE`` of the login's query is
printed (its scan shows whether the candidate number is found through an index).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/exam_starts.py
    ... benchmarks/exam_starts.py --candidates 2000              # smaller and quicker
    ... benchmarks/exam_starts.py --spread 30                    # arrivals over half a minute

The last line of stdout is the JSON of every figure.
"""
import argparse
import asyncio
import os
import statistics

import _exam
from _support import emit_json, log, percentile, ratio

TARGET_SECONDS = 60
PLAN_WORDS = ("Scan", "Rows Removed", "Execution Time")  # the plan lines the summary shows


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--spread", type=float, default=0, help="arrivals spread over this many seconds (default 0)"
    )
    parser.add_argument(
        "--connections", type=int, default=1000, help="client connections at once (default 1,000)"
    )
    _exam.add_session_arguments(parser, port=8111, db_name="cong_vu_bench_exam_starts")
    return parser.parse_args()


def herd_figures(started: float, results: list[_exam.Start], questions: int) -> dict:
    ok = [r for r in results if r.status == "ok"]
    errors: dict[str, int] = {}
    for r in results:
        if r.status != "ok":
            errors[r.status] = errors.get(r.status, 0) + 1
    waited = [r.done - r.scheduled for r in ok]
    login = [r.login_done - r.scheduled for r in ok]
    paper = [r.done - r.login_done for r in ok]
    last = max((r.done for r in ok), default=started) - started
    figures = {
        "candidates": len(results), "served": len(ok), "errors": len(results) - len(ok),
        "time_to_last_s": round(last, 1), "starts_per_s": round(len(ok) / last, 1) if last else 0.0,
    }
    for label, values in (("start", waited), ("login", login), ("paper", paper)):
        if values:
            figures[f"{label}_p50_ms"] = round(statistics.median(values) * 1000, 1)
            figures[f"{label}_p99_ms"] = round(percentile(values, 0.99) * 1000, 1)
    if errors:
        figures["error_kinds"] = errors
    return figures


def run_herd(label: str, base: str, candidates: list, servers: list, args, bare: bool) -> dict:
    log(f"{label}: {len(candidates):,} candidates log in and fetch the paper "
        f"({'at once' if not args.spread else f'within {args.spread:g} s'}) …")
    with _exam.CpuMeter(servers) as meter:
        started, results = asyncio.run(
            _exam.herd(base, candidates, args.spread, args.connections, bare, args.questions)
        )
    figures = {**herd_figures(started, results, args.questions), **meter.figures()}
    log(f"  last start after {figures['time_to_last_s']} s, errors {figures['errors']}, "
        f"p50 {figures.get('start_p50_ms', 0):.0f} ms, p99 {figures.get('start_p99_ms', 0):.0f} ms")
    log(f"  {_exam.cpu_line(figures)}")
    return figures


def login_plan(candidate: _exam.Candidate) -> list[str]:
    """EXPLAIN ANALYZE of the exam login's own statement (``services._LOGIN_SQL``) for one
    candidate."""
    from django.db import connection

    from recruitment.exam.services import _LOGIN_SQL, digest

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE " + _LOGIN_SQL, [candidate.number.upper(), digest(candidate.password)]
        )
        return [row[0] for row in cursor.fetchall()]


def check_database(session_id: int, questions: int) -> dict:
    from django.db.models import Count

    from recruitment.models import Attempt

    attempts = Attempt.objects.filter(session_id=session_id)
    statuses = dict(attempts.order_by().values_list("status").annotate(count=Count("id"))
                    .values_list("status", "count"))
    sizes = set(attempts.order_by().annotate(size=Count("items")).values_list("size", flat=True))
    return {
        "statuses": statuses, "paper_sizes": sorted(sizes),
        "all_started": set(statuses) == {"answering"}, "all_papers_complete": sizes == {questions},
    }


def report(figures: dict, args) -> None:
    print(f"Exam starts: {args.candidates:,} candidates, login + paper of {args.questions} "
          f"questions, arriving {'at once' if not args.spread else f'within {args.spread:g} s'}, ≤ "
          f"{args.connections} connections; {figures['server']}; load client on the same "
          f"{os.cpu_count()} CPUs")
    for label in ("baseline", "exam"):
        h = figures[label]
        print(f"  {label:8}  last start after {h['time_to_last_s']:>6.1f} s  "
              f"({h['starts_per_s']:.0f} starts/s)  served {h['served']:,}  errors {h['errors']}  "
              f"wait p50 {h.get('start_p50_ms', 0) / 1000:.1f} s  p99 "
              f"{h.get('start_p99_ms', 0) / 1000:.1f} s  (login p50 {h.get('login_p50_ms', 0):.0f} "
              f"ms, paper p50 {h.get('paper_p50_ms', 0):.0f} ms)")
        print(f"            {_exam.cpu_line(h)}")
    exam = figures["exam"]
    verdict = (
        "met" if exam["time_to_last_s"] < TARGET_SECONDS and exam["errors"] == 0 else "NOT met"
    )
    print(f"  exam / baseline time to the last start: {figures['time_ratio']:.2f}; target < "
          f"{TARGET_SECONDS} s with no error: {verdict}")
    print(f"  database: {figures['database']}")
    print("  login query plan: " + " | ".join(line.strip() for line in figures["login_plan"]
                                             if any(word in line for word in PLAN_WORDS)))


def main() -> None:
    args = parse_args()
    with _exam.exam_run("exam_starts", args, baseline=True) as bench:
        candidates, (exam_server, baseline_server) = bench.candidates, bench.servers
        plan = login_plan(candidates[len(candidates) // 2])
        baseline = run_herd(
            "baseline", baseline_server.base, candidates, bench.servers, args, bare=True
        )
        exam = run_herd("exam", exam_server.base, candidates, bench.servers, args, bare=False)
        figures = {
            "benchmark": "exam_starts",
            "candidates": args.candidates,
            "questions": args.questions,
            "spread_s": args.spread,
            "connections": args.connections,
            "server": bench.config.describe(),
            "baseline": baseline,
            "exam": exam,
            "time_ratio": ratio(exam["time_to_last_s"], baseline["time_to_last_s"]),
            "database": check_database(bench.document["session"], args.questions),
            "login_plan": plan,
        }
    report(figures, args)
    emit_json(figures)


if __name__ == "__main__":
    main()
