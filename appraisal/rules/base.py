"""What every appraisal rule set shares (rule family ``appraisal``, DOMAIN-RULES §2).

The four levels are the same in every regime (ND 90/2020, ND 335/2025, Law on Public Employees
2025): HTXS, HTT, HT, KHT. A rule set is a frozen :class:`AppraisalRuleSet` whose data (thresholds,
shares, checklists, citations, what is not confirmed) is given where it is registered; this module
holds the inputs (:class:`Facts`, :class:`LedgerLine`), the result (:class:`Outcome`), the score
arithmetic of ND 335/2025 Art 12–16 and the overrides to KHT that both regimes have.

Arithmetic is exact: sums and ratios are taken as fractions and turned into ``Decimal`` at the end
(28 significant digits for thirds, sixths and twelfths); a period score is rounded once, half up,
to ``period_places`` (the precision it is stored with); the annual mean is returned unrounded.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction

from core.rules.registry import RuleSet
from personnel.rules.discipline import (
    DEMOTION,
    DISMISSAL,
    FORCED_RESIGNATION,
    REMOVAL,
    REPRIMAND,
    STEP_REDUCTION,
    WARNING,
)

EXCELLENT, GOOD, COMPLETED, FAILED = "HTXS", "HTT", "HT", "KHT"
LEVELS = (EXCELLENT, GOOD, COMPLETED, FAILED)  # highest first
LEVEL_NAMES = {
    EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    GOOD: "Hoàn thành tốt nhiệm vụ",
    COMPLETED: "Hoàn thành nhiệm vụ",
    FAILED: "Không hoàn thành nhiệm vụ",
}
_RANK = {FAILED: 0, COMPLETED: 1, GOOD: 2, EXCELLENT: 3}

# Vietnamese names of the discipline forms of personnel.rules.discipline, for the reasons.
DISCIPLINE_NAMES = {
    REPRIMAND: "khiển trách", WARNING: "cảnh cáo", STEP_REDUCTION: "hạ bậc lương",
    DEMOTION: "giáng chức",
    DISMISSAL: "cách chức", FORCED_RESIGNATION: "buộc thôi việc", REMOVAL: "bãi nhiệm",
}
HUNDRED = Decimal(100)


class NoProductsAssigned(ValueError):
    """A period without any product or work assigned has no task components (ND 335/2025 Art 14):
    the caller decides (not scored, or entered by hand)."""


def rank(level: str) -> int:
    try:
        return _RANK[level]
    except KeyError:
        raise ValueError(f"Unknown appraisal level {level!r}") from None


def lower_of(first: str, second: str) -> str:
    return first if rank(first) <= rank(second) else second


def to_decimal(value: Fraction | Decimal | int | str) -> Decimal:
    """The exact value as a Decimal (28 significant digits when it does not terminate)."""
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 28
            return Decimal(value.numerator) / Decimal(value.denominator)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_half_up(value: Fraction | Decimal, places: int) -> Decimal:
    """Round the exact value once, half away from zero:
    no intermediate rounding of a repeating mean."""
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(-whole if exact < 0 else whole).scaleb(-places)).quantize(
        Decimal(1).scaleb(-places))


def vn_number(value: Decimal, *, min_places: int = 0) -> str:
    """``91.5`` → ``91,50`` (min_places=2); ``90`` → ``90``: decimal comma, no invented digits."""
    value = to_decimal(value)
    if value == value.to_integral_value() and min_places == 0:
        value = value.quantize(Decimal(1))
    elif -value.as_tuple().exponent < min_places:
        value = value.quantize(Decimal(1).scaleb(-min_places))
    return format(value, "f").replace(".", ",")


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class LedgerLine:
    """One product or work item of a period (ND 335/2025 Art 13–14), already in catalogue units.

    One line is one product for the deductions: ``quality_failures`` failed reviews for a major
    content error take 25 % of its quality points each, ``delays`` take 25 % of its progress points
    each, unless an objective cause was confirmed (``*_exempt``). Completing more than assigned is
    "exceeded" work; the quantity component is capped at what was assigned."""

    coefficient: Decimal
    quantity: Decimal = Decimal(1)
    completed: Decimal = Decimal(0)
    quality_failures: int = 0
    quality_exempt: bool = False
    delays: int = 0
    delay_exempt: bool = False

    def __post_init__(self) -> None:
        for name in ("coefficient", "quantity", "completed"):
            value = to_decimal(getattr(self, name))
            if value < 0:
                raise ValueError(f"LedgerLine.{name} must not be negative")
            object.__setattr__(self, name, value)
        if self.quality_failures < 0 or self.delays < 0:
            raise ValueError("LedgerLine failures and delays must not be negative")

    @property
    def assigned_points(self) -> Fraction:
        return Fraction(self.coefficient) * Fraction(self.quantity)

    @property
    def completed_points(self) -> Fraction:
        # Work done beyond the assignment counts as "exceeded", not as more quantity: a stays at
        # most 100 % (ND 335/2025 Art 14a).
        return Fraction(self.coefficient) * Fraction(min(self.completed, self.quantity))


@dataclass(frozen=True)
class Facts:
    """What the classification of one person for one year needs; every field has a neutral default.

    ``disciplines``: (form code of personnel.rules.discipline, decision date) pairs; only
    decisions dated in ``year`` count (the caller leaves out a violation already used to
    rate KHT in an earlier year, ND 48/2023). ``leave_months``: legal leave other than
    maternity. ``criteria`` (ND 90): checklist key → bool, a missing key is "not assessed".
    Unit figures (leaders, ND 90): planned targets, completed on time and with quality,
    exceeded, and ``unit_targets_completed`` (completed at all, late ones included; None:
    unknown, the on-time figure is then only its lower bound, and the reasons say so)."""

    score: Decimal | None = None
    is_leader: bool = False
    disciplines: tuple = ()
    year: int = 0
    degradation: str = ""
    corruption_case: str = ""
    months_worked: int | None = None
    leave_months: int = 0
    maternity_leave: bool = False
    criteria: dict = field(default_factory=dict)
    proposed_level: str = ""
    unit_targets_planned: int = 0
    unit_targets_on_time: int = 0
    unit_targets_exceeded: int = 0
    subunit_levels: tuple = ()
    unit_targets_completed: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The level (None: not classified) and why, in
    Vietnamese, one full sentence per rule applied."""

    level: str | None
    reasons: tuple[str, ...]
    # a rule (cap, discipline, degradation, corruption) moved the level down
    overridden: bool = False


