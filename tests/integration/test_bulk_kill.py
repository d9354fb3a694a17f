"""Bulk operations killed with -9 in the middle of their write leave nothing half-written
(issue 16).

The pattern of test_import_killed.py for the other bulk writes: each runs in a subprocess
(``manage.py import_units`` or ``manage.py shell -c`` calling the task's service) against the test
database on PostgreSQL; the test watches the server (the locks the subprocess's backend holds, or
the percentage an opening writes aside) and sends SIGKILL once part of the write has been sent.
Each operation is one transaction, so afterwards the database is as before the run; the same
operation run again then does all of it, once.

- import of 1,000 units: one ``unit_create`` per row (unit, closure rows, audit entry);
- opening a year for 6,000 people (``cycle_open_run``, what the Celery task does): appraisals
  inserted 5,000 at a time, the percentage committed aside after each chunk;
- closing a year of 1,500 people (``cycle_close``): every appraisal's score and level in one bulk
  update, then the cycle and its audit entry;
- the nightly salary roll-forward over 1,000 people (``salary_roll_forward``): a save and an audit
  entry per person;
- step raises of 200 people under one decision (``raises_record``, the raises-due page): a salary
  row, career event, save and audit entry per person.
"""
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from appraisal import services as appraisal_services
from appraisal.models import Appraisal, AppraisalCycle
from appraisal.opening import cycle_row
from core.models import AuditEntry, OrgUnit
from personnel.importers import PersonnelImporter
from personnel.models import CareerEvent, CivilServant, SalaryRecord
from positions.models import Rank
from tests.factories import make_unit
from tests.integration.test_import_killed import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
PEOPLE_HEADERS = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
                  "Mã đơn vị", "Mã ngạch", "Bậc lương", "Ngày hưởng bậc lương", "Ngày tuyển dụng"]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("the kill tests need DATABASE_URL pointing at PostgreSQL; see .ci/run")


