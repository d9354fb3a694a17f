"""Unit-scoped access: grants inherited by sub-units, deny by default, constant query count."""
import pytest
from django.contrib.auth.models import AnonymousUser

from core.access import MANAGE, VIEW, forget_scope, unit_scope
from core.models import OrgUnit
from core.services.units import unit_revoke
from tests.factories import UserFactory, grant, make_unit

pytestmark = pytest.mark.django_db


def visible(user, level=VIEW) -> set[str]:
    return set(unit_scope(user, level).units().values_list("code", flat=True))


def test_a_grant_reaches_every_sub_unit_and_nothing_else(world, officer_a):
    assert visible(officer_a) == {"A", "A1"}
    assert visible(officer_a, MANAGE) == {"A", "A1"}


def test_a_sub_unit_created_later_is_inherited(world, officer_a):
    make_unit("Phòng mới", code="A2", parent=world.unit_a)
    forget_scope(officer_a)
    assert "A2" in visible(officer_a)


def test_view_grant_does_not_allow_editing(world, viewer_a):
    assert visible(viewer_a) == {"A", "A1"}
    assert visible(viewer_a, MANAGE) == set()


def test_group_grants_count_like_personal_ones(world, group_grant_user):
    assert visible(group_grant_user, MANAGE) == {"B"}


def test_provincial_hr_and_superuser_see_everything(world, provincial_hr, superuser):
    everything = set(OrgUnit.objects.values_list("code", flat=True))
    assert visible(provincial_hr, MANAGE) == everything
    assert visible(superuser) == everything


def test_deny_by_default(world, no_grant, candidate):
    assert visible(no_grant) == set()
    assert visible(candidate) == set()
    assert not unit_scope(AnonymousUser())


def test_candidate_with_a_stray_grant_still_sees_nothing(world, candidate):
    grant(candidate, world.province)
    forget_scope(candidate)
    assert visible(candidate) == set()


def test_revoking_removes_the_subtree(world, officer_a):
    unit_revoke(actor=None, unit=world.unit_a, user=officer_a)
    forget_scope(officer_a)
    assert visible(officer_a) == set()


def test_manage_replaces_view_on_the_same_unit(world, viewer_a):
    grant(viewer_a, world.unit_a, MANAGE)
    forget_scope(viewer_a)
    assert visible(viewer_a, MANAGE) == {"A", "A1"}


def test_scope_query_count_does_not_grow_with_tree_or_grants(world, django_assert_max_num_queries):
    def measure(user) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        forget_scope(user)
        with CaptureQueriesContext(connection) as ctx:
            list(unit_scope(user).units())
        return len(ctx.captured_queries)

    small = grant(UserFactory(), world.unit_a)
    baseline = measure(small)
    # A much bigger tree and many more grants.
    big = UserFactory()
    for i in range(15):
        dept = make_unit(f"Sở {i}", parent=world.province)
        for j in range(8):
            make_unit(f"Phòng {i}.{j}", parent=dept)
        grant(big, dept)
    assert measure(big) == baseline
    with django_assert_max_num_queries(4):
        forget_scope(big)
        list(unit_scope(big).units())


def test_scope_filter_narrows_related_querysets_with_one_subquery(world, officer_a):
    from core.models import AuditEntry

    entries = unit_scope(officer_a).filter(AuditEntry.objects.all(), "unit")
    assert set(entries.values_list("unit__code", flat=True)) == {"A", "A1"}
    assert str(entries.query).count("SELECT") == 2


def test_unit_ids_are_the_scope_within_the_chosen_subtree(world, officer_a, provincial_hr):
    ids = {unit.code: unit.pk for unit in (world.province, world.unit_a, world.unit_a1,
                                           world.unit_b)}
    scope = unit_scope(officer_a)
    assert set(scope.unit_ids()) == {ids["A"], ids["A1"]}
    assert set(scope.unit_ids(world.unit_a1)) == {ids["A1"]}
    # A subtree reaching outside the scope is cut down to the scope; one outside it is empty.
    assert set(scope.unit_ids(world.province)) == {ids["A"], ids["A1"]}
    assert scope.unit_ids(world.unit_b) == []
    everything = unit_scope(provincial_hr)
    assert everything.unit_ids() is None
    assert set(everything.unit_ids(world.unit_a)) == {ids["A"], ids["A1"]}
