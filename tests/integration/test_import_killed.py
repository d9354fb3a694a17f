"""An import killed with -9 in the middle of its write leaves nothing half-written (issue 16).

``import_personnel`` runs in a subprocess on a generated file of 40,000 people; the test watches
PostgreSQL's lock table and sends SIGKILL once the import's backend holds write locks on both the
people table and the audit table — its first chunk of people, career events, assignments, salary
rows and audit entries has been sent (core.bulk: a COPY per table every 10,000 rows). Because the
whole write is one transaction, no person of the file, and nothing the import wrote beside them,
exists afterwards; a second import of the same file then writes all of them."""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import Workbook

from core.models import AuditEntry
from personnel.models import Assignment, CareerEvent, CivilServant, SalaryRecord
from tests.factories import make_unit

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
ROWS = 40_000
HEADERS = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị",
           "Mã ngạch", "Bậc lương"]


def large_file(path: Path) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(HEADERS)
    for i in range(ROWS):
        sheet.append([f"K9{i:06d}", f"Nguyễn Văn Thử {i}", date(1980, 7, 5), "Nam",
                      f"008080{i:06d}", "KILL", "01.003", 3])
    workbook.save(path)
    return path


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else db["USER"]
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def writing_tables(cursor) -> set[str]:
    """Tables another backend of the test database (the import's: nothing else uses it) holds a
    write lock on."""
    cursor.execute("""
        SELECT DISTINCT c.relname FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        JOIN pg_class c ON c.oid = l.relation
        WHERE l.mode = 'RowExclusiveLock' AND l.granted AND a.datname = current_database()
          AND a.pid <> pg_backend_pid()
          AND c.relname IN ('personnel_civilservant', 'core_auditentry')""")
    return {name for (name,) in cursor.fetchall()}


def test_import_killed_during_its_write_leaves_no_person_of_the_file(tmp_path):
    if connection.vendor != "postgresql":
        pytest.fail("the kill test needs DATABASE_URL pointing at PostgreSQL; see .ci/run")
    make_unit("Phòng thử dừng đột ngột", code="KILL")
    path = large_file(tmp_path / "nhan-su-lon.xlsx")
    env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0",
           "CELERY_BROKER_URL": ""}
    models = (CivilServant, CareerEvent, Assignment, SalaryRecord, AuditEntry)
    before = {m: m._base_manager.count() for m in models}
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "manage.py", "import_personnel", str(path), "--json"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: set[str] = set()
    with connection.cursor() as cursor:
        while child.poll() is None and time.monotonic() - started < 600:
            seen = writing_tables(cursor)
            if seen == {"personnel_civilservant", "core_auditentry"}:
                os.kill(child.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
    child.wait(timeout=60)
    out = child.stdout.read().decode()
    assert child.returncode == -signal.SIGKILL, (
        f"the import ended before its write was caught: {out[:500]}")
    killed_after = time.monotonic() - started
    # The server notices the lost client and rolls its transaction back; wait for that backend to
    # go.
    with connection.cursor() as cursor:
        for _ in range(500):
            if not writing_tables(cursor):
                break
            time.sleep(0.02)
        else:
            pytest.fail("the killed import's backend still holds its locks after 10 s")

    assert not CivilServant._base_manager.filter(code__startswith="K9").exists()
    after = {m: m._base_manager.count() for m in before}
    assert after == before, "rows of the killed import were kept"

    # Nothing left behind blocks the same file: imported again, every person is there once.
    done = subprocess.run([sys.executable, "manage.py", "import_personnel", str(path), "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["created"] == ROWS
    assert CivilServant._base_manager.filter(code__startswith="K9").count() == ROWS
    print(f"killed {killed_after:.1f} s after start, during the write ({sorted(seen)} locked)")
