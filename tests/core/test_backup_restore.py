"""Backup, destroy, restore (issue 16): every record, history row, exam answer and stored file comes
back. This is the SQLite variant (SQLite's online backup API);
tests/integration/test_backup_restore.py runs the same scenario on PostgreSQL with pg_dump /
pg_restore and a dropped database."""
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.models import AuditEntry
from personnel.models import Assignment, Attachment, CareerEvent, CivilServant, SalaryRecord
from personnel.services import record_parts
from personnel.services.servants import servant_update
from recruitment.exam import services as exam
from recruitment.models import Answer, Attempt
from tests.factories import make_servant, make_unit
from tests.recruitment.test_exam_runtime import make_bank, make_session

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_records(media_root: Path) -> dict:
    """People with history rows, an exam attempt with answers, a document stored under
    MEDIA_ROOT."""
    unit = make_unit("Sở Nội vụ", code="SNV")
    people = [make_servant(unit, full_name=f"Người thứ {i}") for i in range(3)]
    servant_update(actor=None, servant=people[0], phone="0912345678", reason="Cập nhật")
    attachment = record_parts.attachment_add(actor=None, servant=people[0],
                                             title="Quyết định tuyển dụng",
                                             upload=SimpleUploadedFile("qd.pdf", PDF))
    _session, seated = make_session(make_bank(), count=4, candidates=1)
    attempt, password = seated[0]
    started, _token = exam.attempt_login(number=attempt.number, password=password)
    for n in (1, 2, 3):
        exam.answer_save(attempt=started, n=n, choice=n % 2, seq=n)
    assert (media_root / attachment.file.name).read_bytes() == PDF
    return {"people": [p.pk for p in people], "attempt": started.pk, "attachment": attachment.pk}


def census() -> dict:
    """Rows of every model of the project and the values a user would miss first."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()
              if model._meta.managed and not model._meta.proxy}
    return {
        "counts": counts,
        "people": sorted(CivilServant.objects.values_list("code", "full_name", "phone")),
        "history": sorted(CareerEvent.objects.values_list("pk", "servant_id", "kind")),
        "assignments": sorted(Assignment.objects.values_list("pk", "servant_id", "unit_id")),
        "salary": sorted(SalaryRecord.objects.values_list("pk", "servant_id", "step")),
        "audit": sorted(AuditEntry.objects.values_list("pk", "action", "object_id")),
        "answers": sorted(Answer.objects.values_list("attempt_id", "n", "choice", "seq")),
        "attempts": sorted(Attempt.objects.values_list("pk", "status")),
    }


def stored_files(media_root: Path) -> dict:
    return {str(p.relative_to(media_root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in media_root.rglob("*") if p.is_file()}


def run(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def check_everything_is_back(before, files_before, ids, media_root):
    after = census()
    assert after == before
    assert CivilServant.objects.filter(pk__in=ids["people"]).count() == 3
    assert Answer.objects.filter(attempt_id=ids["attempt"]).count() == 3
    attachment = Attachment.objects.get(pk=ids["attachment"])
    assert attachment.file.read() == PDF
    assert stored_files(media_root) == files_before


def drop_sqlite_tables():
    """What deleting the SQLite file does to the (in-memory) test database: nothing is left."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f'DROP TABLE "{name}"')
        cursor.execute("PRAGMA foreign_keys = ON")


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_destroy_restore_finds_every_record_and_file(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip(
            "the SQLite variant; PostgreSQL runs in tests/integration/test_backup_restore.py")
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root
    ids = make_records(media_root)
    before, files_before = census(), stored_files(media_root)
    assert before["history"]
    assert before["salary"]
    assert before["audit"]
    assert len(before["answers"]) == 3

    document = run("backup", str(tmp_path / "backup"))
    assert document["engine"] == "sqlite" and document["media_files"] == len(files_before) >= 1
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {"database.sqlite3", "media.tar",
                                                                 "manifest.json"}

    # A restore over the live database is refused without --force.
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(tmp_path / "backup"))

    drop_sqlite_tables()
    for path in media_root.rglob("*"):
        if path.is_file():
            path.unlink()
    assert not connection.introspection.table_names() and not stored_files(media_root)

    document = run("restore", str(tmp_path / "backup"))
    assert document["media_files"] == len(files_before) and document["forced"] is False
    check_everything_is_back(before, files_before, ids, media_root)

    # --force replaces a database that has tables (here: the restored one, changed since).
    CivilServant.objects.filter(pk=ids["people"][1]).update(full_name="Đổi sau sao lưu")
    run("restore", str(tmp_path / "backup"), "--force")
    check_everything_is_back(before, files_before, ids, media_root)


def test_backup_refuses_a_directory_already_used(tmp_path, db):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="trống"):
        call_command("backup", str(tmp_path / "old"))


def test_restore_refuses_a_directory_that_is_no_backup(tmp_path, db):
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(tmp_path))
