from .access import AccessRecord
from .audit import AuditEntry
from .base import ProtectedDeleteError, UndeletableModel, UndeletableQuerySet
from .imports import ImportJob
from .units import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, UnitChange
from .users import User

__all__ = [
    "AccessRecord",
    "AuditEntry",
    "ImportJob",
    "OrgUnit",
    "OrgUnitGroupObjectPermission",
    "OrgUnitUserObjectPermission",
    "ProtectedDeleteError",
    "UndeletableModel",
    "UndeletableQuerySet",
    "UnitChange",
    "User",
]
