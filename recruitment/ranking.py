"""Ranking within each position's quota, with the tie-breaks of the rule set at the last slot.

Pure functions over plain entries: the same code ranks a round in the web page, the results
command and the tests built from the decree's cases.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from recruitment.rules import FAILED, HEAD_DECIDES, PASSED, RecruitmentRuleSet

MISSING = Decimal("-1")


@dataclass
class Entry:
    key: object
    round1_passed: bool
    round2_passed: bool
    professional: Decimal | None
    priority: Decimal
    written: Decimal | None = None
    round1_general: int | None = None
    verification_exempt: bool = False
    verification_score: Decimal | None = None
    rank: int | None = None
    result: str = FAILED
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return self.round1_passed and self.round2_passed and self.professional is not None

    @property
    def total(self) -> Decimal | None:
        return None if self.professional is None else self.professional + self.priority


TIE_KEYS = {
    "round2_score": lambda e: e.professional if e.professional is not None else MISSING,
    "professional_score": lambda e: e.professional if e.professional is not None else MISSING,
    "written_score": lambda e: e.written if e.written is not None else MISSING,
    "verification_exempt": lambda e: 1 if e.verification_exempt else 0,
    "verification_score": lambda e: (
        e.verification_score if e.verification_score is not None else MISSING
    ),
    "round1_general": lambda e: e.round1_general if e.round1_general is not None else -1,
}
TIE_LABELS = {
    "round2_score": "điểm vòng 2 cao hơn",
    "professional_score": "điểm thi chuyên môn, nghiệp vụ cao hơn",
    "written_score": "điểm thi viết cao hơn",
    "verification_exempt": "được miễn vòng 1 do có kết quả kiểm định",
    "verification_score": "kết quả kiểm định cao hơn",
    "round1_general": "số câu trả lời đúng phần kiến thức chung vòng 1 nhiều hơn",
}


def rank_position(entries: list[Entry], quota: int, rules: RecruitmentRuleSet) -> list[Entry]:
    """Mark each entry PASSED, FAILED or HEAD_DECIDES and give the eligible ones a rank."""
    eligible = sorted((e for e in entries if e.eligible), key=lambda e: -e.total)
    for entry in entries:
        if not entry.eligible:
            entry.result, entry.rank = FAILED, None
    if not eligible:
        return entries
    if len(eligible) <= quota:
        _accept(eligible, start=1)
        return entries
    boundary = eligible[quota - 1].total
    above = [e for e in eligible if e.total > boundary]
    tied = [e for e in eligible if e.total == boundary]
    below = [e for e in eligible if e.total < boundary]
    _accept(above, start=1)
    slots = quota - len(above)
    _break_tie(tied, slots, list(rules.tie_breaks), start=len(above) + 1, rules=rules)
    for entry in below:
        entry.result, entry.rank = FAILED, None
    _rank_failed(below, start=len(above) + len(tied) + 1)
    return entries


def _accept(entries: list[Entry], start: int) -> None:
    for offset, entry in enumerate(entries):
        entry.result, entry.rank = PASSED, start + offset


def _rank_failed(entries: list[Entry], start: int) -> None:
    for offset, entry in enumerate(entries):
        entry.rank = start + offset


def _break_tie(
    group: list[Entry], slots: int, keys: list[str], start: int, rules: RecruitmentRuleSet
) -> None:
    """Fill ``slots`` from an equally scored ``group`` using the tie-breaks in order; whoever is
    still tied across the last slot is left to the head of the recruiting authority."""
    if slots <= 0:
        for entry in group:
            entry.result, entry.rank = FAILED, start
        return
    if len(group) <= slots:
        _accept(group, start)
        return
    if not keys:
        note = _(
            "Still tied after every tie-break of %(code)s: "
            "the head of the recruiting authority decides."
        ) % {"code": rules.code}
        for entry in group:
            entry.result, entry.rank, entry.note = HEAD_DECIDES, start, note
        return
    key, rest = keys[0], keys[1:]
    values = sorted({TIE_KEYS[key](e) for e in group}, reverse=True)
    position = start
    for value in values:
        members = [e for e in group if TIE_KEYS[key](e) == value]
        for entry in members:
            entry.note = _("Tie on total at the last slot: decided by %(rule)s (%(code)s).") \
                % {"rule": TIE_LABELS[key], "code": rules.code}
        _break_tie(members, slots, rest, position, rules)
        position += len(members)
        slots -= len(members)
