"""``APPR-ND335``: ND 335/2025/NĐ-CP, civil servants from 1 January 2026 (DOMAIN-RULES §2.3).

Continuous appraisal: a score of 100 per month or quarter, general criteria ≤ 30 + 70 × the task
ratio (Art 12–16); the year is the mean of the periods; HTXS ≥ 90, HTT ≥ 70, HT ≥ 50, otherwise KHT,
and KHT whatever the score for discipline (reprimand or above) decided in the year, a conclusion of
degradation, or a leader whose unit is handled for corruption (Art 20.4). HTXS is capped at 20 % of
HTT per unit and task group, higher for outstanding organisations by decision (Art 20.5).
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from appraisal.rules.base import (
    COMPLETED,
    EXCELLENT,
    FAILED,
    GOOD,
    LEVEL_NAMES,
    AppraisalRuleSet,
    Facts,
    Outcome,
    to_decimal,
    vn_number,
)
from core.rules import registry
from personnel.rules.discipline import (
    DEMOTION,
    DISMISSAL,
    FORCED_RESIGNATION,
    REMOVAL,
    REPRIMAND,
    STEP_REDUCTION,
    WARNING,
)


@dataclass(frozen=True, kw_only=True)
class ScoredRuleSet(AppraisalRuleSet):
    """A regime that classifies by a 100-point score (ND 335/2025 and any successor like it)."""

    def classify(self, facts: Facts) -> Outcome:
        if facts.score is None:
            return self.with_overrides(None,
                                       [f"Chưa có điểm đánh giá cả năm: chưa xếp loại theo điểm "
                                        f"({self.cite('levels')})."], facts)
        level = self.level_for_score(facts.score)
        return self.with_overrides(level, [self._score_reason(facts.score, level)], facts)

    def _score_reason(self, score: Decimal, level: str) -> str:
        shown = vn_number(self._shown(score, level), min_places=2)
        bands = {
            EXCELLENT: f"≥ {vn_number(self.excellent_min)}",
            GOOD: f"từ {vn_number(self.good_min)} đến dưới {vn_number(self.excellent_min)}",
            COMPLETED: f"từ {vn_number(self.completed_min)} đến dưới {vn_number(self.good_min)}",
            FAILED: f"dưới {vn_number(self.completed_min)}",
        }
        rule = "kht_score" if level == FAILED else "levels"
        return f"Điểm {shown} {bands[level]}: {LEVEL_NAMES[level]} ({self.cite(rule)})."

    def _shown(self, score: Decimal, level: str) -> Decimal:
        # Two places, half up, as published; when that would show the next band (89.995 → 90.00),
        # two places cut down (89.99), so the sentence and the board never contradict the level.
        shown = to_decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if self.level_for_score(shown) == level:
            return shown
        return to_decimal(score).quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    def shown_score(self, score: Decimal) -> Decimal:
        """The score as published: two decimals, half up, never across a band edge."""
        return self._shown(score, self.level_for_score(to_decimal(score)))


_ND335 = "Nghị định 335/2025/NĐ-CP"

APPR_ND335 = registry.register(ScoredRuleSet(
    code="APPR-ND335", family="appraisal",
    title="Đánh giá, xếp loại chất lượng công chức theo Nghị định 335/2025",
    legal_basis=f"{_ND335}; Luật Cán bộ, công chức 80/2025 Điều 25–27",
    valid_from=date(2026, 1, 1), categories=frozenset({"civil_servant"}),
    notes="Áp dụng cho công chức trong cơ quan hành chính nhà nước và công chức trong cơ quan của "
          "Đảng, Nhà nước, Mặt trận Tổ quốc, tổ chức chính trị - xã hội từ trung ương đến cấp xã, "
          "từ ngày 01/01/2026.",
    continuous=True,
    excellent_min=Decimal(90), good_min=Decimal(70), completed_min=Decimal(50),
    general_max=Decimal(30), task_max=Decimal(70),
    excellent_share=Decimal(20), excellent_share_ceiling=Decimal(25),
    general_split=(Decimal(10), Decimal(10), Decimal(10)),
    organisation_default=None, solidarity_default=None,
    quality_deduction=Decimal(25), delay_deduction=Decimal(25),
    direction_full=Decimal(100), direction_partial=Decimal(50),
    period_places=4,
    # "Reprimand or above" (Art 20.4c): reprimand is
    # the lightest form of every regime, so every form.
    discipline_forms=frozenset({REPRIMAND, WARNING, STEP_REDUCTION, DEMOTION, DISMISSAL,
                                FORCED_RESIGNATION, REMOVAL}),
    articles={
        "scale": f"Điều 12 {_ND335}",
        "tasks": f"Điều 14 {_ND335}",
        "leader_tasks": f"Điều 15 {_ND335}",
        "formula": f"Điều 16 {_ND335}",
        "levels": f"Điều 20 {_ND335}",
        "kht_score": f"điểm a khoản 4 Điều 20 {_ND335}",
        "degradation": f"điểm b khoản 4 Điều 20 {_ND335}",
        "discipline": f"điểm c khoản 4 Điều 20 {_ND335}",
        "corruption": f"điểm d khoản 4 Điều 20 {_ND335}",
        "quota": f"điểm a khoản 5 Điều 20 {_ND335}",
        "quota_higher": f"điểm b khoản 5 Điều 20 {_ND335}",
    },
    unconfirmed={
        "excellent_share_ceiling": "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ cao hơn cho cơ quan, tổ "
                                   "chức có thành tích xuất sắc, nổi trội (điểm b khoản 5 Điều "
                                   "20): mức trần “đến 25 %” và cấp có thẩm quyền quyết định chưa "
                                   "xác nhận; 25 % chỉ thấy trong mã nguồn của phần mềm khác "
                                   "(DOMAIN-RULES §2.3).",
        "general_split": "Cách chia 30 điểm tiêu chí chung cho các điểm a, b, c khoản 1 Điều 12 "
                         "chưa xác nhận; 10/10/10 chỉ thấy trong mã nguồn của phần mềm khác "
                         "(DOMAIN-RULES §2.3).",
        "organisation_default": "Thành phần đ (năng lực tổ chức triển khai thực hiện nhiệm vụ, "
                                "Điều 15): chỉ xác nhận được mức 100 % khi đơn vị hoàn thành toàn "
                                "bộ nhiệm vụ đúng hạn, có chất lượng, có sáng kiến; các mức khác "
                                "chưa xác nhận, nên không có giá trị mặc định (nhập tay).",
        "solidarity_default": "Thành phần e (năng lực tập hợp, đoàn kết, Điều 15) chưa xác nhận "
                              "trong văn bản (chỉ thấy trong mã nguồn); không có giá trị mặc định "
                              "(nhập tay).",
        "formula": "Công thức tỷ lệ kết quả nhiệm vụ (a+b+c)/3 và (a+b+c+d+đ+e)/6 (Điều 16) mới "
                   "xác nhận một phần, phần còn lại chưa xác nhận (hai phần mềm độc lập cùng "
                   "dùng; danh sách thành phần khớp Điều 14–15).",
        "period_places": "Cách làm tròn điểm: văn bản không nêu (chưa xác nhận). Điểm kỳ làm tròn "
                         "4 chữ số thập phân (nửa lên); điểm bình quân năm tính chính xác, không "
                         "làm tròn trước khi xếp loại.",
        "categories": "Phạm vi: công chức từ năm đánh giá 2026. Cán bộ, viên chức, hợp đồng lao "
                      "động tiếp tục theo Nghị định 90/2020/NĐ-CP cho đến khi có quy định riêng "
                      "(chưa xác nhận).",
    },
))
