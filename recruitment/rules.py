"""Recruitment rules (rule family ``recruitment``), chosen by the round's announcement date.

``REC-ND138`` (ND 138/2020, 1/12/2020 – 16/9/2024): round 1 on computer, general knowledge
60 questions and foreign language 30 (the IT part only on paper); a part passes at ≥ 50 % correct;
round 2 /100, pass at ≥ 50; the tie at the last slot goes to the higher round-2 score.
``REC-ND116`` (ND 138 as amended by ND 116/2024, 17/9/2024 – 30/6/2025): IT part removed; round 1
waived with a valid input-quality verification result (ND 06/2023); ties: exemption thanks to the
verification, then the higher verification result, then more correct general-knowledge answers.
``REC-ND170`` (ND 170/2025, from 1/7/2025): round 1 is 60 questions; positions of staff level
(nhân viên) take only the professional exam; with written + interview each part needs ≥ 50 % of
its maximum; ties: higher professional score, then higher written score. A round whose round 1
was completed before 1/7/2025 may finish under the old regime until 30/9/2025 (ND 170 Art 70);
otherwise it must start again under ND 170.
Priority points (only the highest single category counts): 7.5 / 5 / 2.5, and 1.5 for trade-union
officials from 17/9/2024 (ND 116/2024; kept by ND 170/2025 Art 6). DOMAIN-RULES §3.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from core.rules import registry
from core.rules.registry import RuleSet

TWO_PLACES = Decimal("0.01")
GENERAL, LANGUAGE, IT = "general", "language", "it"
WRITTEN, INTERVIEW, PRACTICAL = "written", "interview", "practical"
ROUND2_FORMS = {
    "written": (WRITTEN,), "interview": (INTERVIEW,), "written_interview": (WRITTEN, INTERVIEW),
    "practical": (PRACTICAL,),
}
PASSED, FAILED, HEAD_DECIDES = "PASSED", "FAILED", "HEAD_DECIDES"

# code → (points, Vietnamese name); the codes (DOMAIN-RULES §3.1).
PRIORITY_CATEGORIES = {
    "AHLLVT": (Decimal("7.5"), "Anh hùng Lực lượng vũ trang"),
    "AHLD": (Decimal("7.5"), "Anh hùng Lao động"),
    "TB": (Decimal("7.5"), "Thương binh"),
    "CSNTB": (Decimal("7.5"), "Người hưởng chính sách như thương binh"),
    "TBB": (Decimal("7.5"), "Thương binh loại B"),
    "DTTS": (Decimal("5"), "Người dân tộc thiểu số"),
    "SQQD": (Decimal("5"), "Sĩ quan quân đội"),
    "SQCA": (Decimal("5"), "Sĩ quan công an"),
    "QNCN": (Decimal("5"), "Quân nhân chuyên nghiệp phục viên"),
    "CYCN": (Decimal("5"), "Người làm công tác cơ yếu chuyển ngành"),
    "SQDB": (Decimal("5"), "Học viên tốt nghiệp đào tạo sĩ quan dự bị"),
    "CLS": (Decimal("5"), "Con liệt sĩ"),
    "CTB": (Decimal("5"), "Con thương binh"),
    "CBB": (Decimal("5"), "Con bệnh binh"),
    "CCSNTB": (Decimal("5"), "Con của người hưởng chính sách như thương binh"),
    "CTBB": (Decimal("5"), "Con của thương binh loại B"),
    "CCDHH": (Decimal("5"), "Con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa học"),
    "CAH": (Decimal("5"), "Con của Anh hùng Lực lượng vũ trang, con của Anh hùng Lao động"),
    "NVQS": (Decimal("2.5"), "Người hoàn thành nghĩa vụ quân sự"),
    "NVCA": (Decimal("2.5"), "Người hoàn thành nghĩa vụ tham gia Công an nhân dân"),
    "TNXP": (Decimal("2.5"), "Đội viên thanh niên xung phong"),
    "CDCS": (Decimal("1.5"), "Cán bộ công đoàn trưởng thành từ cơ sở, trong phong trào công nhân"),
}


@dataclass(frozen=True)
class Part:
    code: str
    questions: int
    minutes: int


@dataclass(frozen=True)
class RecruitmentRuleSet(RuleSet):
    round1_parts: tuple[Part, ...] = ()
    round1_pass_ratio: Decimal = Decimal("0.5")
    round2_pass_score: Decimal = Decimal("50")
    each_part_must_pass: bool = False  # written + interview: each ≥ 50 % of its maximum
    priority_codes: frozenset[str] = frozenset()
    tie_breaks: tuple[str, ...] = ()
    verification_waives_round1: bool = False
    staff_level_skips_round1: bool = False
    probation_months: dict[str, int] = field(default_factory=dict)  # rank level → months
    appeal_days: int = 15  # UNCONFIRMED: days to ask for re-marking after round-2 results
    confirmed_notes: tuple[str, ...] = ()

    def part(self, code: str) -> Part | None:
        return next((p for p in self.round1_parts if p.code == code), None)


_ALL_BUT_UNION = frozenset(c for c in PRIORITY_CATEGORIES if c != "CDCS")
_PROBATION = {"senior": 12, "principal": 12, "specialist": 12, "officer": 6, "staff": 3}

REC_ND138 = registry.register(
    RecruitmentRuleSet(
        code="REC-ND138",
        family="recruitment",
        title="Tuyển dụng công chức theo Nghị định 138/2020",
        legal_basis="Nghị định 138/2020/NĐ-CP",
        valid_from=date(2020, 12, 1),
        valid_to=date(2024, 9, 16),
        round1_parts=(Part(GENERAL, 60, 60), Part(LANGUAGE, 30, 30)),
        priority_codes=_ALL_BUT_UNION,
        tie_breaks=("round2_score",),
        probation_months=_PROBATION,
    )
)
REC_ND116 = registry.register(
    RecruitmentRuleSet(
        code="REC-ND116",
        family="recruitment",
        title="Tuyển dụng công chức theo Nghị định 138/2020 sửa đổi bởi 116/2024",
        legal_basis="Nghị định 138/2020/NĐ-CP, sửa đổi bởi Nghị định 116/2024/NĐ-CP",
        valid_from=date(2024, 9, 17),
        valid_to=date(2025, 6, 30),
        round1_parts=(Part(GENERAL, 60, 60), Part(LANGUAGE, 30, 30)),
        priority_codes=frozenset(PRIORITY_CATEGORIES),
        verification_waives_round1=True,
        tie_breaks=("verification_exempt", "verification_score", "round1_general"),
        probation_months=_PROBATION,
    )
)
REC_ND170 = registry.register(
    RecruitmentRuleSet(
        code="REC-ND170",
        family="recruitment",
        title="Tuyển dụng công chức theo Nghị định 170/2025",
        legal_basis="Nghị định 170/2025/NĐ-CP; Thông tư 001/2025/TT-BNV",
        valid_from=date(2025, 7, 1),
        round1_parts=(Part(GENERAL, 60, 60),),
        each_part_must_pass=True,
        priority_codes=frozenset(PRIORITY_CATEGORIES),
        tie_breaks=("professional_score", "written_score"),
        staff_level_skips_round1=True,
        probation_months={},  # UNCONFIRMED whether Law 80/2025 keeps probation for civil servants
        confirmed_notes=(
            "Trọng số thi viết/phỏng vấn do hội đồng quyết định (chưa quy định trong nghị định).",
        ),
    )
)
TRANSITION_DAY = date(2025, 7, 1)
TRANSITION_END = date(2025, 9, 30)


@dataclass(frozen=True)
class RuleChoice:
    rule_set: RecruitmentRuleSet
    note: str = ""
    must_restart: bool = False


def rules_for_round(*, announced_on: date, round1_completed_on: date | None = None,
                    on: date | None = None) -> RuleChoice:
    """The rule set of a round, with the ND 170/2025 Art 70 transition for rounds announced before
    1/7/2025: finished under the old regime only if round 1 was completed before 1/7/2025 and the
    round ends by 30/9/2025; otherwise the round starts again under ND 170."""
    by_date = registry.for_date("recruitment", announced_on)
    if announced_on >= TRANSITION_DAY or on is None or on < TRANSITION_DAY:
        return RuleChoice(by_date)
    if (
        round1_completed_on is not None
        and round1_completed_on < TRANSITION_DAY
        and on <= TRANSITION_END
    ):
        return RuleChoice(by_date, str(_("Round 1 finished before 1/7/2025: the round ends under "
                                         "the old regime by 30/9/2025 (ND 170/2025 Art 70).")))
    return RuleChoice(REC_ND170, str(_("Round 1 was not finished before 1/7/2025 (or the round "
                                       "ran past 30/9/2025): under ND 170/2025 Art 70 it is "
                                       "cancelled and must start again.")),
                      must_restart=True)


def priority_points(codes, rules: RecruitmentRuleSet) -> tuple[Decimal, str]:
    """The points of the single highest category the rule set recognises, and its code."""
    best, best_code = Decimal("0"), ""
    for code in codes:
        if code in rules.priority_codes and PRIORITY_CATEGORIES[code][0] > best:
            best, best_code = PRIORITY_CATEGORIES[code][0], code
    return best, best_code


def round1_part_passed(correct: int, part: Part, rules: RecruitmentRuleSet) -> bool:
    return Decimal(correct) >= rules.round1_pass_ratio * part.questions


def professional_score(scores: dict[str, Decimal], weights: dict[str, Decimal]) -> Decimal:
    """Weighted round-2 score, Decimal to 2 places: 0.7 × 74 + 0.3 × 74 is exactly 74.00."""
    if len(scores) == 1:
        return next(iter(scores.values())).quantize(TWO_PLACES, ROUND_HALF_UP)
    total = sum((scores[k] * weights[k] / Decimal(100) for k in scores), Decimal(0))
    return total.quantize(TWO_PLACES, ROUND_HALF_UP)


def round2_passed(
    scores: dict[str, Decimal], professional: Decimal, rules: RecruitmentRuleSet
) -> bool:
    if professional < rules.round2_pass_score:
        return False
    if rules.each_part_must_pass and len(scores) > 1:
        return all(score >= Decimal(50) for score in scores.values())
    return True


def probation_end(start: date, rank_level: str, rules: RecruitmentRuleSet) -> date | None:
    months = rules.probation_months.get(rank_level, 0)
    if not months:
        return None
    from core.dates import add_months

    return add_months(start, months) - timedelta(days=1)
