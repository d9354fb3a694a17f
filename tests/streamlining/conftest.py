"""Shared helpers of the streamlining tests: a person near retirement rated KHT, a merged unit.

Each test travels to 7/12/2026, 9:00: the plans, ratings (2024-2026) and the demo province they
build are seen from the end of 2026 (the demo's appraisal year 2025 is decided on 12/12/2025, which
must be past), the same way whatever day the suite runs; a test of another day travels on from
here with the ``time_machine`` fixture."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from appraisal import services as appraisal_services
from appraisal.models import Appraisal, Level
from core.models import UnitChange
from tests.factories import UserFactory, grant, make_servant

LATE_2026 = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _late_in_2026():
    with time_machine.travel(LATE_2026, tick=True):
        yield


def rate(servant, year: int, level: str = Level.FAILED) -> None:
    """Give ``servant`` a decided level for ``year`` (the appraisal's own workflow is tested in
    appraisal)."""
    if not Appraisal.objects.filter(servant=servant, cycle__year=year).exists():
        appraisal_services.cycle_open(actor=None, unit=servant.unit, year=year)
    Appraisal.objects.filter(servant=servant, cycle__year=year).update(
        level=level, status=Appraisal.Status.DECIDED)


def merge(*units, on: date = date(2025, 7, 1), number: str = "1234/QĐ-UBND") -> UnitChange:
    change = UnitChange.objects.create(kind=UnitChange.Kind.MERGE, effective_date=on,
                                       decision_number=number, decision_date=on,
                                       signer="Chủ tịch UBND tỉnh")
    change.predecessors.add(*units)
    return change


@pytest.fixture
def near_retirement(world):
    """A man born in April 1968: his ND 135 pension starts on 1/5/2030, 40 months after 1/1/2027."""
    return make_servant(world.unit_a1, full_name="Phạm Văn Hưu", date_of_birth=date(1968, 4, 15),
                        recruitment_date=date(1992, 9, 1), category="civil_servant")


@pytest.fixture
def reviewer(world):
    """A second HR officer of the same units (the review is made by someone other than the
    proposer)."""
    return grant(UserFactory(username="reviewer_a", role="unit_hr"), world.unit_a)
