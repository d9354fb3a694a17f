from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse
from django.views.i18n import set_language as django_set_language

# The language switch must work on the login page, before anyone is signed in.
set_language = login_not_required(django_set_language)


class LoginView(auth_views.LoginView):
    """Staff land on their dashboard, candidates on their portal."""

    def get_success_url(self):
        url = super().get_success_url()
        if getattr(self.request.user, "is_candidate", False) and not url.startswith(reverse("recruitment:portal")):
            return reverse("recruitment:portal")
        return url
