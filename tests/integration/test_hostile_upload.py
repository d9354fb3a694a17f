"""The two-cell workbook (A1 and XFD1048576) through the upload page, validated by the real worker.

Before the file's cost was checked first (core/sheet_bounds.py), reading it made python-calamine
ask for 512 GiB and abort the worker; with acks late the task came back for ever. Now the job ends
"invalid" with the reason naming the row limit, and the worker lives on.
"""
import time

import pytest
from openpyxl import Workbook

from core.models import ImportJob
from core.tasks import ping
from tests.factories import UserFactory, grant, make_unit

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PENDING = {ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING}


def two_cell_workbook(path):
    workbook = Workbook()
    workbook.active["A1"] = "Mã cán bộ"
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    return path


def test_the_two_cell_workbook_uploaded_through_the_page_is_refused_and_the_worker_lives_on(
        celery_worker_process, client, tmp_path):
    officer = grant(UserFactory(username="hostile_officer"), make_unit("Phòng Tổ chức", code="HB"))
    client.force_login(officer)
    with open(two_cell_workbook(tmp_path / "hai-o.xlsx"), "rb") as handle:
        response = client.post("/imports/personnel/new/", {"file": handle})
    assert response.status_code == 302
    job = ImportJob.objects.get(created_by=officer)

    deadline = time.monotonic() + 60
    while job.status in PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()

    assert job.status == ImportJob.Status.INVALID
    message = job.summary["errors"][0]["message"]
    assert "1.048.576" in message and "200.000" in message  # the row reached and the row limit
    assert job.attempts == 1  # run once: no worker died, nothing was redelivered
    assert celery_worker_process.poll() is None
    assert ping.delay("vẫn sống").get(timeout=30) == "vẫn sống"
