import uuid

from core.audit import audit_context
from core.models import AuditEntry


class AuditContextMiddleware:
    """Marks every change made while serving a request as coming from the web (or the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = AuditEntry.Source.API if request.path.startswith("/api/") else AuditEntry.Source.WEB
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        with audit_context(source=source, request_id=request_id):
            return self.get_response(request)
