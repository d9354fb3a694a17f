"""The HTXS quota (ND 335/2025 Art 20.5; ND 90 as amended by ND 48/2023): HTXS at most share % of
HTT within one unit and task group, those moved down counting as HTT, highest scores first, a tie
across the cut left to the committee."""
from decimal import Decimal
from fractions import Fraction

import pytest

from appraisal.rules import QuotaMember, apply_quota, rule_set_for

D = Decimal


def group(excellent_scores, good=0, others=0):
    members = [QuotaMember(f"X{i}", None if s is None else D(s), "HTXS")
               for i, s in enumerate(excellent_scores)]
    members += [QuotaMember(f"G{i}", D(80), "HTT") for i in range(good)]
    members += [QuotaMember(f"O{i}", D(60), "HT") for i in range(others)]
    return members


@pytest.mark.parametrize(("n", "h", "share", "k"), [
    # 10 HTXS + 10 HTT: k = 3 since 3 ≤ 0.2 × (10 + 7) = 3.4, while 4 ≤ 0.2 × (10 + 6) = 3.2 fails.
    (10, 10, 20, 3),
    (1, 0, 20, 0),  # 1 ≤ 0.2 × 0 fails
    (1, 4, 20, 0),  # 1 ≤ 0.2 × 4 = 0.8 fails
    (1, 5, 20, 1),  # 1 ≤ 0.2 × 5 = 1 holds (equality)
    (3, 2, 20, 0),  # 1 ≤ 0.2 × (2 + 2) = 0.8 fails
    (5, 25, 20, 5),  # all 5 fit: 5 ≤ 0.2 × 25 = 5
    (6, 25, 20, 5),  # 6 ≤ 0.2 × 25 = 5 fails; 5 ≤ 0.2 × 26 = 5.2
    (2, 10, 20, 2),
    # Ceiling share of 25 (Art 20.5b, UNCONFIRMED): 4 ≤ 0.25 × (10 + 6) = 4 holds exactly; 5 ≤ 0.25
    # × 15 fails.
    (10, 10, 25, 4),
    (0, 7, 20, 0),
])
def test_the_limit_counts_those_moved_down_as_htt(n, h, share, k):
    result = apply_quota(group([90 + i for i in range(n)], good=h, others=3), D(share))
    assert (result.limit, result.excellent, result.good) == (k, n, h)
    assert len(result.kept) == k and len(result.moved_down) == n - k and not result.tied
    # k is the largest that fits: k fits, k + 1 does not (or there is no one more).
    rate = Fraction(share, 100)
    assert k <= rate * (h + n - k)
    assert k == n or not k + 1 <= rate * (h + n - k - 1)


def test_the_highest_scores_keep_htxs():
    scores = ["99.5", "98", "97.25", "96", "95", "94", "93", "92", "91", "90"]
    result = apply_quota(group(scores, good=10), D(20))
    assert result.kept == {"X0", "X1", "X2"}
    assert result.moved_down == {f"X{i}" for i in range(3, 10)}
    assert set(result.reasons) == result.moved_down
    assert all("Hoàn thành tốt nhiệm vụ" in r and "20%" in r for r in result.reasons.values())


def test_a_tie_across_the_cut_goes_to_the_committee():
    # k = 3; the 3rd and 4th candidates both have 95: the three at 95 are tied, 99 and 98 kept.
    result = apply_quota(group(["99", "98", "95", "95", "95", "94", "93", "92", "91", "90"],
                               good=10), D(20))
    assert result.limit == 3
    assert result.kept == {"X0", "X1"}
    assert result.tied == {"X2", "X3", "X4"}
    assert result.moved_down == {f"X{i}" for i in range(5, 10)}
    assert all("hội đồng" in result.reasons[key] and "1 suất" in result.reasons[key]
               for key in result.tied)


def test_equal_scores_that_fit_entirely_are_not_a_tie():
    # k = 3 and exactly three candidates at 95: they all keep it; the 94s below are moved down.
    result = apply_quota(group(["95", "95", "95", "94", "94", "90", "90", "90", "90", "90"],
                               good=10), D(20))
    assert result.kept == {"X0", "X1", "X2"} and not result.tied


def test_equal_scores_below_the_cut_are_simply_moved_down():
    result = apply_quota(group(["99", "98", "97", "96", "90", "90", "90", "90", "90", "90"],
                               good=10), D(20))
    assert result.kept == {"X0", "X1", "X2"} and not result.tied and "X3" in result.moved_down


def test_a_single_htxs_among_too_few_htt_is_moved_down():
    result = apply_quota(group(["97"], good=4), D(20))
    assert (result.limit, result.kept, result.moved_down) == (0, frozenset(), {"X0"})


def test_unscored_candidates_are_all_tied_when_they_do_not_all_fit():
    # ND 90 has no scores: 2 HTXS proposals, 5 HTT → k = 1 (1 ≤ 0.2 × 6): the committee chooses.
    result = apply_quota(group([None, None], good=5), D(20))
    assert result.limit == 1 and result.tied == {"X0", "X1"} and not result.kept


def test_the_rule_sets_share_and_citation_feed_the_quota():
    nd335 = rule_set_for(2026, "civil_servant")
    result = apply_quota(group(["95", "94"], good=5), nd335.quota_share(),
                         basis=nd335.cite("quota"))
    assert result.limit == 1
    assert "khoản 5 Điều 20" in result.reasons["X1"]
    with pytest.raises(ValueError):
        rule_set_for(2025, "civil_servant").quota_share(D(25))  # ND 90 has no higher share
