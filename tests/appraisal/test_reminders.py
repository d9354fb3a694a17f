"""Reminders before each period closes: one e-mail to each person with an account whose self-score
is missing or who has products due, one to each unit head with products awaiting review; sent
once per cycle, period and address however often the command or the beat task runs."""
import io
import json
from contextlib import redirect_stdout
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from appraisal import ledger, services
from appraisal.models import Appraisal, Reminder
from appraisal.reminders import reminders_send
from appraisal.tasks import send_reminders
from personnel.models import CivilServant
from positions.services import position_create
from tests.factories import VIEW, UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db
DAY = date(2026, 5, 28)  # May ends in 3 days


def with_account(servant, email="", account_email=None):
    user = UserFactory(username=servant.code.lower(), role="civil_servant",
                       email=f"{servant.code.lower()}@example.gov.vn" if account_email is None
                           else account_email)
    CivilServant.objects.filter(pk=servant.pk).update(account=user, email=email)
    return servant


@pytest.fixture
def year(world, viewer_a):
    people = {
        "an": with_account(make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")),
        "binh": with_account(make_servant(world.unit_a1, code="A-02", full_name="Lê Thị Bình",
                                          sex="female")),
        "chi": with_account(make_servant(world.unit_a1, code="A-03", full_name="Phạm Minh Chí")),
        "dung": with_account(make_servant(world.unit_a1, code="A-04", full_name="Hoàng Văn Dũng"),
                             email="dung.ca.nhan@example.vn", account_email=""),
        "em": with_account(make_servant(world.unit_a1, code="A-05", full_name="Vũ Thị Em",
                                        sex="female"),
                           account_email=""),
        # no account
        "giang": make_servant(world.unit_a1, code="A-06", full_name="Trịnh Văn Giang"),
        "vien": with_account(make_servant(world.unit_a, code="A-VC", full_name="Đỗ Thị Viên",
                                          sex="female", category="public_employee")),
    }
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    appraisals = {a.servant.code: a for a in Appraisal.objects.select_related("servant")}
    for code in ("A-02", "A-03"):
        services.period_self_score(actor=None, appraisal=appraisals[code], period=5,
                                   general_self=Decimal(27))
    position = position_create(actor=None, unit=world.unit_a1, code="VT-1", title="Chuyên viên")
    item = ledger.work_item_save(actor=None, position=position, code="TT", name="Tờ trình",
                                 output_unit="văn bản", coefficient=Decimal(1))
    ledger.work_assign(actor=None, appraisal=appraisals["A-02"], item=item,
                       due_date=date(2026, 5, 29), title="Tờ trình kế hoạch tuyển dụng")
    waiting = ledger.work_assign(actor=None, appraisal=appraisals["A-03"], item=item,
                                 due_date=date(2026, 4, 30))
    ledger.work_report(actor=None, assignment=waiting, completed=Decimal(1),
                       completed_on=date(2026, 4, 29), link="https://vanban.example.gov.vn/7")
    return cycle, people


def run(*args) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            call_command("appraisal_reminders", *args, "--json")
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def test_each_person_and_unit_head_gets_one_email_in_the_last_days_of_the_period(
    year, viewer_a, officer_b, world):
    # nothing waits in B
    grant(UserFactory(username="truong.b", role="unit_head"), world.unit_b, VIEW)
    document, code = run("--date", "2026-05-28")
    assert code == 0 and document == {"date": "2026-05-28", "sent": 4, "skipped": 1}
    to = {m.to[0]: m for m in mail.outbox}
    # An: no self-score. Bình: self-scored, a product due on 29/05. Dũng: his record's address (the
    # account has none). Em: no address at all (skipped). Chí: self-scored, nothing due. Giang: no
    # account. Viên: ND 90, no period scores.
    assert set(to) == {"a-01@example.gov.vn", "a-02@example.gov.vn", "dung.ca.nhan@example.vn",
                       viewer_a.email}
    an, binh, head = to["a-01@example.gov.vn"], to["a-02@example.gov.vn"], to[viewer_a.email]
    assert "Tháng 5" in an.subject and "31/05/2026" in an.subject
    assert "Nguyễn Văn An" in an.body and "tự chấm điểm" in an.body
    assert "Tờ trình kế hoạch tuyển dụng" in binh.body and "29/05/2026" in binh.body
    assert "tự chấm điểm" not in binh.body
    assert "Phòng Công chức, viên chức: 1" in head.body
    assert "/appraisal/ledger/?status=reported" in head.body
    assert Reminder.objects.count() == 4


def test_running_again_sends_nothing_more(year):
    assert run("--date", "28/05/2026")[0]["sent"] == 4
    mail.outbox.clear()
    document, _code = run("--date", "2026-05-29")
    assert (document["sent"], document["skipped"]) == (0, 5) and mail.outbox == []
    assert send_reminders.delay("2026-05-30").get() == {"date": "2026-05-30", "sent": 0,
                                                        "skipped": 5}


def test_nothing_is_sent_before_the_last_days_nor_for_a_closed_year(year):
    cycle, _people = year
    assert run("--date", "2026-05-27")[0] == {"date": "2026-05-27", "sent": 0, "skipped": 0}
    assert run("--date", "2026-05-20", "--days", "11")[0]["sent"] == 4
    mail.outbox.clear()
    Reminder.objects.all().delete()
    services.cycle_close(actor=None, cycle=cycle)
    assert reminders_send(today=DAY)["sent"] == 0 and mail.outbox == []


def test_the_next_period_is_reminded_again(year):
    run("--date", "2026-05-28")
    mail.outbox.clear()
    document, _code = run("--date", "2026-06-30", "--days", "0")
    # June: nobody has self-scored; the product awaiting review still waits.
    assert document["sent"] == 5 and {r.period for r in Reminder.objects.all()} == {5, 6}


def test_a_mail_server_that_refuses_leaves_no_record_so_the_next_run_tries_again(year, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert reminders_send(today=DAY) == {"date": DAY, "sent": 0, "skipped": 5}
    assert Reminder.objects.count() == 0
    monkeypatch.undo()
    assert reminders_send(today=DAY)["sent"] == 4


def test_a_bad_option_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("appraisal_reminders", "--date", "31/02/2026")
    with pytest.raises(CommandError):
        call_command("appraisal_reminders", "--days", "-1")


def test_the_beat_runs_the_reminders_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["appraisal-reminders"]
    assert entry["task"] == send_reminders.name == "appraisal.tasks.send_reminders"
    assert entry["schedule"].hour == {7} and entry["schedule"].day_of_week == set(range(7))
