"""A candidate registers, confirms the e-mail, applies with evidence, is reviewed by HR, and later
sees their own result — and nothing of anyone else."""
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.models import User
from recruitment import services
from recruitment.models import Application, RecruitmentRound
from tests.e2e.conftest import login
from tests.factories import UserFactory, make_application, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_candidate_registers_applies_is_reviewed_and_sees_only_their_result(
    browser, live_server, world, officer_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(world.unit_a, code="TD-E2E", name="Thi tuyển công chức năm 2026",
                        status="open", round2_form=RecruitmentRound.Round2Form.WRITTEN)
    vacancy = services.vacancy_save(actor=None, round_=round_, code="VT-PC",
                                    title="Chuyên viên pháp chế", quota=1, unit=world.unit_a1)
    other = UserFactory(username="khac", account_type=User.AccountType.CANDIDATE)
    rival = make_application(vacancy, candidate=other, full_name="Phùng Văn Khác", eligible=True)

    candidate_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    candidate_context.set_default_timeout(15000)
    page = candidate_context.new_page()
    page.goto("/login/")
    page.get_by_role("link", name="Tạo tài khoản thí sinh").click()
    page.get_by_label("Họ và tên").fill("Lương Thị Hoa")
    page.get_by_label("Thư điện tử").fill("hoa.luong@example.vn")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("Du-Tuyen-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Du-Tuyen-2026!")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", name="Kiểm tra e-mail của bạn")).to_be_visible()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Cổng thông tin thí sinh")).to_be_visible()
    page.get_by_role("link", name="Đăng ký dự tuyển").click()
    page.get_by_label("Vị trí đăng ký dự tuyển").select_option(str(vacancy.pk))
    page.get_by_label("Ngày sinh").fill("12/03/1999")
    page.get_by_label("Giới tính").select_option("female")
    page.get_by_label("Số định danh cá nhân").fill("008199012345")
    page.get_by_label("Điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ").fill("Phường Minh Xuân, Tuyên Quang")
    page.get_by_label(re.compile(r"^Dân tộc")).fill("Tày")
    page.get_by_label("Trình độ chuyên môn").fill("Cử nhân Luật")
    page.get_by_label(re.compile("Người dân tộc thiểu số")).check()
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp phiếu đăng ký").click()
    expect(page.get_by_test_id("my-status")).to_have_text("Đã nộp")

    evidence = tmp_path / "giay-xac-nhan-dan-toc.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    page.get_by_label(re.compile(r"^Giấy tờ")).fill("Giấy xác nhận dân tộc")
    page.get_by_label(re.compile("Tệp")).set_input_files(str(evidence))
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_role("link", name="Giấy xác nhận dân tộc")).to_be_visible()
    mine = Application.objects.get(candidate__username="hoa.luong@example.vn")
    assert mine.priority_codes == ["DTTS"]

    # HR reviews the application in their own browser.
    hr_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    hr_context.set_default_timeout(15000)
    hr = hr_context.new_page()
    login(hr, "officer_a")
    hr.get_by_role("link", name="Tuyển dụng").first.click()
    hr.get_by_role("link", name="Thi tuyển công chức năm 2026").click()
    hr.get_by_role("link", name="Chuyên viên pháp chế").click()
    hr.get_by_role("link", name="Lương Thị Hoa").click()
    hr.get_by_label("Đủ điều kiện", exact=True).check()
    hr.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(hr.get_by_test_id("application-status")).to_have_text("Đủ điều kiện")

    # The exams happen; the marks come in; HR publishes.
    services.numbers_assign(actor=None, round_=round_, prefix="TD")
    for application, marks in ((mine, (78, 80)), (rival, (60, 62))):
        services.round1_score_set(actor=None, application=application, part="general", correct=45,
                                  questions=60)
        for marker, score in enumerate(marks, start=1):
            services.mark_enter(actor=None, application=application, component="written",
                                marker=marker, score=Decimal(score))
    hr.goto(f"/recruitment/{round_.pk}/results/")
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.get_by_role("button", name="Công bố kết quả").click()
    expect(hr.get_by_text("Đã công bố kết quả")).to_be_visible()

    # The candidate sees their result, and nothing of the rival.
    page.goto("/recruitment/portal/")
    page.get_by_role("link", name=re.compile("Thi tuyển công chức năm 2026")).click()
    result = page.get_by_test_id("my-result")
    expect(result).to_contain_text("Trúng tuyển")
    expect(result).to_contain_text("84,00")  # 79 + 5 priority points (DTTS)
    assert "Phùng Văn Khác" not in page.content()
    response = page.goto(f"/recruitment/portal/applications/{rival.pk}/")
    assert response.status == 404
    response = page.goto(f"/recruitment/{round_.pk}/results/")
    assert response.status == 403
    hr_context.close()
    candidate_context.close()
