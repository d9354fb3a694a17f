"""The bulk writes large imports and closes use (COPY on PostgreSQL, executemany on SQLite) give the
same rows as the ORM would: values, JSON, dates, UUIDs, and upserts that keep what they do not
set."""
import uuid
from decimal import Decimal

import pytest

from appraisal import services
from appraisal.models import PeriodScore
from core import audit
from core.models import AuditEntry, OrgUnit
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def test_many_audit_entries_are_written_whole(world):
    batch = uuid.uuid4()
    entries = [audit.build(actor=None, obj=world.unit_a, action="import", unit=world.unit_a,
                           changes={"periods": [None, [1, 2, i]],
                                    "tên": "Sở Nội vụ\tA\nB"}) for i in range(2500)]
    for entry in entries:
        entry.batch = batch
    audit.record_many(entries)
    stored = AuditEntry.objects.filter(batch=batch)
    assert stored.count() == 2500
    last = stored.get(changes__periods=[None, [1, 2, 2499]])
    assert last.changes["tên"] == "Sở Nội vụ\tA\nB" and last.unit == world.unit_a
    assert last.content_type.model_class() is OrgUnit and last.timestamp is not None


def test_an_import_of_the_leaders_scores_keeps_the_persons_own_score(world):
    make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    appraisal = cycle.appraisals.get()
    services.period_self_score(actor=None, appraisal=appraisal, period=3, general_self=Decimal(29))
    written = services.period_scores_save(actor=None, source=PeriodScore.Source.IMPORT, rows=[
        {"appraisal_id": appraisal.pk, "period": p, "general": Decimal("26.5"),
         "quantity": Decimal(100), "quality": Decimal("87.5"),
         "progress": Decimal(75)} for p in (3, 4)])
    assert written == 2
    march, april = PeriodScore.objects.filter(appraisal=appraisal).order_by("period")
    assert (march.general_self, march.general, march.quality, march.source) == (29, Decimal("26.5"),
                                                                                 Decimal("87.5"),
                                                                                "import")
    assert april.general_self is None and april.progress == 75
    services.period_scores_save(actor=None, rows=[{"appraisal_id": appraisal.pk, "period": 4,
                                                   "general": Decimal(20)}])
    april.refresh_from_db()
    assert (april.general, april.progress, april.source) == (20, 75, "entry")
