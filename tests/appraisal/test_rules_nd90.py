"""APPR-ND90 (ND 90/2020 as amended by ND 48/2023) against the decree: the level criteria of
Art 4–15 for non-leaders and leaders (DOMAIN-RULES §2.2), and the special cases of Art 2."""
import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from appraisal.rules import LEVELS, Facts, rule_set_for
from personnel.rules.discipline import REPRIMAND, WARNING

ND90 = rule_set_for(2025, "civil_servant")

# Non-leaders: the checklist of each level as a person meets it.
EXCELLENT_STAFF = {"general_well": True, "general_met": True, "tasks_excellent": True,
                   "tasks_exceeded_half": True, "tasks_good": True, "tasks_completed": True}
# Leaders: own criteria; the unit's figures come separately.
EXCELLENT_LEADER = {"general_well": True, "general_met": True, "tasks_excellent": True,
                    "tasks_completed": True}


def staff(criteria=None, **facts) -> Facts:
    return Facts(year=2025, criteria=EXCELLENT_STAFF if criteria is None else criteria, **facts)


def leader(*, planned=10, completed=10, on_time=10, exceeded=5,
           subunits=("HTXS", "HTT", "HTT", "HT"), criteria=None, **facts) -> Facts:
    return Facts(year=2025, is_leader=True,
                 criteria=EXCELLENT_LEADER if criteria is None else criteria,
                 unit_targets_planned=planned, unit_targets_completed=completed,
                 unit_targets_on_time=on_time, unit_targets_exceeded=exceeded,
                 subunit_levels=tuple(subunits), **facts)


def test_nd90_does_not_score():
    assert ND90.continuous is False
    with pytest.raises(ValueError):
        ND90.level_for_score(Decimal(95))
    with pytest.raises(ValueError):
        ND90.task_ratio(Decimal(100), Decimal(100), Decimal(100), leader=False)


def test_the_checklists_are_data_with_vietnamese_labels():
    for role in ("staff", "leader"):
        for level in LEVELS[:3]:
            criteria = ND90.checklists[(role, level)]
            assert criteria and all(c.label for c in criteria)
            assert len({c.key for c in criteria}) == len(criteria)
    assert "chưa xác nhận" in ND90.unconfirmed["excellent_share"]


# --- non-leaders (Art 8–11) -----------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "level"), [
    ({}, "HTXS"),
    ({"tasks_exceeded_half": False}, "HTT"),  # under 50 % of tasks exceeded
    ({"general_well": False}, "HTT"),  # meets the general criteria, not "well"
    # not all on time
    ({"tasks_exceeded_half": False, "tasks_excellent": False, "tasks_good": False}, "HT"),
    # > 20 % not assured
    ({"tasks_excellent": False, "tasks_good": False, "tasks_completed": False}, "KHT"),
    ({"general_well": False, "general_met": False}, "KHT"),
    ({"tasks_failed_over_half": True}, "KHT"),  # over 50 % of task criteria not assured
])
def test_the_highest_level_whose_criteria_all_hold(changes, level):
    outcome = ND90.classify(staff({**EXCELLENT_STAFF, **changes}))
    assert outcome.level == level
    assert any("90/2020" in r for r in outcome.reasons)


def test_the_reasons_say_which_criterion_failed_for_the_higher_level():
    outcome = ND90.classify(staff({**EXCELLENT_STAFF, "tasks_exceeded_half": False}))
    assert any("Chưa đạt mức Hoàn thành xuất sắc" in r and "vượt mức" in r and "Điều 4, 8, 12" in r
               for r in outcome.reasons)
    assert any("Đáp ứng tất cả tiêu chí mức Hoàn thành tốt" in r for r in outcome.reasons)


def test_a_lower_proposal_is_kept_and_a_higher_one_is_not_granted():
    assert ND90.classify(staff(proposed_level="HTT")).level == "HTT"
    only_ht = {**EXCELLENT_STAFF, "tasks_excellent": False, "tasks_good": False}
    assert ND90.classify(staff(only_ht, proposed_level="HTXS")).level == "HT"


def test_without_enough_criteria_the_proposal_is_used_with_a_reason():
    outcome = ND90.classify(staff({}, proposed_level="HTT"))
    assert outcome.level == "HTT"
    assert any("Chưa đủ dữ liệu" in r and "đề nghị" in r for r in outcome.reasons)
    assert ND90.classify(staff({})).level is None


def test_a_proposal_cannot_reach_a_level_already_known_to_fail():
    # HTXS fails (under 50 % exceeded), HTT not assessed yet: a proposal of HTXS gives at most HTT.
    outcome = ND90.classify(staff({"general_well": True, "tasks_exceeded_half": False},
                                  proposed_level="HTXS"))
    assert outcome.level == "HTT"


# --- Art 2 special cases --------------------------------------------------------------------------

def test_under_six_months_worked_is_not_classified():
    outcome = ND90.classify(staff(months_worked=5))
    assert outcome.level is None
    assert "dưới 6 tháng" in outcome.reasons[0] and "kiểm điểm" in outcome.reasons[0]
    assert ND90.classify(staff(months_worked=6)).level == "HTXS"


def test_maternity_leave_is_classified_on_the_time_worked():
    outcome = ND90.classify(staff(months_worked=5, maternity_leave=True))
    assert outcome.level == "HTXS"
    assert any("thai sản" in r for r in outcome.reasons)


