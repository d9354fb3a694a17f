"""A unit HR officer edits a verified record; provincial HR sees the difference on the person's
page, verifies it, and the readiness page counts it as verified (issue 17, deliverable 4)."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from personnel.services.verification import servant_verify
from tests.e2e.conftest import login
from tests.factories import make_servant

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edited_verified_record_is_verified_again_by_the_level_above(
    page, world, officer_a, provincial_hr):
    person = make_servant(
        world.unit_a1, full_name="Lê Thị Xác Minh", sex="female", date_of_birth=date(1988, 3, 14),
        national_id="008188000321", id_issue_date=date(2021, 4, 10),
        place_of_birth="Xã Yên Sơn, tỉnh Tuyên Quang",
        home_town="Xã Yên Sơn, tỉnh Tuyên Quang", ethnicity="Kinh", religion="Không",
        permanent_address="Phường Minh Xuân, tỉnh Tuyên Quang", recruiting_agency="Sở Nội vụ",
        general_education="12/12", qualification="Cử nhân Luật")
    servant_verify(actor=provincial_hr, servant=person)

    # The department's HR officer corrects the ethnicity through the résumé form.
    login(page, "officer_a")
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_test_id("verification-state")).to_contain_text("Đã xác minh bởi")
    # Not the agency's own to verify.
    expect(page.get_by_role("button", name="Xác minh")).to_have_count(0)
    page.get_by_role("link", name="Sửa sơ yếu lý lịch").click()
    page.get_by_label("Dân tộc").fill("Tày")
    page.get_by_label("Lý do thay đổi").fill("Theo giấy khai sinh")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_test_id("verification-state")).to_have_text("Chưa xác minh")
    page.context.clear_cookies()

    # Provincial HR sees what changed since the verification and verifies it again.
    login(page, "sonoivu")
    page.goto(f"/people/{person.pk}/")
    differences = page.get_by_test_id("verification-differences")
    expect(differences).to_contain_text("Dân tộc")
    expect(differences.locator("tbody tr")).to_have_count(1)
    expect(differences.locator("tbody tr td").nth(1)).to_have_text("Kinh")
    expect(differences.locator("tbody tr td").nth(2)).to_have_text("Tày")
    page.get_by_role("button", name="Xác minh").click()
    expect(page.get_by_test_id("verification-state")).to_contain_text("Đã xác minh bởi")
    expect(page.get_by_test_id("verification-differences")).to_have_count(0)

    # The unit's readiness counts the record as verified and ready.
    page.get_by_role("link", name="Mức sẵn sàng của đơn vị").click()
    expect(page.get_by_role("heading", name="Sẵn sàng cho cơ sở dữ liệu quốc gia")).to_be_visible()
    expect(page.get_by_test_id("count-total")).to_have_text("1")
    expect(page.get_by_test_id("count-verified")).to_have_text("1")
    expect(page.get_by_test_id("count-ready")).to_have_text("1")
    expect(page.get_by_test_id("readiness-table")).to_contain_text("Lê Thị Xác Minh")
