"""Sections that later apps add to a person's record (the appraisal results of each year …), so
personnel imports nothing from the apps built on it. Each app registers, from AppConfig.ready(),
a function ``(request, servant) -> {"key", "label", "template", "context"} | None``."""
from collections.abc import Callable

_SECTIONS: list[tuple[int, Callable]] = []


def register_section(order: int, func: Callable) -> None:
    if all(f is not func for _, f in _SECTIONS):
        _SECTIONS.append((order, func))
        _SECTIONS.sort(key=lambda item: item[0])


def sections_for(request, servant) -> list[dict]:
    sections = []
    for _, func in _SECTIONS:
        section = func(request, servant)
        if section:
            sections.append(section)
    return sections
