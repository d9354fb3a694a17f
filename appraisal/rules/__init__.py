"""Appraisal rule sets (rule family ``appraisal``): ``APPR-ND90`` and ``APPR-ND335``, pure Python.

Importing this package registers them. :func:`rule_set_for` picks the rule set of an appraisal
year and staff category (the one in force on 31 December of that year, the latest to start if
several cover the category), so a successor is added by registering one more object with its
``valid_from`` and ``categories``.
"""
from datetime import date

from appraisal.rules.base import (
    COMPLETED,
    EXCELLENT,
    FAILED,
    GOOD,
    LEVEL_NAMES,
    LEVELS,
    AppraisalRuleSet,
    Criterion,
    Facts,
    LedgerLine,
    NoProductsAssigned,
    Outcome,
)
from appraisal.rules.nd90 import APPR_ND90, ChecklistRuleSet
from appraisal.rules.nd335 import APPR_ND335, ScoredRuleSet
from appraisal.rules.petition import PetitionRuleSet, petition_rules
from appraisal.rules.quota import QuotaMember, QuotaResult, apply_quota, quota_limit
from core.rules import registry

__all__ = [
    "APPR_ND90", "APPR_ND335", "COMPLETED", "EXCELLENT", "FAILED", "GOOD", "LEVELS", "LEVEL_NAMES",
    "AppraisalRuleSet", "ChecklistRuleSet", "Criterion", "Facts", "LedgerLine",
    "NoProductsAssigned", "Outcome",
    "PetitionRuleSet", "QuotaMember", "QuotaResult", "ScoredRuleSet", "apply_quota",
    "petition_rules", "quota_limit",
    "rule_set_for",
]


def rule_set_for(year: int, category: str) -> AppraisalRuleSet:
    """The appraisal rule set for ``year`` and a CivilServant.category value (raises
    core.rules.registry.RuleSetNotFound before ND 90/2020)."""
    return registry.for_date("appraisal", date(year, 12, 31), category)
