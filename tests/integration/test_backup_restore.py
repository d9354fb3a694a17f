"""Backup, destroy, restore on PostgreSQL (issue 16): pg_dump in the custom format and the media
tar, the test database dropped and created again empty, pg_restore, and every record, history row,
exam answer and file found again. The scenario and its census are the SQLite variant's
(tests/core/test_backup_restore.py)."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.core.test_backup_restore import (
    census,
    check_everything_is_back,
    make_records,
    run,
    stored_files,
)

pytestmark = pytest.mark.django_db(transaction=True)


def admin_connection():
    import psycopg2

    db = connection.settings_dict
    return psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
                            host=db["HOST"] or None, port=db["PORT"] or None)


def drop_and_create_database():
    name = connection.settings_dict["NAME"]
    connection.close()
    admin = admin_connection()
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def test_postgresql_backup_drop_restore_finds_every_record_and_file(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.fail("the restore test needs DATABASE_URL pointing at PostgreSQL; see .ci/run")
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root
    ids = make_records(media_root)
    before, files_before = census(), stored_files(media_root)
    assert before["history"] and before["salary"] and before["audit"]
    assert len(before["answers"]) == 3

    document = run("backup", str(tmp_path / "backup"))
    assert document["engine"] == "postgresql" and document["database"] == "database.dump"
    # pg_dump's custom format
    assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(tmp_path / "backup"))

    drop_and_create_database()
    for path in media_root.rglob("*"):
        if path.is_file():
            path.unlink()
    assert not connection.introspection.table_names() and not stored_files(media_root)

    document = run("restore", str(tmp_path / "backup"))
    assert document["media_files"] == len(files_before)
    check_everything_is_back(before, files_before, ids, media_root)
    # Sequences come back too: the next person gets a new id, not one of the restored ones.
    from personnel.models import CivilServant
    from tests.factories import make_servant, make_unit

    newcomer = make_servant(make_unit("Phòng mới"), full_name="Người đến sau")
    assert newcomer.pk > max(ids["people"])
    assert CivilServant.objects.count() == len(before["people"]) + 1

    # --force over a database with tables: back to the backup's state.
    run("restore", str(tmp_path / "backup"), "--force")
    check_everything_is_back(before, files_before, ids, media_root)
