"""A provincial HR officer finds a unit of the people list's filter by typing part of its name
without diacritics, instead of scrolling the province's units (issue 17)."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import make_servant

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_name_without_diacritics_picks_the_unit_and_the_list_follows(
    page, world, provincial_hr):
    make_servant(world.unit_a1, full_name="Nguyễn Văn An", code="A-001")
    make_servant(world.unit_b, full_name="Phạm Văn Bình", code="B-001")
    login(page, "sonoivu")
    page.goto("/people/")
    table = page.locator("#servant-table")
    expect(table).to_contain_text("Phạm Văn Bình")

    search = page.get_by_label("Tìm đơn vị")
    search.fill("so noi vu")
    unit = page.locator("#id_unit")
    expect(unit.locator("option", has_text="Sở Nội vụ")).to_have_count(1)
    expect(unit.locator("option", has_text="Sở Y tế")).to_have_count(0)
    search.press("Enter")

    expect(table).not_to_contain_text("Phạm Văn Bình")
    expect(table).to_contain_text("Nguyễn Văn An")
    expect(page).to_have_url(re.compile(rf"unit={world.unit_a.pk}"))
    expect(search).to_have_value("")
    # The chosen unit stays shown.
    expect(unit.locator("option:checked")).to_have_text("— Sở Nội vụ (A)")
    expect(page.get_by_test_id("export-link")).to_have_attribute(
        "href", re.compile(rf"unit={world.unit_a.pk}"))

    # A search by name afterwards keeps the unit.
    page.get_by_label("Tìm kiếm").fill("nguyen")
    expect(page).to_have_url(re.compile(r"q=nguyen"))
    expect(unit.locator("option:checked")).to_have_text("— Sở Nội vụ (A)")
    expect(page.get_by_test_id("export-link")).to_have_attribute(
        "href", re.compile(rf"unit={world.unit_a.pk}"))
