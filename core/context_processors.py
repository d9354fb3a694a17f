from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import MANAGE, VIEW, unit_scope
from core.roles import user_roles

# Sections of the main menu: (order, label, url name, icon, who sees it). Apps add their entries
# from AppConfig.ready() with register_nav, so core imports nothing from them.
NAV: dict[str, list[tuple]] = {
    "main": [(10, _("Overview"), "core:dashboard", "speedometer2", "staff"),
             (20, _("Units"), "core:unit_list", "diagram-3", "view")],
    "reports": [],
    "tools": [(10, _("Imports"), "core:import_list", "upload", "manage"),
              (20, _("Audit log"), "core:audit_list", "clock-history", "view"),
              (30, _("Access"), "core:access_list", "shield-lock", "core.manage_grants"),
              (35, _("Locked logins"), "core:lockout_list", "unlock", "core.manage_grants"),
              (40, _("Access records"), "core:access_record_list", "eye",
               "core.view_accessrecord")],
}


def register_nav(section: str, order: int, label, url_name: str, icon: str, rule: str) -> None:
    entries = NAV[section]
    if all(entry[2] != url_name for entry in entries):
        entries.append((order, label, url_name, icon, rule))
        entries.sort(key=lambda entry: entry[0])


def _visible(user, rule) -> bool:
    if callable(rule):
        return rule(user)
    if rule == "staff":
        return True
    if rule == "view":
        return bool(unit_scope(user, VIEW))
    if rule == "manage":
        return bool(unit_scope(user, MANAGE))
    return user.has_perm(rule)


def _items(user, section: str, current: str) -> list[dict]:
    return [{"label": label, "url": reverse(name), "icon": icon, "active": current == name}
            for _order, label, name, icon, rule in NAV[section] if _visible(user, rule)]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_candidate", False):
        return {"nav_items": [], "nav_reports": [], "nav_tools": [], "user_roles": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {"nav_items": _items(user, "main", current),
            "nav_reports": _items(user, "reports", current),
            "nav_tools": _items(user, "tools", current), "user_roles": user_roles(user)}
