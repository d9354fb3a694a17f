"""A user's own notifications: the bell in the top bar (loaded by HTMX, so pages keep their query
count), the list, and marking them read. Each user sees only their own."""
from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from core.forms import NotificationReadForm
from core.models import Notification
from core.services.notifications import notifications_mark_read
from core.views.edit import OwnObjectEditView
from core.views.generic import StaffRequiredMixin


class NotificationBellView(StaffRequiredMixin, TemplateView):
    """The bell and its unread count (one query)."""

    template_name = "core/notification_bell.html"

    def get_context_data(self, **kwargs):
        unread = Notification.objects.filter(recipient=self.request.user,
                                             read_at__isnull=True).count()
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
        unread = Notification.objects.filter(recipient=self.request.user,
                                             read_at__isnull=True).count()
        return super().get_context_data(unread=unread,
                                        only_unread=self.request.GET.get("unread") == "1", **kwargs)


class NotificationReadView(OwnObjectEditView):
    """POST ``id`` to mark one read (and go to its page with ``open``), none to mark all read."""

    model = Notification
    owner_field = "recipient"
    form_class = NotificationReadForm
    service = notifications_mark_read
    http_method_names = ["post"]  # the list and the bell post the buttons; no page of its own

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recipient": self.request.user}

    def form_invalid(self, form):
        raise Http404  # the only field that can fail: an id that is not one of one's notifications

    def perform(self, form):
        notification = form.cleaned_data["id"]
        count = self.get_service()(actor=self.request.user,
                                      ids=[notification.pk] if notification else None)
        self.opening = notification is not None and form.cleaned_data["open"]
        return notification or count

    def get_success_message(self, result) -> str:
        if isinstance(result, Notification):
            return ""
        return _("%(n)s notifications marked read.") % {"n": result}

    def get_success_url(self) -> str:
        target = self.result.url if self.opening else ""
        if target and url_has_allowed_host_and_scheme(target,
                                                      allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return reverse("core:notification_list")
