"""A real task round trip through Redis and a worker process, and an import run by that worker."""
import pytest
from django.core.files.base import ContentFile

from core.models import AuditEntry, ImportJob, OrgUnit
from core.tasks import ping, run_import, validate_import
from tests.factories import UserFactory, grant, make_unit

pytestmark = pytest.mark.django_db(transaction=True)
CSV = "Mã đơn vị;Tên đơn vị;Mã đơn vị cấp trên\nW1;Phòng do worker tạo;P\nW2;Tổ thuộc phòng;W1\n"


def test_a_task_round_trip_through_the_broker(celery_worker_process):
    result = ping.delay("xin chào")
    assert result.get(timeout=30) == "xin chào"
    assert result.successful()


def test_the_worker_validates_and_imports_an_uploaded_file(celery_worker_process):
    province = make_unit("Tỉnh Thử", code="P")
    officer = grant(UserFactory(username="worker_officer"), province)
    job = ImportJob.objects.create(kind="units", created_by=officer, original_name="units.csv")
    job.file.save("integration-units.csv", ContentFile(CSV.encode()))

    assert validate_import.delay(str(job.pk)).get(timeout=60) == ImportJob.Status.VALIDATED
    job.refresh_from_db()
    assert job.summary["created"] == 2 and not OrgUnit.objects.filter(code="W1").exists()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    assert run_import.delay(str(job.pk)).get(timeout=60) == ImportJob.Status.DONE
    w2 = OrgUnit.objects.get(code="W2")
    assert w2.parent.code == "W1" and w2.parent.parent == province
    created = AuditEntry.objects.filter(action="create", object_id=str(w2.pk)).get()
    assert created.source == AuditEntry.Source.IMPORT and created.actor == officer

    # A redelivered task (Celery retry after a lost ack) does no harm.
    assert run_import.delay(str(job.pk)).get(timeout=60) == ImportJob.Status.DONE
    assert OrgUnit.objects.filter(code__in=["W1", "W2"]).count() == 2
