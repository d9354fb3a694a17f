"""Shared plumbing of the exam-day benchmarks (``exam_saves``, ``exam_starts``,
``exam_durability``); not a benchmark itself.

* a practice session made by ``manage.py make_exam_session --json`` (the documented interface);
* the production server, started here: gunicorn on loopback with DJANGO_ENV=production, DEBUG off,
  persistent connections, the Redis cache, no TLS redirect (loopback has no TLS); the baseline
  server is the same command with ``bench_settings`` (the same settings plus ``bench_urls``);
* an asyncio + aiohttp load client, closed-loop (N clients, each sends its next request when the
  last one is answered: the maximum throughput) and open-loop (requests sent on a fixed schedule
  whatever the server does, latency counted from the scheduled instant, so a server that falls
  behind shows it instead of slowing the client down: no coordinated omission);
* CPU accounting: the load client and the server share the machine's CPUs (and PostgreSQL and
  Redis run on it too), so every phase reports the CPU seconds each of them used.

Gunicorn: ``gthread``, 3 workers × 8 threads by default (``--worker-class``, ``--workers``,
``--threads``). A save is ~1 ms of Python plus two round trips to PostgreSQL (the connection's
health check, then the upsert that checks the token, with its WAL flush) and one to Redis:
threads let a process run Python while another of its requests waits on the commit, and
processes beyond the two CPUs only add context switches. gthread also keeps HTTP connections
alive (sync workers close each one) and needs one database connection per thread rather than a
process per concurrent request.
"""
import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from _support import PROJECT_ROOT, log, percentile, start

BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def bench_environment(redis_db: int) -> None:
    """The environment every process of the run shares: one random SECRET_KEY (the passwords'
    and tokens' digests are keyed with it), the Redis database of the run (cache and broker)."""
    # at least 50 random characters: the production settings refuse a weaker key
    os.environ.setdefault("SECRET_KEY", f"bench-{random.SystemRandom().getrandbits(256):064x}")
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    os.environ["DEBUG"] = "0"


def redis_cleanup(redis_db: int) -> int:
    """Delete the keys the run left in its Redis database (presence, login counters, broker)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=redis_db)
    keys = (
        list(client.scan_iter("*exam:*", count=5000))
        + list(client.scan_iter("*celery*", count=1000))
        + list(client.scan_iter("_kombu*", count=1000))
        + list(client.scan_iter("unacked*", count=1000))
    )
    for first in range(0, len(keys), 5000):
        client.delete(*keys[first:first + 5000])
    return len(keys)


def make_session(candidates: int, questions: int, minutes: int) -> dict:
    """``manage.py make_exam_session --json`` on the run's database; returns its document."""
    command = [
        str(VENV_BIN / "python"),
        "manage.py", "make_exam_session", "--candidates", str(candidates), "--questions",
        str(questions), "--minutes", str(minutes), "--json",
    ]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=os.environ, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"make_exam_session failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def option_counts(session_id: int) -> dict[str, tuple[int, list[int]]]:
    """Candidate number → (attempt id, options per question), read from the database."""
    from recruitment.models import Attempt

    return {
        number: (pk, counts)
        for number, pk, counts in Attempt.objects.filter(session_id=session_id).values_list(
            "number", "pk", "option_counts"
        )
    }


# --- the server -----------------------------------------------------------------------------------

@dataclass
class ServerConfig:
    worker_class: str = "gthread"
    workers: int = 3
    threads: int = 8
    conn_max_age: int = 600

    def describe(self) -> str:
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        return (f"gunicorn {self.worker_class}, {self.workers} workers{threads}, "
                f"CONN_MAX_AGE={self.conn_max_age}")


def add_server_arguments(parser) -> None:
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn worker processes (default 3)"
    )
    parser.add_argument(
        "--threads", type=int, default=8, help="threads per gthread worker (default 8)"
    )
    parser.add_argument("--conn-max-age", type=int, default=600, help="CONN_MAX_AGE (default 600)")
    parser.add_argument(
        "--redis-db", type=int, default=11, help="Redis database of the run (default 11)"
    )


