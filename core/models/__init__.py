from .audit import AuditEntry
from .base import ProtectedDeleteError, UndeletableModel, UndeletableQuerySet
from .imports import ImportJob
from .units import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, UnitChange
from .users import User

__all__ = [
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
