"""The salary form proposes the raise that is due and the service refuses what the raise rules do
not allow (TT 08/2013/TT-BNV as amended by TT 03/2021/TT-BNV); a step decided ahead is not
current."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from personnel import tasks
from personnel.models import SalaryRecord
from personnel.resume import resume_context
from personnel.services.servants import salary_roll_forward, servant_set_salary
from positions.models import Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist():
    return Rank.objects.get(code="01.003")  # chuyên viên, A1: a raise every 36 months


def _raise(person, rank, step, day, kind=SalaryRecord.Kind.REGULAR, **extra):
    return servant_set_salary(actor=None, servant=person, rank=rank, step=step, start_date=day,
                              kind=kind, **extra)


def test_the_form_proposes_the_next_step_on_its_due_date(client, officer_a, world):
    person = make_servant(world.unit_a1, step=3, step_date=date(2024, 1, 1))
    client.force_login(officer_a)
    form = client.get(reverse("personnel:servant_salary", kwargs={"pk": person.pk})).context["form"]
    initial = form.initial
    assert (initial["step"], initial["start_date"], initial["kind"]) == (
        4, date(2027, 1, 1), "regular")


def test_a_skipped_step_is_refused_naming_the_expected_one(client, officer_a, world, specialist):
    person = make_servant(world.unit_a1, step=7, step_date=date(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        _raise(person, specialist, 9, date(2023, 1, 1))
    assert "8" in refused.value.message_dict["step"][0]
    client.force_login(officer_a)
    response = client.post(reverse("personnel:servant_salary", kwargs={"pk": person.pk}), {
        "rank": specialist.pk, "step": 9, "kind": "regular", "start_date": "01/01/2023"})
    assert response.status_code == 200
    assert "8" in response.context["form"].errors["step"][0]
    person.refresh_from_db()
    assert person.salary_step == 7 and person.salary_records.count() == 1


def test_a_lower_step_is_refused(world, specialist):
    person = make_servant(world.unit_a1, step=7, step_date=date(2020, 1, 1))
    with pytest.raises(ValidationError):
        _raise(person, specialist, 6, date(2023, 1, 1))


def test_a_regular_raise_before_its_due_date_is_refused_an_early_one_may_be_a_year_early(
    world, specialist):
    # step 4 due 01/01/2023
    person = make_servant(world.unit_a1, step=3, step_date=date(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        _raise(person, specialist, 4, date(2022, 6, 1))
    assert "01/01/2023" in refused.value.message_dict["start_date"][0]
    with pytest.raises(ValidationError):
        # 13 months early
        _raise(person, specialist, 4, date(2021, 12, 1), kind=SalaryRecord.Kind.EARLY)
    _raise(person, specialist, 4, date(2022, 1, 1), kind=SalaryRecord.Kind.EARLY)
    person.refresh_from_db()
    assert person.salary_step == 4 and person.salary_step_date == date(2022, 1, 1)


def test_a_promotion_may_change_rank_and_step(world, specialist):
    person = make_servant(world.unit_a1, step=5, step_date=date(2022, 1, 1))  # 3.66
    principal = Rank.objects.get(code="01.002")
    # 4.40 is the nearest coefficient at or above 3.66
    with pytest.raises(ValidationError) as refused:
        _raise(person, principal, 3, date(2023, 6, 1), kind=SalaryRecord.Kind.RANK_CHANGE)
    assert "1" in refused.value.message_dict["step"][0]
    _raise(person, principal, 1, date(2023, 6, 1), kind=SalaryRecord.Kind.RANK_CHANGE)
    person.refresh_from_db()
    assert (person.rank, person.salary_step) == (principal, 1)
    with pytest.raises(ValidationError):  # a new rank is a rank change, not a regular raise
        _raise(person, specialist, 6, date(2025, 1, 1))


def test_a_step_decided_ahead_is_not_the_current_one_until_its_date(
    client, officer_a, world, specialist):
    today = timezone.localdate()
    since = add_months(today, -36) + timedelta(days=20)  # the raise is due 20 days from today
    person = make_servant(world.unit_a1, step=3, step_date=since)
    due = add_months(since, 36)
    _raise(person, specialist, 4, due, decision=_decision())
    person.refresh_from_db()
    assert (person.salary_step, person.salary_step_date) == (3, since)
    assert _item(resume_context(person, private=True), "Bậc lương") == "3"
    client.force_login(officer_a)
    page = client.get(person.get_absolute_url())
    assert page.context["servant"].salary_step == 3  # the header
    # the salary tab lists the decided row
    assert [r.step for r in page.context["salary_records"]] == [4, 3]
    assert "Đã quyết định, chưa có hiệu lực" in page.content.decode()
    assert salary_roll_forward(on=due - timedelta(days=1)) == 0
    assert tasks.salary_roll_forward.apply(args=[due.isoformat()]).get() == 1  # the nightly task
    person.refresh_from_db()
    assert (person.salary_step, person.salary_step_date) == (4, due)
    assert _item(resume_context(person, private=True), "Bậc lương") == "4"
    assert salary_roll_forward(on=due) == 0  # safe to run twice


def _decision():
    from personnel.services.servants import Decision

    return Decision("15/QĐ-SNV", timezone.localdate(), "Giám đốc Sở Nội vụ")


def _item(context, label: str) -> str:
    return next(f.value for line in context["items"] for f in line.fields
                if f.label.startswith(label))


def test_importing_a_row_decided_ahead_twice_adds_it_once(world, specialist):
    since = add_months(timezone.localdate(), -36) + timedelta(days=20)
    person = make_servant(world.unit_a1, step=3, step_date=since)
    due = add_months(since, 36)
    first = _raise(person, specialist, 4, due, kind=SalaryRecord.Kind.IMPORTED)
    assert _raise(person, specialist, 4, due, kind=SalaryRecord.Kind.IMPORTED) == first
    assert person.salary_records.count() == 2


def test_leaving_before_a_step_decided_ahead_is_refused_until_the_decision_is_corrected(
    world, specialist):
    from personnel.models import CareerEvent
    from personnel.services.servants import servant_leave

    today = timezone.localdate()
    since = add_months(today, -36) + timedelta(days=20)
    person = make_servant(world.unit_a1, step=3, step_date=since)
    due = add_months(since, 36)
    _raise(person, specialist, 4, due, decision=_decision())
    with pytest.raises(ValidationError, match=due.strftime("%d/%m/%Y")):
        servant_leave(actor=None, servant=person, kind=CareerEvent.Kind.RESIGNED, last_day=today)
    person.refresh_from_db()
    assert person.status == "active"
    # Leaving after the step took effect closes the rows as of the last day.
    servant_leave(actor=None, servant=person, kind=CareerEvent.Kind.RESIGNED,
                  last_day=due + timedelta(days=10))
    rows = list(person.salary_records.order_by("start_date").values_list("step", "end_date"))
    assert rows == [(3, due - timedelta(days=1)), (4, due + timedelta(days=10))]
