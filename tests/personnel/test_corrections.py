"""A correction corrects: the salary row or assignment the event opened, the current fields and
everything read from them (header, salary tab, Mẫu 2C, next raise), with the old values in the
history."""
from datetime import date

import pytest
from django.urls import reverse

from core import audit
from personnel.models import CareerEvent, SalaryRecord
from personnel.resume import resume_context
from personnel.selectors import next_raise_of
from personnel.services.servants import servant_assign, servant_set_salary
from positions.models import Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def _item(context, label: str) -> str:
    return next(f.value for line in context["items"] for f in line.fields
                if f.label.startswith(label))


@pytest.fixture
def step_nine(world):
    """Step 7 since 01/01/2020; the raise of 01/01/2023 was typed in as step 9 instead of 8."""
    person = make_servant(world.unit_a1, step=7, step_date=date(2020, 1, 1))
    servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"), step=9,
                       start_date=date(2023, 1, 1), kind=SalaryRecord.Kind.IMPORTED)
    person.refresh_from_db()
    return person


def _correct_url(person, event):
    return reverse("personnel:event_correct", kwargs={"pk": person.pk, "event_pk": event.pk})


def test_the_form_shows_the_salary_fields_filled_with_the_current_values(
    client, officer_a, step_nine):
    event = step_nine.events.get(kind=CareerEvent.Kind.SALARY_STEP)
    client.force_login(officer_a)
    form = client.get(_correct_url(step_nine, event)).context["form"]
    assert {"rank", "step", "coefficient", "excess_percent"} <= set(form.fields)
    assert "unit" not in form.fields
    assert form.initial["step"] == 9 and str(form.initial["coefficient"]) == "4.98"


def test_correcting_step_nine_to_eight_changes_it_everywhere(client, officer_a, step_nine):
    person, event = step_nine, step_nine.events.get(kind=CareerEvent.Kind.SALARY_STEP)
    assert person.salary_step == 9 and next_raise_of(person).due.kind == "excess"
    client.force_login(officer_a)
    response = client.post(_correct_url(person, event), {
        "effective_date": "01/01/2023", "summary": event.summary, "rank": person.rank_id, "step": 8,
        "coefficient": "4.98", "excess_percent": "0",
        "reason": "Nhập nhầm bậc 9, quyết định ghi bậc 8"})
    assert response.status_code == 302
    person.refresh_from_db()
    # The header card and Mẫu 2C item 14 read the current fields; the coefficient comes from the
    # table.
    assert (person.salary_step, str(person.salary_coefficient)) == (8, "4.65")
    page = client.get(person.get_absolute_url())
    assert [r.step for r in page.context["salary_records"]] == [8, 7]
    assert page.context["servant"].salary_step == 8
    context = resume_context(person, private=True)
    assert _item(context, "Bậc lương") == "8" and _item(context, "Hệ số") == "4,65"
    assert context["salary_history"].rows[-1][1] == "01.003/8"
    due = next_raise_of(person).due
    assert (due.kind, due.next_step, due.due_date) == ("regular", 9, date(2026, 1, 1))
    # The original stays in the timeline, marked corrected; the new version says step 8.
    timeline = {entry.event.pk: entry for entry in page.context["timeline"]}
    assert timeline[event.pk].superseded
    assert "8" in event.corrections.get().summary
    entry = audit.history_for(person).filter(action="correct").get()
    assert entry.changes["salary_step"] == [9, 8]
    assert entry.changes["salary_coefficient"] == ["4.98", "4.65"]
    assert entry.reason == "Nhập nhầm bậc 9, quyết định ghi bậc 8"


def test_correcting_an_old_row_leaves_the_current_step_alone(officer_a, world):
    from personnel.services.servants import event_correct

    person = make_servant(world.unit_a1, step=2, step_date=date(2017, 1, 1))
    rank = Rank.objects.get(code="01.003")
    wrong = servant_set_salary(actor=None, servant=person, rank=rank, step=4,
                               start_date=date(2020, 1, 1), kind=SalaryRecord.Kind.IMPORTED)
    servant_set_salary(actor=None, servant=person, rank=rank, step=4, start_date=date(2023, 1, 1),
                       kind=SalaryRecord.Kind.IMPORTED)
    event_correct(actor=officer_a, event=wrong.event, reason="Bậc 3, không phải 4", step=3)
    person.refresh_from_db()
    assert person.salary_step == 4
    steps = person.salary_records.order_by("start_date").values_list("step", flat=True)
    assert list(steps) == [2, 3, 4]


def test_correcting_a_transfer_moves_the_person_to_the_right_unit(client, officer_a, world):
    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    assignment = servant_assign(actor=None, servant=person, start_date=date(2025, 8, 1),
                                unit=world.unit_a1, title="Chuyên viên")
    client.force_login(officer_a)
    url = _correct_url(person, assignment.event)
    assert client.get(url).context["form"].initial["unit"] == world.unit_a1
    response = client.post(url, {"effective_date": "01/08/2025", "unit": world.unit_a.pk,
                                 "title": "Phó Giám đốc Sở", "reason": "Sai đơn vị"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.unit, person.title,
            person.leadership) == (world.unit_a, "Phó Giám đốc Sở", "deputy")
    entry = audit.history_for(person).filter(action="correct").get()
    assert entry.changes["unit"] == [world.unit_a1.pk, world.unit_a.pk]


def test_a_unit_outside_the_officers_scope_is_refused_and_nothing_changes(client, officer_a, world):
    from django.core.exceptions import ValidationError

    from personnel.services.servants import event_correct

    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    assignment = servant_assign(actor=None, servant=person, start_date=date(2025, 8, 1),
                                unit=world.unit_a1)
    client.force_login(officer_a)
    response = client.post(_correct_url(person, assignment.event), {
        "effective_date": "01/08/2025", "unit": world.unit_b.pk, "title": "",
        "reason": "Sai đơn vị"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    with pytest.raises(ValidationError) as refused:
        event_correct(actor=officer_a, event=assignment.event, reason="Sai đơn vị",
                      unit=world.unit_b)
    assert "unit" in refused.value.message_dict
    person.refresh_from_db()
    assignment.refresh_from_db()
    assert person.unit == world.unit_a1 and assignment.unit == world.unit_a1
    assert not assignment.event.corrections.exists()
    assert not audit.history_for(person).filter(action="correct").exists()


def test_a_unit_that_did_not_exist_on_the_date_is_refused(world):
    from django.core.exceptions import ValidationError

    from personnel.services.servants import event_correct
    from tests.factories import make_unit

    later = make_unit("Phòng mới", parent=world.unit_a, valid_from=date(2026, 1, 1))
    person = make_servant(world.unit_a1, recruitment_date=date(2015, 3, 1))
    assignment = servant_assign(actor=None, servant=person, start_date=date(2025, 8, 1),
                                unit=world.unit_a1)
    with pytest.raises(ValidationError):
        event_correct(actor=None, event=assignment.event, reason="Sai đơn vị", unit=later)
    assert person.assignments.get(pk=assignment.pk).unit == world.unit_a1
