"""personnel_notices: retirement notices and decisions, raises and contract ends due, told to the
HR officers of the person's unit, in Công vụ and by e-mail, once."""
import json
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from core.models import Notification
from personnel.models import CareerEvent, Contract
from personnel.services.servants import event_record
from tests.factories import make_servant

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 15)
KEYS = {"date", "retirement_6_months", "retirement_3_months", "raises_due", "contracts_expiring", "notified",
        "emailed"}


def run(capsys, day=TODAY) -> dict:
    call_command("personnel_notices", "--date", day.isoformat(), "--json")
    return json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(world):
    return {
        # Retires 30/06/2026: within 3 months of the end of July, so both the notice and the decision.
        "soon": make_servant(world.unit_a1, code="R1", full_name="Lê Văn Sớm", date_of_birth=date(1964, 12, 5),
                             step_date=date(2025, 1, 1)),
        # Retires 30/09/2026: the notice only (6 months ahead).
        "later": make_servant(world.unit_a1, code="R2", full_name="Nguyễn Văn Nam", date_of_birth=date(1965, 3, 10),
                              step_date=date(2025, 1, 1)),
        # Retires 30/11/2026: nothing yet on 15/04/2026.
        "not_yet": make_servant(world.unit_a1, code="R3", full_name="Trần Thị Nữ", sex="female",
                                date_of_birth=date(1969, 11, 2), step_date=date(2025, 1, 1)),
        # Step 3 since 01/05/2023, 36 months: step 4 due 01/05/2026.
        "raise": make_servant(world.unit_b, code="S1", full_name="Phạm Văn Lương", step=3,
                              step_date=date(2023, 5, 1)),
        # Due 01/01/2027: not within 30 days.
        "raise_later": make_servant(world.unit_b, code="S2", full_name="Đỗ Văn Chờ", step=3,
                                    step_date=date(2024, 1, 1)),
    }


@pytest.fixture
def contracts(world, people):
    ending = Contract.objects.create(servant=people["not_yet"], kind=Contract.Kind.FIXED_TERM, number="HĐ-01",
                                     start_date=date(2023, 6, 1), end_date=date(2026, 6, 1))
    Contract.objects.create(servant=people["raise_later"], kind=Contract.Kind.FIXED_TERM, number="HĐ-02",
                            start_date=date(2023, 8, 1), end_date=date(2026, 8, 1))
    return ending


def test_the_json_document_has_the_documented_keys(world, capsys):
    document = run(capsys)
    assert set(document) == KEYS and document["date"] == "2026-04-15"


def test_each_due_fact_is_counted_in_its_window(people, contracts, officer_a, officer_b, capsys):
    document = run(capsys)
    assert document["retirement_6_months"] == 2 and document["retirement_3_months"] == 1
    assert document["raises_due"] == 1 and document["contracts_expiring"] == 1


def test_the_officers_of_the_unit_are_told_and_emailed_once(people, contracts, officer_a, officer_b,
                                                            provincial_hr, capsys):
    first = run(capsys)
    # A1 (officer_a, provincial HR): 2 notices + 1 decision + 1 contract; B (officer_b, provincial HR): 1 raise.
    assert set(Notification.objects.filter(recipient=officer_a).values_list("kind", flat=True)) == {
        "retirement_notice", "retirement_decision", "contract_expiring"}
    assert Notification.objects.filter(recipient=officer_a).count() == 4
    assert list(Notification.objects.filter(recipient=officer_b).values_list("kind", flat=True)) == ["raise_due"]
    assert Notification.objects.filter(recipient=provincial_hr).count() == 5
    assert first["notified"] == 10 and first["emailed"] == 3
    to_a = next(m for m in mail.outbox if m.to == [officer_a.email])
    assert "Lê Văn Sớm" in to_a.body and "30/06/2026" in to_a.body and "Phạm Văn Lương" not in to_a.body
    to_b = next(m for m in mail.outbox if m.to == [officer_b.email])
    assert "Phạm Văn Lương" in to_b.body and "01/05/2026" in to_b.body

    second = run(capsys)
    assert second["notified"] == 0 and second["emailed"] == 0 and len(mail.outbox) == 3
    # The next day nothing new is due either; the same facts are not told again.
    assert run(capsys, date(2026, 4, 16))["notified"] == 0


def test_an_officer_of_another_unit_hears_nothing(people, officer_b, capsys):
    run(capsys)
    assert not Notification.objects.filter(recipient=officer_b, body__contains="Lê Văn Sớm").exists()
    assert not Notification.objects.filter(recipient=officer_b, kind__startswith="retirement").exists()


def test_a_notice_on_record_is_not_asked_for_again(people, officer_a, capsys):
    event_record(actor=None, servant=people["later"], kind=CareerEvent.Kind.RETIREMENT_NOTICE,
                 effective_date=date(2026, 3, 31), summary="Thông báo nghỉ hưu")
    document = run(capsys)
    assert document["retirement_6_months"] == 1
    titles = list(Notification.objects.filter(recipient=officer_a).values_list("title", flat=True))
    assert not any("Nguyễn Văn Nam" in t for t in titles)


def test_the_beat_schedule_runs_the_task_daily(settings):
    from personnel.tasks import send_notices

    entry = settings.CELERY_BEAT_SCHEDULE["personnel-notices"]
    assert entry["task"] == send_notices.name


def test_the_task_runs_the_same_job(people, officer_a):
    from personnel.tasks import send_notices

    result = send_notices.apply(kwargs={"day": TODAY.isoformat()}).get()
    assert result["date"] == "2026-04-15" and result["notified"] == 3  # 2 notices and 1 decision in A1
