"""Score sheets are written whole or not at all: round-2 marks and round-1 counts go to one batch
service each, every bad cell is reported by row and column, and one mark stays current per paper,
component and marker even when two clerks enter it at once."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.models import AuditEntry
from recruitment import services
from recruitment.models import Mark, RecruitmentRound, Round1Score
from recruitment.services import MarkEntry, Round1Entry
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(world):
    """A written-and-interview round of unit A with two numbered candidates."""
    round_ = make_round(
        world.unit_a, code="TD-S", round2_form=RecruitmentRound.Round2Form.WRITTEN_INTERVIEW,
        written_weight=70, interview_weight=30,
    )
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên", quota=1, unit=world.unit_a1
    )
    first = make_application(vacancy, full_name="Lê Văn Một", eligible=True)
    second = make_application(vacancy, full_name="Lê Văn Hai", eligible=True)
    services.numbers_assign(actor=None, round_=round_, prefix="TD")
    first.refresh_from_db()
    second.refresh_from_db()
    return round_, first, second


def test_a_marks_batch_with_a_bad_cell_saves_nothing_and_names_every_bad_cell(officer_a, sheet):
    round_, first, second = sheet
    entries = [
        MarkEntry(first, "written", 1, Decimal(80)), MarkEntry(first, "written", 2, Decimal(120)),
        MarkEntry(second, "interview", 1, Decimal(-1)),
    ]
    with pytest.raises(ValidationError) as refused:
        services.marks_enter(actor=officer_a, round_=round_, entries=entries)
    messages = refused.value.messages
    assert len(messages) == 2
    assert any(first.number in m and "100" in m for m in messages)
    assert any(second.number in m for m in messages)
    assert not Mark.objects.exists() and not AuditEntry.objects.filter(action="mark").exists()


def test_a_new_mark_supersedes_the_current_one_with_its_audit_entry(officer_a, sheet):
    round_, first, _second = sheet
    services.marks_enter(
        actor=officer_a, round_=round_, entries=[MarkEntry(first, "written", 1, Decimal(60))]
    )
    services.marks_enter(
        actor=officer_a, round_=round_, entries=[MarkEntry(first, "written", 1, Decimal(65))]
    )
    assert list(first.marks.values_list("score", "replaced").order_by("entered_at", "pk")) == [
        (Decimal(60), True),
        (Decimal(65), False),
    ]
    assert AuditEntry.objects.filter(action="mark").latest("timestamp").changes == {
        "written#1": ["60.00", "65"]
    }


def test_the_database_refuses_a_second_current_mark(sheet):
    _round, first, _second = sheet
    Mark.objects.create(application=first, component="written", marker=1, score=Decimal(70))
    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.create(application=first, component="written", marker=1, score=Decimal(75))
    Mark.objects.create(
        application=first, component="written", marker=1, score=Decimal(75), replaced=True
    )
    assert first.marks.filter(replaced=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_mark_entries_leave_one_current_mark(officer_a, sheet):
    """Two clerks save the same paper at the same moment, each on its own connection: the
    application lock serialises them (PostgreSQL) or the database refuses one (SQLite's single
    writer); either way one mark is current and nothing else is lost."""
    round_, first, _second = sheet
    start, saved, refused = threading.Barrier(2), [], []

    def clerk(score):
        try:
            start.wait()
            services.marks_enter(
                actor=officer_a, round_=round_,
                entries=[MarkEntry(first, "written", 1, Decimal(score))],
            )
            saved.append(score)
        except Exception as exc:  # noqa: BLE001
            # the refused clerk is counted, not raised in a thread
            refused.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(score,)) for score in (70, 90)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert saved and len(saved) + len(refused) == 2
    current = list(
        Mark.objects.filter(application=first, component="written", marker=1, replaced=False)
    )
    assert len(current) == 1 and current[0].score in {Decimal(s) for s in saved}
    assert Mark.objects.filter(application=first).count() == len(saved)


def test_the_marks_page_saves_nothing_when_a_cell_is_bad_and_shows_every_bad_cell(
    client, officer_a, sheet
):
    round_, first, second = sheet
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:marks", args=[round_.pk]),
        {
            f"m-{first.pk}-written-1": "80", f"m-{first.pk}-written-2": "120",
            f"m-{second.pk}-interview-1": "tám", f"m-{second.pk}-written-1": "70,5",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Mark.objects.exists()
    assert 'data-testid="sheet-errors"' in page and page.count('aria-invalid="true"') == 2
    summary = page.split('data-testid="sheet-errors"')[1].split("</div>")[0]
    assert (
        f"{first.number} · Thi viết (người chấm 2)" in summary and f"{second.number} · " in summary
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]
    assert 'value="tám"' in page  # what was typed stays in its cell, to be corrected


def test_the_marks_page_saves_a_good_sheet_in_one_go(client, officer_a, sheet):
    round_, first, second = sheet
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:marks", args=[round_.pk]),
        {
            f"m-{first.pk}-written-1": "80", f"m-{first.pk}-written-2": "62,5",
            f"m-{second.pk}-interview-1": "90",
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] in (
        ["3 marks saved."],
        ["Đã lưu 3 điểm."],
    )
    assert sorted(Mark.objects.values_list("score", flat=True)) == [
        Decimal("62.5"), Decimal(80), Decimal(90),
    ]


def test_a_round1_batch_with_a_bad_cell_saves_nothing(officer_a, sheet):
    round_, first, second = sheet
    entries = [Round1Entry(first, "general", 40), Round1Entry(second, "general", 61)]
    with pytest.raises(ValidationError) as refused:
        services.round1_scores_enter(actor=officer_a, round_=round_, entries=entries)
    assert len(refused.value.messages) == 1 and second.number in refused.value.messages[0]
    assert not Round1Score.objects.exists()
    assert services.round1_scores_enter(actor=officer_a, round_=round_, entries=entries[:1]) == 1
    assert first.round1_scores.get().questions == 60  # the part's length under the round's rule set


def test_the_round1_page_saves_nothing_when_a_cell_is_bad(client, officer_a, sheet):
    round_, first, second = sheet
    client.force_login(officer_a)
    url = reverse("recruitment:round1", args=[round_.pk])
    response = client.post(url, {f"r1-{first.pk}-general": "40", f"r1-{second.pk}-general": "61"})
    page = response.content.decode()
    assert response.status_code == 200 and not Round1Score.objects.exists()
    assert 'data-testid="sheet-errors"' in page and page.count('aria-invalid="true"') == 1
    client.post(url, {f"r1-{first.pk}-general": "40", f"r1-{second.pk}-general": "20"})
    assert dict(Round1Score.objects.values_list("application_id", "correct")) == {
        first.pk: 40,
        second.pk: 20,
    }


def test_a_mark_for_a_candidate_of_another_round_is_refused(officer_a, sheet, world):
    round_, first, _second = sheet
    other = make_round(world.unit_a, code="TD-O")
    with pytest.raises(ValidationError):
        services.marks_enter(
            actor=officer_a, round_=other, entries=[MarkEntry(first, "written", 1, Decimal(50))]
        )
    assert not Mark.objects.exists()
