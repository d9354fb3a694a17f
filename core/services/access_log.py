"""Records of who read personal data (core.models.AccessRecord)."""
from collections.abc import Iterable

from core.models import AccessRecord


def access_record(*, actor, action: str, subjects: Iterable = (), filters: dict | None = None,
                  count: int | None = None, sensitive: bool = False,
                  request=None) -> AccessRecord | None:
    """Write one access record; ``subjects`` are people (or their primary keys) read.

    Anonymous callers and candidates read no personal data of others, so nothing is written."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    ids = [getattr(s, "pk", s) for s in subjects]
    path = request.get_full_path()[:500] if request is not None else ""
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return AccessRecord.objects.create(
        user=actor, action=action, subject_ids=ids,
        filters={k: v for k, v in (filters or {}).items() if v},
        count=len(ids) if count is None else count, sensitive=sensitive, path=path,
        ip_address=ip or None)
