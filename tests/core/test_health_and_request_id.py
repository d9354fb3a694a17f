"""/healthz for a load balancer and the request id of every request (issue 16)."""
import json
import logging
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from core.models import AuditEntry
from core.request_id import JsonFormatter, RequestIdFilter
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def test_healthz_ok_names_each_check(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("healthz"))  # no login
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["disk"]["ok"]
    # eager tasks: no broker to reach
    assert body["checks"]["broker"] == {"ok": True, "skipped": True}
    assert body["checks"]["disk"]["free_mb"]["media"] > 0
    assert response["Cache-Control"] == "no-store"


def test_healthz_503_when_the_database_is_down(client):
    with mock.patch("core.health.connection.cursor",
                    side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["disk"]["ok"] is True  # only the failing check is marked


def test_healthz_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.HEALTHZ_BROKER_TIMEOUT = 0.5
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["ok"] is False and broker["ms"] < 5000
    assert "127.0.0.1" not in response.content.decode()  # a public page names no host


def test_healthz_503_when_the_disk_is_nearly_full(client, settings):
    settings.HEALTHZ_MIN_FREE_MB = 10**12
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["ok"] is False


def test_a_sane_request_id_is_echoed_and_a_forged_one_replaced(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "nginx-4f1c2a9be0d34c"})
    assert response["X-Request-ID"] == "nginx-4f1c2a9be0d34c"
    forged = client.get(reverse("healthz"),
                        headers={"X-Request-ID": "x\r\nSet-Cookie: a=b" + "y" * 100})
    assert len(forged["X-Request-ID"]) == 32 and "Set-Cookie" not in forged["X-Request-ID"]
    # a new uuid each time
    assert client.get(reverse("healthz"))["X-Request-ID"] != forged["X-Request-ID"]


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log_records():
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)


def test_the_request_id_is_in_the_log_record_and_the_json_line(client, log_records):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        client.get(reverse("healthz"), headers={"X-Request-ID": "req-0000000000000042"})
    record = next(r for r in log_records if r.name == "core.health")
    assert record.request_id == "req-0000000000000042"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-0000000000000042" and line["level"] == "WARNING"
    assert "database" in line["message"]
    # django.request logs the 503 after the middleware returned: the id still comes with the
    # request.
    logged = next(r for r in log_records if r.name == "django.request")
    assert logged.request_id == "req-0000000000000042"


def test_the_request_id_is_in_the_audit_entry_of_a_change(client, world, officer_a, settings,
                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = make_servant(world.unit_a1, full_name="Hoàng Thị Mai", sex="female", code="RQ-01")
    client.force_login(officer_a)
    response = client.post(reverse("personnel:family_create", args=[person.pk]),
                           {"side": "own", "relation": "Mẹ", "full_name": "Lê Thị Cúc",
                            "birth_year": "1960"},
                           headers={"X-Request-ID": "audit-7d3e5f0a11"})
    assert response.status_code == 302 and response["X-Request-ID"] == "audit-7d3e5f0a11"
    entry = AuditEntry.objects.filter(action="create").latest("pk")
    assert entry.request_id == "audit-7d3e5f0a11" and entry.actor == officer_a


def test_healthz_answers_a_plain_http_probe_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # as production sets it (config/settings.py)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_production_logs_are_json_lines_with_the_request_id():
    import subprocess
    import sys

    from django.conf import settings as live

    code = ("import django, logging; django.setup(); from django.conf import settings; "
            "print(settings.LOGGING['handlers']['console']['formatter'])")
    env = {"DJANGO_ENV": "production", "SECRET_KEY": "k" * 20 + "Qx7-Zp9_Lm2" * 4,
           "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
           "VAR_DIR": str(live.VAR_DIR)}
    out = subprocess.run([sys.executable, "-c", code], cwd=live.BASE_DIR, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "json"
    assert live.LOGGING["handlers"]["console"]["formatter"] == "text"  # development: plain text