def server_config(args) -> ServerConfig:
    return ServerConfig(args.worker_class, args.workers, args.threads, args.conn_max_age)


class Server:
    """One gunicorn master on 127.0.0.1:<port> serving ``settings_module`` (production settings)."""

    def __init__(self, label: str, settings_module: str, port: int, config: ServerConfig):
        self.label, self.settings_module, self.port, self.config = (
            label, settings_module, port, config,
        )
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = Path(tempfile.gettempdir()) / f"cong_vu_bench_{label}_{port}.log"
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict:
        return {
            **os.environ, "DJANGO_ENV": "production", "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": self.settings_module, "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": str(self.config.conn_max_age), "SECURE_SSL_REDIRECT": "0",
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],
            "PYTHONPATH": f"{BENCH_DIR}:{PROJECT_ROOT}",
        }

    def command(self) -> list[str]:
        config = self.config
        command = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers",
            str(config.workers), "--worker-class", config.worker_class, "--backlog", "4096",
            "--timeout", "60", "--graceful-timeout", "10", "--error-logfile", str(self.log_path),
            "--log-level", "warning",
        ]
        if config.worker_class == "gthread":
            command += ["--threads", str(config.threads), "--keep-alive", "75"]
        return command

    def start(self, timeout: float = 60) -> "Server":
        self.process = subprocess.Popen(self.command(), cwd=PROJECT_ROOT, env=self.environment(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up; see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response,
            ):
                if response.status == 200 and len(self.workers()) == self.config.workers:
                    return self
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        stop_process(self.process)

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def cpu_seconds(self) -> float:
        """The master's own and its reaped children's CPU, plus the live workers'."""
        pid = self.process.pid
        return process_cpu(pid, reaped_children=True) + sum(
            process_cpu(worker) for worker in self.workers()
        )

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_process(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    return []


def process_cpu(pid: int, reaped_children: bool = False) -> float:
    """utime + stime of a process (and cutime + cstime: its children that have been waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


# --- CPU accounting -------------------------------------------------------------------------------

def _machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


def _postgres_backends() -> dict[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: process_cpu(pid) for pid in pids}


def _redis_cpu() -> float:
    import redis

    info = redis.Redis(host="127.0.0.1", port=6379).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class CpuMeter:
    """CPU seconds used during a phase by: this process (the load client), the gunicorn servers,
    the PostgreSQL backends of the run's database, the Redis server, and the whole machine (what
    is left is other work on the shared machine, PostgreSQL's WAL writer and the like)."""

    def __init__(self, servers: list[Server]):
        self.servers = servers

    def _snapshot(self) -> dict:
        times = os.times()
        return {
            "client": times.user + times.system,
            "servers": {s.label: s.cpu_seconds() for s in self.servers},
            "postgres": _postgres_backends(),
            "redis": _redis_cpu(),
            "machine": _machine_ticks(),
            "wall": time.perf_counter(),
        }

    def __enter__(self) -> "CpuMeter":
        self.before = self._snapshot()
        return self

    def __exit__(self, *exc) -> None:
        self.after = self._snapshot()

    def figures(self) -> dict:
        before, after = self.before, self.after
        wall = after["wall"] - before["wall"]
        postgres = sum(
            cpu - before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items()
        )
        busy = after["machine"][0] - before["machine"][0]
        total = after["machine"][1] - before["machine"][1]
        used = {
            "client": after["client"] - before["client"],
            **{
                f"server_{label}": after["servers"][label] - before["servers"][label]
                for label in after["servers"]
            },
            "postgres": postgres,
            "redis": after["redis"] - before["redis"],
        }
        machine = busy / CLOCK_TICKS
        used["other"] = max(0.0, machine - sum(used.values()))
        figures = {f"{name}_cpu_s": round(value, 1) for name, value in used.items()}
        figures.update(
            {
                "machine_cpu_s": round(machine, 1),
                "wall_s": round(wall, 1),
                "cpus": os.cpu_count(),
                "machine_busy_pct": round(100 * busy / total, 1) if total else 0.0,
            }
        )
        return figures


def cpu_line(figures: dict) -> str:
    parts = [f"{key[:-6]} {value:.1f}" for key, value in figures.items()
             if key.endswith("_cpu_s") and key != "machine_cpu_s"]
    return (
        f"CPU s over {figures['wall_s']:.1f} s wall × {figures['cpus']} CPUs: "
        + ", ".join(parts)
        + f" (machine busy {figures['machine_busy_pct']:.0f} %)"
    )


# --- the load client ------------------------------------------------------------------------------

@dataclass
class Candidate:
    """A simulated candidate: clicks go through the questions in order with a growing ``seq``."""

    number: str
    password: str
    attempt: int
    counts: list[int]
    token: str = ""
    seq: int = 0
    n: int = 0

    def click(self, rng: random.Random) -> tuple[int, int, int]:
        self.seq += 1
        self.n = self.n % len(self.counts) + 1
        return self.n, rng.randrange(self.counts[self.n - 1]), self.seq


@dataclass
class Target:
    """Where saves go: the exam API (with the bearer token) or the bare baseline view."""

    label: str
    base: str
    exam: bool

    def save_url(self, candidate: Candidate, n: int) -> str:
        if self.exam:
            return f"{self.base}/exam/api/attempts/{candidate.attempt}/answers/{n}"
        return f"{self.base}/bench/answers/{candidate.attempt}/{n}"

    def headers(self, candidate: Candidate) -> dict:
        return {"Authorization": f"Bearer {candidate.token}"} if self.exam else {}


@dataclass
class Record:
    scheduled: float
    sent: float
    done: float
    status: int  # HTTP status, or 0 for a connection error or a timeout
    attempt: int
    n: int
    seq: int
    choice: int
    acked: bool  # {"saved": seq} without "stale": the server says this click is committed
    error: str = ""


@dataclass
class Phase:
    """The records of one measured phase and its figures."""

    label: str
    records: list[Record] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)  # the measured interval (after warm-up)
    offered: float | None = None  # requests per second, open-loop
    cpu: dict = field(default_factory=dict)

    def measured(self) -> list[Record]:
        low, high = self.window
        return [r for r in self.records if low <= r.scheduled < high]

    def figures(self) -> dict:
        records = self.measured()
        ok = [r for r in records if r.status == 200]
        low, high = self.window
        # latency from the scheduled instant (open-loop) or from sending (closed-loop: the same);
        # throughput: saves answered inside the window, whenever they were scheduled
        latency = [r.done - r.scheduled for r in ok]
        completed = sum(1 for r in self.records if r.status == 200 and low <= r.done < high)
        figures = {"requests": len(records), "ok": len(ok), "errors": len(records) - len(ok),
                   "throughput_per_s": round(completed / (high - low), 1) if high > low else 0.0}
        if self.offered is not None:
            figures["offered_per_s"] = self.offered
        if latency:
            figures.update({"p50_ms": round(statistics.median(latency) * 1000, 1),
                            "p90_ms": round(percentile(latency, 0.90) * 1000, 1),
                            "p99_ms": round(percentile(latency, 0.99) * 1000, 1),
                            "max_ms": round(max(latency) * 1000, 1)})
            service = [r.done - r.sent for r in ok]
            figures["service_p99_ms"] = round(percentile(service, 0.99) * 1000, 1)
        errors: dict[str, int] = {}
        for r in records:
            if r.status != 200:
                key = r.error or str(r.status)
                errors[key] = errors.get(key, 0) + 1
        if errors:
            figures["error_kinds"] = errors
        figures.update(self.cpu)
        return figures


def client_session(limit: int, timeout: float = 60):
    import aiohttp

    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=limit, force_close=False,
                                     enable_cleanup_closed=True)
    session = aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), json_serialize=json.dumps
    )
    # aiohttp silently sends an idempotent request (GET, PUT) again when its kept-alive connection
    # breaks; every failure is to be counted here, so off (as aiohttp's own test client does).
    session._retry_connection = False
    return session


