"""Overdue steps of an approval dossier (ND 361/2025 Art. 5), decided by positions.selectors on a
frozen clock, and shown on the dossier's page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from positions import selectors, services

pytestmark = pytest.mark.django_db


def _on(time_machine, day: date) -> date:
    time_machine.move_to(
        datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    )
    return timezone.localdate()


@pytest.fixture
def dossier(world):
    services.position_create(actor=None, unit=world.unit_a1, code="VT-1", title="Chuyên viên")
    return services.dossier_create(actor=None, unit=world.unit_a1, title="Đề án 2026")


def _overdue(dossier, time_machine, day: date) -> set[str]:
    dossier.refresh_from_db()
    today = _on(time_machine, day)
    return {
        key
        for key, late in selectors.dossier_schedule(dossier, today=today).overdue.items()
        if late
    }


def test_a_draft_is_late_only_against_the_legal_approval_date(dossier, time_machine):
    assert _overdue(dossier, time_machine, date(2026, 6, 30)) == set()
    assert _overdue(dossier, time_machine, date(2026, 7, 2)) == {"approval_by_law"}


def test_a_submitted_dossier_waits_three_days_for_a_completion_request(dossier, time_machine):
    services.dossier_transition(
        actor=None, dossier=dossier, action="submit", on=date(2026, 3, 6)
    )  # a Friday
    # Due on Wednesday 11/3 (three working days): late from the day after, not on the day itself.
    assert _overdue(dossier, time_machine, date(2026, 3, 11)) == set()
    assert _overdue(dossier, time_machine, date(2026, 3, 12)) == {"completion_request"}
    # Appraisal due 17/4 (thirty working days).
    assert _overdue(dossier, time_machine, date(2026, 4, 20)) == {"completion_request", "appraisal"}


def test_an_appraised_dossier_is_late_only_for_its_decision(dossier, time_machine):
    services.dossier_transition(actor=None, dossier=dossier, action="submit", on=date(2026, 3, 6))
    services.dossier_transition(
        actor=None, dossier=dossier, action="appraise", on=date(2026, 4, 10)
    )
    # The decision is due ten working days after the appraisal report: 24/4.
    assert _overdue(dossier, time_machine, date(2026, 4, 24)) == set()
    assert _overdue(dossier, time_machine, date(2026, 4, 27)) == {"decision"}


def test_an_approved_dossier_is_never_late(dossier, time_machine):
    services.dossier_transition(actor=None, dossier=dossier, action="submit", on=date(2026, 3, 6))
    services.dossier_transition(
        actor=None, dossier=dossier, action="appraise", on=date(2026, 4, 10)
    )
    services.dossier_transition(
        actor=None,
        dossier=dossier,
        action="approve",
        on=date(2026, 5, 20),
        decision_number="45/QĐ-UBND",
    )
    assert _overdue(dossier, time_machine, date(2027, 1, 4)) == set()


def test_the_page_marks_what_the_selector_finds_overdue(client, dossier, officer_a, time_machine):
    _on(time_machine, date(2026, 7, 2))
    client.force_login(officer_a)  # after the move: a session opened months earlier has expired
    response = client.get(dossier.get_absolute_url())
    assert response.context["overdue"]["approval_by_law"]
    assert "badge text-bg-danger" in response.content.decode()
    _on(time_machine, date(2026, 6, 30))
    response = client.get(dossier.get_absolute_url())
    assert not any(response.context["overdue"].values())
    assert "badge text-bg-danger" not in response.content.decode()
