"""Shared fixtures: a small province and the personas of the permission tests.

    province P
    ├── department A        officer_a manages A (and so A1); viewer_a may only view A
    │   └── division A1
    └── department B        officer_b manages B
"""
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import override_settings

from core.models import OrgUnit, User
from tests.factories import MANAGE, VIEW, UserFactory, grant, make_unit

# The tests that build the whole demo province (3,000 people; a minute or more each on one core)
# are the long pole of a parallel run. Under pytest-xdist (make test: -n auto --dist loadgroup)
# they start first, side by side: the personnel module as one unit on one worker (its demo fixture
# is module-scoped, built once), the streamlining test on the other; every other test then goes to
# the next free worker.
DEMO_PEOPLE_MODULE = "tests/personnel/test_demo.py"
DEMO_PROVINCE_MODULES = (DEMO_PEOPLE_MODULE, "tests/streamlining/test_demo.py")


@pytest.hookimpl(trylast=True)  # after pytest-django's order (transactional tests last)
def pytest_collection_modifyitems(items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # every worker collects, in the same order
        items.sort(key=lambda item: item.nodeid.split("::")[0] not in DEMO_PROVINCE_MODULES)


def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup with the personnel demo module as one group, handed out first (xdist orders
    the units by size, then by collection order). Not an ``xdist_group`` mark: xdist 3.8 writes a
    test's group into ``item._nodeid``, which pytest 9.2 no longer reads, so the mark is silently
    ignored (pytest-dev/pytest-xdist#1386)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class DemoPeopleTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.split("::")[0] == DEMO_PEOPLE_MODULE:
                return DEMO_PEOPLE_MODULE
            return super()._split_scope(nodeid)

    return DemoPeopleTogether(config, log)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    province: OrgUnit
    unit_a: OrgUnit
    unit_a1: OrgUnit
    unit_b: OrgUnit


@pytest.fixture(autouse=True, scope="session")
def _test_today():
    """``TEST_TODAY=2025-11-15 pytest …`` runs every test as if on that day (the clock ticking from
    9:00), to find a test that depends on the real date: such a test should travel to a fixed day
    itself (time_machine) and assert on every day of the year. Session-wide, so that objects built
    once per module (the permission matrix's) are built on that day too."""
    day = os.environ.get("TEST_TODAY")
    if not day:
        yield
        return
    moment = datetime.combine(date.fromisoformat(day), time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_root_of_the_run(tmp_path_factory):
    """Uploads, imports and exports of the tests go to a directory of this run (one per xdist
    worker, under pytest's basetemp), not to the var/media of ``make run``; a test that looks at
    the files it stored sets its own MEDIA_ROOT on top of this one."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _cache_of_the_worker(worker_id):
    """With REDIS_URL set the caches are one Redis database, which every xdist worker would share:
    one worker's ``cache.clear()`` (below) would empty the cache of the test running in the other.
    Workers then use the caches of a run without Redis: memory of the process, throttle counters in
    the worker's own test database."""
    from django.conf import settings

    redis = "django.core.cache.backends.redis.RedisCache"
    if worker_id == "master" or all(c["BACKEND"] != redis for c in settings.CACHES.values()):
        yield
        return
    caches = {**settings.CACHES,
              "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                           "LOCATION": "core_throttle_cache"}}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (login throttles, exam presence) starts empty in every test."""
    from django.core.cache import cache

    cache.clear()


def build_world() -> World:
    """The province of the module docstring (also built once per module by the permission
    matrix)."""
    province = make_unit("Tỉnh Thử Nghiệm", code="P", kind=OrgUnit.Kind.PROVINCE)
    unit_a = make_unit("Sở Nội vụ", code="A", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    unit_a1 = make_unit("Phòng Công chức, viên chức", code="A1", parent=unit_a)
    unit_b = make_unit("Sở Y tế", code="B", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    return World(province, unit_a, unit_a1, unit_b)


# The personas by fixture name. tests/test_permission_matrix.py builds them once per module,
# outside the function-scoped fixtures below, so they are plain functions of the world.
PERSONA_MAKERS = {
    "officer_a": lambda w: grant(UserFactory(username="officer_a", role="unit_hr"), w.unit_a,
                                 MANAGE),
    "viewer_a": lambda w: grant(UserFactory(username="viewer_a", role="unit_head"), w.unit_a, VIEW),
    "officer_b": lambda w: grant(UserFactory(username="officer_b", role="unit_hr"), w.unit_b,
                                 MANAGE),
    "provincial_hr": lambda w: UserFactory(username="sonoivu", role="provincial_hr"),
    "no_grant": lambda w: UserFactory(username="no_grant"),
    "candidate": lambda w: UserFactory(username="candidate",
                                       account_type=User.AccountType.CANDIDATE),
    "superuser": lambda w: UserFactory(username="root", is_superuser=True, is_staff=True),
}


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def officer_a(world) -> User:
    return PERSONA_MAKERS["officer_a"](world)


@pytest.fixture
def viewer_a(world) -> User:
    return PERSONA_MAKERS["viewer_a"](world)


@pytest.fixture
def officer_b(world) -> User:
    return PERSONA_MAKERS["officer_b"](world)


@pytest.fixture
def officer_parent(world) -> User:
    return grant(UserFactory(username="officer_parent", role="unit_hr"), world.province, MANAGE)


@pytest.fixture
def provincial_hr(world) -> User:
    return PERSONA_MAKERS["provincial_hr"](world)


@pytest.fixture
def no_grant(world) -> User:
    return PERSONA_MAKERS["no_grant"](world)


@pytest.fixture
def candidate(world) -> User:
    return PERSONA_MAKERS["candidate"](world)


@pytest.fixture
def superuser(world) -> User:
    return PERSONA_MAKERS["superuser"](world)


@pytest.fixture
def group_grant_user(world) -> User:
    group = Group.objects.create(name="Tổ chức cán bộ Sở Y tế")
    from core.services.units import unit_grant

    unit_grant(actor=None, unit=world.unit_b, level=MANAGE, group=group)
    user = UserFactory(username="via_group")
    user.groups.add(group)
    return user
