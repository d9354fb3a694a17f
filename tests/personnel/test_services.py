"""Career services: history rows, current fields, events with decisions, audit, no deletes."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core import audit
from core.models import ProtectedDeleteError
from personnel.models import Assignment, CareerEvent, CivilServant
from personnel.services.records import discipline_record, reward_record
from personnel.services.servants import (
    Decision,
    event_correct,
    servant_assign,
    servant_create,
    servant_leave,
    servant_set_salary,
    servant_update,
)
from positions.models import Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def test_a_transfer_closes_the_old_assignment_and_answers_as_of_queries(world):
    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    servant_assign(actor=None, servant=person, start_date=date(2024, 1, 1), unit=world.unit_b,
                   title="Phó Giám đốc Sở",
                   decision=Decision("12/QĐ-UBND", date(2023, 12, 20), "Chủ tịch UBND tỉnh"))
    person.refresh_from_db()
    assert person.unit == world.unit_b and person.leadership == "deputy"
    old, new = person.assignments.order_by("start_date")
    assert old.end_date == date(2023, 12, 31) and new.start_date == date(2024, 1, 1)
    event = person.events.get(kind=CareerEvent.Kind.TRANSFERRED)
    assert (event.decision_number, event.signer) == ("12/QĐ-UBND", "Chủ tịch UBND tỉnh")

    def members(unit, day):
        held = Assignment.objects.filter(unit=unit, start_date__lte=day).exclude(end_date__lt=day)
        return set(held.values_list("servant__code", flat=True))

    assert person.code in members(world.unit_a1, date(2023, 12, 31))
    assert person.code not in members(world.unit_a1, date(2024, 1, 1))


def test_profile_changes_keep_old_and_new_values_and_the_reason(world, officer_a):
    person = make_servant(world.unit_a1, ethnicity="Kinh")
    changes = servant_update(actor=officer_a, servant=person, reason="Sai sót khi nhập",
                             ethnicity="Tày")
    assert changes == {"ethnicity": ["Kinh", "Tày"]}
    entry = audit.history_for(person).first()
    assert entry.actor == officer_a and entry.reason == "Sai sót khi nhập"


def test_career_fields_change_only_through_events(world):
    person = make_servant(world.unit_a1)
    with pytest.raises(ValidationError):
        servant_update(actor=None, servant=person, unit=world.unit_b)


@time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
def test_salary_step_uses_the_decree_table(world):
    # On 1/6/2026 the raise of 1/1/2026 is in the past: a row dated after today is stored as decided
    # but is not yet the current step.
    person = make_servant(world.unit_a1, step=3, step_date=date(2023, 1, 1))
    record = servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"),
                                step=4, start_date=date(2026, 1, 1))
    person.refresh_from_db()
    assert str(record.coefficient) == "3.33"
    assert person.salary_step == 4
    assert person.salary_step_date == date(2026, 1, 1)
    assert person.salary_records.get(step=3).end_date == date(2025, 12, 31)
    with pytest.raises(ValidationError):
        servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"),
                           step=10, start_date=date(2028, 1, 1))


def test_leaving_keeps_the_record(world):
    person = make_servant(world.unit_a1)
    servant_leave(actor=None, servant=person, kind=CareerEvent.Kind.RETIRED,
                  last_day=date(2026, 9, 30))
    person.refresh_from_db()
    assert person.status == CivilServant.Status.RETIRED and person.status_date == date(2026, 10, 1)
    assert person.assignments.get().end_date == date(2026, 9, 30)
    with pytest.raises(ProtectedDeleteError):
        person.delete()


def test_a_correction_is_a_new_version_pointing_to_the_old(world):
    person = make_servant(world.unit_a1)
    wrong = reward_record(actor=None, servant=person, year=2024, title="Lao động tiên tiến").event
    fixed = event_correct(actor=None, event=wrong, reason="Sai năm",
                          effective_date=date(2023, 12, 31), summary="Lao động tiên tiến (2023)")
    assert fixed.corrects == wrong and CareerEvent.objects.filter(pk=wrong.pk).exists()
    with pytest.raises(ValidationError):
        event_correct(actor=None, event=wrong, reason="Lần nữa")


def test_correcting_a_transfer_date_moves_the_work_history(world):
    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    assignment = servant_assign(actor=None, servant=person, start_date=date(2024, 1, 1),
                                unit=world.unit_b)
    event_correct(actor=None, event=assignment.event, reason="Nhầm ngày quyết định có hiệu lực",
                  effective_date=date(2024, 2, 1))
    old, new = person.assignments.order_by("start_date")
    assert old.end_date == date(2024, 1, 31) and new.start_date == date(2024, 2, 1)
    with pytest.raises(ValidationError):
        event_correct(actor=None, event=person.events.get(corrects__isnull=False), reason="x",
                      effective_date=date(2010, 1, 1))


@pytest.mark.parametrize(("day", "form", "allowed"), [
    (date(2024, 5, 1), "salary_step_reduction", True),   # ND 112/2020: still a form for non-leaders
    (date(2025, 8, 1), "salary_step_reduction", False),  # ND 172/2025 abolished it
    (date(2025, 8, 1), "reprimand", True),
    (date(2024, 5, 1), "demotion", False),               # demotion is for leaders only
])
def test_discipline_forms_follow_the_regime_of_the_date(world, day, form, allowed):
    person = make_servant(world.unit_a1)
    if allowed:
        record = discipline_record(actor=None, servant=person, form=form,
                                   violation="Vi phạm quy chế", effective_from=day)
        assert record.rule_set == ("DISC-ND112" if day.year == 2024 else "DISC-ND172")
    else:
        with pytest.raises(ValidationError):
            discipline_record(actor=None, servant=person, form=form, violation="Vi phạm",
                              effective_from=day)


def test_nobody_is_placed_in_a_unit_before_it_exists(world):
    from tests.factories import make_unit

    new_unit = make_unit("Phòng lập năm 2026", parent=world.unit_a, valid_from=date(2026, 1, 1))
    # Recruited before the unit existed (as the import accepts): the record starts in the unit the
    # day it opened and the recruitment keeps its own date.
    early = make_servant(new_unit, recruitment_date=date(2020, 1, 1))
    assert early.assignments.get().start_date == date(2026, 1, 1)
    assert early.events.get(kind=CareerEvent.Kind.RECRUITED).effective_date == date(2020, 1, 1)
    with pytest.raises(ValidationError):
        servant_create(actor=None, code="X1", national_id="008085999999", full_name="Người Thử",
                       sex="male", date_of_birth=date(1985, 1, 1), unit=new_unit,
                       start_date=date(2020, 1, 1))
    person = make_servant(world.unit_a1, recruitment_date=date(2020, 1, 1))
    with pytest.raises(ValidationError):
        servant_assign(actor=None, servant=person, start_date=date(2025, 6, 1), unit=new_unit)


def test_a_salary_cannot_start_before_the_current_one(world):
    person = make_servant(world.unit_a1, step=3, step_date=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"), step=4,
                           start_date=date(2023, 1, 1))


def test_the_callers_object_follows_a_transfer(world):
    person = make_servant(world.unit_a1)
    servant_assign(actor=None, servant=person, start_date=date(2026, 2, 1), unit=world.unit_b,
                   title="Chuyên viên")
    assert person.unit == world.unit_b  # no refresh needed before the next service call


def test_completed_political_theory_training_updates_the_resume(world):
    from personnel.services.records import training_record

    person = make_servant(world.unit_a1, political_theory="Sơ cấp")
    training_record(actor=None, servant=person, kind="political_theory",
                    institution="Trường Chính trị tỉnh",
                    major="Trung cấp lý luận chính trị - hành chính", start_date=date(2024, 3, 1),
                    end_date=date(2025, 2, 28), diploma="Trung cấp")
    person.refresh_from_db()
    assert person.political_theory == "Trung cấp"


def test_a_step_dated_before_2013_still_gives_a_due_date(world):
    from personnel.selectors import next_raise_of

    person = make_servant(world.unit_a1, step=9, step_date=date(2011, 9, 1))
    assert next_raise_of(person).due.kind == "excess"
