"""Staff accounts created by provincial HR, with their role and first unit grant."""
from django.contrib.auth.models import Group
from django.db import transaction

from core import audit
from core.models import OrgUnit, User
from core.roles import ROLE_BY_CODE
from core.services.units import unit_grant


@transaction.atomic
def account_create(*, actor, username: str, full_name: str, password: str, role: str,
                   email: str = "", unit: OrgUnit | None = None) -> User:
    user = User(username=username, full_name=full_name, email=email,
                account_type=User.AccountType.STAFF)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit.record(actor=actor, obj=user, action="create",
                 changes={"username": [None, username], "role": [None, role]})
    level = ROLE_BY_CODE[role].unit_level
    if unit is not None and level:
        unit_grant(actor=actor, unit=unit, level=level, user=user)
    return user


@transaction.atomic
def account_set_active(*, actor, user: User, active: bool) -> User:
    if user.is_active != active:
        audit.record(actor=actor, obj=user, action="update",
                     changes={"is_active": [user.is_active, active]})
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user
