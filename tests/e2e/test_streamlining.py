"""An HR officer screens a unit, opens a case for a person with 3 years 4 months to retirement and
sees the breakdown of the amounts."""
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.dates import add_months
from streamlining.amounts import months_between
from streamlining.models import Case
from streamlining.selectors import leaving_day
from tests.e2e.conftest import login
from tests.factories import make_servant
from tests.streamlining.conftest import rate

pytestmark = pytest.mark.django_db(transaction=True)


def test_screen_a_unit_open_a_case_and_see_the_breakdown(page, world, officer_a):
    today = timezone.localdate()
    leaving = leaving_day(today)
    # A man's ND 135 age is 62 from 2028: born in the month 62 years before the month before his
    # pension starts, 40 months (3 years 4 months) after the leaving date.
    pension = add_months(leaving, 40)
    born = add_months(date(pension.year - 62, pension.month, 15), -1)
    person = make_servant(world.unit_a1, full_name="Phạm Văn Hưu", date_of_birth=born,
                          recruitment_date=date(born.year + 24, 9, 1))
    rate(person, today.year - 1)  # KHT last year: ND 154 case 6
    left_today = months_between(today, pension)

    login(page, "officer_a")
    page.get_by_role("link", name="Tinh giản biên chế").first.click()
    page.get_by_role("link", name="Rà soát").first.click()
    page.get_by_label("Đơn vị").select_option(str(world.unit_a.pk))
    page.get_by_test_id("screen-submit").click()
    row = page.get_by_test_id("screen-table").locator("tr", has_text="Phạm Văn Hưu")
    expect(row).to_contain_text("Xếp loại không hoàn thành nhiệm vụ (KHT)")
    expect(row.get_by_test_id("months-left")).to_contain_text(
        f"{left_today // 12} năm {left_today % 12} tháng")

    row.get_by_test_id("open-case").click()
    expect(page.get_by_test_id("case-person")).to_contain_text("Phạm Văn Hưu")
    page.get_by_label("Chính sách").select_option("early_retirement")
    page.get_by_label("Ngày nghỉ").fill(leaving.strftime("%d/%m/%Y"))
    page.get_by_test_id("case-submit").click()

    case = Case.objects.get(servant=person)
    expect(page.get_by_test_id("case-months-left")).to_have_text("3 năm 4 tháng")
    expect(page.get_by_test_id("case-amounts")).to_contain_text("Trợ cấp cho số năm nghỉ sớm")
    expect(page.get_by_test_id("case-total")).to_have_text(f"{case.total:,} đ".replace(",", "."))
    expect(page.get_by_test_id("case-breakdown")).to_contain_text("40 tháng")
    assert case.rule_set == "STREAM-ND154" and case.total == sum(case.amounts.values()) > 0
