"""An HR officer creates a job position, gives it a competency framework, places a person on it,
records the person's levels and sees the gap."""
import pytest
from playwright.sync_api import expect

from personnel.models import CivilServant
from tests.e2e.conftest import login
from tests.factories import make_servant

pytestmark = pytest.mark.django_db(transaction=True)


def test_position_framework_placement_and_gap(page, world, officer_a):
    person = make_servant(world.unit_a1, full_name="Đinh Thị Hạnh", sex="female",
                          title="Chuyên viên")
    login(page, "officer_a")
    page.get_by_role("link", name="Vị trí việc làm").first.click()
    page.get_by_role("link", name="Thêm vị trí").click()
    page.get_by_label("Đơn vị").select_option(str(world.unit_a1.pk))
    page.get_by_label("Mã vị trí").fill("CV-QLCC")
    page.get_by_label("Tên vị trí").fill("Chuyên viên quản lý công chức")
    page.get_by_label("Số lượng người làm việc").fill("2")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Chuyên viên quản lý công chức")).to_be_visible()

    page.get_by_role("link", name="Sửa khung năng lực").click()
    page.get_by_label("NLC01 Đạo đức công vụ và liêm chính").select_option("3")
    page.get_by_label("NLC06 Sử dụng công nghệ thông tin").select_option("4")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("framework")).to_contain_text("Sử dụng công nghệ thông tin")

    page.goto(f"/people/{person.pk}/assign/")
    page.get_by_label("Loại").select_option("reassigned")
    # The position is named with its unit.
    page.get_by_label("Vị trí việc làm").select_option(
        label=f"Chuyên viên quản lý công chức (CV-QLCC) — {world.unit_a1.name}")
    page.get_by_label("Từ ngày").fill("01/03/2026")
    page.get_by_role("button", name="Ghi nhận").click()
    assert CivilServant.objects.get(pk=person.pk).job_position.code == "CV-QLCC"

    page.goto(f"/people/{person.pk}/competencies/")
    page.get_by_label("NLC01 Đạo đức công vụ và liêm chính").select_option("3")
    page.get_by_label("NLC06 Sử dụng công nghệ thông tin").select_option("2")
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_role("tab", name="Năng lực").click()
    gap = page.get_by_test_id("gap-table")
    expect(gap).to_be_visible()
    row = gap.locator("tr", has_text="Sử dụng công nghệ thông tin")
    expect(row.locator("td").nth(3)).to_have_text("2")
    expect(gap.locator("tr", has_text="Đạo đức công vụ").locator("td").nth(3)).to_have_text("0")
