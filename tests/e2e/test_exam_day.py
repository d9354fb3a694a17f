"""Exam day in Chromium: a candidate answers, loses the connection, answers more, comes back,
reloads and finds every answer, and sees the score at the deadline; the proctor watches the
candidate's state change."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruitment.models import Answer, Attempt
from tests.e2e.conftest import login
from tests.recruitment.test_exam_runtime import make_bank, make_session

pytestmark = pytest.mark.django_db(transaction=True)


def expect_state(proctor, number: str, text: str) -> None:
    """The console refreshes itself every 5 seconds."""
    expect(proctor.get_by_test_id(f"state-{number}")).to_have_text(text, timeout=25000)


def candidate_page(browser, live_server, attempt, password):
    """A candidate's own browser, logged in to the exam with the number and room password."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto("/exam/")
    page.get_by_label("Số báo danh").fill(attempt.number)
    page.get_by_label("Mật khẩu phòng thi").fill(password)
    page.get_by_role("button", name="Bắt đầu").click()
    # The paper is on the page before its script listens to it: a click before that is lost.
    page.wait_for_selector("#paper[data-ready]", state="attached")
    return context, page


def test_answers_survive_a_lost_connection_and_the_score_comes_at_the_deadline(
    browser, live_server, world, provincial_hr, settings):
    # Seconds without a request before the proctor sees "disconnected".
    settings.EXAM_PRESENCE_TIMEOUT = 8
    session, [(attempt, password)] = make_session(make_bank(), count=6, minutes=30, candidates=1)

    proctor_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    proctor_context.set_default_timeout(20000)
    proctor = proctor_context.new_page()
    login(proctor, "sonoivu")
    proctor.goto(f"/recruitment/sessions/{session.pk}/proctor/")
    expect_state(proctor, attempt.number, "Chưa bắt đầu")

    context, page = candidate_page(browser, live_server, attempt, password)
    expect(page.locator("[data-exam-clock]")).to_contain_text(":")

    def answer(n: int, choice: int) -> None:
        page.locator(f"#q{n} input[value='{choice}']").check()

    answer(1, 0)
    answer(2, 1)
    expect(page.locator("[data-state='1']")).to_have_text("Đã lưu")
    expect(page.locator("[data-state='2']")).to_have_text("Đã lưu")
    expect_state(proctor, attempt.number, "Đang làm bài")

    context.set_offline(True)  # the network cable is pulled
    answer(3, 2)
    answer(4, 3)
    answer(1, 3)  # a change of mind while offline
    expect(page.locator("[data-state='3']")).to_have_text("Chưa lưu: sẽ tự gửi lại")
    expect(page.locator("[data-exam-net]")).to_contain_text("Mất kết nối")
    assert set(Answer.objects.filter(attempt=attempt).values_list("n", flat=True)) == {1, 2}
    expect_state(proctor, attempt.number, "Mất kết nối")

    context.set_offline(False)  # back: the queue goes out by itself
    expect(page.locator("[data-state='4']")).to_have_text("Đã lưu")
    expect(page.locator("[data-state='1']")).to_have_text("Đã lưu")
    saved = Answer.objects.filter(attempt=attempt).values_list("n", "choice")
    assert dict(saved) == {1: 3, 2: 1, 3: 2, 4: 3}
    expect_state(proctor, attempt.number, "Đang làm bài")

    page.reload()
    for n, choice in {1: 3, 2: 1, 3: 2, 4: 3}.items():
        expect(page.locator(f"#q{n} input[value='{choice}']")).to_be_checked()

    # The deadline comes (brought forward so that the test does not wait 30 minutes).
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=4))
    page.reload()
    score = page.get_by_test_id("exam-score")
    expect(score).to_be_visible(timeout=30000)
    attempt.refresh_from_db()
    correct = attempt.scores["general"]["correct"]
    expect(score).to_contain_text(f"{correct}/6")
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"
    expect_state(proctor, attempt.number, "Đã nộp bài")
    context.close()
    proctor_context.close()


def test_hand_in_waits_for_unsaved_answers_and_hands_in_nothing_while_offline(
    browser, live_server, world):
    session, [(attempt, password)] = make_session(make_bank(), count=4, minutes=30, candidates=1)
    context, page = candidate_page(browser, live_server, attempt, password)
    page.locator("#q1 input[value='1']").check()
    expect(page.locator("[data-state='1']")).to_have_text("Đã lưu")

    context.set_offline(True)
    page.locator("#q2 input[value='2']").check()
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.get_by_role("button", name="Nộp bài").click()  # confirm, then ~10 s of resending in vain
    expect(page.get_by_role("button", name="Nộp bài")).to_be_enabled(timeout=20000)
    assert len(dialogs) == 2 and "chưa được nộp" in dialogs[1]
    attempt.refresh_from_db()
    assert attempt.status == "answering"  # nothing handed in with an answer still on this computer

    context.set_offline(False)
    expect(page.locator("[data-state='2']")).to_have_text("Đã lưu")
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_test_id("exam-score")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.submit_reason == "candidate"
    assert dict(Answer.objects.filter(attempt=attempt).values_list("n", "choice")) == {1: 1, 2: 2}
    context.close()


def test_an_answer_given_before_the_page_script_runs_is_saved(browser, live_server, world):
    """A slow computer shows the paper before its script runs: the candidate's first click then
    reaches no listener, and is sent when the script starts instead of being lost."""
    _session, [(attempt, password)] = make_session(make_bank(), count=4, minutes=30, candidates=1)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(20000)
    page = context.new_page()
    held = []
    page.route("**/exam.js*", lambda route: held.append(route))  # the script is late
    page.goto("/exam/")
    page.get_by_label("Số báo danh").fill(attempt.number)
    page.get_by_label("Mật khẩu phòng thi").fill(password)
    page.get_by_role("button", name="Bắt đầu").click()
    page.locator("#q2 input[value='1']").check()  # before any listener
    page.wait_for_timeout(300)
    assert held and not Answer.objects.filter(attempt=attempt).exists()
    held[0].continue_()
    expect(page.locator("[data-state='2']")).to_have_text("Đã lưu")
    assert dict(Answer.objects.filter(attempt=attempt).values_list("n", "choice")) == {2: 1}
    expect(page.locator("[data-state='1']")).to_have_text("")  # untouched questions stay unsent
    context.close()
