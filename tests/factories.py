"""Test data builders. Units go through the real services, so tests see real paths and audit."""
import itertools
from datetime import date

import factory
from django.contrib.auth.models import Group

from core.access import MANAGE, VIEW
from core.models import OrgUnit, User
from core.services.units import unit_create, unit_grant

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", "Secret-Pass-2026")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def make_unit(name: str = "", *, parent: OrgUnit | None = None, code: str = "", kind: str = OrgUnit.Kind.DIVISION,
              sector: str = OrgUnit.Sector.GOVERNMENT, valid_from: date | None = None, **extra) -> OrgUnit:
    number = next(_codes)
    return unit_create(actor=None, code=code or f"U{number:05d}", name=name or f"Đơn vị thử {number}",
                       kind=kind, sector=sector, parent=parent, valid_from=valid_from, **extra)


def grant(user: User, unit: OrgUnit, level: str = MANAGE) -> User:
    unit_grant(actor=None, unit=unit, level=level, user=user)
    return user


__all__ = ["MANAGE", "VIEW", "UserFactory", "grant", "make_unit"]
