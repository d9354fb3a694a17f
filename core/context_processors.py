from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import MANAGE, VIEW, unit_scope
from core.roles import user_roles

# (label, url name, icon, who sees it); later apps add their entries through NAV_ITEMS.
NAV_ITEMS: list[tuple] = [
    (_("Overview"), "core:dashboard", "speedometer2", "staff"),
    (_("Units"), "core:unit_list", "diagram-3", "view"),
]
NAV_TOOLS: list[tuple] = [
    (_("Imports"), "core:import_list", "upload", "manage"),
    (_("Change log"), "core:audit_list", "clock-history", "view"),
    (_("Access"), "core:access_list", "shield-lock", "core.manage_grants"),
]


def _visible(user, rule: str) -> bool:
    if rule == "staff":
        return True
    if rule == "view":
        return bool(unit_scope(user, VIEW))
    if rule == "manage":
        return bool(unit_scope(user, MANAGE))
    return user.has_perm(rule)


def _items(user, items, current: str) -> list[dict]:
    return [{"label": label, "url": reverse(name), "icon": icon, "active": current == name}
            for label, name, icon, rule in items if _visible(user, rule)]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_candidate", False):
        return {"nav_items": [], "nav_tools": [], "user_roles": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {"nav_items": _items(user, NAV_ITEMS, current), "nav_tools": _items(user, NAV_TOOLS, current),
            "user_roles": user_roles(user)}
