"""Civil servants' own sign-ins (self-service): HR creates them in bulk for a unit; each is linked
to the person's record (``CivilServant.account``) and carries the ``civil_servant`` role, with no
unit grant, so it reaches the person's own ledger, scores and self-assessment and nothing else."""
import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.models import OrgUnit
from core.roles import SELF_SERVICE
from core.text import unaccent
from personnel.models import CivilServant

# Letters and digits that cannot be misread on a printed sheet (no 0/O, 1/l/I).
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def own_servant(user) -> CivilServant | None:
    """The record linked to ``user``'s account (cached on the user for the request), or None."""
    if user is None or not user.is_authenticated or getattr(user, "is_candidate", False):
        return None
    if "_own_servant" not in user.__dict__:
        own = CivilServant.objects.filter(account_id=user.pk).select_related("unit").first()
        user.__dict__["_own_servant"] = own
    return user.__dict__["_own_servant"]


def initial_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def username_for(servant: CivilServant) -> str:
    return unaccent(servant.code).lower().replace(" ", "")[:150]


def accounts_create(*, actor, unit: OrgUnit) -> list[dict]:
    """Give every working person of ``unit`` and its sub-units who has none their own account:
    the username is their employee code, the initial password random (shown once to HR, to be
    handed over sealed; the person changes it by "Forgot password" with their e-mail or HR resets
    it). Returns one row per account created: code, name, unit, username, password."""
    User = get_user_model()
    people = list(CivilServant.objects.active().filter(unit__path__startswith=unit.path,
                                                       account__isnull=True)
                  .select_related("unit").order_by("unit__path", "sort_key"))
    if not people:
        message = _("Everyone working in %(unit)s already has an account.")
        raise ValidationError(message % {"unit": unit.name})
    wanted = {username_for(p): p for p in people}
    taken = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    created = []
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=SELF_SERVICE.code)
        for username, servant in wanted.items():
            if username in taken:
                continue  # an account of that name belongs to someone else: HR links it by hand
            password = initial_password()
            user = User(username=username, full_name=servant.full_name, email=servant.email)
            user.set_password(password)
            user.save()
            user.groups.add(group)
            CivilServant.objects.filter(pk=servant.pk).update(account=user)
            audit.record(actor=actor, obj=servant, action="update", unit=servant.unit,
                         changes={"account": [None, username]})
            created.append({"code": servant.code, "name": servant.full_name,
                            "unit": servant.unit.name, "username": username, "password": password})
    return created
