"""Background jobs of the personnel module. Each is safe to run twice (a notice is told once)."""
from datetime import date

from celery import shared_task

from core.audit import audit_context
from core.models import AuditEntry


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_notices(self, day: str | None = None) -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): retirement notices and decisions, raises and contracts due."""
    from django.utils import timezone

    from personnel.notices import notices_send

    with audit_context(source=AuditEntry.Source.TASK):
        result = notices_send(today=date.fromisoformat(day) if day else timezone.localdate())
    return {**result, "date": result["date"].isoformat()}


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def salary_roll_forward(self, day: str | None = None) -> int:
    """Daily, just after midnight: raises decided ahead of their date become the current salary on
    that date (header, Mẫu 2C item 14, next raise); returns how many people changed."""
    from personnel.services.servants import salary_roll_forward as roll_forward

    with audit_context(source=AuditEntry.Source.TASK):
        return roll_forward(actor=None, on=date.fromisoformat(day) if day else None)
