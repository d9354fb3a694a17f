"""An HR officer logs in through the real login page and sees only the units granted to them."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_logs_in_and_sees_only_their_units(page, world, officer_a):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    login(page, "officer_a")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    expect(page.get_by_test_id("unit-count")).to_have_text("2")

    page.get_by_role("link", name="Đơn vị").first.click()
    tree = page.locator("#unit-tree")
    expect(tree).to_contain_text("Sở Nội vụ")
    expect(tree).to_contain_text("Phòng Công chức, viên chức")
    expect(tree).not_to_contain_text("Sở Y tế")

    # Live search without diacritics narrows the tree through htmx.
    page.get_by_label("Tìm đơn vị").fill("cong chuc")
    expect(tree).to_contain_text("1 đơn vị phù hợp")

    # A unit outside the grant is not found, even by URL.
    response = page.goto(f"/units/{world.unit_b.pk}/")
    assert response.status == 404


def test_wrong_password_shows_a_vietnamese_message(page, officer_a):
    login(page, "officer_a", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")


def test_language_switch_to_english_and_back(page, officer_a):
    login(page, "officer_a")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_label("Language").select_option("vi")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
