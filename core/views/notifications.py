"""A user's own notifications: the bell in the top bar (loaded by HTMX, so pages keep their query
count), the list, and marking them read. Each user sees only their own."""
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.models import Notification
from core.services.notifications import notifications_mark_read
from core.views.generic import StaffRequiredMixin


class NotificationBellView(StaffRequiredMixin, TemplateView):
    """The bell and its unread count (one query)."""

    template_name = "core/notification_bell.html"

    def get_context_data(self, **kwargs):
        unread = Notification.objects.filter(recipient=self.request.user, read_at__isnull=True).count()
        return super().get_context_data(unread=unread, **kwargs)


class NotificationListView(StaffRequiredMixin, ListView):
    """The user's notifications, unread first, newest first."""

    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        mine = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            mine = mine.filter(read_at__isnull=True)
        return mine.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        unread = Notification.objects.filter(recipient=self.request.user, read_at__isnull=True).count()
        return super().get_context_data(unread=unread, only_unread=self.request.GET.get("unread") == "1", **kwargs)


class NotificationReadView(StaffRequiredMixin, View):
    """POST ``id`` to mark one read (and go to its page with ``open``), none to mark all read."""

    http_method_names = ["post"]

    def post(self, request):
        raw = request.POST.get("id", "")
        if raw.isdigit():
            notifications_mark_read(actor=request.user, ids=[int(raw)])
            target = Notification.objects.filter(recipient=request.user, pk=int(raw)).values_list("url", flat=True) \
                .first()
            if request.POST.get("open") and target and url_has_allowed_host_and_scheme(
                    target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
                return redirect(target)
        else:
            count = notifications_mark_read(actor=request.user)
            messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
        return redirect("core:notification_list")
