from .access import AccessRecord
from .audit import AuditEntry
from .base import ProtectedDeleteError, UndeletableModel, UndeletableQuerySet
from .imports import ImportJob
from .notifications import Notification
from .tokens import ApiToken
from .units import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, UnitChange
from .users import User

__all__ = [
    "AccessRecord",
    "ApiToken",
    "AuditEntry",
    "ImportJob",
    "Notification",
    "OrgUnit",
    "OrgUnitGroupObjectPermission",
    "OrgUnitUserObjectPermission",
    "ProtectedDeleteError",
    "UndeletableModel",
    "UndeletableQuerySet",
    "UnitChange",
    "User",
]
