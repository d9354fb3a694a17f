"""Question types in Chromium: a staff member imports a GIFT bank of mixed types through the upload
page (the valid questions only; the refused one named by its text and type), a session is made
from it, and a candidate answers a matching and a multiple-response question and sees the partial
credit in the score; the offline queue holds their answers as it holds a click."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruitment.exam import services
from recruitment.models import Answer, PaperItem, QuestionBank
from tests.e2e.conftest import login
from tests.e2e.test_exam_day import candidate_page

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


def test_a_gift_bank_of_mixed_types_is_imported_and_answered_with_partial_credit(browser, live_server, world,
                                                                                 provincial_hr, tmp_path):
    staff_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    staff_context.set_default_timeout(20000)
    staff = staff_context.new_page()
    login(staff, "sonoivu")
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
    staff_context.close()

    for question in bank.questions.all():
        services.question_approve(actor=None, question=question)
    blueprint = services.blueprint_create(actor=None, name="Đề E2E", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(bank, 2),))])
    session = services.session_create(actor=None, name="Ca E2E", blueprint=blueprint,
                                      starts_at=timezone.now() - timedelta(minutes=1))
    [(attempt, password)] = services.attempts_add(actor=None, session=session, candidates=[
        {"number": "TS001", "full_name": "Nguyễn Văn A"}])
    services.papers_generate(session)

    context, page = candidate_page(browser, live_server, attempt, password)
    matching = PaperItem.objects.get(attempt=attempt, question__kind="matching")
    multiple = PaperItem.objects.get(attempt=attempt, question__kind="multiple")
    box = page.locator(f"#q{matching.n}")
    expect(box.locator("select")).to_have_count(3)
    # Two pairs right, the third wrong: 2/3 of the question.
    box.locator("select").nth(0).select_option(label="Bộ trưởng")
    expect(page.locator(f"[data-state='{matching.n}']")).to_have_text("Đã lưu")
    context.set_offline(True)  # the rest while the connection is lost: queued, then sent when it returns
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
