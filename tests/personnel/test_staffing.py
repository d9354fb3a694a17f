"""The staffing report and its flags, on the situations the seeds and decrees describe."""
import json
from datetime import date

import pytest
from django.core.management import call_command

from core.access import UnitScope
from core.models import OrgUnit, UnitChange
from core.services.units import UnitSpec, unit_reorganize
from personnel.staffing import staffing_report
from positions.models import StaffingQuota
from tests.factories import make_servant, make_unit

pytestmark = pytest.mark.django_db
ALL = UnitScope(everything=True)
ON = date(2026, 6, 1)


@pytest.fixture
def province():
    return make_unit("Tỉnh Thử", code="P", kind=OrgUnit.Kind.PROVINCE, province_class="type_2_3",
                     valid_from=date(2008, 1, 1))


def staff(unit, heads=0, deputies=0, others=0, category="civil_servant"):
    # nobody before the unit exists
    start = max(date(2015, 1, 1), unit.valid_from or date(2015, 1, 1))
    for _ in range(heads):
        make_servant(unit, title="Trưởng phòng", category=category, recruitment_date=start)
    for _ in range(deputies):
        make_servant(unit, title="Phó Trưởng phòng", category=category, recruitment_date=start)
    for _ in range(others):
        make_servant(unit, title="Chuyên viên", category=category, recruitment_date=start)


def rows_by_code(**kwargs):
    return {row.unit.code: row for row in staffing_report(scope=ALL, on=ON, **kwargs)}


def test_seed_004_six_of_twelve_divisions_with_more_leaders_than_staff(province):
    """Ý Yên (seed 004): 6 of 12 divisions had at least as many leaders as non-leader staff."""
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    staff(department, heads=1, deputies=3)
    for i in range(12):
        division = make_unit(f"Phòng {i}", code=f"D.{i:02d}", parent=department)
        if i < 6:
            staff(division, heads=1, deputies=1, others=2)  # 2 leaders, 2 staff: flagged
        else:
            staff(division, heads=1, deputies=1, others=4)
    rows = rows_by_code()
    flagged = [c for c, r in rows.items() if "LEADERS_NOT_FEWER_THAN_STAFF" in r.flags]
    assert sorted(flagged) == [f"D.{i:02d}" for i in range(6)]
    assert rows["D.00"].leaders == 2
    assert rows["D.00"].non_leaders == 2
    assert rows["D.00"].headcount == 4


def test_deputies_over_the_norm_and_over_the_parent(province):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    staff(department, heads=1, deputies=1)
    small = make_unit("Phòng nhỏ", code="D.1", parent=department)
    # 7 civil servants in a type-II/III province: 1 deputy allowed
    staff(small, heads=1, deputies=2, others=4)
    rows = rows_by_code()
    assert rows["D.1"].max_deputies == 1
    assert {"DEPUTIES_OVER_NORM", "DEPUTIES_OVER_PARENT"} <= set(rows["D.1"].flags)
    assert "DEPUTIES_OVER_NORM" not in rows["D"].flags


def test_a_division_below_the_minimum_posts(province):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    thin = make_unit("Phòng mỏng", code="D.1", parent=department)
    staff(thin, heads=1, others=3)
    assert "BELOW_MINIMUM_POSTS" in rows_by_code()["D.1"].flags
    StaffingQuota.objects.create(unit=thin, year=2026, category="civil_servant", number=5)
    assert "BELOW_MINIMUM_POSTS" not in rows_by_code()["D.1"].flags  # 5 posts assigned: enough


def test_over_quota_counts_the_whole_subtree(province):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    division = make_unit("Phòng 1", code="D.1", parent=department)
    staff(department, heads=1)
    staff(division, heads=1, others=5)
    StaffingQuota.objects.create(unit=department, year=2026, category="civil_servant", number=6)
    row = rows_by_code()["D"]
    assert row.headcount == 7 and row.quota == 6 and "OVER_QUOTA" in row.flags


