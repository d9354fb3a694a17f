"""Background jobs of the appraisal module. Tasks take ids and call services; each is safe to run
twice (opening enrols nobody twice; a reminder already sent is not sent again)."""
from datetime import date

from celery import shared_task

from core.audit import audit_context
from core.models import AuditEntry


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def open_cycle(self, cycle_id: int | None = None, actor_id: int | None = None,
               unit_id: int | None = None, year: int | None = None,
               period_kind: str | None = None) -> int:
    """Enrol everyone of a year opened for a unit subtree: ``cycle_id``, or ``unit_id``, ``year``
    and ``period_kind`` for a cycle not made yet. Returns the number of appraisals of the cycle."""
    from appraisal import opening

    with audit_context(source=AuditEntry.Source.TASK):
        try:
            return opening.cycle_open_run(cycle_id=cycle_id, actor_id=actor_id, unit_id=unit_id,
                                          year=year, period_kind=period_kind)
        except Exception as exc:
            if self.request.retries < self.max_retries and not self.request.is_eager:
                raise self.retry(exc=exc) from exc
            if cycle_id is not None:
                opening.progress_done(cycle_id)  # nothing was enrolled; the page stops waiting
            raise


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_reminders(self, day: str | None = None, days: int = 3) -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): the reminders of the periods closing within ``days`` days."""
    from django.utils import timezone

    from appraisal.reminders import reminders_send

    with audit_context(source=AuditEntry.Source.TASK):
        result = reminders_send(today=date.fromisoformat(day) if day else timezone.localdate(),
                                days=days)
    return {**result, "date": result["date"].isoformat()}
