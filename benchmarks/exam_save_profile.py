"""Profile of one answer save, in process (no HTTP, no load client): the exam API's
``PUT /exam/api/attempts/<a>/answers/<n>`` and the baseline's bare upsert view, each called through
the WSGI handler with the production settings (``bench_settings``: the same middleware), on a
small practice session in PostgreSQL. Prints, for each, the queries per save (and which), the
CPU microseconds per save, and with ``--profile`` the exam save's top functions (cProfile).

It tells where the CPU of a save goes; throughput and latency under load are ``exam_saves.py``'s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/exam_save_profile.py
    ... benchmarks/exam_save_profile.py --saves 5000 --profile
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=3000,
                        help="saves timed per target (default 3,000)")
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--profile", action="store_true",
                        help="print the exam save's cProfile (CPU time)")
    parser.add_argument("--db-name", default="cong_vu_bench_exam_profile")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--redis-db", type=int, default=12)
    return parser.parse_args()


def production_environment() -> None:
    """What ``_exam.Server`` gives gunicorn, for this process (before Django is set up)."""
    os.environ.update({"DJANGO_ENV": "production", "DEBUG": "0",
                       "ALLOWED_HOSTS": "127.0.0.1,localhost", "CONN_MAX_AGE": "600",
                       "SECURE_SSL_REDIRECT": "0", "CELERY_BROKER_URL": os.environ["REDIS_URL"]})
    sys.path.insert(0, str(_exam.BENCH_DIR))


def environ(method: str, path: str, body: bytes, headers: dict) -> dict:
    values = {"REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
              "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
              "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
              "wsgi.input": io.BytesIO(body), "REMOTE_ADDR": "127.0.0.1", "wsgi.errors": sys.stderr,
              "wsgi.multithread": True, "wsgi.multiprocess": True}
    values.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return values


def call(application, method: str, path: str, payload: dict, headers: dict) -> tuple[int, bytes]:
    body = json.dumps(payload).encode()
    state = {}

    def start_response(status, response_headers, exc_info=None):
        state["status"] = int(status.split()[0])

    chunks = application(environ(method, path, body, headers), start_response)
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return state["status"], content


def saves(application, target: _exam.Target, candidates: list, count: int,
          rng) -> list[tuple[str, dict, dict]]:
    """``count`` requests as the load client sends them (each candidate's clicks in order)."""
    requests = []
    for i in range(count):
        candidate = candidates[i % len(candidates)]
        n, choice, seq = candidate.click(rng)
        path = target.save_url(candidate, n).split("127.0.0.1", 1)[1].split("/", 1)[1]
        requests.append(("/" + path, {"choice": choice, "seq": seq}, target.headers(candidate)))
    return requests


def measure(application, label: str, requests: list, profile: bool) -> dict:
    from django.db import connection

    statements = []

    def seen(execute, sql, params, many, context):
        statements.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):  # one save, to see its statements
        status, content = call(application, "PUT", *requests[0])
    assert status == 200, (label, status, content)
    # CPU time only: on a shared machine the wall time of a commit says more about the others
    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for path, payload, headers in requests[1:]:
        status, content = call(application, "PUT", path, payload, headers)
        if status != 200:
            raise RuntimeError(f"{label}: {status} {content[:200]!r}")
    if profiler:
        profiler.disable()
    cpu_us = (time.process_time() - cpu) / (len(requests) - 1) * 1e6
    log(f"{label}: {len(statements)} queries per save, {cpu_us:.0f} µs CPU per save "
        "in this process")
    for sql in statements:
        log(f"    {sql}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        log(out.getvalue())
    return {"queries_per_save": len(statements), "statements": statements,
            "cpu_us_per_save": round(cpu_us)}


def main() -> None:
    import random

    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("exam_save_profile needs DATABASE_URL=postgres://… (PostgreSQL)")
    _exam.bench_environment(args.redis_db)
    production_environment()
    database = start(args.db_name, args.keep)
    try:
        document = _exam.make_session(args.candidates, 60, 240)
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        # bench_settings: start() set Django up on config.settings
        settings.ROOT_URLCONF = "bench_urls"

        from recruitment.exam.hot_path import serve_answers

        # As config.wsgi serves the site: answer saves before the middleware, the rest by Django.
        application = serve_answers(get_wsgi_application())
        candidates = _exam.candidates_of(document)
        for candidate in candidates:
            status, content = call(application, "POST", "/exam/api/login",
                                   {"number": candidate.number, "password": candidate.password}, {})
            assert status == 200, content
            body = json.loads(content)
            candidate.attempt, candidate.token = body["attempt"], body["token"]
        rng = random.Random(1)
        exam = _exam.Target("exam", "http://127.0.0.1", exam=True)
        baseline = _exam.Target("baseline", "http://127.0.0.1", exam=False)
        figures = {}
        for target in (baseline, exam, baseline, exam):  # warm, then measured
            requests = saves(application, target, candidates, args.saves, rng)
            profile = args.profile and target is exam and target.label in figures
            figures[target.label] = measure(application, target.label, requests, profile)
        figures["cpu_ratio_baseline_over_exam"] = round(
            figures["baseline"]["cpu_us_per_save"] / figures["exam"]["cpu_us_per_save"], 2)
        log(f"CPU per save, baseline / exam: {figures['cpu_ratio_baseline_over_exam']}")
    finally:
        _exam.redis_cleanup(args.redis_db)
        database.drop()
    emit_json({"benchmark": "exam_save_profile", **figures})


if __name__ == "__main__":
    main()
