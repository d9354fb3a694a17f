"""ORG-ND370 against the decree's table (DOMAIN-RULES §7.2)."""
import csv
from datetime import date
from pathlib import Path

import pytest

from positions.rules.staffing import ORG_ND150, ORG_ND370, norms_on

ROWS = [row for row in csv.reader(line for line in (
    Path(__file__).parent / "data" / "nd370_deputies.csv")
                                  .read_text(encoding="utf-8").splitlines() if line
                                  and not line.startswith("#"))]


@pytest.mark.parametrize(("province_class", "civil_servants", "expected"), ROWS)
def test_division_deputies_by_band_and_province_class(province_class, civil_servants, expected):
    assert ORG_ND370.division_deputies(province_class, int(civil_servants)) == int(expected)


@pytest.mark.parametrize(("province_class", "minimum"),
                         [("special", 7), ("type_1", 6), ("type_2_3", 5)])
def test_a_division_needs_a_minimum_of_posts(province_class, minimum):
    assert ORG_ND370.minimum_posts(province_class) == minimum


@pytest.mark.parametrize(("merged", "deputies"), [(1, 3), (2, 4), (3, 5)])
def test_department_deputies_average_three_plus_one_per_merged_province(merged, deputies):
    assert ORG_ND370.department_deputies(merged) == deputies


@pytest.mark.parametrize(("staff", "deputies"), [(7, 1), (8, 2), (20, 2)])
def test_department_inspectorate(staff, deputies):
    assert ORG_ND370.inspectorate_deputies(staff) == deputies


def test_the_norms_follow_the_date():
    assert norms_on(date(2026, 1, 1)) is ORG_ND370
    assert norms_on(date(2025, 12, 31)) is ORG_ND150 and not ORG_ND150.confirmed
    assert ORG_ND370.grace_years == 5
