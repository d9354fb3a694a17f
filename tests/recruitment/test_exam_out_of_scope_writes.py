"""Crafted POSTs to another round's exam screens (issue 14): an exam-board member granted round A
(with the edit grant) and the HR officer of A's unit post to round B's bank, question, session,
console and marking screens. Each answers 404 (B's objects are not theirs to see) and nothing of
B changes; a form that names B's round or bank is refused the same way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from recruitment import services as recruitment_services
from recruitment.exam import services
from recruitment.models import Attempt, Blueprint, ExamEvent, ExamSession, Question
from tests.factories import UserFactory, make_round
from tests.recruitment.test_exam_runtime import make_bank, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(world):
    round_a = make_round(world.unit_a1, code="TD-A", status="exams")
    round_b = make_round(world.unit_b, code="TD-B", status="exams")
    session_a, _seated = make_session(make_bank(4, code="BANK-A"), count=2, candidates=1)
    ExamSession.objects.filter(pk=session_a.pk).update(round=round_a)
    session_b, [(attempt_b, _password)] = make_session(
        make_bank(4, code="BANK-B"), count=2, candidates=1
    )
    ExamSession.objects.filter(pk=session_b.pk).update(round=round_b)
    session_b.refresh_from_db()
    member = UserFactory(username="hd_a", role="exam_board")
    recruitment_services.board_grant(actor=None, round_=round_a, user=member, edit_questions=True)
    return {
        "round_b": round_b,
        "session_b": session_b,
        "attempt_b": attempt_b,
        "member": member,
        "question_b": Question.objects.filter(bank__code="BANK-B").first(),
    }


def _state(rounds) -> tuple:
    """Everything of round B a write could touch."""
    session = ExamSession.objects.get(pk=rounds["session_b"].pk)
    attempt = Attempt.objects.get(pk=rounds["attempt_b"].pk)
    questions = list(
        Question.objects.filter(bank__code="BANK-B").values_list("pk", "version", "status", "text")
    )
    return (
        session.status,
        session.rule_set,
        attempt.status,
        attempt.readmit,
        attempt.extra_minutes,
        attempt.scores,
        questions,
        ExamEvent.objects.filter(session=session).count(),
        AuditEntry.objects.count(),
        ExamSession.objects.count(),
        Blueprint.objects.count(),
    )


def _posts(rounds) -> list[tuple[str, dict]]:
    session, attempt, question = rounds["session_b"], rounds["attempt_b"], rounds["question_b"]
    on_session = {"pk": session.pk}
    return [
        (
            reverse("recruitment:question_detail", kwargs={"pk": question.pk}),
            {
                "kind": "single",
                "text": "Đã sửa?",
                "option_a": "X",
                "option_b": "Y",
                "correct": "0",
                "difficulty": "medium",
            },
        ),
        (
            reverse("recruitment:question_status", kwargs={"pk": question.pk, "action": "retire"}),
            {},
        ),
        (
            reverse("recruitment:bank_detail", kwargs={"pk": question.bank_id}),
            {"question": [question.pk]},
        ),
        (reverse("recruitment:session_seat", kwargs=on_session), {}),
        (reverse("recruitment:session_papers", kwargs=on_session), {}),
        (reverse("recruitment:session_passwords", kwargs=on_session), {}),
        (reverse("recruitment:session_incident", kwargs=on_session), {"note": "Mất điện"}),
        (reverse("recruitment:session_unlock", kwargs=on_session), {"number": attempt.number}),
        (reverse("recruitment:analysis", kwargs=on_session), {}),
        (reverse("recruitment:session_marking", kwargs=on_session), {"negative_marking": "on"}),
        (
            reverse("recruitment:session_essays", kwargs=on_session),
            {"number": attempt.number, "n": 1, "mark": "1"},
        ),
        (
            reverse("recruitment:attempt_action", kwargs={"pk": attempt.pk, "action": "readmit"}),
            {"reason": "x"},
        ),
        (reverse("recruitment:attempt_action", kwargs={"pk": attempt.pk, "action": "absent"}), {}),
    ]


@pytest.mark.parametrize("persona", ["member", "officer_a"])
def test_posts_to_another_rounds_exam_screens_answer_404_and_change_nothing(
    client, rounds, officer_a, persona
):
    user = rounds["member"] if persona == "member" else officer_a
    before = _state(rounds)
    client.force_login(user)
    answers = {url: client.post(url, data).status_code for url, data in _posts(rounds)}
    # The member reads A's banks and sessions, so B's are simply not there: 404. HR of A's unit
    # reads no question bank at all (403 on the bank screens) and sees no session of B (404).
    banks = {url for url, _data in _posts(rounds)[:3]}
    expected = {url: 403 if persona == "officer_a" and url in banks else 404 for url in answers}
    assert answers == expected
    assert _state(rounds) == before


def test_a_form_naming_round_b_or_its_bank_creates_nothing(client, rounds):
    client.force_login(rounds["member"])
    before = _state(rounds)
    blueprint = Blueprint.objects.filter(parts__rules__bank__code="BANK-A").first()
    response = client.post(
        reverse("recruitment:session_list"),
        {
            "name": "Ca lạ",
            "blueprint": blueprint.pk,
            "round": rounds["round_b"].pk,
            "starts_at": (timezone.localtime() + timedelta(days=1)).strftime("%d/%m/%Y %H:%M"),
        },
    )
    assert response.status_code == 200 and "round" in response.context["form"].errors
    response = client.post(
        reverse("recruitment:blueprint_list"),
        {
            "name": "Đề lạ",
            "part_0": "general",
            "minutes_0": "30",
            "bank_0": rounds["question_b"].bank_id,
            "count_0": "1",
        },
    )
    assert response.status_code == 200 and "bank_0" in response.context["form"].errors
    assert _state(rounds) == before
    assert services.blueprint_shortfalls(blueprint) == []