def test_three_to_under_six_months_of_leave_caps_the_level_at_ht():
    for months in (3, 4, 5):
        outcome = ND90.classify(staff(leave_months=months))
        assert outcome.level == "HT" and outcome.overridden
        assert any(f"{months} tháng" in r and "Điều 2" in r for r in outcome.reasons)
    assert ND90.classify(staff(leave_months=2)).level == "HTXS"


def test_the_leave_cap_does_not_raise_a_lower_level():
    only_ht = {**EXCELLENT_STAFF, "tasks_excellent": False, "tasks_good": False}
    outcome = ND90.classify(staff(only_ht, leave_months=4))
    assert outcome.level == "HT" and not outcome.overridden


def test_maternity_leave_is_not_capped():
    # Maternity leave: the level is that of the actual working time (ND 90 Art 2 as amended).
    assert ND90.classify(staff(leave_months=4, maternity_leave=True)).level == "HTXS"


def test_any_discipline_in_the_year_is_kht():
    outcome = ND90.classify(staff(disciplines=((REPRIMAND, date(2025, 6, 1)),)))
    assert outcome.level == "KHT" and outcome.overridden
    assert any("khiển trách" in r and "48/2023" in r for r in outcome.reasons)
    # Party discipline forms outside the administrative list count too.
    assert ND90.classify(staff(disciplines=(("expulsion", date(2025, 6, 1)),))).level == "KHT"


def test_a_discipline_of_another_year_does_not_count():
    assert ND90.classify(staff(disciplines=((WARNING, date(2024, 11, 30)),))).level == "HTXS"


def test_degradation_is_kht():
    assert ND90.classify(staff(degradation="Kết luận 03-KL/CB")).level == "KHT"


# --- leaders (Art 8.2, 9.2, 10.2, 11.2) -----------------------------------------------------------

def test_a_leader_whose_unit_did_everything_and_exceeded_half_is_htxs():
    # 10/10 targets completed, 5/10 = 50 % exceeded; 4/4 subunits ≥ HT, 3/4 = 75 % HTT or HTXS.
    outcome = ND90.classify(leader())
    assert outcome.level == "HTXS"
    assert any("Đáp ứng tất cả tiêu chí mức Hoàn thành xuất sắc" in r for r in outcome.reasons)


@pytest.mark.parametrize(("changes", "level"), [
    ({"exceeded": 4}, "HTT"),  # 40 % exceeded; all completed, 10/10 on time ≥ 80 %
    ({"exceeded": 4, "on_time": 8}, "HTT"),  # exactly 80 % on time
    ({"exceeded": 4, "on_time": 7}, "HT"),  # 70 % on time < 80 %; completed 100 % > 70 %
    # a subunit KHT: 3/4 = 75 % ≥ HT still ≥ 70 %
    ({"subunits": ("HTXS", "HTT", "HT", "KHT")}, "HT"),
    ({"subunits": ("HTT", "HTT", "HT")}, "HT"),  # 2/3 = 66.7 % HTT or better < 70 %
    ({"completed": 8, "on_time": 8}, "HT"),  # not all targets completed; 80 % > 70 %
    ({"completed": 4, "on_time": 4, "exceeded": 0}, "KHT"),  # under 50 % of the unit's targets
    ({"subunits": ()}, "HTXS"),  # no unit under direct management
])
def test_a_leaders_level_follows_the_unit_results(changes, level):
    assert ND90.classify(leader(**changes)).level == level


def test_a_leaders_own_excellence_is_needed_for_htxs():
    criteria = {**EXCELLENT_LEADER, "tasks_excellent": False}
    assert ND90.classify(leader(criteria=criteria)).level == "HTT"


def test_a_leader_whose_unit_is_handled_for_corruption_is_kht():
    outcome = ND90.classify(leader(corruption_case="Kết luận thanh tra số 9"))
    assert outcome.level == "KHT" and any("tham nhũng" in r for r in outcome.reasons)


def test_a_leader_without_the_units_figures_falls_back_to_the_proposal():
    outcome = ND90.classify(leader(planned=0, completed=0, on_time=0, exceeded=0,
                                   proposed_level="HTT"))
    assert outcome.level == "HTT" and any("Chưa đủ dữ liệu" in r for r in outcome.reasons)


def test_an_unrated_subunit_leaves_the_level_to_the_proposal():
    assert ND90.classify(leader(subunits=("HTT", ""), proposed_level="HT")).level == "HT"


def test_without_the_completed_figure_the_on_time_figure_is_a_lower_bound():
    # 10/10 on time proves that all targets were completed.
    assert ND90.classify(dataclasses.replace(leader(), unit_targets_completed=None)).level == "HTXS"
    # 9/10 on time, the late one unknown: HTXS fails anyway (4/10 exceeded); "all completed" for HTT
    # cannot be shown, so the proposal decides, at most HTT.
    facts = dataclasses.replace(leader(exceeded=4, on_time=9), unit_targets_completed=None)
    outcome = ND90.classify(dataclasses.replace(facts, proposed_level="HTXS"))
    assert outcome.level == "HTT"
    assert any("Chưa nhập số chỉ tiêu" in r for r in outcome.reasons)
    # 4/10 on time is no proof that under 50 % were completed: not KHT for that.
    low = dataclasses.replace(leader(on_time=4, exceeded=0), unit_targets_completed=None,
                              proposed_level="HT")
    assert ND90.classify(low).level == "HT"
