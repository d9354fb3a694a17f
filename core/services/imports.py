"""Import jobs: an upload is validated (preview), then imported, in the web process or a Celery
worker depending on its size; both paths run the same importer class."""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import MANAGE, unit_scope
from core.importing import Importer, ImportFileError, display_text, importer_class, summary_document
from core.models import ImportJob

PREVIEW_ROWS = 200
logger = logging.getLogger(__name__)


def import_job_create(*, actor, kind: str, upload, skip_invalid: bool = False) -> ImportJob:
    """Store an upload and queue its validation."""
    importer_class(kind)  # unknown kinds fail here
    if not unit_scope(actor, MANAGE):
        raise PermissionDenied
    job = ImportJob.objects.create(kind=kind, created_by=actor, original_name=upload.name[:255],
                                   options={"skip_invalid": skip_invalid})
    job.file.save(f"{job.pk}{_suffix(upload.name)}", upload, save=True)
    from core.tasks import validate_import

    # Queued on commit: a worker started before it would not find the job or its file.
    transaction.on_commit(lambda: validate_import.delay(str(job.pk)))
    return job


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _importer(job: ImportJob, *, dry_run: bool) -> Importer:
    last = {"percent": -1}

    def progress(percent: int) -> None:
        # One write per 5 %: a row-by-row update would cost a query per row on a 100,000-row file.
        if percent - last["percent"] >= 5 or percent == 100:
            last["percent"] = percent
            ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    cls = importer_class(job.kind)
    return cls(actor=job.created_by, scope=unit_scope(job.created_by, MANAGE), dry_run=dry_run,
               skip_invalid=job.options.get("skip_invalid", False), progress=progress)


def _preview(table, errors: list[dict]) -> list[dict]:
    """The rows to show before confirming: every bad row, then good ones, up to PREVIEW_ROWS."""
    by_row: dict[int, dict[str, str]] = {}
    for error in errors:
        by_row.setdefault(error["row"], {})[error["column"]] = error["message"]
    rows = sorted(table.rows, key=lambda r: (r.number not in by_row, r.number))[:PREVIEW_ROWS]
    return [{"row": r.number,
             "cells": [{"v": display_text(r.raw.get(c.field)),
                        "e": by_row.get(r.number, {}).get(c.header, "")} for c in table.columns],
             "bad": r.number in by_row} for r in sorted(rows, key=lambda r: r.number)]


def _attempt(job: ImportJob) -> bool:
    """Count one task run on ``job``; past IMPORT_MAX_ATTEMPTS, mark it failed and say no.

    A task whose worker died (out of memory, killed) is redelivered (acks-late): without this
    count a file that kills every worker would be retried for ever."""
    # Counted in the database (F()), not in memory: two redeliveries must not both read the same
    # count.
    ImportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    job.refresh_from_db(fields=["attempts"])
    if job.attempts <= settings.IMPORT_MAX_ATTEMPTS:
        return True
    _fail(job,
          _("Processing this file stopped %(n)s times without finishing, so it was abandoned. "
            "Check the file (very large, or damaged) and upload it again.")
          % {"n": job.attempts - 1})
    return False


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.summary = summary_document(rows=0, errors=[{"row": 0, "column": "", "message": message}])
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "summary", "progress", "finished_at"])


def _unexpected(job: ImportJob, exc: Exception) -> None:
    """A job never stays "validating" or "importing" after an error nobody foresaw."""
    logger.exception("import job %s failed", job.pk)
    _fail(job, _("The import stopped on an unexpected error (%(error)s); nothing was written. "
                 "Report it to the administrator with the file.") % {"error": type(exc).__name__})


def import_job_validate(job_id) -> ImportJob:
    """Dry-run the importer: fill the summary, the preview and the status."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in {ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING}:
        return job  # already validated: a retried task does nothing
    if not _attempt(job):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    importer = _importer(job, dry_run=True)
    try:
        table, good, errors = importer.validate(job.file.path)
        counts = importer.classify(good)
        job.summary = summary_document(rows=len(table.rows), rejected=len(table.rows) - len(good),
                                       errors=errors, **counts)
        job.preview = {"headers": [c.header for c in table.columns],
                       "rows": _preview(table, errors), "warnings": importer.warnings}
        blocked = errors and not job.options.get("skip_invalid")
        # An empty file is invalid too: confirming it would report a success that imported nothing.
        job.status = (ImportJob.Status.INVALID if blocked or not table.rows
                      else ImportJob.Status.VALIDATED)
    except ImportFileError as exc:
        job.summary = summary_document(rows=0, errors=exc.errors)
        job.preview = {"headers": [], "rows": [], "warnings": []}
        job.status = ImportJob.Status.INVALID
    except Exception as exc:  # noqa: BLE001 - recorded on the job and logged with its traceback
        _unexpected(job, exc)
        return job
    job.progress = 100
    job.save(update_fields=["summary", "preview", "status", "progress"])
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue the real import of a validated job (only its uploader may confirm)."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        # A conditional update, not a read then a write: two clicks on "confirm" queue the import
        # once.
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED).update(
            status=ImportJob.Status.IMPORTING, progress=0, attempts=0)
        if not updated:
            raise ValidationError(_("This import is not ready to be confirmed."))
        from core.tasks import run_import

        transaction.on_commit(lambda: run_import.delay(str(job.pk)))
    job.refresh_from_db()
    return job


def import_job_run(job_id) -> ImportJob:
    """Import for real. Safe to run twice: a finished
    job is left alone and rows are matched by key."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING or not _attempt(job):
        return job
    try:
        summary = _importer(job, dry_run=False).run(job.file.path)
    except Exception as exc:  # noqa: BLE001 - the transaction rolled back; the job says why
        _unexpected(job, exc)
        return job
    failed = summary["errors"] and not job.options.get("skip_invalid")
    job.summary = summary
    job.status = ImportJob.Status.FAILED if failed else ImportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["summary", "status", "progress", "finished_at"])
    return job


def background_threshold() -> int:
    return settings.IMPORT_BACKGROUND_ROWS
