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


def make_unit(name: str = "", *, parent: OrgUnit | None = None, code: str = "",
              kind: str = OrgUnit.Kind.DIVISION, sector: str = OrgUnit.Sector.GOVERNMENT,
              valid_from: date | None = None, **extra) -> OrgUnit:
    number = next(_codes)
    return unit_create(actor=None, code=code or f"U{number:05d}",
                       name=name or f"Đơn vị thử {number}", kind=kind, sector=sector, parent=parent,
                       valid_from=valid_from, **extra)


def grant(user: User, unit: OrgUnit, level: str = MANAGE) -> User:
    unit_grant(actor=None, unit=unit, level=level, user=user)
    return user


__all__ = ["MANAGE", "VIEW", "UserFactory", "grant", "make_servant", "make_unit"]


def make_servant(unit, *, code: str = "", full_name: str = "Nguyễn Văn An", sex: str = "male",
                 date_of_birth=None, title: str = "", rank_code: str | None = "01.003",
                 step: int = 3, step_date=None, recruitment_date=None, **profile):
    """A working civil servant created through the real service."""
    from datetime import date

    from personnel.services.servants import servant_create
    from positions.models import Rank

    number = next(_codes)
    born = date_of_birth or date(1985, 5, 20)
    default_id = f"008{0 if sex == 'male' else 1}{born.year % 100:02d}{number:06d}"
    national_id = profile.pop("national_id", default_id)
    rank = Rank.objects.get(code=rank_code) if rank_code else None
    profile.pop("job_position", None)
    return servant_create(actor=None, code=code or f"CB{number:05d}", national_id=national_id,
                          full_name=full_name, date_of_birth=born, sex=sex, unit=unit, title=title,
                          rank=rank, salary_step=step if rank else None,
                          salary_step_date=step_date or date(2024, 1, 1),
                          recruitment_date=recruitment_date or date(2010, 9, 1), **profile)


def make_round(agency, code="TD-1", announced_on=None, status="open", **fields):
    """A recruitment round of ``agency`` under the rule set of its announcement date (ND 170 by
    default)."""
    from recruitment import services

    round_ = services.round_create(actor=None, agency=agency, code=code,
                                   name=fields.pop("name", f"Đợt {code}"),
                                   announced_on=announced_on or date(2026, 9, 1), **fields)
    if status != round_.status:
        services.round_update(actor=None, round_=round_, status=status)
    return round_


_national_ids = iter(range(1, 10**6))


def make_application(vacancy, candidate=None, eligible=None, **fields):
    from recruitment import services

    values = {"full_name": "Nguyễn Văn An", "date_of_birth": date(1998, 5, 4), "sex": "male",
              "national_id": f"008098{next(_national_ids):06d}", "qualification": "Cử nhân Luật",
              **fields}
    application = services.application_submit(actor=None, vacancy=vacancy, **values)
    # Attached afterwards so that closed rounds can hold candidates' data too.
    if candidate is not None:
        type(application).objects.filter(pk=application.pk).update(candidate=candidate)
        application.candidate = candidate
    if eligible is not None:
        services.application_review(actor=None, application=application, eligible=eligible,
                                    reason="" if eligible else "Không đúng chuyên ngành")
    return application
