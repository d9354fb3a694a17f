"""The roles of DESIGN.md §2 and the groups that carry them.

Unit-scoped roles (unit HR officer, unit head) get their reach from unit grants; province-wide
roles carry model-level permissions. Candidates are accounts of type ``candidate``, in no group.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...] = ()
    unit_level: str = ""  # the unit grant given with the role: "view" or "manage"


PROVINCIAL_HR = Role(
    "provincial_hr",
    _("Provincial HR (Department of Home Affairs)"),
    ("core.view_all_units", "core.manage_all_units", "core.manage_grants", "core.reorganize_units",
     "core.add_orgunit", "core.change_orgunit", "positions.add_competency",
     "positions.change_competency", "positions.change_rank", "positions.add_staffingquota",
     "positions.change_staffingquota", "positions.change_positiondossier",
     "positions.add_rankratiocap", "positions.change_rankratiocap", "recruitment.run_round",
     "recruitment.manage_questions",
     # Who read whose personal data (ND 13/2023): the Department of Home Affairs answers for it.
     "core.view_accessrecord", "appraisal.propose_level", "appraisal.assign_work"),
)
UNIT_HR = Role("unit_hr", _("Unit HR officer"), unit_level="manage")
# Unit heads assign their staff's products and review them (the work ledger of ND 335/2025).
UNIT_HEAD = Role("unit_head", _("Unit head"), ("appraisal.assign_work",), unit_level="view")
APPRAISAL_COMMITTEE = Role("appraisal_committee", _("Appraisal committee member"),
                           ("appraisal.propose_level",), unit_level="view")
# view_questionbank only puts the banks in the menu; which banks, and whether to write them, are
# the round grants (recruitment.exam.access).
EXAM_BOARD = Role("exam_board", _("Exam board member"), ("recruitment.view_questionbank",))
# A civil servant signed in as themselves, linked to their record (CivilServant.account): no unit
# grant, so no staff list reaches them; they see their own ledger, scores and self-assessment.
SELF_SERVICE = Role("civil_servant", _("Civil servant (own record)"))

ROLES = (PROVINCIAL_HR, UNIT_HR, UNIT_HEAD, APPRAISAL_COMMITTEE, EXAM_BOARD, SELF_SERVICE)
ROLE_BY_CODE = {role.code: role for role in ROLES}


def sync_roles() -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        perms = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            perms.extend(Permission.objects.filter(content_type__app_label=app_label,
                                                   codename=codename))
        group.permissions.set(perms)


def sync_roles_after_migrate(**kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions are created by another post_migrate receiver, app by app; roles span apps, so
    # make sure every app's permissions exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    sync_roles()


def user_group_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per request (cached on the user object)."""
    if "_group_names" not in user.__dict__:
        user.__dict__["_group_names"] = frozenset(group.name for group in user.groups.all())
    return user.__dict__["_group_names"]


def user_roles(user) -> list[Role]:
    names = user_group_names(user)
    return [role for role in ROLES if role.code in names]
