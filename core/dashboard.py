"""Dashboard panels: each app registers a function that returns its panel for a user's scope.

Keeps ``core`` free of imports from the apps to its right while the dashboard shows their counts.
"""
from collections.abc import Callable

_PANELS: list[tuple[int, Callable]] = []


def register_panel(order: int, func: Callable) -> None:
    if all(f is not func for _, f in _PANELS):
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda item: item[0])


def dashboard_panels(request, scope) -> list[dict]:
    """Each panel: {"title", "template", "context"}; a panel function may return None to hide
    itself."""
    panels = []
    for _, func in _PANELS:
        panel = func(request, scope)
        if panel:
            panels.append(panel)
    return panels


# Where an account without any unit grant lands instead of the empty dashboard (a civil servant
# signed in as themselves goes to their own appraisal); each app may register one.
_HOMES: list[Callable] = []


def register_home(func: Callable) -> None:
    if func not in _HOMES:
        _HOMES.append(func)


def home_for(user) -> str | None:
    for func in _HOMES:
        url = func(user)
        if url:
            return url
    return None