def test_five_year_grace_after_a_reorganisation(province):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT,
                           valid_from=date(2008, 1, 1))
    old_a = make_unit("Phòng A", code="D.A", parent=department, valid_from=date(2008, 1, 1))
    old_b = make_unit("Phòng B", code="D.B", parent=department, valid_from=date(2008, 1, 1))
    merged = unit_reorganize(actor=None, kind=UnitChange.Kind.MERGE, predecessors=[old_a, old_b],
                             successors=[UnitSpec("D.AB", "Phòng AB", OrgUnit.Kind.DIVISION,
                                                  parent=department)],
                             effective_date=date(2025, 7, 1)).successors[0]
    staff(department, heads=1, deputies=3)
    # 10 civil servants: 2 deputies allowed, 3 in place
    staff(merged, heads=1, deputies=3, others=6)
    row = rows_by_code()["D.AB"]
    assert row.max_deputies == 2
    assert "DEPUTIES_OVER_NORM" not in row.flags
    assert row.grace_until == date(2030, 7, 1)
    later = {r.unit.code: r for r in staffing_report(scope=ALL, on=date(2030, 7, 2))}
    assert "DEPUTIES_OVER_NORM" in later["D.AB"].flags


def test_the_report_as_of_a_past_date_uses_that_days_structure(province):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT,
                           valid_from=date(2008, 1, 1))
    division = make_unit("Phòng 1", code="D.1", parent=department, valid_from=date(2026, 1, 1))
    staff(division, heads=1, others=2)
    assert "D.1" in rows_by_code()
    past = {r.unit.code: r for r in staffing_report(scope=ALL, on=date(2025, 12, 31))}
    assert "D.1" not in past and past["D"].headcount == 0


def test_query_count_does_not_grow_with_units(province, django_assert_max_num_queries):
    def build(prefix, divisions):
        department = make_unit(f"Sở {prefix}", code=prefix, parent=province,
                               kind=OrgUnit.Kind.DEPARTMENT)
        for i in range(divisions):
            staff(make_unit(f"Phòng {prefix}{i}", code=f"{prefix}.{i}", parent=department), heads=1,
                  others=1)

    build("S", 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        staffing_report(scope=ALL, on=ON)
    build("L", 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = staffing_report(scope=ALL, on=ON)
    assert len(rows) == 1 + 2 + 25 + 2


def test_staffing_report_command_json_shape(province, capsys):
    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    staff(make_unit("Phòng 1", code="D.1", parent=department), heads=1, deputies=1, others=1)
    call_command("staffing_report", "--unit", "D", "--date", "01/06/2026", "--json")
    document = json.loads(capsys.readouterr().out)
    assert [u["code"] for u in document["units"]] == ["D", "D.1"]
    division = document["units"][1]
    assert set(division) == {"code", "name", "headcount", "leaders", "deputies", "non_leaders",
                             "max_deputies", "quota", "flags"}
    assert (division["headcount"], division["leaders"], division["deputies"],
            division["non_leaders"]) == (3, 2, 1, 1)
    assert "LEADERS_NOT_FEWER_THAN_STAFF" in division["flags"] and division["max_deputies"] == 1


def test_rank_ratio_caps_warn_when_exceeded(province):
    from personnel.staffing import rank_ratio_warnings
    from positions.models import RankRatioCap

    department = make_unit("Sở A", code="D", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    make_servant(department, rank_code="01.002")
    make_servant(department, rank_code="01.002")
    make_servant(department, rank_code="01.003")
    assert rank_ratio_warnings(scope=ALL) == []
    RankRatioCap.objects.create(unit_kind=OrgUnit.Kind.DEPARTMENT, rank_level="principal",
                                max_percent=40, legal_basis="Quyết định của UBND tỉnh (thử)")
    [warning] = rank_ratio_warnings(scope=ALL)
    assert (warning.unit.code, warning.count, warning.total, warning.percent) == ("D", 2, 3, 66.7)
