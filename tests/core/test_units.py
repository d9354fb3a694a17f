"""The effective-dated unit tree: creation, as-of queries, the 2025 reorganisation, no deletes."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core import audit
from core.access import UnitScope
from core.models import OrgUnit, ProtectedDeleteError, UnitChange
from core.selectors import flatten, unit_tree
from core.services.units import UnitSpec, unit_dissolve, unit_reorganize, unit_update
from tests.factories import make_unit

pytestmark = pytest.mark.django_db
EVERYTHING = UnitScope(everything=True)
BEFORE, REFORM, AFTER = date(2025, 6, 30), date(2025, 7, 1), date(2025, 7, 2)


def names_on(day: date) -> set[str]:
    return set(OrgUnit.objects.active_on(day).values_list("name", flat=True))


@pytest.fixture
def three_tier():
    """Two provinces with districts and communes, as before 1/7/2025."""
    start = date(2008, 1, 1)
    tq = make_unit("Tỉnh Tuyên Quang", code="08", kind=OrgUnit.Kind.PROVINCE, valid_from=start)
    hg = make_unit("Tỉnh Hà Giang", code="02", kind=OrgUnit.Kind.PROVINCE, valid_from=start)
    snv_tq = make_unit("Sở Nội vụ", code="08.SNV", parent=tq, kind=OrgUnit.Kind.DEPARTMENT,
                       valid_from=start)
    snv_hg = make_unit("Sở Nội vụ", code="02.SNV", parent=hg, kind=OrgUnit.Kind.DEPARTMENT,
                       valid_from=start)
    division = make_unit("Phòng Công chức, viên chức", code="08.SNV.01", parent=snv_tq,
                         valid_from=start)
    ys = make_unit("Huyện Yên Sơn", code="08.H01", parent=tq, kind=OrgUnit.Kind.DISTRICT,
                   valid_from=start)
    vx = make_unit("Huyện Vị Xuyên", code="02.H01", parent=hg, kind=OrgUnit.Kind.DISTRICT,
                   valid_from=start)
    c1 = make_unit("Xã Trung Môn", code="08.H01.X1", parent=ys, kind=OrgUnit.Kind.COMMUNE,
                   valid_from=start)
    c2 = make_unit("Xã Kim Phú", code="08.H01.X2", parent=ys, kind=OrgUnit.Kind.COMMUNE,
                   valid_from=start)
    c3 = make_unit("Xã Đạo Đức", code="02.H01.X1", parent=vx, kind=OrgUnit.Kind.COMMUNE,
                   valid_from=start)
    return locals()


def reform_2025(u):
    """The 2025 pattern: provinces merge, departments merge, communes merge, districts are
    dissolved."""
    common = {"effective_date": REFORM, "decision_number": "202/2025/QH15"}
    province = unit_reorganize(actor=None, kind=UnitChange.Kind.MERGE,
                               predecessors=[u["tq"], u["hg"]],
                               successors=[UnitSpec("08", "Tỉnh Tuyên Quang",
                                                    OrgUnit.Kind.PROVINCE)], carry_children=False,
                               **common).successors[0]
    snv = unit_reorganize(actor=None, kind=UnitChange.Kind.MERGE,
                          predecessors=[u["snv_tq"], u["snv_hg"]],
                          successors=[UnitSpec("TQ.SNV", "Sở Nội vụ", OrgUnit.Kind.DEPARTMENT,
                                               parent=province)], **common)
    commune = unit_reorganize(actor=None, kind=UnitChange.Kind.MERGE,
                              predecessors=[u["c1"], u["c2"]],
                              successors=[UnitSpec("TQ.X01", "Xã Yên Sơn", OrgUnit.Kind.COMMUNE,
                                                   parent=province)], **common).successors[0]
    unit_reorganize(actor=None, kind=UnitChange.Kind.TRANSFER, predecessors=[u["c3"]],
                    successors=[UnitSpec("02.H01.X1", "Xã Đạo Đức", OrgUnit.Kind.COMMUNE,
                                         parent=province)], **common)
    for district in (u["ys"], u["vx"]):
        unit_dissolve(actor=None, unit=district, **common)
    return province, snv, commune


def test_sub_units_are_one_path_prefix_query(three_tier, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(OrgUnit.objects.subtree_of(three_tier["tq"]).values_list("name", flat=True))
    assert names == {"Tỉnh Tuyên Quang", "Sở Nội vụ", "Phòng Công chức, viên chức", "Huyện Yên Sơn",
                     "Xã Trung Môn", "Xã Kim Phú"}


def test_2025_province_merger_keeps_both_structures_queryable(three_tier):
    province, snv, commune = reform_2025(three_tier)

    before = names_on(BEFORE)
    assert {"Tỉnh Hà Giang", "Huyện Yên Sơn", "Huyện Vị Xuyên", "Xã Trung Môn",
            "Xã Kim Phú"} <= before
    assert "Xã Yên Sơn" not in before

    after = names_on(REFORM)
    assert "Tỉnh Hà Giang" not in after
    assert "Huyện Yên Sơn" not in after
    assert "Xã Trung Môn" not in after
    assert {"Tỉnh Tuyên Quang", "Sở Nội vụ", "Xã Yên Sơn", "Xã Đạo Đức",
            "Phòng Công chức, viên chức"} <= after
    # Two tiers after the reform: every commune hangs directly under the province.
    communes = OrgUnit.objects.active_on(AFTER).filter(kind=OrgUnit.Kind.COMMUNE)
    assert {c.parent_id for c in communes} == {province.pk}
    assert OrgUnit.objects.active_on(AFTER).filter(kind=OrgUnit.Kind.DISTRICT).count() == 0


def test_merged_department_carries_its_divisions_with_their_codes(three_tier):
    _, snv, _ = reform_2025(three_tier)
    new_snv = snv.successors[0]
    carried = snv.moved[three_tier["division"].pk]
    assert carried.parent == new_snv
    assert carried.code == "08.SNV.01"
    assert carried.valid_from == REFORM
    three_tier["division"].refresh_from_db()
    assert three_tier["division"].valid_to == BEFORE
    # The old division's history says where it went.
    change = UnitChange.objects.get(predecessors=three_tier["division"])
    assert change.kind == UnitChange.Kind.TRANSFER and list(change.successors.all()) == [carried]


def test_tree_as_of_date_shows_the_structure_of_that_day(three_tier):
    reform_2025(three_tier)
    roots_before = unit_tree(scope=EVERYTHING, on=BEFORE)
    assert sorted(r.unit.name for r in roots_before) == ["Tỉnh Hà Giang", "Tỉnh Tuyên Quang"]
    roots_after = unit_tree(scope=EVERYTHING, on=AFTER)
    assert [r.unit.name for r in roots_after] == ["Tỉnh Tuyên Quang"]
    assert roots_after[0].unit.valid_from == REFORM
    assert roots_after[0].descendants == 4  # Sở Nội vụ, its division, Xã Yên Sơn, Xã Đạo Đức


def test_a_closed_code_can_be_reused_by_its_successor(three_tier):
    province, _, _ = reform_2025(three_tier)
    assert province.code == "08"
    assert OrgUnit.objects.filter(code="08").count() == 2
    assert OrgUnit.objects.open().get(code="08") == province


def test_an_open_code_cannot_be_taken_twice(world):
    with pytest.raises(ValidationError):
        make_unit("Khác", code="A", parent=world.province)


def test_reorganisation_rejects_a_unit_that_no_longer_exists(three_tier):
    reform_2025(three_tier)
    with pytest.raises(ValidationError):
        unit_reorganize(actor=None, kind=UnitChange.Kind.SPLIT, predecessors=[three_tier["ys"]],
                        successors=[UnitSpec("N1", "Một"), UnitSpec("N2", "Hai")],
                        effective_date=date(2026, 1, 1))


def test_split_sends_each_child_to_the_chosen_part(world):
    result = unit_reorganize(
        actor=None, kind=UnitChange.Kind.SPLIT, predecessors=[world.unit_a],
        successors=[UnitSpec("A-X", "Sở Nội vụ (phần 1)", parent=world.province),
                    UnitSpec("A-Y", "Sở Nội vụ (phần 2)", parent=world.province)],
        effective_date=date(2026, 1, 1), children_map={world.unit_a1.pk: 1})
    assert result.moved[world.unit_a1.pk].parent.code == "A-Y"


def test_units_are_never_deleted(world):
    with pytest.raises(ProtectedDeleteError):
        world.unit_a1.delete()
    with pytest.raises(ProtectedDeleteError):
        OrgUnit.objects.filter(pk=world.unit_a1.pk).delete()
    assert OrgUnit.objects.filter(pk=world.unit_a1.pk).exists()


def test_editing_a_unit_records_old_and_new_values(world, officer_a):
    unit_update(actor=officer_a, unit=world.unit_a1, name="Phòng Công chức - Viên chức",
                reason="Đổi tên")
    entry = audit.history_for(world.unit_a1).first()
    assert entry.action == "update" and entry.actor == officer_a
    assert entry.changes == {"name": ["Phòng Công chức, viên chức", "Phòng Công chức - Viên chức"]}
    assert entry.reason == "Đổi tên"


def test_dissolving_closes_the_whole_subtree(world):
    unit_dissolve(actor=None, unit=world.unit_a, effective_date=date(2026, 3, 1),
                  decision_number="12/QĐ-UBND")
    assert not {"Sở Nội vụ", "Phòng Công chức, viên chức"} & names_on(date(2026, 3, 1))
    assert {"Sở Nội vụ", "Phòng Công chức, viên chức"} <= names_on(date(2026, 2, 28))


def test_tree_search_ignores_diacritics_and_keeps_ancestors(world):
    nodes = flatten(unit_tree(scope=EVERYTHING, query="cong chuc"))
    assert [n.unit.name for n in nodes] == ["Tỉnh Thử Nghiệm", "Sở Nội vụ",
                                            "Phòng Công chức, viên chức"]
    assert [n.match for n in nodes] == [False, False, True]


def test_the_reorganisation_runs_the_registered_steps_and_a_refusal_rolls_the_tree_back(
    world, monkeypatch):
    from core.services import units as unit_services

    seen = []

    def record(*, actor, result):
        seen.append(sorted(result.moved))

    def refuse(*, actor, result):
        raise ValidationError("Không chuyển được người.")

    spec = UnitSpec("AB", "Sở Nội vụ và Y tế", OrgUnit.Kind.DEPARTMENT, parent=world.province)
    merge = {"actor": None, "kind": UnitChange.Kind.MERGE, "successors": [spec],
             "effective_date": REFORM}
    monkeypatch.setattr(unit_services, "_REORGANIZATION_STEPS", [record, refuse])
    with pytest.raises(ValidationError):
        unit_services.units_reorganize(predecessors=[world.unit_a, world.unit_b], **merge)
    assert seen == [sorted([world.unit_a.pk, world.unit_a1.pk, world.unit_b.pk])]
    assert not OrgUnit.objects.filter(code="AB").exists() and not UnitChange.objects.exists()
    assert OrgUnit.objects.get(pk=world.unit_a.pk).is_active_on(AFTER)


def test_personnel_registers_its_reorganisation_step():
    from core.services.units import _REORGANIZATION_STEPS
    from personnel.services.reorganization import records_follow_reorganization

    assert records_follow_reorganization in _REORGANIZATION_STEPS
