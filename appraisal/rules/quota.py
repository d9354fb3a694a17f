"""The HTXS quota within one appraising unit and one group of similar tasks.

ND 335/2025 Art 20.5a: the number rated HTXS is at most ``share`` % of the number rated HTT (20 %,
higher by decision under Art 20.5b); ND 90/2020 as amended by ND 48/2023 caps it at the Party share
(commonly the same 20 % of HTT). Those moved down are rated HTT, so they count in the HTT number:
with n candidates at HTXS and h at HTT, k kept must satisfy k ≤ share/100 × (h + n − k), and the
largest such k is kept, highest scores first. A tie across the cut goes to the committee.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from appraisal.rules.base import EXCELLENT, GOOD, LEVEL_NAMES, to_decimal, vn_number


@dataclass(frozen=True)
class QuotaMember:
    key: object
    score: Decimal | None
    level: str


@dataclass(frozen=True)
class QuotaResult:
    kept: frozenset
    moved_down: frozenset
    tied: frozenset
    limit: int  # k: how many may keep HTXS
    excellent: int  # n: HTXS candidates before the quota
    good: int  # h: HTT before the quota
    # key → Vietnamese reason, for those moved down or tied
    reasons: dict = field(default_factory=dict)


def quota_limit(excellent: int, good: int, share: Decimal) -> int:
    """The largest k ≤ n with k ≤ share/100 × (h + n − k), in exact rational arithmetic."""
    rate = Fraction(to_decimal(share)) / 100
    if rate < 0:
        raise ValueError("The HTXS share must not be negative")
    for kept in range(excellent, -1, -1):
        if kept <= rate * (good + excellent - kept):
            return kept
    return 0


def _sort_key(member: QuotaMember) -> tuple[int, Decimal]:
    # Unscored candidates rank below every score and tie among themselves.
    return (0, Decimal(0)) if member.score is None else (1, to_decimal(member.score))


def apply_quota(members: Iterable[QuotaMember], share: Decimal, *, basis: str = "") -> QuotaResult:
    """Keep HTXS for the ``limit`` highest scores of one unit and task group (the caller groups);
    ``basis`` (the rule set's citation) is added to the reasons."""
    members = list(members)
    candidates = sorted((m for m in members if m.level == EXCELLENT), key=_sort_key, reverse=True)
    good = sum(m.level == GOOD for m in members)
    limit = quota_limit(len(candidates), good, share)
    cite = f" ({basis})" if basis else ""
    rule = (f"số {LEVEL_NAMES[EXCELLENT]} không quá {vn_number(to_decimal(share))}% số "
            f"{LEVEL_NAMES[GOOD]}, tính cả người chuyển xuống: tối đa {limit}/{len(candidates)} "
            f"người{cite}")
    if limit >= len(candidates):
        return QuotaResult(frozenset(m.key for m in candidates), frozenset(), frozenset(), limit,
                           len(candidates), good, {})
    cut = _sort_key(candidates[limit - 1]) if limit else None
    first_out = _sort_key(candidates[limit])
    if cut == first_out:
        kept = [m for m in candidates if _sort_key(m) > cut]
        tied = [m for m in candidates if _sort_key(m) == cut]
        moved = [m for m in candidates if _sort_key(m) < cut]
    else:
        kept, tied, moved = candidates[:limit], [], candidates[limit:]
    reasons = {
        m.key: f"Vượt tỷ lệ: {rule}; {_shown(m)} không thuộc {limit} người điểm cao nhất: chuyển "
        f"xuống {LEVEL_NAMES[GOOD]}." for m in moved}
    seats = limit - len(kept)
    reasons.update({m.key: f"Đồng {_shown(m)} tại vị trí xét tỷ lệ ({rule}): còn {seats} suất cho "
                           f"{len(tied)} người đồng điểm, hội đồng quyết định." for m in tied})
    return QuotaResult(frozenset(m.key for m in kept), frozenset(m.key for m in moved),
                       frozenset(m.key for m in tied), limit, len(candidates), good, reasons)


def _shown(member: QuotaMember) -> str:
    if member.score is None:
        return "chưa có điểm"
    return f"điểm {vn_number(to_decimal(member.score), min_places=2)}"
