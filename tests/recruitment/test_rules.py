"""Recruitment rules from the decrees: rule choice and ND 170 transition, round-1 pass marks,
priority points by version, Decimal weights, each tie-break of each rule set."""
from datetime import date
from decimal import Decimal

import pytest

from recruitment.ranking import Entry, rank_position
from recruitment.rules import (
    REC_ND116,
    REC_ND138,
    REC_ND170,
    priority_points,
    professional_score,
    round1_part_passed,
    round2_passed,
    rules_for_round,
)

D = Decimal


@pytest.mark.parametrize(("announced", "code"), [
    (date(2020, 12, 1), "REC-ND138"), (date(2024, 9, 16), "REC-ND138"),
    (date(2024, 9, 17), "REC-ND116"), (date(2025, 6, 30), "REC-ND116"),
    (date(2025, 7, 1), "REC-ND170"), (date(2026, 3, 1), "REC-ND170"),
])
def test_the_rule_set_follows_the_announcement_date(announced, code):
    assert rules_for_round(announced_on=announced).rule_set.code == code


def test_nd170_transition_old_round_with_round1_done_finishes_under_old_rules_until_30_september():
    choice = rules_for_round(announced_on=date(2025, 5, 1), round1_completed_on=date(2025, 6, 20),
                             on=date(2025, 9, 30))
    assert choice.rule_set.code == "REC-ND116" and not choice.must_restart
    late = rules_for_round(
        announced_on=date(2025, 5, 1), round1_completed_on=date(2025, 6, 20), on=date(2025, 10, 1)
    )
    assert late.rule_set.code == "REC-ND170" and late.must_restart


def test_nd170_transition_round1_not_finished_before_1_july_must_restart():
    choice = rules_for_round(
        announced_on=date(2025, 5, 1), round1_completed_on=date(2025, 7, 5), on=date(2025, 7, 10)
    )
    assert choice.must_restart and choice.rule_set.code == "REC-ND170"


@pytest.mark.parametrize(("rules", "part", "correct", "passed"), [
    (REC_ND138, "general", 30, True), (REC_ND138, "general", 29, False),
    (REC_ND138, "language", 15, True), (REC_ND138, "language", 14, False),
    (REC_ND170, "general", 30, True), (REC_ND170, "general", 29, False),
])
def test_round1_passes_at_half_the_questions_of_each_part(rules, part, correct, passed):
    assert round1_part_passed(correct, rules.part(part), rules) is passed


def test_nd170_round1_has_no_language_part_and_nd138_has_no_it_part_on_computer():
    assert REC_ND170.part("language") is None and REC_ND138.part("it") is None
    assert (REC_ND138.part("general").questions, REC_ND138.part("language").questions) == (60, 30)


@pytest.mark.parametrize(("codes", "rules", "points"), [
    (["DTTS", "NVQS"], REC_ND138, D("5")),          # only the highest single category
    (["TB", "DTTS"], REC_ND170, D("7.5")),
    (["TNXP"], REC_ND116, D("2.5")),
    (["CDCS"], REC_ND138, D("0")),                  # trade-union category only from 17/9/2024
    (["CDCS"], REC_ND116, D("1.5")),
    (["CDCS", "NVCA"], REC_ND170, D("2.5")),
    ([], REC_ND170, D("0")),
])
def test_priority_points_by_version(codes, rules, points):
    assert priority_points(codes, rules)[0] == points


def test_weights_are_decimal_exact():
    weights = {"written": D(70), "interview": D(30)}
    assert professional_score({"written": D(74), "interview": D(74)}, weights) == D("74.00")
    assert professional_score({"written": D("65.5"), "interview": D(80)}, weights) == D("69.85")
    assert professional_score({"written": D("50.25")}, {"written": D(100)}) == D("50.25")


def test_round2_pass_marks_by_version():
    scores = {"written": D(80), "interview": D(45)}
    professional = professional_score(scores, {"written": D(70), "interview": D(30)})  # 69.50
    assert round2_passed(scores, professional, REC_ND138)  # the combined score ≥ 50 suffices
    assert not round2_passed(scores, professional, REC_ND170)  # each part ≥ 50 % of its maximum
    assert not round2_passed({"written": D("49.99")}, D("49.99"), REC_ND138)


def entry(key, professional, priority="0", **kwargs):
    return Entry(key=key, round1_passed=True, round2_passed=True, professional=D(professional),
                 priority=D(priority), **kwargs)


def results(entries):
    return {e.key: e.result for e in entries}


def test_ranking_within_the_quota():
    entries = [entry("a", "80"), entry("b", "75", "5"), entry("c", "70"), entry("d", "60", "7.5")]
    ranked = rank_position(entries, 2, REC_ND170)
    assert results(ranked) == {"a": "PASSED", "b": "PASSED", "c": "FAILED", "d": "FAILED"}
    assert [e.rank for e in ranked] == [1, 2, 3, 4]


def test_nd138_tie_goes_to_the_higher_round2_score():
    # Same total 80: b has more round-2 points, a has priority points.
    entries = [entry("x", "90"), entry("a", "75", "5"), entry("b", "77.5", "2.5")]
    assert results(rank_position(entries, 2, REC_ND138)) == {
        "x": "PASSED", "a": "FAILED", "b": "PASSED",
    }


def test_nd116_tie_breaks_verification_then_score_then_general_knowledge():
    exempt = [entry("a", "70", verification_exempt=True), entry("b", "70", round1_general=55)]
    assert results(rank_position(exempt, 1, REC_ND116)) == {"a": "PASSED", "b": "FAILED"}
    scored = [entry("a", "70", verification_exempt=True, verification_score=D("80")),
              entry("b", "70", verification_exempt=True, verification_score=D("85"))]
    assert results(rank_position(scored, 1, REC_ND116)) == {"a": "FAILED", "b": "PASSED"}
    general = [entry("a", "70", round1_general=48), entry("b", "70", round1_general=51)]
    assert results(rank_position(general, 1, REC_ND116)) == {"a": "FAILED", "b": "PASSED"}


def test_nd170_tie_breaks_professional_then_written_score():
    by_professional = [entry("a", "72", "5"), entry("b", "77")]
    assert results(rank_position(by_professional, 1, REC_ND170)) == {"a": "FAILED", "b": "PASSED"}
    by_written = [entry("a", "77", written=D("80")), entry("b", "77", written=D("75"))]
    assert results(rank_position(by_written, 1, REC_ND170)) == {"a": "PASSED", "b": "FAILED"}


@pytest.mark.parametrize("rules", [REC_ND138, REC_ND116, REC_ND170])
def test_what_remains_tied_goes_to_the_head(rules):
    entries = [
        entry("x", "90"), entry("a", "77", written=D("75")), entry("b", "77", written=D("75")),
        entry("c", "60"),
    ]
    ranked = results(rank_position(entries, 2, rules))
    assert ranked == {"x": "PASSED", "a": "HEAD_DECIDES", "b": "HEAD_DECIDES", "c": "FAILED"}


def test_candidates_failing_a_round_are_not_ranked():
    failed = Entry(
        key="f", round1_passed=False, round2_passed=False, professional=None, priority=D(0)
    )
    ranked = rank_position([failed, entry("a", "55")], 1, REC_ND170)
    assert results(ranked) == {"f": "FAILED", "a": "PASSED"} and failed.rank is None
