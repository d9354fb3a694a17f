"""Issue 16's acceptance: an HR officer signs in with a TOTP code, exports a list of people, and
finds the export in the audit log by searching for their own account."""
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import make_servant

pytestmark = pytest.mark.django_db(transaction=True)


def current_code(device: TOTPDevice) -> str:
    """The code the officer's authenticator app would show now, from the device's secret."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_officer_signs_in_with_totp_exports_and_finds_the_export_in_the_audit_log(
        page, world, officer_a, settings):
    settings.OTP_REQUIRED_FOR_HR = True
    make_servant(world.unit_a1, code="A1-MAI", full_name="Hoàng Thị Mai", sex="female")
    device = TOTPDevice.objects.create(user=officer_a, name="Công vụ", confirmed=True)

    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill("officer_a")
    page.get_by_label("Mật khẩu").fill("Secret-Pass-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    # The password alone opens nothing: the code step comes next.
    expect(page.get_by_role("heading", name="Đăng nhập hai lớp")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    page.get_by_label("Mã trên ứng dụng xác thực").fill(current_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    page.goto("/people/")
    expect(page.get_by_text("Hoàng Thị Mai")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("export-link").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto("/audit/")
    expect(page.get_by_role("heading", name="Nhật ký kiểm soát")).to_be_visible()
    page.get_by_label("Tài khoản thực hiện").fill("officer_a")
    page.get_by_label("Việc").select_option(label="Đã xuất")
    page.get_by_role("button", name="Tìm").click()
    rows = page.get_by_test_id("audit-log").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Xuất danh sách cán bộ")
    expect(rows.first).to_contain_text("/people/export.xlsx")
    expect(rows.first).to_contain_text("officer_a")
