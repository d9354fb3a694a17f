"""The results of an appraisal year, computed from what is recorded, the same way for the board,
the command and the close of the year.

For each person: the period scores (ND 335: general + 70 × task ratio, with component d of
leaders from the scores of the people under them in the same period), the annual score (the
exact mean), the level of their rule set with its reasons (score bands, then the overrides:
discipline decided within the year, degradation, corruption in a leader's unit; ND 90: months
worked, leave, criteria), then the HTXS quota within each appraising unit and task group.

The whole computation reads a fixed number of queries whatever the number of people and units:
appraisals, period scores, disciplines, unit results (and the units of the cycles).
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from appraisal.models import Appraisal, Level, PeriodScore, UnitResult
from appraisal.rules import Facts, QuotaMember, apply_quota
from core.rules.registry import get as rule_set
from personnel.models import DisciplineRecord

TWO_PLACES = Decimal("0.01")
MOVED_DOWN = "Hạ xuống Hoàn thành tốt nhiệm vụ do vượt tỷ lệ HTXS."
TIED = "Đồng điểm tại ngưỡng tỷ lệ HTXS: chờ Hội đồng quyết định."
TIED_KEPT = ("Đồng điểm tại ngưỡng tỷ lệ HTXS: Hội đồng quyết định giữ mức Hoàn thành xuất sắc "
             "nhiệm vụ.")


def rounded(value: Decimal | None, rule_set_code: str = "") -> Decimal | None:
    """A score as it is shown and published: two decimals, half up; with the rule set named, never
    across one of its band edges (89,995 is HTT and shows 89,99, not 90,00)."""
    if value is None:
        return None
    if rule_set_code:
        rules = rule_set(rule_set_code)
        if getattr(rules, "continuous", False):
            return rules.shown_score(value)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Result:
    appraisal: Appraisal
    periods: dict[int, Decimal] = field(default_factory=dict)  # period → score
    directions: dict[int, Decimal] = field(default_factory=dict)  # leaders: period → d (%)
    score: Decimal | None = None  # exact annual score
    level: str | None = None
    reasons: list[str] = field(default_factory=list)
    moved_down: bool = False
    tied: bool = False

    @property
    def shown_score(self) -> Decimal | None:
        return rounded(self.score, self.appraisal.rule_set)


@dataclass
class GroupQuota:
    """The quota state of one appraising unit and task group."""

    unit_id: int
    task_group: str
    share: Decimal
    limit: int = 0
    excellent: int = 0  # candidates at HTXS before the quota
    good: int = 0
    kept: int = 0
    moved_down: int = 0
    tied: int = 0


@dataclass
class YearResults:
    results: list[Result]
    quotas: list[GroupQuota]

    def by_appraisal(self) -> dict[int, Result]:
        return {r.appraisal.pk: r for r in self.results}


def appraisals_of(year: int, unit=None, scope=None) -> QuerySet[Appraisal]:
    """The appraisals of ``year`` (under ``unit``; inside ``scope`` when given), with what the
    computation reads."""
    appraisals = Appraisal.objects.filter(cycle__year=year)
    if unit is not None:
        appraisals = appraisals.filter(unit__path__startswith=unit.path)
    if scope is not None:
        appraisals = scope.filter(appraisals, "unit")
    return (appraisals.select_related("servant", "unit", "work_unit", "cycle")
            .order_by("unit__path", "servant__sort_key", "pk"))


def compute(appraisals: QuerySet[Appraisal]) -> YearResults:
    rows = list(appraisals)
    if not rows:
        return YearResults([], [])
    results = {a.pk: Result(a) for a in rows}
    periods = _period_rows(appraisals)
    _score_periods(rows, results, periods)
    disciplines = _disciplines(appraisals)
    unit_results = _unit_results(rows)
    for a in rows:
        result = results[a.pk]
        rules = rule_set(a.rule_set)
        if rules.continuous:
            result.score = rules.annual_score(result.periods[p] for p in sorted(result.periods))
        unit_result = unit_results.get((a.work_unit_id, a.cycle.year))
        facts = Facts(
            score=result.score, is_leader=a.is_leader, year=a.cycle.year,
            disciplines=tuple(disciplines.get(a.servant_id, ())), degradation=a.degradation,
            corruption_case=a.corruption_case
            or (unit_result.corruption_case if unit_result and a.is_leader else ""),
            months_worked=a.months_worked, leave_months=a.leave_months,
            maternity_leave=a.maternity_leave,
            criteria=a.criteria or {}, proposed_level=a.proposed_level or a.self_level,
            unit_targets_planned=unit_result.targets_planned if unit_result else 0,
            unit_targets_on_time=unit_result.targets_on_time if unit_result else 0,
            unit_targets_exceeded=unit_result.targets_exceeded if unit_result else 0,
            subunit_levels=tuple(unit_result.subunit_levels) if unit_result else (),
        )
        if rules.continuous and result.score is None:
            result.reasons = ["Chưa có điểm kỳ đánh giá nào: chưa xếp loại."]
            continue
        outcome = rules.classify(facts)
        result.level, result.reasons = outcome.level, list(outcome.reasons)
    quotas = _apply_quotas(rows, results)
    return YearResults([results[a.pk] for a in rows], quotas)


# What the scoring reads of a period, in this order after the appraisal's id: plain tuples, not
# model instances (a province has 600,000 of them).
_PERIOD_FIELDS = ("appraisal_id", "period", "general", "quantity", "quality", "progress",
                  "organisation", "solidarity")


def _period_rows(appraisals: QuerySet) -> dict[int, list[tuple]]:
    """Each appraisal's periods as (period, general, quantity, quality, progress, organisation,
    solidarity), in period order."""
    by_appraisal: dict[int, list[tuple]] = defaultdict(list)
    rows = (PeriodScore.objects.filter(appraisal__in=appraisals.values("pk"))
            .order_by("appraisal_id", "period").values_list(*_PERIOD_FIELDS))
    for row in rows:
        by_appraisal[row[0]].append(row[1:])
    return by_appraisal


class _Memo:
    """``rules.task_ratio`` and ``rules.period_score`` of one computation, each remembered by its
    arguments: both are pure functions of them, and across a province the same components and the
    same (general criteria, ratio) pairs come back again and again. Failures are not remembered."""

    def __init__(self):
        self.ratios: dict[tuple, Decimal] = {}
        self.scores: dict[tuple, Decimal] = {}

    def task_ratio(self, rules, a, b, c, *, leader: bool, d=None, organisation=None,
                   solidarity=None) -> Decimal:
        key = (rules.code, a, b, c, leader, d, organisation, solidarity)
        ratio = self.ratios.get(key)
        if ratio is None:
            ratio = self.ratios[key] = rules.task_ratio(a, b, c, leader=leader, d=d,
                                                        organisation=organisation,
                                                        solidarity=solidarity)
        return ratio

    def period_score(self, rules, general: Decimal, ratio: Decimal) -> Decimal:
        key = (rules.code, general, ratio)
        score = self.scores.get(key)
        if score is None:
            score = self.scores[key] = rules.period_score(general, ratio)
        return score


def _score_periods(rows: list[Appraisal], results: dict[int, Result],
                   periods: dict[int, list[tuple]]) -> None:
    """Period scores of everyone, deepest units first, and within a unit the staff, then the
    deputies, then the heads: component d of a leader needs the scores of the people under them
    (ND 335/2025 Art 15: 100 % when all of them reach HT in the period, else 50 %). A head answers
    for the whole subtree of the unit, deputies included; a deputy's field is the whole unit
    without its heads (HR may narrow it by moving people's work unit)."""
    by_unit: dict[int, list[Appraisal]] = defaultdict(list)
    units = {}
    for a in rows:
        if rule_set(a.rule_set).continuous:
            by_unit[a.work_unit_id].append(a)
            units[a.work_unit_id] = a.work_unit
    # below[unit][period]: people of the unit's sub-units below the pass mark in that period,
    # added to every ancestor as each unit is done (deeper units are done first).
    below: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    order = {"": 0, Appraisal.Leader.DEPUTY: 1, Appraisal.Leader.HEAD: 2}
    memo = _Memo()
    for unit_id in sorted(by_unit, key=lambda pk: -units[pk].depth):
        own: dict[int, int] = defaultdict(int)
        heads_failing: dict[int, int] = defaultdict(int)
        for a in sorted(by_unit[unit_id], key=lambda a: order.get(a.leader, 0)):
            rules = rule_set(a.rule_set)
            result = results[a.pk]
            is_leader, is_head = a.is_leader, a.leader == Appraisal.Leader.HEAD
            for (period, general, quantity, quality, progress, organisation,
                 solidarity) in periods.get(a.pk, ()):
                if general is None or quantity is None or quality is None or progress is None:
                    continue  # a period not (fully) scored yet
                if is_leader:
                    failed = below[unit_id][period] + own[period]
                    if a.leader == Appraisal.Leader.DEPUTY:
                        failed -= heads_failing[period]
                    # Only whether someone under them is below the pass mark matters to d.
                    d = rules.direction((Decimal(0),) if failed > 0 else ())
                    result.directions[period] = d
                    try:
                        ratio = memo.task_ratio(rules, quantity, quality, progress, leader=True,
                                                d=d, organisation=organisation,
                                                solidarity=solidarity)
                    except ValueError:
                        continue  # đ or e missing and no default: the period waits for them
                else:
                    ratio = memo.task_ratio(rules, quantity, quality, progress, leader=False)
                score = memo.period_score(rules, general, ratio)
                result.periods[period] = score
                if score < rules.completed_min:
                    own[period] += 1
                    if is_head:
                        heads_failing[period] += 1
        for ancestor in units[unit_id].ancestor_ids()[:-1]:
            for period, n in own.items():
                below[ancestor][period] += n


def _disciplines(appraisals: QuerySet) -> dict[int, list[tuple[str, date]]]:
    """Each person's discipline decisions (form, decision
    date); the rule set keeps those of the year."""
    found: dict[int, list[tuple[str, date]]] = defaultdict(list)
    rows = (DisciplineRecord.objects.filter(servant_id__in=appraisals.values("servant_id"))
            .values_list("servant_id", "form", "event__decision_date", "effective_from"))
    for servant_id, form, decided, effective in rows:
        found[servant_id].append((form, decided or effective))
    return found


def _unit_results(rows: list[Appraisal]) -> dict[tuple[int, int], UnitResult]:
    """The units' own results of the year, each with ``subunit_levels``: the levels of the results
    of its direct sub-units (the leader criteria of ND 90 read them)."""
    years = {a.cycle.year for a in rows}
    units = {a.work_unit_id for a in rows}
    found = {(r.unit_id, r.year): r
             for r in UnitResult.objects.filter(year__in=years, unit_id__in=units)}
    for r in found.values():
        r.subunit_levels = []
    children = UnitResult.objects.filter(year__in=years,
                                         unit__parent_id__in=units).exclude(level="")
    rows = children.values_list("unit_id", "unit__parent_id", "year", "level")
    for unit_id, parent_id, year, level in rows:
        if (parent_id, year) in found and unit_id != parent_id:
            found[(parent_id, year)].subunit_levels.append(level)
    return found


def _apply_quotas(rows: list[Appraisal], results: dict[int, Result]) -> list[GroupQuota]:
    groups: dict[tuple[int, str], list[Appraisal]] = defaultdict(list)
    for a in rows:
        groups[(a.unit_id, a.task_group)].append(a)
    quotas = []
    for (unit_id, task_group), members in groups.items():
        share = members[0].cycle.excellent_share or rule_set(members[0].rule_set).excellent_share
        candidates = [QuotaMember(a.pk, results[a.pk].score, results[a.pk].level) for a in members
                      if results[a.pk].level in (Level.EXCELLENT, Level.GOOD)]
        quota = GroupQuota(unit_id, task_group, share)
        quotas.append(quota)
        if not candidates:
            continue
        outcome = apply_quota(candidates, share)
        quota.limit, quota.excellent, quota.good = outcome.limit, outcome.excellent, outcome.good
        for a in members:
            result = results[a.pk]
            if a.pk in outcome.moved_down or (a.pk in outcome.tied and a.quota_decision == "down"):
                result.level, result.moved_down = Level.GOOD, True
                result.reasons.append(outcome.reasons.get(a.pk, MOVED_DOWN))
            elif a.pk in outcome.tied and a.quota_decision != "keep":
                # Undecided tie at the cut: shown at HTT until the committee keeps them at HTXS.
                result.level, result.tied = Level.GOOD, True
                result.reasons.append(outcome.reasons.get(a.pk, TIED))
            elif a.pk in outcome.tied:
                result.tied = True
                result.reasons.append(TIED_KEPT)
        quota.kept = sum(1 for a in members if results[a.pk].level == Level.EXCELLENT)
        quota.moved_down = sum(1 for a in members if results[a.pk].moved_down)
        quota.tied = sum(1 for a in members if results[a.pk].tied)
    return quotas


def as_document(year: int, rule_set_code: str, results: Iterable[Result]) -> dict:
    """The JSON of ``appraisal_results`` (DESIGN.md §4 shape)."""
    people = []
    for r in results:
        a = r.appraisal
        people.append({
            "code": a.servant.code, "name": a.servant.full_name, "unit": a.unit.code,
            "task_group": a.task_group,
            "score": float(r.shown_score) if r.score is not None else None, "level": r.level,
            "reasons": r.reasons, "rule_set": a.rule_set, "moved_down": r.moved_down,
            "tied": r.tied,
        })
    return {"year": year, "rule_set": rule_set_code, "people": people}

