"""Shared fixtures: a small province and the personas of the permission tests.

    province P
    ├── department A        officer_a manages A (and so A1); viewer_a may only view A
    │   └── division A1
    └── department B        officer_b manages B
"""
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from core.models import OrgUnit, User
from tests.factories import MANAGE, VIEW, UserFactory, grant, make_unit


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    province: OrgUnit
    unit_a: OrgUnit
    unit_a1: OrgUnit
    unit_b: OrgUnit


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (login throttles, exam presence) starts empty in every test."""
    from django.core.cache import cache

    from recruitment.exam.services import clear_memos

    cache.clear()
    clear_memos()


@pytest.fixture
def world(db) -> World:
    province = make_unit("Tỉnh Thử Nghiệm", code="P", kind=OrgUnit.Kind.PROVINCE)
    unit_a = make_unit("Sở Nội vụ", code="A", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    unit_a1 = make_unit("Phòng Công chức, viên chức", code="A1", parent=unit_a)
    unit_b = make_unit("Sở Y tế", code="B", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    return World(province, unit_a, unit_a1, unit_b)


@pytest.fixture
def officer_a(world) -> User:
    return grant(UserFactory(username="officer_a", role="unit_hr"), world.unit_a, MANAGE)


@pytest.fixture
def viewer_a(world) -> User:
    return grant(UserFactory(username="viewer_a", role="unit_head"), world.unit_a, VIEW)


@pytest.fixture
def officer_b(world) -> User:
    return grant(UserFactory(username="officer_b", role="unit_hr"), world.unit_b, MANAGE)


@pytest.fixture
def officer_parent(world) -> User:
    return grant(UserFactory(username="officer_parent", role="unit_hr"), world.province, MANAGE)


@pytest.fixture
def provincial_hr(world) -> User:
    return UserFactory(username="sonoivu", role="provincial_hr")


@pytest.fixture
def no_grant(world) -> User:
    return UserFactory(username="no_grant")


@pytest.fixture
def candidate(world) -> User:
    return UserFactory(username="candidate", account_type=User.AccountType.CANDIDATE)


@pytest.fixture
def superuser(world) -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def group_grant_user(world) -> User:
    group = Group.objects.create(name="Tổ chức cán bộ Sở Y tế")
    from core.services.units import unit_grant

    unit_grant(actor=None, unit=world.unit_b, level=MANAGE, group=group)
    user = UserFactory(username="via_group")
    user.groups.add(group)
    return user
