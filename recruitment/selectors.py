"""Read paths of recruitment: who passed round 1, round-2 scores from the marks, the ranking."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from core.access import unit_scope
from recruitment.models import Application, Mark, RecruitmentRound
from recruitment.ranking import Entry, rank_position
from recruitment.rules import (
    GENERAL,
    LANGUAGE,
    ROUND2_FORMS,
    RecruitmentRuleSet,
    priority_points,
    professional_score,
    round1_part_passed,
    round2_passed,
    rules_for_round,
)

MARK_TOLERANCE = Decimal(10)  # UNCONFIRMED: two markers further apart than 10 points must reconcile


def visible_rounds(user) -> QuerySet[RecruitmentRound]:
    """Rounds a staff user may run: everything for provincial HR, rounds of the units they manage,
    and rounds they were granted as exam-board members."""
    from core.access import MANAGE

    if getattr(user, "is_candidate", False) or not user.is_authenticated:
        return RecruitmentRound.objects.none()
    if user.is_superuser or user.has_perm("recruitment.run_round"):
        return RecruitmentRound.objects.all()
    scope = unit_scope(user, MANAGE)
    granted = Q(user_grants__user=user) | Q(group_grants__group__user=user)
    return RecruitmentRound.objects.filter(
        Q(agency__in=scope.units().values("pk")) | granted
    ).distinct()


@dataclass
class ComponentScore:
    score: Decimal | None
    marks: list[Decimal] = field(default_factory=list)
    conflict: bool = False


def component_score(marks: list[Mark]) -> ComponentScore:
    """A component's score from its current marks: a direct final mark (0) wins, then a
    reconciliation mark (3), else the average of markers 1 and 2 if they agree within tolerance."""
    current = {m.marker: m.score for m in marks if not m.replaced}
    if 0 in current:
        return ComponentScore(current[0], [current[0]])
    if 3 in current:
        return ComponentScore(current[3], [current.get(1), current.get(2), current[3]])
    scores = [current[k] for k in (1, 2) if k in current]
    if not scores:
        return ComponentScore(None)
    if len(scores) == 2 and abs(scores[0] - scores[1]) > MARK_TOLERANCE:
        return ComponentScore(None, scores, conflict=True)
    return ComponentScore(sum(scores) / len(scores), scores)


@dataclass
class ResultRow:
    application: Application
    round1_passed: bool
    round1: dict[str, tuple[int, int]]
    components: dict[str, ComponentScore]
    professional: Decimal | None
    priority: Decimal
    priority_code: str
    total: Decimal | None
    rank: int | None = None
    result: str = "FAILED"
    note: str = ""

    @property
    def conflicts(self) -> list[str]:
        return [name for name, c in self.components.items() if c.conflict]


@dataclass
class RoundResults:
    round: RecruitmentRound
    rule_set: RecruitmentRuleSet
    note: str
    rows: list[ResultRow]


def round1_passed(
    application: Application, scores: dict[str, tuple[int, int]], rules: RecruitmentRuleSet
) -> bool:
    """Round 1 under the rule set: waivers, staff-level positions, exemptions, ≥ 50 % in each
    part."""
    round_ = application.round
    if round_.method == RecruitmentRound.Method.SELECTION:
        return application.status == Application.Status.ELIGIBLE
    if rules.verification_waives_round1 and application.verification_exempt:
        return True
    rank = application.vacancy.rank
    if rules.staff_level_skips_round1 and rank is not None and rank.level == "staff":
        return True
    for part in rules.round1_parts:
        if round1_part_skipped(application, part):
            continue
        if part.code not in (GENERAL, LANGUAGE):
            continue
        correct = scores.get(part.code)
        if correct is None or not round1_part_passed(correct[0], part, rules):
            return False
    return True


# --- eligibility: who is summoned, what may be appealed ---------------------------------------

def awaiting_number(round_: RecruitmentRound) -> QuerySet[Application]:
    """Admitted candidates without an exam number yet (numbering gives them one and the summons)."""
    return round_.applications.filter(status=Application.Status.ELIGIBLE, number="")


def summoned(round_: RecruitmentRound) -> QuerySet[Application]:
    """Who gets a summons to the exams: admitted (eligible) and numbered."""
    return round_.applications.filter(status=Application.Status.ELIGIBLE).exclude(number="")


def summons_issued(application: Application) -> bool:
    """Whether the candidate's summons can be printed: the same rule as ``summoned``, for one."""
    return bool(application.number) and application.status == Application.Status.ELIGIBLE


