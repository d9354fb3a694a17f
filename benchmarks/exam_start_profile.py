"""Profile of one exam start, in process (no HTTP, no load client): ``POST /exam/api/login`` then
``GET /exam/api/attempts/<a>`` against the baseline's bare login and paper views
(``bench_urls``), each called through the WSGI handler with the production settings
(``bench_settings``: the same middleware), on a practice session of 60 questions in PostgreSQL.
Prints, for each, the queries per start (and which), the CPU microseconds per start (login and
paper apart), and with ``--profile`` the exam start's top functions (cProfile, CPU time).

It tells where the CPU of a start goes; the time to serve a whole room is ``exam_starts.py``'s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/exam_start_profile.py
    ... benchmarks/exam_start_profile.py --candidates 2000 --profile
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

import _exam
from _support import emit_json, log, start
from exam_save_profile import call, production_environment


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=1000,
                        help="candidates, each started once by each target (default 1,000)")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--profile", action="store_true",
                        help="print the exam start's cProfile (CPU time)")
    parser.add_argument("--profile-out", default="",
                        help="also write the cProfile stats to this file")
    parser.add_argument("--db-name", default="cong_vu_bench_exam_start_profile")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--redis-db", type=int, default=12)
    return parser.parse_args()


def start_one(application, candidate: _exam.Candidate, bare: bool,
              questions: int) -> tuple[float, float]:
    """One candidate's login and paper; returns the CPU seconds of each."""
    cpu = time.process_time()
    status, content = call(application, "POST", "/bench/login" if bare else "/exam/api/login",
                           {"number": candidate.number, "password": candidate.password}, {})
    if status != 200:
        raise RuntimeError(f"login of {candidate.number}: {status} {content[:200]!r}")
    body = json.loads(content)
    candidate.attempt, candidate.token = body["attempt"], body["token"]
    login = time.process_time()
    path = (f"/bench/papers/{candidate.attempt}" if bare
            else f"/exam/api/attempts/{candidate.attempt}")
    status, content = call(application, "GET", path, {},
                           {"Authorization": f"Bearer {candidate.token}"})
    if status != 200 or len(json.loads(content)["questions"]) != questions:
        raise RuntimeError(f"paper of {candidate.number}: {status} {content[:200]!r}")
    return login - cpu, time.process_time() - login


def measure(application, label: str, candidates: list, bare: bool, questions: int, profile: bool,
            profile_out: str = "") -> dict:
    from django.db import connection

    statements = []

    def seen(execute, sql, params, many, context):
        statements.append(sql[:140])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):  # one start, to see its statements
        start_one(application, candidates[0], bare, questions)
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    login = paper = 0.0
    for candidate in candidates[1:]:
        spent = start_one(application, candidate, bare, questions)
        login, paper = login + spent[0], paper + spent[1]
    if profiler:
        profiler.disable()
    count = len(candidates) - 1
    figures = {"queries_per_start": len(statements), "statements": statements,
               "cpu_us_per_start": round((login + paper) / count * 1e6),
               "login_cpu_us": round(login / count * 1e6),
               "paper_cpu_us": round(paper / count * 1e6)}
    log(f"{label}: {len(statements)} queries per start, "
        f"{figures['cpu_us_per_start']} µs CPU per start "
        f"(login {figures['login_cpu_us']}, paper {figures['paper_cpu_us']}) in this process")
    for sql in statements:
        log(f"    {sql}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        if profile_out:
            stats.dump_stats(profile_out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        log(out.getvalue())
    return figures


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("exam_start_profile needs DATABASE_URL=postgres://… (PostgreSQL)")
    _exam.bench_environment(args.redis_db)
    production_environment()
    database = start(args.db_name, args.keep)
    try:
        document = _exam.make_session(args.candidates, args.questions, 240)
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        # bench_settings: start() set Django up on config.settings
        settings.ROOT_URLCONF = "bench_urls"
        from recruitment.exam.hot_path import serve_answers

        # As config.wsgi serves the site: exam day's requests before the
        # middleware, the rest by Django.
        application = serve_answers(get_wsgi_application())
        candidates = _exam.candidates_of(document)
        # Each candidate starts once through the exam API (a second login would need re-admission):
        # a tenth warms up, the rest is measured; the bare views take the same candidates first.
        warm, measured = candidates[: len(candidates) // 10], candidates[len(candidates) // 10:]
        figures = {}
        for label, group, bare in (("baseline", warm, True), ("exam", warm, False),
                                   ("baseline", measured, True), ("exam", measured, False)):
            profile = args.profile and not bare and group is measured
            figures[label] = measure(application, label, group, bare, args.questions, profile,
                                     args.profile_out)
        figures["cpu_ratio_exam_over_baseline"] = round(
            figures["exam"]["cpu_us_per_start"] / figures["baseline"]["cpu_us_per_start"], 2)
        log(f"CPU per start, exam / baseline: {figures['cpu_ratio_exam_over_baseline']}")
    finally:
        _exam.redis_cleanup(args.redis_db)
        database.drop()
    emit_json({"benchmark": "exam_start_profile", **figures})


if __name__ == "__main__":
    main()