async def save(session, target: Target, candidate: Candidate, rng: random.Random, scheduled: float,
               records: list[Record]) -> None:
    n, choice, seq = candidate.click(rng)
    loop = asyncio.get_running_loop()
    sent = loop.time()
    status, acked, error = 0, False, ""
    try:
        async with session.put(target.save_url(candidate, n), json={"choice": choice, "seq": seq},
                               headers=target.headers(candidate)) as response:
            status = response.status
            body = (
                await response.json(content_type=None) if status == 200 else await response.text()
            )
            acked = status == 200 and body.get("saved") == seq and not body.get("stale")
            if status != 200:
                error = f"{status}: {str(body)[:80]}"
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none ends the run
        error = type(exc).__name__
    records.append(
        Record(
            scheduled, sent, loop.time(), status, candidate.attempt, n, seq, choice, acked, error
        )
    )


async def closed_loop(
    target: Target, candidates: list[Candidate], concurrency: int, duration: float, warmup: float,
    seed: int = 1,
) -> Phase:
    """``concurrency`` clients, each sending its next save as soon as the last one is answered."""
    rng, phase = random.Random(seed), Phase(f"{target.label} closed-loop ×{concurrency}")
    turn = itertools.cycle(candidates)
    loop = asyncio.get_running_loop()
    started = loop.time()
    phase.window = (started + warmup, started + warmup + duration)

    async def client(session) -> None:
        while loop.time() < phase.window[1]:
            await save(session, target, next(turn), rng, loop.time(), phase.records)

    async with client_session(concurrency) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return phase


