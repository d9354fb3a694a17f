"""Import jobs: an upload is validated (preview), then imported, in the web process or a Celery
worker depending on its size; both paths run the same importer class."""
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import MANAGE, unit_scope
from core.importing import Importer, ImportFileError, cell_text, importer_class
from core.models import ImportJob

PREVIEW_ROWS = 200


def import_job_create(*, actor, kind: str, upload, skip_invalid: bool = False) -> ImportJob:
    """Store an upload and queue its validation."""
    importer_class(kind)  # unknown kinds fail here
    if not unit_scope(actor, MANAGE):
        raise PermissionDenied
    job = ImportJob.objects.create(kind=kind, created_by=actor, original_name=upload.name[:255],
                                   options={"skip_invalid": skip_invalid})
    job.file.save(f"{job.pk}{_suffix(upload.name)}", upload, save=True)
    from core.tasks import validate_import

    transaction.on_commit(lambda: validate_import.delay(str(job.pk)))
    return job


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _importer(job: ImportJob, *, dry_run: bool) -> Importer:
    last = {"percent": -1}

    def progress(percent: int) -> None:
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
             "cells": [{"v": cell_text(r.raw.get(c.field)), "e": by_row.get(r.number, {}).get(c.header, "")}
                       for c in table.columns],
             "bad": r.number in by_row} for r in sorted(rows, key=lambda r: r.number)]


def import_job_validate(job_id) -> ImportJob:
    """Dry-run the importer: fill the summary, the preview and the status."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in {ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING}:
        return job  # already validated: a retried task does nothing
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    importer = _importer(job, dry_run=True)
    try:
        table, good, errors = importer.validate(job.file.path)
        counts = importer.classify(good)
        from core.importing import summary_document

        job.summary = summary_document(rows=len(table.rows), rejected=len(table.rows) - len(good),
                                       errors=errors, **counts)
        job.preview = {"headers": [c.header for c in table.columns], "rows": _preview(table, errors),
                       "warnings": importer.warnings}
        blocked = errors and not job.options.get("skip_invalid")
        job.status = ImportJob.Status.INVALID if blocked or not table.rows else ImportJob.Status.VALIDATED
    except ImportFileError as exc:
        job.summary = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0, "errors": exc.errors}
        job.preview = {"headers": [], "rows": [], "warnings": []}
        job.status = ImportJob.Status.INVALID
    job.progress = 100
    job.save(update_fields=["summary", "preview", "status", "progress"])
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue the real import of a validated job (only its uploader may confirm)."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED).update(
            status=ImportJob.Status.IMPORTING, progress=0)
        if not updated:
            raise ValidationError(_("This import is not ready to be confirmed."))
        from core.tasks import run_import

        transaction.on_commit(lambda: run_import.delay(str(job.pk)))
    job.refresh_from_db()
    return job


def import_job_run(job_id) -> ImportJob:
    """Import for real. Safe to run twice: a finished job is left alone and rows are matched by key."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return job
    summary = _importer(job, dry_run=False).run(job.file.path)
    failed = summary["errors"] and not job.options.get("skip_invalid")
    job.summary = summary
    job.status = ImportJob.Status.FAILED if failed else ImportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["summary", "status", "progress", "finished_at"])
    return job


def background_threshold() -> int:
    return settings.IMPORT_BACKGROUND_ROWS