def environment() -> dict:
    return {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": ""}


def shell(code: str) -> list[str]:
    return [sys.executable, "manage.py", "shell", "-c", code]


def locked_tables(cursor, tables: tuple[str, ...]) -> set[str]:
    """Of ``tables``, those another backend of the test database holds a write lock on."""
    cursor.execute("""
        SELECT DISTINCT c.relname FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        JOIN pg_class c ON c.oid = l.relation
        WHERE l.mode = 'RowExclusiveLock' AND l.granted AND a.datname = current_database()
          AND a.pid <> pg_backend_pid() AND c.relname = ANY(%s)""", [list(tables)])
    return {name for (name,) in cursor.fetchall()}


def others_active(cursor) -> bool:
    """Another backend of the test database is still in a transaction (the killed one, until the
    server notices its client is gone and rolls it back)."""
    cursor.execute("""SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                      AND pid <> pg_backend_pid() AND xact_start IS NOT NULL""")
    return cursor.fetchone()[0] > 0


def kill_during(command: list[str], caught: Callable[[object], bool]) -> float:
    """Run ``command``, SIGKILL it as soon as ``caught(cursor)`` holds, wait for its backend to roll
    back; returns the seconds from start to the kill."""
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    killed_after = None
    with connection.cursor() as cursor:
        while child.poll() is None and time.monotonic() - started < 600:
            if caught(cursor):
                os.kill(child.pid, signal.SIGKILL)
                killed_after = time.monotonic() - started
                break
            time.sleep(0.005)
    child.wait(timeout=60)
    err = child.stderr.read().decode()[-2000:]
    assert child.returncode == -signal.SIGKILL, f"the run ended before its write was caught: {err}"
    with connection.cursor() as cursor:
        for _ in range(500):
            if not others_active(cursor):
                break
            time.sleep(0.02)
        else:
            pytest.fail("the killed run's backend is still in its transaction after 10 s")
    return killed_after


def run_to_the_end(command: list[str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def people(tmp_path: Path, unit: OrgUnit, count: int, *, prefix: str,
           step_date: date = date(2024, 4, 1)) -> None:
    """``count`` people in ``unit`` through the personnel import (its COPY path: seconds, not
    minutes)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(PEOPLE_HEADERS)
    for i in range(count):
        sheet.append([f"{prefix}{i:06d}", f"Trần Văn Thử {i}", date(1980, 7, 5), "Nam",
                      f"009080{i:06d}", unit.code, "01.003", 3, step_date, date(2008, 9, 1)])
    path = tmp_path / f"{prefix}.xlsx"
    book.save(path)
    summary = PersonnelImporter(today=date(2026, 5, 4)).run(path)
    assert summary["created"] == count, summary["errors"][:3]


def counts(*models) -> dict:
    return {m.__name__: m._base_manager.count() for m in models}


def test_a_unit_import_killed_midway_leaves_no_unit_of_the_file(tmp_path):
    require_postgresql()
    root = make_unit("Tỉnh Dừng Đột Ngột", code="KU", kind=OrgUnit.Kind.PROVINCE)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đơn vị")
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"])
    for i in range(1000):
        parent = root.code if i < 100 else f"KU{i % 100:05d}"
        sheet.append([f"KU{i:05d}", f"Phòng Thử Dừng {i}", parent, "Phòng"])
    path = tmp_path / "don-vi.xlsx"
    book.save(path)
    before = counts(OrgUnit, AuditEntry)
    command = [sys.executable, "manage.py", "import_units", str(path), "--json"]

    tables = ("core_orgunit", "core_auditentry")
    after = kill_during(command, lambda c: locked_tables(c, tables) == set(tables))

    assert counts(OrgUnit, AuditEntry) == before, "units of the killed import were kept"
    assert '"created": 1000' in run_to_the_end(command)
    assert OrgUnit.objects.filter(code__startswith="KU0").count() == 1000
    print(f"import_units killed {after:.1f} s after start")


def department(tmp_path: Path, staff: int) -> OrgUnit:
    """A department of ``staff`` working people."""
    province = make_unit("Tỉnh Thử Dừng", code="KP", kind=OrgUnit.Kind.PROVINCE,
                         valid_from=date(2000, 1, 1))
    unit = make_unit("Sở Thử Dừng", code="KS", parent=province, kind=OrgUnit.Kind.DEPARTMENT,
                     valid_from=date(2000, 1, 1))
    people(tmp_path, unit, staff, prefix="KA")
    return unit


def test_an_opening_killed_midway_enrols_nobody(tmp_path):
    require_postgresql()
    # More than one chunk of 5,000 (appraisal.services.CHUNK): the kill comes after the first.
    cycle = cycle_row(actor=None, unit=department(tmp_path, 6000), year=2026)
    before = counts(Appraisal, AuditEntry)
    command = shell("from appraisal.opening import cycle_open_run; "
                    f"print(cycle_open_run(cycle_id={cycle.pk}))")

    def enrolling(cursor) -> bool:
        # The percentage is committed aside after each chunk of 5,000: the first chunk is sent.
        cursor.execute("SELECT progress FROM appraisal_appraisalcycle WHERE id = %s", [cycle.pk])
        return 0 < cursor.fetchone()[0] < 100

    after = kill_during(command, enrolling)

    assert counts(Appraisal, AuditEntry) == before, "appraisals of the killed opening were kept"
    assert run_to_the_end(command).strip().endswith("6000")
    assert Appraisal.objects.filter(cycle=cycle).count() == 6000
    assert Appraisal.objects.values("servant_id").distinct().count() == 6000
    cycle.refresh_from_db()
    assert cycle.progress == 100
    print(f"opening killed {after:.1f} s after start")


def test_a_closing_killed_midway_decides_nobody(tmp_path):
    require_postgresql()
    cycle = appraisal_services.cycle_open(actor=None, unit=department(tmp_path, 1500), year=2026)
    before = counts(Appraisal, AuditEntry)
    command = shell("from appraisal.models import AppraisalCycle; "
                    "from appraisal.services import cycle_close; "
                    f"cycle_close(actor=None, cycle=AppraisalCycle.objects.get(pk={cycle.pk}))")

    after = kill_during(command, lambda c: bool(locked_tables(c, ("appraisal_appraisal",))))

    cycle.refresh_from_db()
    assert cycle.status == AppraisalCycle.Status.OPEN
    levelled = Appraisal.objects.filter(cycle=cycle).exclude(level="")
    assert not levelled.exists(), "levels of the killed close kept"
    assert not Appraisal.objects.filter(cycle=cycle, status=Appraisal.Status.DECIDED).exists()
    assert counts(Appraisal, AuditEntry) == before
    run_to_the_end(command)
    cycle.refresh_from_db()
    assert cycle.status == AppraisalCycle.Status.CLOSED
    assert AuditEntry.objects.filter(action="close", object_id=str(cycle.pk)).count() == 1
    print(f"closing killed {after:.1f} s after start")


def test_a_salary_roll_forward_killed_midway_raises_nobody(tmp_path):
    require_postgresql()
    unit = make_unit("Phòng Thử Lương", code="KL", valid_from=date(2000, 1, 1))
    people(tmp_path, unit, 1000, prefix="KR")
    rank = Rank.objects.get(code="01.003")
    # Raises decided ahead of their date (1/4/2026), as the salary form stores them.
    SalaryRecord.objects.bulk_create(
        SalaryRecord(servant=servant, rank=rank, step=4, coefficient=Decimal("3.33"),
                     start_date=date(2026, 4, 1))
        for servant in CivilServant.objects.filter(unit=unit))
    before = counts(CivilServant, SalaryRecord, CareerEvent, AuditEntry)
    command = shell("from datetime import date; "
                    "from personnel.services.servants import salary_roll_forward; "
                    "print(salary_roll_forward(on=date(2026, 5, 4)))")

    tables = ("personnel_civilservant", "core_auditentry")
    after = kill_during(command, lambda c: locked_tables(c, tables) == set(tables))

    raised = CivilServant.objects.filter(unit=unit, salary_step=4)
    assert not raised.exists(), "raises of the killed run kept"
    assert counts(CivilServant, SalaryRecord, CareerEvent, AuditEntry) == before
    assert run_to_the_end(command).strip().endswith("1000")
    assert CivilServant.objects.filter(unit=unit, salary_step=4).count() == 1000
    print(f"salary roll-forward killed {after:.1f} s after start")


RAISES = """
from datetime import date
from core.access import UnitScope
from personnel.models import CivilServant
from personnel.selectors import next_raise_of
from personnel.services.raises import RaiseChoice, raises_record
from personnel.services.servants import Decision
choices = [RaiseChoice(p.pk, row.due.next_step, row.due.due_date)
           for p in CivilServant.objects.filter(unit__code="KQ") if (row := next_raise_of(p))]
decision = Decision(number="15/QĐ-SNV", decided_on=date(2026, 3, 20), signer="Giám đốc")
print(len(raises_record(actor=None, scope=UnitScope(everything=True), choices=choices,
                        decision=decision)))
"""


def test_raises_killed_midway_raise_nobody(tmp_path):
    require_postgresql()
    unit = make_unit("Phòng Thử Nâng Lương", code="KQ", valid_from=date(2000, 1, 1))
    # Step 3 since 1/4/2023: step 4 is due on 1/4/2026 (three years for a specialist, TT 03/2021).
    people(tmp_path, unit, 200, prefix="KN", step_date=date(2023, 4, 1))
    before = counts(CivilServant, SalaryRecord, CareerEvent, AuditEntry)

    tables = ("personnel_salaryrecord", "core_auditentry")
    after = kill_during(shell(RAISES), lambda c: locked_tables(c, tables) == set(tables))

    raised = CivilServant.objects.filter(unit=unit, salary_step=4)
    assert not raised.exists(), "raises of the killed run kept"
    assert counts(CivilServant, SalaryRecord, CareerEvent, AuditEntry) == before
    assert run_to_the_end(shell(RAISES)).strip().endswith("200")
    assert CivilServant.objects.filter(unit=unit, salary_step=4).count() == 200
    print(f"raises killed {after:.1f} s after start")
