"""An appraisal year walked by every role in Chromium: the unit head assigns a product, the civil
servant reports it from their own account, the head reviews it and scores the period, the civil
servant self-assesses, the committee proposes, the HR officer closes the year and sees the quota
applied (one HTXS kept of three, two moved down)."""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from appraisal import ledger, services
from appraisal.models import Appraisal, WorkAssignment
from core.access import VIEW
from personnel.accounts import accounts_create
from positions.services import position_create
from tests.e2e.conftest import login
from tests.factories import UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret-Pass-2026"


def test_a_year_from_the_product_to_the_closed_year(page, world, officer_a, viewer_a):
    position = position_create(actor=None, unit=world.unit_a, code="CV", title="Chuyên viên")
    ledger.work_item_save(actor=officer_a, position=position, code="TT", name="Tờ trình",
                          output_unit="văn bản", coefficient=Decimal(2))
    an = make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    others = [make_servant(world.unit_a1, code=f"A-0{i}", full_name=name, sex="female")
              for i, name in ((2, "Lê Thị Bình"), (3, "Phạm Thị Chi"), (4, "Đỗ Thị Dung"),
                              (5, "Vũ Thị Em"), (6, "Hà Thị Giang"))]
    cycle = services.cycle_open(actor=officer_a, unit=world.unit_a, year=2026)
    # The colleagues' March comes from the department's task system (imported): 95 and 92 (HTXS),
    # 80, 78, 75 (HTT); with An's 98 that is three HTXS for three HTT, and 20 % of HTT keeps one.
    rows = []
    for servant, general in zip(others, (25, 22, 10, 8, 5), strict=True):
        appraisal = Appraisal.objects.get(cycle=cycle, servant=servant)
        rows.append({"appraisal_id": appraisal.pk, "period": 3, "general": Decimal(general),
                     "quantity": Decimal(100), "quality": Decimal(100), "progress": Decimal(100)})
    services.period_scores_save(actor=officer_a, rows=rows)
    accounts_create(actor=officer_a, unit=world.unit_a1)
    an.refresh_from_db()
    account = an.account
    account.set_password(PASSWORD)
    account.save()
    committee = grant(UserFactory(username="hoidong_a", role="appraisal_committee"),
                      world.unit_a, VIEW)

    # The unit head assigns a product for March.
    login(page, "viewer_a")
    page.get_by_role("link", name="Sổ theo dõi công việc").first.click()
    page.get_by_role("link", name="Giao sản phẩm").click()
    page.get_by_label("Cán bộ, công chức, viên chức").select_option(
        str(Appraisal.objects.get(cycle=cycle, servant=an).pk))
    page.get_by_label("Sản phẩm trong danh mục").select_option(index=1)
    page.get_by_label("Nội dung cụ thể").fill("Tờ trình kế hoạch tuyển dụng 2026")
    page.get_by_label("Hạn hoàn thành").fill("31/03/2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("ledger")).to_contain_text("Tờ trình kế hoạch tuyển dụng 2026")
    page.context.clear_cookies()

    # The civil servant, signed in as themselves, reports it done with a link.
    login(page, account.username, PASSWORD)
    expect(page.get_by_role("heading", name="Đánh giá của tôi")).to_be_visible()
    page.get_by_role("link", name="Báo cáo hoàn thành").click()
    page.get_by_label("Ngày hoàn thành").fill("30/03/2026")
    page.get_by_label("hoặc đường dẫn đến sản phẩm").fill("https://qlvb.example.gov.vn/to-trinh/15")
    page.get_by_role("button", name="Lưu").click()
    assignment = WorkAssignment.objects.get(title="Tờ trình kế hoạch tuyển dụng 2026")
    expect(page.get_by_test_id(f"my-status-{assignment.pk}")).to_have_text("Đã báo cáo hoàn thành")
    page.context.clear_cookies()

    # The head accepts it and scores March's general criteria.
    login(page, "viewer_a")
    page.goto("/appraisal/ledger/")
    row = page.locator(f"tr[data-id='{assignment.pk}']")
    row.get_by_role("link", name="Đánh giá sản phẩm").click()
    page.get_by_label("Chấp nhận: đạt yêu cầu về nội dung và chất lượng").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id(f"status-{assignment.pk}")).to_have_text("Đã chấp nhận")
    page.goto(f"/appraisal/people/{an.pk}/")
    page.locator("tr[data-period='3']").get_by_role("link", name="Điểm").click()
    page.get_by_label("Tiêu chí chung (điểm, tối đa 30)").fill("28")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("period-score-3")).to_have_text("98,00")
    page.context.clear_cookies()

    # The civil servant self-assesses the year.
    login(page, account.username, PASSWORD)
    page.get_by_role("link", name="Tự đánh giá năm").click()
    page.get_by_label("Mức tự xếp loại").select_option("HTXS")
    page.get_by_label("Bản tự đánh giá").fill(
        "Hoàn thành đúng hạn, có chất lượng mọi sản phẩm được giao.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("my-score")).to_have_text("98,00")
    page.context.clear_cookies()

    # The committee proposes An's level.
    login(page, "hoidong_a")
    page.goto(f"/appraisal/{cycle.pk}/")
    page.locator("tr[data-code='A-01']").get_by_role("link", name="Hội đồng").click()
    page.get_by_label("Mức Hội đồng đề xuất").select_option("HTXS")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("tr[data-code='A-01']")).to_contain_text("HTXS")
    page.context.clear_cookies()

    # The HR officer closes the year: one HTXS kept (the highest), two moved down to HTT.
    login(page, "officer_a")
    page.goto(f"/appraisal/{cycle.pk}/")
    page.get_by_role("link", name="Khóa đợt đánh giá").click()
    page.get_by_role("button", name="Khóa đợt đánh giá").click()
    expect(page.get_by_test_id("level-A-01")).to_contain_text("HTXS")
    for code in ("A-02", "A-03"):
        expect(page.get_by_test_id(f"level-{code}")).to_contain_text("HTT")
        expect(page.get_by_test_id(f"level-{code}")).to_contain_text("hạ mức do vượt tỷ lệ")
    levels = dict(Appraisal.objects.filter(cycle=cycle).values_list("servant__code", "level"))
    assert levels["A-01"] == "HTXS" and levels["A-02"] == levels["A-03"] == "HTT"
    assert Appraisal.objects.get(cycle=cycle, servant=an).self_level == "HTXS"
    assert date(2026, 3, 30) == WorkAssignment.objects.get(pk=assignment.pk).completed_on
    assert committee.has_perm("appraisal.propose_level")