@dataclass(frozen=True)
class Criterion:
    """One condition of an ND 90 level. ``source`` says where its truth comes from: ``fact``
    reads ``Facts.criteria[key]``; ``targets_completed`` / ``targets_on_time`` /
    ``targets_exceeded`` compare that share of the unit's planned targets with ``share``
    (``strict``: more than; ``below``: less than); ``subunits_at_least_ht`` /
    ``subunits_good`` the share of directly managed units rated at least HT / HTT or HTXS."""

    key: str
    label: str
    source: str = "fact"
    share: Decimal | None = None
    strict: bool = False
    below: bool = False


@dataclass(frozen=True, kw_only=True)
class AppraisalRuleSet(RuleSet):
    """An appraisal regime. The score fields are None for a regime without
    scores (ND 90), whose score methods then refuse; ``unconfirmed`` says,
    per parameter, what the sources did not confirm."""

    continuous: bool
    excellent_min: Decimal | None = None
    good_min: Decimal | None = None
    completed_min: Decimal | None = None
    general_max: Decimal | None = None
    task_max: Decimal | None = None
    excellent_share: Decimal = Decimal(20)
    excellent_share_ceiling: Decimal = Decimal(20)
    general_split: tuple[Decimal, ...] = ()
    organisation_default: Decimal | None = None
    solidarity_default: Decimal | None = None
    unconfirmed: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    # ND 335/2025 Art 14–15: deductions per failure/delay (% of the product's points); d values.
    quality_deduction: Decimal = Decimal(25)
    delay_deduction: Decimal = Decimal(25)
    direction_full: Decimal = HUNDRED
    direction_partial: Decimal = Decimal(50)
    period_places: int = 4  # the stored precision of a period score
    # Discipline forms that make the year KHT; empty: every form.
    discipline_forms: frozenset[str] = frozenset()
    # Citations (Vietnamese) by rule: "levels", "kht_score", "degradation", "discipline",
    # "corruption", "quota", and for ND 90 "months", "maternity", "leave", "checklist:<level>".
    articles: dict[str, str] = field(default_factory=dict)
    # ND 90 checklists: (role "staff"/"leader", level) → criteria; KHT triggers by role.
    checklists: dict[tuple[str, str], tuple[Criterion, ...]] = field(default_factory=dict)
    kht_triggers: dict[str, tuple[Criterion, ...]] = field(default_factory=dict)
    min_months_worked: int = 6
    leave_cap_months: tuple[int, int] = (3, 6)  # legal leave from 3 to under 6 months: at most HT

    def __post_init__(self) -> None:
        if self.family != "appraisal":
            raise ValueError("An appraisal rule set belongs to the family 'appraisal'")

    # --- classification ------------------------------------------------------------------------

    def classify(self, facts: Facts) -> Outcome:
        raise NotImplementedError

    def cite(self, rule: str) -> str:
        return self.articles.get(rule, self.legal_basis)

    def quota_share(self, requested: Decimal | None = None) -> Decimal:
        """The HTXS share to apply: the rule set's, or a higher one decided for the organisation,
        up to ``excellent_share_ceiling``."""
        if requested is None:
            return self.excellent_share
        requested = to_decimal(requested)
        if not 0 <= requested <= self.excellent_share_ceiling:
            raise ValueError(f"HTXS share {requested} is outside "
                             f"0..{self.excellent_share_ceiling} ({self.code})")
        return requested

    def kht_overrides(self, facts: Facts) -> tuple[list[str], list[str]]:
        """The reasons that make the year KHT whatever the score or checklist (discipline
        decided in the year, a conclusion of degradation, a leader whose unit is handled for
        corruption), and the notes on facts that do not count (a decision of another year)."""
        kht, notes = self._discipline_reasons(facts)
        if facts.degradation.strip():
            kht.append(
                "Có kết luận của cấp có thẩm quyền về suy thoái tư tưởng chính trị, đạo đức, lối "
                f"sống, “tự diễn biến”, “tự chuyển hóa” ({facts.degradation.strip()}): xếp loại "
                f"{LEVEL_NAMES[FAILED]} ({self.cite('degradation')}).")
        if facts.is_leader and facts.corruption_case.strip():
            kht.append(
                "Cơ quan, tổ chức, đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra tham ô, tham "
                f"nhũng, lãng phí và bị xử lý theo quy định ({facts.corruption_case.strip()}): "
                f"người lãnh đạo, quản lý xếp loại {LEVEL_NAMES[FAILED]} "
                f"({self.cite('corruption')}).")
        return kht, notes

    def _discipline_reasons(self, facts: Facts) -> tuple[list[str], list[str]]:
        kht, notes = [], []
        for form, decided_on in facts.disciplines:
            if decided_on is None:
                raise ValueError("A discipline without a decision date cannot be placed in a year")
            if not facts.year:
                raise ValueError("Facts.year is needed to judge disciplines")
            # An unknown form is refused, not ignored: a form silently skipped would let a
            # disciplined person keep a level.
            if self.discipline_forms and form not in self.discipline_forms:
                raise ValueError(f"Unknown discipline form {form!r} for {self.code}")
            name = DISCIPLINE_NAMES.get(form, form)
            # Only a decision dated in the appraised year makes it KHT (ND 90/2020 Art 2 as amended
            # by ND 48/2023; ND 335/2025 Art 20.4c).
            if decided_on.year != facts.year:
                notes.append(
                    f"Quyết định kỷ luật {name} ngày {vn_date(decided_on)} không thuộc năm đánh "
                    f"giá {facts.year}: không tính khi xếp loại năm {facts.year}.")
            else:
                kht.append(
                    f"Bị xử lý kỷ luật {name} (quyết định ngày {vn_date(decided_on)}) trong năm "
                    f"đánh giá {facts.year}: xếp loại {LEVEL_NAMES[FAILED]} "
                    f"({self.cite('discipline')}).")
        return kht, notes

    def with_overrides(self, level: str | None, reasons: list[str], facts: Facts, *,
                       overridden: bool = False) -> Outcome:
        """Apply the KHT overrides on top of ``level``;
        ``overridden`` when a rule changed the level."""
        kht, notes = self.kht_overrides(facts)
        reasons = [*reasons, *notes, *kht]
        if kht:
            # A KHT ground outranks the score or the checklist (ND 335/2025 Art 20.4; the KHT
            # criteria of ND 90/2020).
            return Outcome(FAILED, tuple(reasons), overridden=overridden or level != FAILED)
        return Outcome(level, tuple(reasons), overridden=overridden)

    # --- scores (ND 335/2025 Art 12–16) ---------------------------------------------------------

    def _require_scores(self) -> None:
        if not self.continuous:
            raise ValueError(f"{self.code} does not score (criteria checklist)")

    def task_components(self, lines: Iterable[LedgerLine]) -> tuple[Decimal, Decimal, Decimal]:
        """Quantity a, quality b, progress c in percent of the converted assigned work (Art 14).

        Raises :class:`NoProductsAssigned` when nothing (or only zero-weight work) was assigned."""
        self._require_scores()
        lines = list(lines)
        assigned = sum((line.assigned_points for line in lines), Fraction(0))
        if assigned == 0:
            raise NoProductsAssigned("No products assigned in the period")
        quantity = sum((line.completed_points for line in lines), Fraction(0))
        quality = sum((line.completed_points
                       * self._kept(line.quality_failures, line.quality_exempt,
                                    self.quality_deduction)
                       for line in lines), Fraction(0))
        progress = sum((line.completed_points * self._kept(line.delays, line.delay_exempt,
                                                           self.delay_deduction)
                        for line in lines), Fraction(0))
        return tuple(to_decimal(min(100 * part / assigned, Fraction(100)))
                     for part in (quantity, quality, progress))

    @staticmethod
    def _kept(count: int, exempt: bool, deduction: Decimal) -> Fraction:
        # Each failed review or delay takes `deduction` % of the product's points, down to nothing.
        if exempt:
            return Fraction(1)
        return max(Fraction(0), 1 - count * Fraction(deduction) / 100)

    def direction(self, subordinate_scores: Iterable[Decimal | None]) -> Decimal:
        """d (Art 15): full when every scored civil servant under the leader reaches HT."""
        self._require_scores()
        scores = [to_decimal(score) for score in subordinate_scores if score is not None]
        # d is full when everyone under the leader scores HT or above, half when anyone is KHT
        # (ND 335/2025 Art 15); the unscored are left out, not counted as KHT.
        return self.direction_full if all(score >= self.completed_min
                                          for score in scores) else self.direction_partial

    def task_ratio(self, a, b, c, *, leader: bool, d=None, organisation=None,
                   solidarity=None) -> Decimal:
        """The task ratio as a fraction 0..1 (Art 16): the mean of a, b, c, and for leaders and
        deputies also of d, đ (organisation) and e (solidarity); each component capped at 100."""
        self._require_scores()
        parts = [a, b, c]
        if leader:
            organisation = self.organisation_default if organisation is None else organisation
            solidarity = self.solidarity_default if solidarity is None else solidarity
            for name, value in (("d", d), ("organisation", organisation),
                                ("solidarity", solidarity)):
                if value is None:
                    raise ValueError(
                        f"The leader component {name} is missing and {self.code} has no default")
            parts += [d, organisation, solidarity]
        fractions = []
        for part in parts:
            value = Fraction(to_decimal(part))
            if value < 0:
                raise ValueError("Task components are percents from 0 to 100")
            fractions.append(min(value, Fraction(100)))
        return to_decimal(sum(fractions) / (100 * len(fractions)))

    def period_score(self, general: Decimal, ratio: Decimal) -> Decimal:
        """General criteria (clamped to 0..general_max)
        + task_max × ratio, rounded to period_places."""
        self._require_scores()
        ratio = to_decimal(ratio)
        if not 0 <= ratio <= 1:
            raise ValueError("The task ratio is a fraction from 0 to 1, not a percent")
        general = min(max(to_decimal(general), Decimal(0)), self.general_max)
        return round_half_up(Fraction(general) + Fraction(self.task_max) * Fraction(ratio),
                             self.period_places)

    def annual_score(self, period_scores: Iterable[Decimal]) -> Decimal | None:
        """The exact mean of the period scores (None if none): not rounded, so that the one rounding
        for display (two places, half up) is taken from the exact value."""
        self._require_scores()
        scores = [Fraction(to_decimal(score)) for score in period_scores]
        if not scores:
            return None
        return to_decimal(sum(scores) / len(scores))

    def level_for_score(self, score: Decimal) -> str:
        self._require_scores()
        score = to_decimal(score)
        if score >= self.excellent_min:
            return EXCELLENT
        if score >= self.good_min:
            return GOOD
        return COMPLETED if score >= self.completed_min else FAILED
