"""An HR officer imports a spreadsheet with a bad row, reads the error, fixes the file, imports it,
and finds the person by a search typed without diacritics."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị",
          "Chức vụ"]


def test_import_with_a_bad_row_then_fixed_then_found_by_search(page, world, officer_a, tmp_path):
    bad = write_workbook(tmp_path / "can-bo.xlsx", [
        HEADER,
        ["SNV-001", "Nguyễn Văn An", "05/07/1980", "Nam", "008080012345", "A1", "Chuyên viên"],
        ["SNV-002", "Trần Thị Bình", "12/13/1985", "Nữ", "008185000001", "A1", ""],
    ])
    login(page, "officer_a")
    page.get_by_role("link", name="Cán bộ").first.click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp bảng tính (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    expect(page.get_by_test_id("import-status")).to_have_text("Có lỗi")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Ngày sinh")
    expect(errors).to_contain_text("không phải là ngày sinh")
    expect(errors.locator("tbody tr").first.locator("td").first).to_have_text("3")
    expect(page.locator(".cell-error")).to_have_count(1)

    fixed = write_workbook(tmp_path / "can-bo-sua.xlsx", [
        HEADER,
        ["SNV-001", "Nguyễn Văn An", "05/07/1980", "Nam", "008080012345", "A1", "Chuyên viên"],
        ["SNV-002", "Trần Thị Bình", "12/03/1985", "Nữ", "008185000001", "A1", ""],
    ])
    page.get_by_role("link", name="Tải tệp lên").click()
    page.get_by_label("Tệp bảng tính (.xlsx)").set_input_files(str(fixed))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Sẵn sàng nhập")
    page.get_by_role("button", name="Xác nhận và nhập").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Đã nhập")
    expect(page.get_by_test_id("import-summary")).to_contain_text("2")

    page.get_by_role("link", name="Cán bộ").first.click()
    page.get_by_label("Tìm kiếm").fill("nguyen van an")
    table = page.get_by_test_id("servant-table")
    expect(table).to_contain_text("Nguyễn Văn An")
    expect(table).not_to_contain_text("Trần Thị Bình")
    table.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/"))
    expect(page.get_by_test_id("retirement-date")).to_contain_text("31/07/2042")
