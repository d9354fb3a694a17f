"""Integration tests: a real Celery worker process on a real Redis broker, against the test
database.

Run by `.ci/run` (or `make test-integration`) with DATABASE_URL pointing at PostgreSQL and
CELERY_BROKER_URL at Redis. The worker is a separate process that connects to the same test
database, so tests use committed data (transactional_db).
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("Integration tests need CELERY_BROKER_URL (a Redis URL); see .ci/run")
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        pytest.fail("Integration tests need DATABASE_URL pointing at PostgreSQL; see .ci/run")
    from config.celery import app

    app.control.purge()
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CONN_MAX_AGE": "0"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=warning", "--without-heartbeat", "--without-mingle", "--without-gossip",
         "-n", f"ci-{os.getpid()}@%h"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            break
        if worker.poll() is not None:
            pytest.fail("the Celery worker exited at start-up")
    else:
        worker.terminate()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
