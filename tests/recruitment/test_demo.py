"""The demo recruitment: what a visitor of ``make run`` sees on the recruitment pages."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.demo import load_accounts, load_units
from core.models import User
from recruitment.demo import load_recruitment
from recruitment.models import Application, RecruitmentRound, RoundResult
from recruitment.selectors import round_results, visible_rounds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _late_in_2026():
    """The demo's rounds are dated for a visitor of late 2026: the 2025 round has published results
    and the 2026 promotion round, whose applications close on 10/10/2026, is at its exams. Each test
    travels to 7/12/2026, 9:00, so the rounds reach those stages whatever day the suite runs."""
    with time_machine.travel(
        datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True
    ):
        yield


def test_demo_rounds_show_every_stage_and_the_board_sees_only_its_rounds():
    load_units()
    load_accounts()
    assert load_recruitment() is True
    assert load_recruitment() is False  # once only
    stages = dict(RecruitmentRound.objects.values_list("code", "status"))
    assert set(stages.values()) == {"results", "exams", "open"}
    results = RoundResult.objects.values_list("result", flat=True)
    assert {"PASSED", "FAILED", "HEAD_DECIDES"} <= set(results)
    mine = Application.objects.get(candidate__username="thisinh")
    assert mine.result.result == "PASSED"
    promotion = RecruitmentRound.objects.get(status="exams")
    # a paper waits for reconciliation
    assert any(row.conflicts for row in round_results(promotion).rows)
    board = User.objects.get(username="hoidongthi")
    assert set(visible_rounds(board).values_list("status", flat=True)) == {"results", "exams"}


def test_the_demo_practice_session_is_handed_in_and_analysed():
    from recruitment.exam.demo import load_demo_session
    from recruitment.models import Attempt, ExamSession, ItemStatistic

    assert load_demo_session() is True and load_demo_session() is False
    session = ExamSession.objects.get(round__isnull=True)
    statuses = list(session.attempts.values_list("status", flat=True))
    assert (
        statuses.count(Attempt.Status.SUBMITTED) == 35
        and statuses.count(Attempt.Status.ABSENT) == 5
    )
    assert ItemStatistic.objects.filter(session=session).count() > 30
    assert all(
        a.scores["general"]["questions"] == 30 for a in session.attempts.filter(status="submitted")
    )


def test_the_demo_exam_board_runs_the_promotion_session_and_writes_its_bank():
    from recruitment.exam.access import editable_banks, visible_banks
    from recruitment.exam.demo import load_demo_session
    from recruitment.models import ExamSession
    from recruitment.views.exams import visible_sessions

    load_units()
    load_accounts()
    load_recruitment()
    load_demo_session()
    board = User.objects.get(username="hoidongthi")
    session = ExamSession.objects.get(round__isnull=False)
    assert list(visible_sessions(board)) == [session] and session.attempts.exists()
    assert visible_banks(board).exists() and set(editable_banks(board)) == set(visible_banks(board))
