from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView


class PortalView(TemplateView):
    """The candidate's own page: their applications and exam attempts (none until they apply)."""

    template_name = "recruitment/portal.html"

    def dispatch(self, request, *args, **kwargs):
        if not getattr(request.user, "is_candidate", False):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
