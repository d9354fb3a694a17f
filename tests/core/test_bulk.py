"""The bulk path of large imports: COPY text escaping, and chunked inserts that keep every value."""
import json
import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core import bulk
from core.models import AuditEntry

TRICKY = ["Nguyễn Văn An", "a\\b", "tab\there", "line\nbreak", "cr\rlf\r\n", "\\N", "",
          "Đắk Lắk\t\\\n", "ạ\\\\t"]
AUDIT_FIELDS = ["id", "timestamp", "actor", "actor_name", "source", "action", "content_type",
                "object_id", "object_repr", "unit", "changes", "reason", "batch", "request_id"]


def copy_format(text: str) -> str:
    """PostgreSQL's COPY text format, spelt out with str.translate (the former implementation)."""
    return text.translate(str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}))


@pytest.mark.parametrize("text", TRICKY)
def test_copy_escaping_is_the_copy_text_format(text):
    assert bulk._pg_text(text) == copy_format(text)


def test_copy_text_of_other_values():
    changes = {"reason": ["a\tb", "c\\d\ne"]}
    assert bulk._pg_text(changes) == copy_format(json.dumps(changes, ensure_ascii=False))
    assert (bulk._pg_text(None), bulk._pg_text(True), bulk._pg_text(False),
            bulk._pg_text(3)) == ("\\N", "t", "f", "3")


@pytest.mark.django_db
def test_bulk_insert_in_chunks_keeps_every_value(monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 4)  # three statements for nine rows
    content_type = ContentType.objects.get_for_model(AuditEntry).pk
    ids, batch = bulk.allocate_ids(AuditEntry, len(TRICKY)), uuid.uuid4()
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    rows = ((pk, now, None, "", AuditEntry.Source.IMPORT, "create", content_type, str(pk),
             text[:255], None, {"name": [None, text]}, text, batch, "")
            for pk, text in zip(ids, TRICKY, strict=True))
    assert bulk.bulk_insert(AuditEntry, AUDIT_FIELDS, rows) == len(TRICKY)
    saved = AuditEntry.objects.in_bulk(ids)
    assert [saved[pk].reason for pk in ids] == TRICKY
    assert [saved[pk].changes for pk in ids] == [{"name": [None, text]} for text in TRICKY]
    assert {saved[pk].timestamp for pk in ids} == {now}
    assert {saved[pk].batch for pk in ids} == {batch}


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_table_rows_stream_every_value_with_and_without_debug(settings, monkeypatch, debug):
    """TableRows.write renders its rows as the COPY (or executemany) reads them, in reads of a few
    characters here so that rows cross them; with DEBUG on (``make run``) Django's debug cursor
    wraps the COPY and must be given the same arguments."""
    settings.DEBUG = debug
    monkeypatch.setattr(bulk, "COPY_READ_SIZE", 7)
    content_type = ContentType.objects.get_for_model(AuditEntry).pk
    ids, batch = bulk.allocate_ids(AuditEntry, len(TRICKY)), uuid.uuid4()
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    table = bulk.TableRows(AuditEntry, {
        "id": lambda item: item[0], "timestamp": bulk.Fixed(now), "actor": bulk.Fixed(None),
        "actor_name": bulk.Fixed(""), "source": bulk.Fixed(AuditEntry.Source.IMPORT),
        "action": bulk.Fixed("create"), "content_type": bulk.Fixed(content_type),
        "object_id": lambda item: str(item[0]), "object_repr": lambda item: item[1][:255],
        "unit": bulk.Fixed(None), "changes": lambda item: {"name": [None, item[1]]},
        "reason": lambda item: item[1], "batch": bulk.Fixed(batch), "request_id": bulk.Fixed("")})
    assert table.write(zip(ids, TRICKY, strict=True)) == len(TRICKY)
    saved = AuditEntry.objects.in_bulk(ids)
    assert [saved[pk].reason for pk in ids] == TRICKY
    assert [saved[pk].changes for pk in ids] == [{"name": [None, text]} for text in TRICKY]
