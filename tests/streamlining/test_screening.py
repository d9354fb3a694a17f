"""Screening a unit: who may qualify on which ground, with the reasons, in bounded queries."""
from datetime import date

import pytest

from appraisal.models import Level
from core.access import UnitScope
from personnel.models import CivilServant
from streamlining import selectors
from tests.factories import make_servant, make_unit
from tests.streamlining.conftest import merge, rate

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 7)
EVERYONE = UnitScope(everything=True)


def _screen(unit, **kwargs):
    return {c.servant.pk: c for c in selectors.screen(scope=EVERYONE, unit=unit, day=DAY, **kwargs)}


def test_kht_in_the_previous_or_current_year_is_nd154_case_6(world, near_retirement):
    rate(near_retirement, 2025)
    other = make_servant(world.unit_a1, full_name="Vũ Văn Tốt")
    rate(other, 2025, Level.GOOD)
    old = make_servant(world.unit_a1, full_name="Đỗ Văn Cũ")
    rate(old, 2024)  # two years back: not a ground any more (ND 154 Art 2 cl. 1 point e)
    found = _screen(world.unit_a)
    assert set(found) == {near_retirement.pk}
    candidate = found[near_retirement.pk]
    assert [(r.ground, r.case_number) for r in candidate.reasons] == [("ND154", 6)]
    assert "2025" in candidate.reasons[0].text
    assert (candidate.months_left, candidate.band) == (40, "2to5")  # 7/12/2026 → pension 1/5/2030
    assert candidate.si_months == 411  # from 1/9/1992, an estimate


def test_people_without_a_position_in_a_merged_unit_are_surplus(world):
    merged = make_unit("Phòng cũ", parent=world.unit_a)
    person = make_servant(merged, full_name="Ngô Thị Dư")
    merge(merged)
    [reason178, reason154] = _screen(world.unit_a)[person.pk].reasons
    assert (reason178.ground, reason178.case_number, reason154.ground, reason154.case_number) == \
        ("ND178", 1, "ND154", 1)
    assert "1234/QĐ-UBND" in reason178.text


def test_bands_and_grounds_filter_the_rows(world, near_retirement):
    young = make_servant(world.unit_a1, full_name="Lý Văn Trẻ", date_of_birth=date(1990, 1, 1))
    rate(near_retirement, 2026)
    rate(young, 2026)
    assert set(_screen(world.unit_a, band_code="2to5")) == {near_retirement.pk}
    assert set(_screen(world.unit_a, band_code="gt5")) == {young.pk}
    assert _screen(world.unit_a, ground="ND178") == {}


def test_options_of_every_candidate_are_priced_side_by_side(world, near_retirement):
    rate(near_retirement, 2025)
    [candidate] = selectors.screen(scope=EVERYONE, unit=world.unit_a, day=DAY, with_options=True)
    assert {o.option for o in candidate.options} >= {"early_retirement"}
    assert all(o.total == sum(o.amounts.values()) for o in candidate.options)


def test_a_unit_outside_the_scope_is_not_screened(world, near_retirement):
    rate(near_retirement, 2025)
    only_b = UnitScope(everything=False, paths=(world.unit_b.path,))
    assert selectors.screen(scope=only_b, unit=world.unit_a, day=DAY) == []


def _grow(world, units: int):
    for n in range(units):
        unit = make_unit(f"Phòng {n}", parent=world.unit_a)
        person = make_servant(unit, full_name=f"Người {n}", date_of_birth=date(1966 + n % 20, 3, 1))
        rate(person, 2025)
        if n % 2:
            merge(unit, number=f"{n}/QĐ")
    return CivilServant.objects.count()


@pytest.mark.parametrize("units", [2, 8])
def test_screening_runs_in_a_constant_number_of_queries(world, units,
                                                        django_assert_max_num_queries):
    _grow(world, units)
    with django_assert_max_num_queries(16):
        found = selectors.screen(scope=EVERYONE, unit=world.province, day=DAY, with_options=True)
    assert len(found) == units
