"""A small province for the API tests: people, a position and a published recruitment round in
A1 (under officer_a's A) and the same in B (officer_b's), and tokens made through the service.

Each test travels to 7/12/2026, 9:00: the rounds' results are published on 1/12/2026 and the tokens
the tests ask for expire on 1/2/2027, within the longest lifetime a token may have only when seen
from late 2026; the same way whatever day the suite runs (a test of another day travels on from
here with the ``time_machine`` fixture)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.api_tokens import allowed_scopes, token_create
from positions.services import position_create
from recruitment import services as recruitment
from recruitment.models import RecruitmentRound
from tests.factories import make_application, make_round, make_servant

LATE_2026 = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _late_in_2026():
    with time_machine.travel(LATE_2026, tick=True):
        yield


ALL_SCOPES = ["units:read", "people:read", "positions:read", "appraisal:read", "appraisal:write",
              "recruitment:read"]


@pytest.fixture
def province(world):
    people = {"a": make_servant(world.unit_a1, code="A1-01", full_name="Hoàng Thị Mai",
                                sex="female", phone="0987654321", national_id="001190123456"),
              "b": make_servant(world.unit_b, code="B-01", full_name="Phạm Văn Bình",
                                phone="0911222333")}
    positions = {"a": position_create(actor=None, unit=world.unit_a1, code="VT-A",
                                      title="Chuyên viên A"),
                 "b": position_create(actor=None, unit=world.unit_b, code="VT-B",
                                      title="Chuyên viên B")}
    rounds = {}
    for key, unit in (("a", world.unit_a1), ("b", world.unit_b)):
        round_ = make_round(unit, code=f"TD-{key.upper()}", status="open")
        vacancy = recruitment.vacancy_save(actor=None, round_=round_, code="V1",
                                           title="Chuyên viên", quota=1)
        make_application(vacancy, eligible=True, full_name=f"Thí Sinh {key.upper()}")
        RecruitmentRound.objects.filter(pk=round_.pk).update(results_published_on=date(2026, 12, 1))
        rounds[key] = RecruitmentRound.objects.get(pk=round_.pk)
    return {"people": people, "positions": positions, "rounds": rounds}


def make_token(user, scopes=None, days=30) -> str:
    scopes = allowed_scopes(user) if scopes is None else scopes
    _token, key = token_create(actor=user, name="HRM", scopes=scopes,
                               expires_on=timezone.localdate() + timedelta(days=days))
    return key


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