async def open_loop(
    target: Target, candidates: list[Candidate], rate: float, duration: float, warmup: float,
    connections: int, seed: int = 1, during=None,
) -> Phase:
    """Saves at ``rate`` per second on a fixed schedule: candidate ``k mod N`` at ``k / rate`` (each
    candidate every N / rate seconds), whatever the server does; ``during(loop_time)`` is called
    about every 0.1 s (the durability benchmark kills a worker from it)."""
    rng, phase = random.Random(seed), Phase(f"{target.label} open-loop {rate:g}/s", offered=rate)
    loop = asyncio.get_running_loop()
    started = loop.time() + 0.2
    total = int(rate * (warmup + duration))
    phase.window = (started + warmup, started + warmup + duration)
    tasks, called = set(), 0.0
    async with client_session(connections) as session:
        for k in range(total):
            scheduled = started + k / rate
            if during is not None and loop.time() - called >= 0.1:
                called = loop.time()
                during(called)
            delay = scheduled - loop.time()
            if delay > 0.002:
                await asyncio.sleep(delay)
            task = asyncio.create_task(
                save(
                    session, target, candidates[k % len(candidates)], rng, scheduled, phase.records
                )
            )
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        while tasks:
            if during is not None:
                during(loop.time())
            await asyncio.wait(set(tasks), timeout=0.1)
    return phase


# --- logins ---------------------------------------------------------------------------------------

@dataclass
class Start:
    """One candidate's start: login, then the paper."""

    number: str
    scheduled: float
    login_done: float = 0.0
    done: float = 0.0
    status: str = ""  # "ok", or what went wrong
    questions: int = 0


async def start_candidate(session, base: str, candidate: Candidate, scheduled: float, bare: bool,
                          expected_questions: int) -> Start:
    loop = asyncio.get_running_loop()
    result = Start(candidate.number, scheduled)
    login_url = f"{base}/bench/login" if bare else f"{base}/exam/api/login"
    try:
        async with session.post(login_url, json={"number": candidate.number,
                                                 "password": candidate.password}) as response:
            body = await response.json(content_type=None)
            if response.status != 200:
                result.status = f"login {response.status}: {body.get('code', '')}"
                return result
        result.login_done = loop.time()
        candidate.attempt, candidate.token = body["attempt"], body["token"]
        paper_url = f"{base}/bench/papers/{candidate.attempt}" if bare else \
            f"{base}/exam/api/attempts/{candidate.attempt}"
        async with session.get(
            paper_url, headers={"Authorization": f"Bearer {candidate.token}"}
        ) as response:
            body = await response.json(content_type=None)
            if response.status != 200:
                result.status = f"paper {response.status}"
                return result
        result.questions = len(body["questions"])
        result.status = (
            "ok"
            if result.questions == expected_questions
            else f"paper of {result.questions} questions"
        )
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none ends the run
        result.status = type(exc).__name__
    result.done = loop.time()
    return result


