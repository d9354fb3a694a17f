"""Background jobs of recruitment and the exam engine. Tasks take ids and call services; each is
safe to run twice (a retried paper generation skips papers already made; a retried auto-submit
finds the attempts submitted)."""
from celery import shared_task

from core.audit import audit_context
from core.models import AuditEntry


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def generate_papers(self, session_id: int) -> int:
    from recruitment.exam.services import papers_generate
    from recruitment.models import ExamSession

    session = ExamSession.objects.get(pk=session_id)
    with audit_context(source=AuditEntry.Source.TASK):
        return papers_generate(session)  # progress is written on the session for the page to poll


@shared_task(bind=True, max_retries=5, default_retry_delay=2)
def submit_due_attempts(self) -> int:
    """Scheduled every 20 seconds: submit the attempts whose deadline passed."""
    from recruitment.exam.services import submit_due

    with audit_context(source=AuditEntry.Source.TASK):
        return submit_due()
