"""The rule-set registry: regulations as versioned, effective-dated strategy objects.

A rule set is registered under the code DOMAIN-RULES.md gives it (``RET-ND135``, ``APPR-ND335`` …)
with its family, legal basis, effective dates and the staff categories it covers. Lookups take the
date of the thing being decided (the appraisal year, the round's announcement, the retirement
month), never today's date.
"""
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RuleSet:
    code: str
    family: str
    title: str
    legal_basis: str
    valid_from: date
    valid_to: date | None = None
    categories: frozenset[str] = field(default_factory=frozenset)  # empty: every category

    def applies(self, day: date, category: str | None = None) -> bool:
        in_force = self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
        return in_force and (not self.categories or category is None or category in self.categories)


class RuleSetNotFound(LookupError):
    pass


_REGISTRY: dict[str, RuleSet] = {}


_FAMILIES: dict[str, list[RuleSet]] = {}


def register(rule_set: RuleSet) -> RuleSet:
    existing = _REGISTRY.get(rule_set.code)
    if existing is not None and existing != rule_set:
        raise ValueError(f"Rule set {rule_set.code} is registered twice")
    _REGISTRY[rule_set.code] = rule_set
    members = [r for r in _FAMILIES.get(rule_set.family,
                                        []) if r.code != rule_set.code] + [rule_set]
    _FAMILIES[rule_set.family] = sorted(members, key=lambda r: r.valid_from)
    return rule_set


def get(code: str) -> RuleSet:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise RuleSetNotFound(code) from None


def family(name: str) -> list[RuleSet]:
    return list(_FAMILIES.get(name, []))


def for_date(family_name: str, day: date, category: str | None = None) -> RuleSet:
    """The rule set of ``family_name`` in force on ``day`` (the latest one that started, if
    several)."""
    candidates = [r for r in _FAMILIES.get(family_name, []) if r.applies(day, category)]
    if not candidates:
        raise RuleSetNotFound(f"{family_name} on {day.isoformat()}")
    return candidates[-1]


def all_rule_sets() -> list[RuleSet]:
    return sorted(_REGISTRY.values(), key=lambda r: (r.family, r.valid_from))