async def herd(base: str, candidates: list[Candidate], spread: float, connections: int, bare: bool,
               expected_questions: int, seed: int = 1) -> tuple[float, list[Start]]:
    """Every candidate logs in and fetches the paper, arriving at a random instant in the first
    ``spread`` seconds. Returns the start instant (loop time) and the results."""
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    started = loop.time() + 0.2
    arrivals = sorted(((started + rng.uniform(0, spread) if spread else started, candidate)
                       for candidate in candidates), key=lambda arrival: arrival[0])

    async with client_session(connections, timeout=300) as session:
        tasks = []
        for at, candidate in arrivals:
            delay = at - loop.time()
            if delay > 0.002:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(start_candidate(session, base, candidate, at, bare,
                                                             expected_questions)))
        results = await asyncio.gather(*tasks)
    return started, results


def login_all(base: str, candidates: list[Candidate], connections: int = 64) -> float:
    """Log every candidate in through the API (setup, not measured); returns the seconds taken."""
    started = time.perf_counter()

    async def run() -> None:
        async with client_session(connections) as session:
            semaphore = asyncio.Semaphore(connections)

            async def one(candidate: Candidate) -> None:
                async with semaphore, session.post(f"{base}/exam/api/login", json={
                        "number": candidate.number, "password": candidate.password}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        raise RuntimeError(
                            f"login of {candidate.number} failed: {response.status} {body}"
                        )
                    candidate.attempt, candidate.token = body["attempt"], body["token"]

            await asyncio.gather(*(one(candidate) for candidate in candidates))

    asyncio.run(run())
    return time.perf_counter() - started


def candidates_of(document: dict) -> list[Candidate]:
    counts = option_counts(document["session"])
    return [
        Candidate(c["number"], c["password"], *counts[c["number"]]) for c in document["candidates"]
    ]


def add_session_arguments(parser, *, port: int, db_name: str) -> None:
    """The options every exam benchmark has: the session's size, the server's port and
    configuration, the throwaway database."""
    parser.add_argument(
        "--candidates", type=int, default=10_000, help="candidates in the session (default 10,000)"
    )
    parser.add_argument(
        "--questions", type=int, default=60, help="questions per paper (default 60, at most 65)"
    )
    parser.add_argument(
        "--port", type=int, default=port,
        help=f"exam server port (default {port}); a baseline server uses the next one",
    )
    parser.add_argument("--db-name", default=db_name, help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    add_server_arguments(parser)


@dataclass
class Run:
    document: dict  # what make_exam_session --json printed
    candidates: list["Candidate"]
    config: ServerConfig
    servers: list[Server]  # the exam server, then the baseline server when asked for


@contextlib.contextmanager
def exam_run(script: str, args, *, baseline: bool):
    """A throwaway PostgreSQL database, a practice session made by ``make_exam_session``, the exam
    server (and the baseline server); all stopped, cleaned and dropped at the end."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit(f"{script} needs DATABASE_URL=postgres://… (PostgreSQL)")
    bench_environment(args.redis_db)
    database = start(args.db_name, args.keep)
    servers: list[Server] = []
    try:
        log(f"making a session of {args.candidates:,} candidates × {args.questions} questions …")
        document = make_session(args.candidates, args.questions, 240)
        config = server_config(args)
        servers.append(Server("exam", "config.settings", args.port, config).start())
        if baseline:
            servers.append(Server("baseline", "bench_settings", args.port + 1, config).start())
        yield Run(document, candidates_of(document), config, servers)
    finally:
        for server in servers:
            server.stop()
        redis_cleanup(args.redis_db)
        database.drop()
