"""The exam board's marking: negative marking turned on for a session from its page (a wrong option
of a multiple-response question then subtracts), and the examiners' marks of essays, entered per
candidate number, that update the candidate's score at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from recruitment import services as recruitment_services
from recruitment.exam import marking, services
from recruitment.models import Attempt, ExamSession
from tests.factories import UserFactory, make_round
from tests.recruitment.test_question_scoring import QUESTIONS, _item

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world):
    return _board(world, 2)


def _board(world, candidates: int, code: str = "M") -> dict:
    """A round of A1 with a session of every question type, seated candidates, and its board."""
    round_ = make_round(world.unit_a1, code=f"TD-{code}", status="exams")
    bank = services.bank_create(actor=None, code=f"MIX-{code}", name="Hỗn hợp", part="general")
    for family, values in QUESTIONS.items():
        services.question_save(actor=None, bank=bank, family=family, **values)
    for question in bank.questions.all():
        services.question_approve(actor=None, question=question)
    blueprint = services.blueprint_create(
        actor=None,
        name="Đề",
        parts=[services.PartSpec("general", 30, (services.RuleSpec(bank, len(QUESTIONS)),))],
    )
    session = services.session_create(
        actor=None,
        name="Ca M",
        blueprint=blueprint,
        round_=round_,
        starts_at=timezone.now() - timedelta(minutes=1),
    )
    seated = services.attempts_add(
        actor=None,
        session=session,
        candidates=[
            {"number": f"{code}00{i}", "full_name": f"Nguyễn Thí Sinh {i}"}
            for i in range(candidates)
        ],
    )
    services.papers_generate(session)
    member = UserFactory(username=f"hd_cham_{code.lower()}", role="exam_board")
    recruitment_services.board_grant(actor=None, round_=round_, user=member)
    return {"session": session, "attempts": [a for a, _p in seated], "member": member}


def _answer(attempt: Attempt, family: str, **response) -> None:
    services.attempt_begin(attempt)
    attempt = Attempt.objects.get(pk=attempt.pk)
    item = _item(attempt, family)
    if "choices" in response:  # the author's options, as the candidate sees them shuffled
        response["choices"] = [item.option_order.index(c) for c in response["choices"]]
    seq = attempt.answers.count() + 1
    services.answer_save(attempt=attempt, n=item.n, choice=None, seq=seq, response=response)


def test_negative_marking_turned_on_by_the_board_makes_a_wrong_choice_subtract(client, board):
    session, [wrong, right] = board["session"], board["attempts"]
    client.force_login(board["member"])
    page = client.get(reverse("recruitment:session_detail", args=[session.pk])).content.decode()
    assert "Không trừ điểm" in page
    response = client.post(
        reverse("recruitment:session_marking", args=[session.pk]), {"negative_marking": "on"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.rule_set.endswith("+NEG") and marking.uses_negative_marking(session)
    assert AuditEntry.objects.filter(
        action="update", changes__rule_set__1=session.rule_set
    ).exists()

    _answer(wrong, "MR", choices=[2])  # "Quốc hội" alone: -100 %
    _answer(right, "MR", choices=[0, 3])  # 50 % right, -50 % wrong
    for attempt in (wrong, right):
        services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    assert Attempt.objects.get(pk=wrong.pk).scores["general"]["correct"] == -1
    assert Attempt.objects.get(pk=right.pk).scores["general"]["correct"] == 0

    # Once a test is handed in, the session's marking stays as it was.
    client.post(reverse("recruitment:session_marking", args=[session.pk]), {})
    assert ExamSession.objects.get(pk=session.pk).rule_set == session.rule_set


def test_without_negative_marking_a_wrong_choice_counts_zero(board):
    attempt = board["attempts"][0]
    _answer(attempt, "MR", choices=[2])
    services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    assert Attempt.objects.get(pk=attempt.pk).scores["general"]["correct"] == 0


def test_an_examiner_marks_an_essay_by_candidate_number_and_the_score_follows(client, board):
    session, attempt = board["session"], board["attempts"][0]
    _answer(attempt, "MR", choices=[0, 1])
    _answer(attempt, "ES", text="Công chức là công bộc của nhân dân.")
    services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    before = Attempt.objects.get(pk=attempt.pk).scores["general"]
    assert (before["correct"], before["questions"], before["essays"]) == (1, 5, 1)

    client.force_login(board["member"])
    page = client.get(reverse("recruitment:session_essays", args=[session.pk])).content.decode()
    assert "M000" in page and "công bộc" in page
    assert "Nguyễn Thí Sinh" not in page  # marked anonymously
    essay = _item(attempt, "ES")
    response = client.post(
        reverse("recruitment:session_essays", args=[session.pk]),
        {"number": "M000", "n": essay.n, "mark": "0,75"},
    )
    assert response.status_code == 302
    after = Attempt.objects.get(pk=attempt.pk).scores["general"]
    assert (after["correct"], after["questions"], after["essays"]) == (1.75, 6, 0)
    assert after["essay_marks"] == {str(essay.n): 0.75}
    assert AuditEntry.objects.filter(action="essay_mark", object_id=str(attempt.pk)).count() == 1
    page = client.get(reverse("recruitment:session_essays", args=[session.pk])).content.decode()
    assert 'value="0,75"' in page and f"Đã lưu điểm: M000, câu {essay.n}." in page

    # A second mark replaces the first (the score is not counted twice).
    client.post(
        reverse("recruitment:session_essays", args=[session.pk]),
        {"number": "M000", "n": essay.n, "mark": "0,5"},
    )
    assert Attempt.objects.get(pk=attempt.pk).scores["general"]["correct"] == 1.5


def test_a_mark_outside_zero_to_one_or_on_a_choice_question_changes_nothing(client, board):
    session, attempt = board["session"], board["attempts"][0]
    _answer(attempt, "ES", text="Bài luận.")
    services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    scores = Attempt.objects.get(pk=attempt.pk).scores
    client.force_login(board["member"])
    url = reverse("recruitment:session_essays", args=[session.pk])
    page = client.post(url, {"number": "M000", "n": _item(attempt, "ES").n, "mark": "2"})
    assert page.status_code == 200 and "alert-danger" in page.content.decode()
    page = client.post(url, {"number": "M000", "n": _item(attempt, "MR").n, "mark": "1"})
    assert (
        f"Câu {_item(attempt, 'MR').n} của bài thi này không phải câu tự luận."
        in page.content.decode()
    )
    assert Attempt.objects.get(pk=attempt.pk).scores == scores
    with pytest.raises(marking.ValidationError):
        marking.essay_mark(actor=None, attempt=attempt, n=_item(attempt, "MR").n, mark=Decimal("1"))


def test_the_agencys_hr_sees_the_session_but_does_not_mark_it(client, board, officer_a):
    session, attempt = board["session"], board["attempts"][0]
    _answer(attempt, "ES", text="Bài luận.")
    services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    scores = Attempt.objects.get(pk=attempt.pk).scores
    client.force_login(officer_a)
    assert client.get(reverse("recruitment:session_detail", args=[session.pk])).status_code == 200
    response = client.post(
        reverse("recruitment:session_essays", args=[session.pk]),
        {"number": "M000", "n": _item(attempt, "ES").n, "mark": "1"},
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("recruitment:session_marking", args=[session.pk]), {"negative_marking": "on"}
        ).status_code
        == 403
    )
    assert Attempt.objects.get(pk=attempt.pk).scores == scores
    assert not ExamSession.objects.get(pk=session.pk).rule_set.endswith("+NEG")


def _essays_page_queries(client, world, candidates: int, code: str) -> int:
    board = _board(world, candidates, code)
    for attempt in board["attempts"]:
        _answer(attempt, "ES", text="Bài luận.")
        services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    client.force_login(board["member"])
    url = reverse("recruitment:session_essays", args=[board["session"].pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert page.count('name="mark"') == candidates
    return len(queries)


def test_the_essays_page_queries_do_not_grow_with_the_room(client, world):
    assert _essays_page_queries(client, world, 6, "B2") <= _essays_page_queries(
        client, world, 1, "B1"
    )


def test_an_essay_mark_reaches_the_candidates_round_1_sheet(world):
    from recruitment.models import Round1Score
    from tests.factories import make_application

    round_ = make_round(world.unit_a1, code="TD-R1", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="Chuyên viên", quota=1
    )
    application = make_application(vacancy, full_name="Lê Văn Luận", eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TS")
    bank = services.bank_create(actor=None, code="R1", name="Vòng 1", part="general")
    for family in ("MR", "ES"):
        services.question_save(actor=None, bank=bank, family=family, **QUESTIONS[family])
    for question in bank.questions.all():
        services.question_approve(actor=None, question=question)
    blueprint = services.blueprint_create(
        actor=None,
        name="Đề",
        parts=[services.PartSpec("general", 30, (services.RuleSpec(bank, 2),))],
    )
    session = services.session_create(
        actor=None,
        name="Ca R1",
        blueprint=blueprint,
        round_=round_,
        starts_at=timezone.now() - timedelta(minutes=1),
    )
    [(attempt, _password)] = services.attempts_from_round(actor=None, session=session)
    services.papers_generate(session)
    _answer(attempt, "MR", choices=[0, 1])
    _answer(attempt, "ES", text="Bài luận.")
    services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), reason="candidate")
    sheet = Round1Score.objects.get(application=application, part="general")
    assert (sheet.correct, sheet.questions) == (1, 1)  # the essay waits for its examiner
    marking.essay_mark(actor=None, attempt=attempt, n=_item(attempt, "ES").n, mark=Decimal("1"))
    sheet.refresh_from_db()
    assert (sheet.correct, sheet.questions) == (2, 2)