def appealable_components(application: Application) -> list[str]:
    """The round-2 parts the candidate may still ask to re-mark: only parts the round has, that
    have a mark, and no appeal yet (one per candidate and part, Appeal's constraint)."""
    marked = {m.component for m in application.marks.all()}
    appealed = set(application.appeals.values_list("component", flat=True))
    return [c for c in ROUND2_FORMS[application.round.round2_form]
            if c in marked and c not in appealed]


def round1_part_skipped(application: Application, part) -> bool:
    """A round-1 part the candidate does not sit: the foreign language of a position that needs
    none, or of a candidate exempted from it."""
    return part.code == LANGUAGE and (not application.vacancy.foreign_language
                                      or application.language_exempt)


def round_results(round_: RecruitmentRound, on=None) -> RoundResults:
    """Every application that took part (eligible), scored and ranked within its position's quota.

    The rule set is that of the announcement date; the ND 170/2025 Art 70 transition is judged on
    ``on`` (the day results are published), so a round that ended long ago keeps its own rules."""
    choice = rules_for_round(
        announced_on=round_.announced_on, round1_completed_on=round_.round1_completed_on,
        on=on or round_.results_published_on,
    )
    rules = choice.rule_set
    applications = list(
        round_.applications.filter(status=Application.Status.ELIGIBLE)
        .select_related("vacancy__rank", "round")
        .prefetch_related("round1_scores", "marks")
    )
    components = ROUND2_FORMS[round_.round2_form]
    rows: list[ResultRow] = []
    for application in applications:
        rows.append(_row(application, components, round_, rules))
    by_vacancy: dict[int, list[ResultRow]] = defaultdict(list)
    for row in rows:
        by_vacancy[row.application.vacancy_id].append(row)
    for vacancy_rows in by_vacancy.values():
        _rank(vacancy_rows, rules)
    rows.sort(key=lambda r: (r.application.vacancy.code, r.rank or 10**6, r.application.number))
    return RoundResults(round_, rules, choice.note, rows)


def _row(application, components, round_, rules) -> ResultRow:
    scores = {s.part: (s.correct, s.questions) for s in application.round1_scores.all()}
    passed1 = round1_passed(application, scores, rules)
    marks: dict[str, list[Mark]] = defaultdict(list)
    for mark in application.marks.all():
        marks[mark.component].append(mark)
    parts = {name: component_score(marks[name]) for name in components}
    values = {name: c.score for name, c in parts.items()}
    professional = None
    if passed1 and all(v is not None for v in values.values()):
        weights = {**round_.weights(), "practical": Decimal(100)}
        professional = professional_score(values, weights)
    points, code = priority_points(application.priority_codes, rules)
    return ResultRow(application, passed1, scores, parts, professional, points, code,
                     professional + points if professional is not None else None)


def _rank(rows: list[ResultRow], rules: RecruitmentRuleSet) -> None:
    entries = []
    for row in rows:
        values = {k: c.score for k, c in row.components.items()}
        passed2 = row.professional is not None and round2_passed(values, row.professional, rules)
        general = row.round1.get(GENERAL)
        entries.append(
            Entry(
                key=row, round1_passed=row.round1_passed, round2_passed=passed2,
                professional=row.professional, priority=row.priority, written=values.get("written"),
                round1_general=general[0] if general else None,
                verification_exempt=row.application.verification_exempt,
                verification_score=row.application.verification_score,
            )
        )
    quota = rows[0].application.vacancy.quota if rows else 0
    for entry in rank_position(entries, quota, rules):
        entry.key.rank, entry.key.result, entry.key.note = entry.rank, entry.result, entry.note


