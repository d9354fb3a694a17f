"""Logins an attacker cannot turn against their owners, and the ways back in (issue "Security
first", finding 4 and 8): the real client address behind a trusted proxy, the password reset by
e-mail and the administrator's unlock, idle staff sessions, the production SECRET_KEY check."""
import os
import re
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.urls import reverse

from core.middleware import LAST_SEEN
from core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-Pass-2026"
PROXY = "10.0.0.2"


@pytest.fixture
def owner(world):
    return UserFactory(username="tccb.soyte", email="tccb@soyte.gov.vn")


def login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def locked(response) -> bool:
    return response.status_code == 429 or "locked_out" in [
        t.name.split("/")[-1][:-5] for t in response.templates]


def attack(client, username, times=5, **headers):
    for _i in range(times):
        login(client, username, "wrong-guess", **headers)


def test_behind_a_trusted_proxy_an_attacker_locks_only_their_own_address(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attack(client, owner.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked(login(client, owner.username, PASSWORD, REMOTE_ADDR=PROXY,
                        HTTP_X_FORWARDED_FOR="203.0.113.9"))
    # The owner, from their own office behind the same proxy, logs in.
    response = login(client, owner.username, PASSWORD, REMOTE_ADDR=PROXY,
                     HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(owner.pk)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):  # a new forged address on every try changes nothing: the real one counts
        login(client, owner.username, "wrong-guess", REMOTE_ADDR="203.0.113.9",
              HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    assert locked(login(client, owner.username, PASSWORD, REMOTE_ADDR="203.0.113.9",
                        HTTP_X_FORWARDED_FOR="9.9.9.9"))


def test_the_proxy_entry_is_taken_from_the_right_not_the_clients_own(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client writes "1.1.1.1" itself; the proxy appends the address it saw.
    for i in range(5):
        login(client, owner.username, "wrong-guess", REMOTE_ADDR=PROXY,
              HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.9")
    assert locked(login(client, owner.username, PASSWORD, REMOTE_ADDR=PROXY,
                        HTTP_X_FORWARDED_FOR="5.5.5.5, 203.0.113.9"))


def test_the_locked_page_offers_the_password_reset(client, owner):
    attack(client, owner.username)
    page = login(client, owner.username, PASSWORD)
    assert locked(page)
    assert reverse("core:password_reset") in page.content.decode()


def test_a_password_reset_by_email_unlocks_the_owner_at_once(client, owner):
    attack(client, owner.username)
    assert locked(login(client, owner.username, PASSWORD))
    response = client.post(reverse("core:password_reset"), {"email": owner.email})
    assert response.status_code == 302 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email] and "60" in message.body  # valid for an hour
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = "Another-Strong-2026"
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302 and done["Location"] == reverse("core:password_reset_complete")
    response = login(client, owner.username, new_password)
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(owner.pk)
    assert AuditEntry.objects.filter(action="password_reset", object_id=str(owner.pk)).exists()


def test_the_reset_page_does_not_tell_whether_an_address_exists(client, owner):
    known = client.post(reverse("core:password_reset"), {"email": owner.email})
    unknown = client.post(reverse("core:password_reset"), {"email": "nobody@example.gov.vn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_provincial_hr_sees_the_locked_login_and_unlocks_it(client, owner, provincial_hr):
    attack(client, owner.username)
    client.force_login(provincial_hr)
    page = client.get(reverse("core:lockout_list")).content.decode()
    assert f"<code>{owner.username}</code>" in page and owner.get_full_name() in page
    client.post(reverse("core:lockout_clear"), {"username": owner.username})
    page = client.get(reverse("core:lockout_list")).content.decode()
    assert f"<code>{owner.username}</code>" not in page
    assert AuditEntry.objects.filter(action="unlock", actor=provincial_hr,
                                     object_id=str(owner.pk)).exists()
    client.logout()
    assert login(client, owner.username, PASSWORD).status_code == 302


def test_a_unit_officer_cannot_unlock(client, owner, officer_a):
    attack(client, owner.username)
    client.force_login(officer_a)
    assert client.post(reverse("core:lockout_clear"),
                       {"username": owner.username}).status_code == 403
    client.logout()
    assert locked(login(client, owner.username, PASSWORD))


# --- idle sessions ------------------------------------------------------------------------------

def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_an_idle_staff_session_ends_after_thirty_minutes(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("personnel:servant_list")).status_code == 200
    idle_for(client, 29 * 60)
    assert client.get(reverse("personnel:servant_list")).status_code == 200
    idle_for(client, 31 * 60)
    response = client.get(reverse("personnel:servant_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_is_a_setting(client, officer_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client.force_login(officer_a)
    client.get(reverse("personnel:servant_list"))
    idle_for(client, 6 * 60)
    assert client.get(reverse("personnel:servant_list")).status_code == 302


def test_an_htmx_request_of_an_idle_session_is_sent_to_the_login_page(client, officer_a):
    client.force_login(officer_a)
    client.get(reverse("personnel:servant_list"))
    idle_for(client, 31 * 60)
    response = client.get(reverse("personnel:servant_list"), HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/people/?q=an")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert "next=" in response["HX-Redirect"]


# --- production settings ------------------------------------------------------------------------

def start_production(secret_key: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_ENV": "production", "DEBUG": "0", "SECRET_KEY": secret_key,
           "DJANGO_SETTINGS_MODULE": "config.settings", "ALLOWED_HOSTS": "congvu.example.gov.vn"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("key", ["x", "django-insecure-" + "a1b2c3" * 10, "a" * 60])
def test_production_refuses_a_weak_secret_key(key):
    started = start_production(key)
    assert started.returncode != 0 and "SECRET_KEY is too weak" in started.stderr


def test_production_starts_with_a_strong_secret_key():
    import secrets

    started = start_production(secrets.token_urlsafe(64))
    assert started.returncode == 0, started.stderr
