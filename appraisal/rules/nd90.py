"""``APPR-ND90``: ND 90/2020/NĐ-CP as amended by ND 48/2023/NĐ-CP (DOMAIN-RULES §2.2).

Everyone for the years 2020–2025; from 2026 the cadres, public employees and contract staff, until
their own rules are in the software (the Law on Public Employees 2025 keeps the four levels).
There is no score: the level is the highest one whose criteria all hold (cadres Art 4–7, civil
servants Art 8–11, public employees Art 12–15, same thresholds), leaders judged also on their
unit's targets and on the levels of the units they manage directly. Art 2 (as amended): under 6
months worked in the year → not classified, except maternity leave (classified on the time worked);
legal leave of 3 to under 6 months → at most HT; any discipline in the year → KHT.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

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
    Outcome,
    lower_of,
    rank,
)
from core.rules import registry

_AT_LEAST_HT = frozenset({EXCELLENT, GOOD, COMPLETED})
_GOOD_OR_BETTER = frozenset({EXCELLENT, GOOD})


@dataclass(frozen=True, kw_only=True)
class ChecklistRuleSet(AppraisalRuleSet):
    """A regime that classifies by a checklist of criteria per level (ND 90/2020 and its like)."""

    def classify(self, facts: Facts) -> Outcome:
        if facts.proposed_level and facts.proposed_level not in LEVELS:
            raise ValueError(f"Unknown proposed level {facts.proposed_level!r}")
        reasons: list[str] = []
        worked = facts.months_worked
        # Months worked not given: more legal leave than 12 − 6 months means under 6 months worked
        # (ND 90/2020 Art 2 as amended by ND 48/2023).
        if worked is None and facts.leave_months > 12 - self.min_months_worked:
            worked = 12 - facts.leave_months
        if worked is not None and worked < self.min_months_worked and not facts.maternity_leave:
            reason = (f"Thời gian công tác trong năm {worked} tháng, dưới {self.min_months_worked} "
                      "tháng: không xếp loại chất lượng (vẫn thực hiện kiểm điểm) "
                      f"({self.cite('months')}).")
            return Outcome(None, (reason,))
        if facts.maternity_leave:
            reasons.append(
                f"Nghỉ chế độ thai sản: xếp loại theo kết quả của thời gian làm việc thực tế "
                f"({self.cite('maternity')}).")
        level, found = self.checklist_level(facts)
        reasons += found
        overridden = False
        low, high = self.leave_cap_months
        if (level in _GOOD_OR_BETTER and low <= facts.leave_months < high
                and not facts.maternity_leave):
            reasons.append(
                f"Nghỉ theo quy định {facts.leave_months} tháng (từ {low} tháng đến dưới {high} "
                f"tháng): không xếp loại cao hơn {LEVEL_NAMES[COMPLETED]}, nên xếp "
                f"{LEVEL_NAMES[COMPLETED]} ({self.cite('leave')}).")
            level, overridden = COMPLETED, True
        return self.with_overrides(level, reasons, facts, overridden=overridden)

    def checklist_level(self, facts: Facts) -> tuple[str | None, list[str]]:
        """The highest level whose criteria all hold, kept lower if the proposal is lower; with too
        little data, the proposal (never above a level already known to fail), or None."""
        role = "leader" if facts.is_leader else "staff"
        reasons = self._unit_notes(facts)
        for trigger in self.kht_triggers.get(role, ()):
            if self.holds(trigger, facts) is True:
                return FAILED, [*reasons,
                                f"{trigger.label}{self._figures(trigger, facts)}: xếp loại "
                                f"{LEVEL_NAMES[FAILED]} ({self.cite('checklist:KHT')})."]
        for level in (EXCELLENT, GOOD, COMPLETED):
            criteria = self.checklists[(role, level)]
            results = [(criterion, self.holds(criterion, facts)) for criterion in criteria]
            failing = [criterion for criterion, result in results if result is False]
            if failing:
                labels = "; ".join(f"“{c.label}”{self._figures(c, facts)}" for c in failing)
                reasons.append(f"Chưa đạt mức {LEVEL_NAMES[level]}: chưa đáp ứng tiêu chí {labels} "
                               f"({self.cite('checklist:' + level)}).")
                continue
            missing = [criterion for criterion, result in results if result is None]
            if missing:
                return self._undetermined(level, missing, facts, reasons)
            reasons.append(f"Đáp ứng tất cả tiêu chí mức {LEVEL_NAMES[level]} "
                           f"({self.cite('checklist:' + level)}).")
            return self._keep_lower_proposal(level, facts, reasons)
        reasons.append(f"Không đáp ứng đủ tiêu chí mức {LEVEL_NAMES[COMPLETED]}: xếp loại "
                       f"{LEVEL_NAMES[FAILED]} ({self.cite('checklist:KHT')}).")
        return FAILED, reasons

    def _keep_lower_proposal(self, level: str, facts: Facts,
                             reasons: list[str]) -> tuple[str, list[str]]:
        proposed = facts.proposed_level
        # A lower proposal stands: the checklist bounds the level from above, it does not raise what
        # the committee proposed.
        if proposed and rank(proposed) < rank(level):
            reasons.append(
                f"Mức đề nghị ({LEVEL_NAMES[proposed]}) thấp hơn mức theo tiêu chí: giữ mức đề "
                f"nghị {LEVEL_NAMES[proposed]}.")
            return proposed, reasons
        return level, reasons

    def _undetermined(self, level: str, missing: list[Criterion], facts: Facts,
                      reasons: list[str]) -> tuple[str | None, list[str]]:
        labels = "; ".join(f"“{criterion.label}”" for criterion in missing)
        if not facts.proposed_level:
            reasons.append(
                f"Chưa đủ dữ liệu tiêu chí để xếp loại (chưa đánh giá: {labels}) và chưa có mức "
                "đề nghị: chưa xếp loại.")
            return None, reasons
        chosen = lower_of(facts.proposed_level, level)
        reasons.append(
            f"Chưa đủ dữ liệu tiêu chí để xác định mức (chưa đánh giá: {labels}): xếp theo mức đề "
            f"nghị {LEVEL_NAMES[chosen]}"
            + ("" if chosen == facts.proposed_level
               else f" (mức đề nghị {LEVEL_NAMES[facts.proposed_level]} cao hơn mức "
                    f"các tiêu chí đã đánh giá cho phép)") + ".")
        return chosen, reasons

    def _unit_notes(self, facts: Facts) -> list[str]:
        if facts.is_leader and facts.unit_targets_completed is None and facts.unit_targets_planned:
            return [
                "Chưa nhập số chỉ tiêu, nhiệm vụ của đơn vị đã hoàn thành (kể cả chậm tiến độ): "
                "số hoàn thành đúng tiến độ, bảo đảm chất lượng chỉ được dùng làm mức tối thiểu."]
        return []

    # --- one criterion ----------------------------------------------------------------------------

    def holds(self, criterion: Criterion, facts: Facts) -> bool | None:
        """True, False, or None when the data to judge it is missing."""
        if criterion.source == "fact":
            value = facts.criteria.get(criterion.key)
            return None if value is None else bool(value)
        if criterion.source.startswith("targets_"):
            return self._targets_hold(criterion, facts)
        if criterion.source.startswith("subunits_"):
            return self._subunits_hold(criterion, facts)
        raise ValueError(f"Unknown criterion source {criterion.source!r}")

    @staticmethod
    def _target_count(source: str, facts: Facts) -> int:
        completed = (facts.unit_targets_on_time if facts.unit_targets_completed is None
                     else facts.unit_targets_completed)
        return {"targets_completed": completed, "targets_on_time": facts.unit_targets_on_time,
                "targets_exceeded": facts.unit_targets_exceeded}[source]

    def _targets_hold(self, criterion: Criterion, facts: Facts) -> bool | None:
        if facts.unit_targets_planned <= 0:
            return None
        share = Fraction(self._target_count(criterion.source, facts), facts.unit_targets_planned)
        result = _compare(share, criterion)
        if criterion.source == "targets_completed" and facts.unit_targets_completed is None:
            # Only the on-time figure is known: a lower bound of the completed one.
            return None if criterion.below or not result else result
        return result

    @staticmethod
    def _subunits_hold(criterion: Criterion, facts: Facts) -> bool | None:
        levels = list(facts.subunit_levels)
        if any(level not in LEVELS for level in levels):
            return None  # a unit not yet rated
        if not levels:
            return True  # no unit under direct management: nothing to fail
        wanted = _AT_LEAST_HT if criterion.source == "subunits_at_least_ht" else _GOOD_OR_BETTER
        return _compare(Fraction(sum(level in wanted for level in levels), len(levels)), criterion)

    def _figures(self, criterion: Criterion, facts: Facts) -> str:
        if criterion.source.startswith("targets_") and facts.unit_targets_planned > 0:
            done = self._target_count(criterion.source, facts)
            return f" (thực tế {done}/{facts.unit_targets_planned})"
        if criterion.source.startswith("subunits_") and facts.subunit_levels:
            wanted = _AT_LEAST_HT if criterion.source == "subunits_at_least_ht" else _GOOD_OR_BETTER
            met = sum(level in wanted for level in facts.subunit_levels)
            return f" (thực tế {met}/{len(facts.subunit_levels)})"
        return ""


def _compare(share: Fraction, criterion: Criterion) -> bool:
    # The thresholds are written three ways ("≥ 50 % exceeded", "> 70 % of targets", "< 50 %" for
    # KHT; ND 90/2020 Art 4–15): ``strict`` and ``below`` keep each as the decree words it.
    limit = Fraction(criterion.share)
    if criterion.below:
        return share < limit
    return share > limit if criterion.strict else share >= limit


# --- the checklists of ND 90/2020 Art 4–15 (DOMAIN-RULES §2.2) ------------------------------------

_GENERAL = ("chính trị tư tưởng; đạo đức, lối sống; tác phong, lề lối làm việc; "
            "ý thức tổ chức kỷ luật")
GENERAL_WELL = Criterion("general_well", f"Thực hiện tốt các tiêu chí chung về {_GENERAL}")
GENERAL_MET = Criterion("general_met", f"Đáp ứng các tiêu chí chung về {_GENERAL}")
TASKS_EXCELLENT = Criterion("tasks_excellent",
                            "Hoàn thành 100% nhiệm vụ theo chương trình, kế hoạch hoặc nhiệm vụ "
                            "được giao, bảo đảm đúng tiến độ, chất lượng cao, hiệu quả")
TASKS_EXCEEDED_HALF = Criterion("tasks_exceeded_half", "Ít nhất 50% nhiệm vụ hoàn thành vượt mức")
TASKS_GOOD = Criterion("tasks_good",
                       "Hoàn thành 100% nhiệm vụ theo chương trình, kế hoạch hoặc nhiệm vụ được "
                       "giao, bảo đảm đúng tiến độ, chất lượng, hiệu quả")
TASKS_COMPLETED = Criterion("tasks_completed",
                            "Hoàn thành các nhiệm vụ được giao, không quá 20% tiêu chí chưa bảo "
                            "đảm chất lượng, tiến độ hoặc hiệu quả thấp")
TASKS_FAILED = Criterion("tasks_failed_over_half",
                         "Trên 50% tiêu chí về kết quả thực hiện nhiệm vụ chưa bảo đảm "
                         "tiến độ, chất lượng, hiệu quả")
_UNIT = "Cơ quan, tổ chức, đơn vị hoặc lĩnh vực được giao lãnh đạo, quản lý, phụ trách"
UNIT_ALL_TARGETS = Criterion("unit_all_targets",
                             f"{_UNIT} hoàn thành tất cả các chỉ tiêu, nhiệm vụ",
                             source="targets_completed", share=Decimal(1))
UNIT_HALF_EXCEEDED = Criterion("unit_half_exceeded",
                               "Ít nhất 50% chỉ tiêu, nhiệm vụ của đơn vị hoàn thành vượt mức",
                               source="targets_exceeded", share=Decimal("0.5"))
UNIT_80_ON_TIME = Criterion("unit_80_on_time",
                            "Ít nhất 80% chỉ tiêu, nhiệm vụ của đơn vị hoàn thành đúng tiến độ, "
                            "bảo đảm chất lượng", source="targets_on_time", share=Decimal("0.8"))
UNIT_OVER_70 = Criterion("unit_over_70", f"{_UNIT} hoàn thành trên 70% các chỉ tiêu, nhiệm vụ",
                         source="targets_completed", share=Decimal("0.7"), strict=True)
UNIT_UNDER_50 = Criterion("unit_under_50", f"{_UNIT} hoàn thành dưới 50% các chỉ tiêu, nhiệm vụ",
                          source="targets_completed", share=Decimal("0.5"), below=True)
_SUB = "cơ quan, tổ chức, đơn vị thuộc thẩm quyền phụ trách, quản lý trực tiếp"
SUBUNITS_ALL_HT = Criterion("subunits_all_ht",
                            f"100% {_SUB} được đánh giá hoàn thành nhiệm vụ trở lên",
                            source="subunits_at_least_ht", share=Decimal(1))
SUBUNITS_70_GOOD = Criterion("subunits_70_good",
                             f"Ít nhất 70% {_SUB} hoàn thành tốt hoặc hoàn thành xuất sắc "
                             "nhiệm vụ", source="subunits_good", share=Decimal("0.7"))
SUBUNITS_70_HT = Criterion("subunits_70_ht",
                           f"Ít nhất 70% {_SUB} được đánh giá hoàn thành nhiệm vụ trở lên",
                           source="subunits_at_least_ht", share=Decimal("0.7"))

_ND90 = "Nghị định 90/2020/NĐ-CP"
_ART2 = f"Điều 2 {_ND90}, sửa đổi bởi Nghị định 48/2023/NĐ-CP"

APPR_ND90 = registry.register(ChecklistRuleSet(
    code="APPR-ND90", family="appraisal",
    title="Đánh giá, xếp loại chất lượng theo Nghị định 90/2020",
    legal_basis=f"{_ND90}, sửa đổi bởi Nghị định 48/2023/NĐ-CP",
    valid_from=date(2020, 8, 20),
    # every category; a later rule set for a category takes over from its date
    notes="Các năm 2020–2025: cán bộ, công chức, viên chức (và hợp đồng lao động). Từ năm 2026: "
          "cán bộ, viên chức và hợp đồng lao động vẫn theo Nghị định 90/2020/NĐ-CP cho đến khi "
          "quy định riêng được đưa vào phần mềm; Luật Viên chức 2025 giữ 4 mức xếp loại. Từ "
          "15/9/2023 áp dụng các sửa đổi của Nghị định 48/2023/NĐ-CP.",
    continuous=False,
    excellent_share=Decimal(20), excellent_share_ceiling=Decimal(20),
    checklists={
        ("staff", EXCELLENT): (GENERAL_WELL, TASKS_EXCELLENT, TASKS_EXCEEDED_HALF),
        ("staff", GOOD): (GENERAL_MET, TASKS_GOOD),
        ("staff", COMPLETED): (GENERAL_MET, TASKS_COMPLETED),
        ("leader", EXCELLENT): (GENERAL_WELL, TASKS_EXCELLENT, UNIT_ALL_TARGETS, UNIT_HALF_EXCEEDED,
                                SUBUNITS_ALL_HT, SUBUNITS_70_GOOD),
        ("leader", GOOD): (GENERAL_MET, UNIT_ALL_TARGETS, UNIT_80_ON_TIME, SUBUNITS_ALL_HT,
                           SUBUNITS_70_GOOD),
        ("leader", COMPLETED): (GENERAL_MET, TASKS_COMPLETED, UNIT_OVER_70, SUBUNITS_70_HT),
    },
    kht_triggers={"staff": (TASKS_FAILED,), "leader": (TASKS_FAILED, UNIT_UNDER_50)},
    min_months_worked=6, leave_cap_months=(3, 6),
    articles={
        "months": _ART2, "maternity": _ART2, "leave": _ART2,
        "discipline": f"{_ART2}; Điều 7, 11, 15 {_ND90}",
        "degradation": f"Điều 7, 11, 15 {_ND90}",
        "corruption": f"Điều 7, 11, 15 {_ND90}",
        "checklist:HTXS": f"Điều 4, 8, 12 {_ND90}",
        "checklist:HTT": f"Điều 5, 9, 13 {_ND90}",
        "checklist:HT": f"Điều 6, 10, 14 {_ND90}",
        "checklist:KHT": f"Điều 7, 11, 15 {_ND90}",
        "quota": f"{_ART2} (tỷ lệ Hoàn thành xuất sắc nhiệm vụ không vượt tỷ lệ đảng viên được "
                 "xếp loại Hoàn thành xuất sắc nhiệm vụ)",
    },
    unconfirmed={
        "excellent_share": "Nghị định 48/2023/NĐ-CP: tỷ lệ Hoàn thành xuất sắc nhiệm vụ không "
                           "vượt tỷ lệ đảng viên được xếp loại Hoàn thành xuất sắc theo quy định "
                           "của Đảng; mức “20 % số Hoàn thành tốt nhiệm vụ” (QĐ 124-QĐ/TW) thường "
                           "được áp dụng nhưng chưa xác nhận trong văn bản; các năm 2020–2022 "
                           "(trước ngày 15/9/2023) nghị định không nêu tỷ lệ (chưa xác nhận).",
        "kht_boundary": "Ranh giới “trên 50 %” tiêu chí chưa bảo đảm (Không hoàn thành nhiệm vụ): "
                        "một bản dịch ghi “từ 50 % trở lên”; cần đối chiếu văn bản gốc.",
        "between_ht_and_kht": "Trường hợp không đạt tiêu chí Hoàn thành nhiệm vụ nhưng cũng không "
                              "rơi vào tiêu chí Không hoàn thành (ví dụ 20–50 % tiêu chí chưa bảo "
                              "đảm, đơn vị hoàn thành 50–70 % chỉ tiêu) được xếp Không hoàn thành "
                              "nhiệm vụ; cách hiểu này chưa xác nhận.",
        "leader_own_tasks": "Mức Hoàn thành xuất sắc của người lãnh đạo yêu cầu cả nhiệm vụ của "
                            "bản thân hoàn thành 100% đúng tiến độ, chất lượng cao (theo "
                            "DOMAIN-RULES §2.2); mức Hoàn thành tốt chỉ xét kết quả của đơn vị.",
        "categories": "Từ năm 2026, văn bản áp dụng cho cán bộ và viên chức chưa xác nhận; Nghị "
                      "định 90/2020 được áp dụng tiếp. Hợp đồng lao động không thuộc phạm vi Nghị "
                      "định 90/2020; được đánh giá theo cùng tiêu chí cho đến khi có quy định "
                      "riêng trong phần mềm.",
    },
))
