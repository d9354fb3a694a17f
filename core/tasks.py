"""Background jobs of the core app. Tasks take ids and call services; each is safe to run twice."""
from celery import shared_task

from core.audit import audit_context
from core.models import AuditEntry


@shared_task
def ping(value: str = "pong") -> str:
    """A round trip through the broker and a worker (used by health checks and the integration
    test)."""
    return value


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def validate_import(self, job_id: str) -> str:
    from core.services.imports import import_job_validate

    with audit_context(source=AuditEntry.Source.TASK):
        return import_job_validate(job_id).status


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def run_import(self, job_id: str) -> str:
    from core.services.imports import import_job_run

    with audit_context(source=AuditEntry.Source.TASK):
        return import_job_run(job_id).status
