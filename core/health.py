"""What /healthz checks for a load balancer (issue 16): the database answers, the broker answers
when there is one, and MEDIA_ROOT and the SQLite database's directory have free space. Cheap: one
SELECT 1, one broker ping with a short timeout, two statvfs calls; no login, no session."""
import logging
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

logger = logging.getLogger("core.health")


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_broker() -> dict | None:
    url = settings.CELERY_BROKER_URL
    if not url:
        return None  # tasks run eagerly in the web process: nothing to reach
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    else:
        from kombu import Connection

        with Connection(url, connect_timeout=timeout) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
    return {}


def disk_paths() -> dict[str, Path]:
    paths = {"media": Path(settings.MEDIA_ROOT)}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not str(db["NAME"]).startswith(("file:", ":memory:")):
        paths["database"] = Path(db["NAME"]).parent
    return paths


def check_disk() -> dict:
    minimum = settings.HEALTHZ_MIN_FREE_MB
    free = {}
    for name, path in disk_paths().items():
        while not path.exists() and path != path.parent:  # MEDIA_ROOT before the first upload
            path = path.parent
        free[name] = shutil.disk_usage(path).free // (1024 * 1024)
    low = sorted(name for name, mb in free.items() if mb < minimum)
    if low:
        raise LowDisk(f"less than {minimum} MB free: {', '.join(low)}", free)
    return {"free_mb": free}


class LowDisk(Exception):
    def __init__(self, message: str, free: dict):
        super().__init__(message)
        self.free = free


CHECKS = {"database": check_database, "broker": check_broker, "disk": check_disk}


def run_checks() -> tuple[bool, dict]:
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:  # any failure of a dependency is a 503, never a 500
            healthy = False
            # The exception's class, not its text: the page is public and a message can name hosts.
            detail = {"ok": False, "error": type(exc).__name__}
            if isinstance(exc, LowDisk):
                detail.update(error=str(exc), free_mb=exc.free)
            logger.warning("healthz: %s check failed: %s", name, exc)
        else:
            if detail is None:
                results[name] = {"ok": True, "skipped": True}
                continue
            detail = {"ok": True, **detail}
        detail["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = detail
    return healthy, results
