"""Question types in Chromium, run by the exam board: a board member granted the round imports a
GIFT bank of mixed types through the upload page (the valid questions only; the refused one named
by its text and type), makes the blueprint, then creates and starts the session from the console
(seat the admitted candidates, make the papers, print the passwords); a candidate answers a
matching and a multiple-response question and sees the partial credit in the score; the offline
queue holds their answers as it holds a click."""

import pytest
from playwright.sync_api import expect

from recruitment import services as recruitment_services
from recruitment.exam import services
from recruitment.models import Answer, Attempt, ExamSession, PaperItem, QuestionBank
from tests.e2e.conftest import login
from tests.e2e.test_exam_day import candidate_page
from tests.factories import UserFactory, make_application, make_round

pytestmark = pytest.mark.django_db(transaction=True)
GIFT = """$CATEGORY: $course$/E2E/Bộ máy

::GHEP:: Ghép cơ quan với người đứng đầu. {
  =Bộ -> Bộ trưởng
  =Ủy ban nhân dân -> Chủ tịch
  =Tòa án nhân dân -> Chánh án
}

::NHIEU:: Những cơ quan nào thuộc Chính phủ? {
  ~%50%Bộ Nội vụ
  ~%50%Bộ Tài chính
  ~%-100%Quốc hội
  ~%-100%Tòa án nhân dân tối cao
}

::MOTA:: Phần này chỉ là đoạn mô tả.
"""


@pytest.fixture
def board_member(world):
    """A round in its exam stage with one admitted candidate, an empty bank linked to it, and an
    exam-board member with the edit grant on it (no unit, no provincial role)."""
    round_ = make_round(world.unit_a1, code="TD-E2E", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="Chuyên viên", quota=1
    )
    make_application(vacancy, full_name="Nguyễn Văn A", eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TS")
    bank = services.bank_create(actor=None, code="E2E", name="Bộ máy nhà nước", part="general")
    recruitment_services.round_banks_set(actor=None, round_=round_, banks=[bank])
    member = UserFactory(username="hoidongthi", role="exam_board")
    recruitment_services.board_grant(actor=None, round_=round_, user=member, edit_questions=True)
    return member


def test_the_exam_board_imports_a_gift_bank_runs_the_session_and_a_candidate_gets_partial_credit(
    browser, live_server, board_member, tmp_path
):
    staff_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    staff_context.set_default_timeout(20000)
    staff = staff_context.new_page()
    staff.on("dialog", lambda dialog: dialog.accept())  # the console's "are you sure?" prompts
    login(staff, "hoidongthi")
    staff.goto("/recruitment/banks/")
    path = tmp_path / "bo-may.gift"
    path.write_text(GIFT, encoding="utf-8")
    staff.locator("input[name=file]").set_input_files(str(path))
    staff.locator("input[name=skip_invalid]").check()
    staff.get_by_role("button", name="Nhập").first.click()
    summary = staff.get_by_test_id("import-summary")
    expect(summary).to_contain_text("1 câu hỏi bị bỏ qua")
    expect(summary).to_contain_text("(description) “Phần này chỉ là đoạn mô tả.”")
    bank = QuestionBank.objects.get(code="E2E")
    assert sorted(bank.questions.values_list("kind", flat=True)) == ["matching", "multiple"]
    for question in bank.questions.all():  # a reviewer other than their author approves them
        services.question_approve(actor=None, question=question)

    # The blueprint and the session, from the board's own pages.
    staff.goto("/recruitment/blueprints/")
    staff.locator("input[name=name]").fill("Đề E2E")
    staff.locator("select[name=part_0]").select_option("general")
    staff.locator("input[name=minutes_0]").fill("30")
    staff.locator("select[name=bank_0]").select_option(str(bank.pk))
    staff.locator("input[name=count_0]").fill("2")
    staff.get_by_role("button", name="Lưu ma trận đề").click()
    expect(staff.locator(".alert-success")).to_contain_text("Đề E2E")
    staff.goto("/recruitment/sessions/")
    staff.locator("input[name=name]").fill("Ca E2E")
    staff.locator("select[name=blueprint]").select_option(label="Đề E2E")
    staff.locator("select[name=round]").select_option(index=1)
    staff.locator("input[name=room]").fill("Phòng 1")
    # starts_at stays as the form gives it: now, so the session starts as soon as it is ready.
    staff.get_by_role("button", name="Tạo ca thi").click()
    expect(staff.get_by_role("heading", name="Ca E2E")).to_be_visible()
    staff.locator("form[action$='/seat/'] button").click()
    expect(staff.locator(".alert-success")).to_contain_text("Đã xếp 1 thí sinh")
    staff.locator("form[action$='/papers/'] button").click()
    expect(staff.locator(".alert-info, .alert-success").first).to_contain_text("Đang tạo đề thi")
    session = ExamSession.objects.get(name="Ca E2E")
    staff.locator("form[action$='/passwords/'] button").click()
    password = staff.locator("td.font-monospace").first.inner_text().strip()
    attempt = Attempt.objects.get(session=session)
    assert len(attempt.option_counts) == 2  # the papers were made by the console's button
    staff_context.close()

    context, page = candidate_page(browser, live_server, attempt, password)
    matching = PaperItem.objects.get(attempt=attempt, question__kind="matching")
    multiple = PaperItem.objects.get(attempt=attempt, question__kind="multiple")
    box = page.locator(f"#q{matching.n}")
    expect(box.locator("select")).to_have_count(3)
    # Two pairs right, the third wrong: 2/3 of the question.
    box.locator("select").nth(0).select_option(label="Bộ trưởng")
    expect(page.locator(f"[data-state='{matching.n}']")).to_have_text("Đã lưu")
    context.set_offline(
        True
    )  # the rest while the connection is lost: queued, then sent when it returns
    box.locator("select").nth(1).select_option(label="Chủ tịch")
    box.locator("select").nth(2).select_option(label="Bộ trưởng")
    expect(page.locator(f"[data-state='{matching.n}']")).to_have_text("Chưa lưu: sẽ tự gửi lại")
    context.set_offline(False)
    expect(page.locator(f"[data-state='{matching.n}']")).to_have_text("Đã lưu", timeout=20000)
    page.reload()  # the saved pairs come back with the page
    expect(box.locator("select").nth(1)).to_have_value(str(matching.option_order.index(1)))
    # One right ministry ticked (50 %), then a wrong one ticked and unticked again.
    choices = page.locator(f"#q{multiple.n}")
    choices.get_by_label("Bộ Nội vụ").check()
    choices.get_by_label("Quốc hội").check()
    choices.get_by_label("Quốc hội").uncheck()
    expect(page.locator(f"[data-state='{multiple.n}']")).to_have_text("Đã lưu")
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("n", "response"))
    assert len(saved[matching.n]["pairs"]) == 3 and len(saved[multiple.n]["choices"]) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-exam-submit]").click()
    score = page.get_by_test_id("exam-score")
    # 2/3 + 1/2 = 1,17 of 2 questions
    expect(score).to_contain_text("1,17/2")
    context.close()