def results_document(results: RoundResults) -> dict:
    """``recruitment_results --json`` exactly as the issue names it."""
    def number(value):
        return float(value) if value is not None else None

    return {
        "round": results.round.code,
        "rule_set": results.rule_set.code,
        "candidates": [
            {
                "number": r.application.number, "name": r.application.full_name,
                "position": r.application.vacancy.code, "round1_passed": r.round1_passed,
                "professional_score": number(r.professional), "priority_points": number(r.priority),
                "total": number(r.total), "rank": r.rank, "result": r.result,
            }
            for r in results.rows
        ],
    }


def may_run_recruitment(user) -> bool:
    """Whether the recruitment pages are for this staff user at all: provincial HR, managers of a
    unit (their agency's rounds), exam-board members (the rounds they are granted)."""
    from core.access import MANAGE
    from core.roles import EXAM_BOARD

    if getattr(user, "is_candidate", False) or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("recruitment.run_round") or unit_scope(user, MANAGE):
        return True
    return user.groups.filter(name=EXAM_BOARD.code).exists() or visible_rounds(user).exists()


def may_administer_round(user, round_: RecruitmentRound) -> bool:
    """Settings, vacancies and the board of a round: provincial HR or a manager of its agency
    (a board member runs the round but does not reshape it)."""
    from core.access import MANAGE

    if user.is_superuser or user.has_perm("recruitment.run_round"):
        return True
    return round_.agency_id is not None and unit_scope(user, MANAGE).contains(round_.agency)


def round_summary(round_: RecruitmentRound) -> list[dict]:
    """Per vacancy: quota, applications by status, fees paid — one grouped query."""
    from django.db.models import Count

    counts = {row["vacancy"]: row for row in round_.applications.values("vacancy").annotate(
        total=Count("pk"), eligible=Count("pk", filter=Q(status=Application.Status.ELIGIBLE)),
        rejected=Count("pk", filter=Q(status=Application.Status.REJECTED)),
        waiting=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
        paid=Count("pk", filter=~Q(fee_status=Application.Fee.UNPAID)))}
    empty = {"total": 0, "eligible": 0, "rejected": 0, "waiting": 0, "paid": 0}
    return [{"vacancy": v, **{k: counts.get(v.pk, empty)[k] for k in empty}}
            for v in round_.vacancies.select_related("rank", "unit")]


BINS = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def score_distribution(results: RoundResults) -> dict:
    """Chart data: per position, how many candidates fall in each band of total score."""
    labels = [f"{low}–{min(high, 100)}" if low else f"< {high}" for low, high in BINS]
    per_vacancy: dict[str, list[int]] = {}
    for row in results.rows:
        if row.total is None:
            continue
        counts = per_vacancy.setdefault(row.application.vacancy.code, [0] * len(BINS))
        for i, (low, high) in enumerate(BINS):
            if low <= row.total < high:
                counts[i] += 1
                break
    return {"labels": labels, "datasets": [{"label": code, "data": counts}
                                           for code, counts in sorted(per_vacancy.items())]}


def position_statistics(results: RoundResults) -> list[dict]:
    """Per position: candidates ranked, passes, ties for the head, highest/lowest/average total."""
    by_code: dict[str, list[ResultRow]] = defaultdict(list)
    for row in results.rows:
        by_code[row.application.vacancy.code].append(row)
    stats = []
    for code, rows in sorted(by_code.items()):
        totals = [r.total for r in rows if r.total is not None]
        stats.append(
            {
                "code": code, "title": rows[0].application.vacancy.title,
                "quota": rows[0].application.vacancy.quota, "candidates": len(rows),
                "round1": sum(r.round1_passed for r in rows),
                "passed": sum(r.result == "PASSED" for r in rows),
                "head": sum(r.result == "HEAD_DECIDES" for r in rows),
                "high": max(totals) if totals else None, "low": min(totals) if totals else None,
                "average": (sum(totals) / len(totals)).quantize(Decimal("0.01"))
                if totals
                else None,
            }
        )
    return stats
