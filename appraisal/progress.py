"""Where a year stands, unit by unit: who has not self-assessed, whose period is not scored, which
products wait for the leader's review; and the periods of a year (when each one ends).

Read paths for the progress page and the reminders; a fixed number of queries whatever the number
of units and people (counts are grouped in the database, names read for one unit at a time).
"""
import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.models import Appraisal, AppraisalCycle, PeriodKind, PeriodScore, WorkAssignment
from core.access import UnitScope
from core.models import OrgUnit
from core.rules.registry import family

# --- the periods of a year ------------------------------------------------------------------------

def period_end(cycle: AppraisalCycle, period: int) -> date:
    """The last day of a month or quarter of ``cycle``'s year."""
    month = period if cycle.period_kind == PeriodKind.MONTH else 3 * period
    return date(cycle.year, month, calendar.monthrange(cycle.year, month)[1])


def current_period(cycle: AppraisalCycle, day: date) -> int | None:
    """The period of ``cycle`` that ``day`` falls in (None outside the cycle's year)."""
    if day.year != cycle.year:
        return None
    return day.month if cycle.period_kind == PeriodKind.MONTH else (day.month - 1) // 3 + 1


def last_closed_period(cycle: AppraisalCycle, day: date) -> int | None:
    """The latest period of ``cycle`` that ended before ``day`` (None before the first one ends)."""
    closed = [p for p in cycle.periods if period_end(cycle, p) < day]
    return closed[-1] if closed else None


def period_label(cycle: AppraisalCycle, period: int) -> str:
    if cycle.period_kind == PeriodKind.MONTH:
        return _("Month %(n)s") % {"n": period}
    return _("Quarter %(n)s") % {"n": period}


def periodic_rule_sets() -> list[str]:
    """The rule sets that score a person period by period (ND 335/2025); ND 90/2020 does not."""
    return [r.code for r in family("appraisal") if getattr(r, "continuous", False)]


def scored_in(period: int) -> Exists:
    """The appraisal has a complete score for ``period``: the leader's general criteria and the
    quantity, quality and progress of its tasks (ND 335/2025 Art 12–14)."""
    return Exists(PeriodScore.objects.filter(
        appraisal=OuterRef("pk"), period=period, general__isnull=False, quantity__isnull=False,
        quality__isnull=False, progress__isnull=False))


# Self-assessed: past the "being scored" step, or the year's self-assessment written already.
SELF_ASSESSED = ~Q(status=Appraisal.Status.OPEN) | ~Q(self_assessment="")


# --- the progress page ----------------------------------------------------------------------------

@dataclass
class UnitProgress:
    """One work unit's standing: people appraised, self-assessed, scored for the period (counted
    among those scored by periods) and products reported done that wait for the leader's review."""

    unit: OrgUnit
    people: int = 0
    self_assessed: int = 0
    periodic: int = 0
    scored: int = 0
    awaiting_review: int = 0

    @property
    def not_self_assessed(self) -> int:
        return self.people - self.self_assessed

    @property
    def not_scored(self) -> int:
        return self.periodic - self.scored

    @property
    def complete(self) -> bool:
        return not (self.not_self_assessed or self.not_scored or self.awaiting_review)


@dataclass
class Missing:
    """The names behind one unit's counts."""

    not_self_assessed: list[Appraisal] = field(default_factory=list)
    not_scored: list[Appraisal] = field(default_factory=list)
    awaiting_review: list[tuple[str, int]] = field(default_factory=list)  # (name, products)


def cycle_appraisals(cycle: AppraisalCycle, scope: UnitScope) -> QuerySet[Appraisal]:
    """The cycle's appraisals of the people working in ``scope`` (a division head sees the people
    of their division, whoever appraises them)."""
    return scope.filter(Appraisal.objects.filter(cycle=cycle), "work_unit")


def unit_progress(cycle: AppraisalCycle, scope: UnitScope,
                  period: int | None) -> list[UnitProgress]:
    """Per work unit in ``scope``, in tree order; three queries."""
    periodic = Q(rule_set__in=periodic_rule_sets())
    counts = {"people": Count("pk"), "self_assessed": Count("pk", filter=SELF_ASSESSED),
              "periodic": Count("pk", filter=periodic)}
    if period is not None:
        counts["scored"] = Count("pk", filter=periodic & Q(scored_in(period)))
    rows = cycle_appraisals(cycle, scope).order_by().values("work_unit").annotate(**counts)
    by_unit = {row["work_unit"]: row for row in rows}
    reported = scope.filter(WorkAssignment.objects.filter(appraisal__cycle=cycle,
                                                          status=WorkAssignment.Status.REPORTED),
                            "work_unit")
    awaiting = dict(reported.order_by().values("work_unit").annotate(n=Count("pk"))
                    .values_list("work_unit", "n"))
    units = (OrgUnit.objects.filter(pk__in=set(by_unit) | set(awaiting))
             .only("pk", "code", "name", "path", "depth"))
    result = []
    for unit in units.order_by("path"):
        row = by_unit.get(unit.pk, {})
        result.append(UnitProgress(unit=unit, people=row.get("people", 0),
                                   self_assessed=row.get("self_assessed", 0),
                                   periodic=row.get("periodic", 0), scored=row.get("scored", 0),
                                   awaiting_review=awaiting.get(unit.pk, 0)))
    return result


def missing_in(cycle: AppraisalCycle, scope: UnitScope, unit_id: int,
               period: int | None) -> Missing:
    """Who is missing in one work unit: not self-assessed, not scored for ``period``, and whose
    products wait for review; two queries."""
    periodic = set(periodic_rule_sets())
    appraisals = (cycle_appraisals(cycle, scope).filter(work_unit_id=unit_id)
                  .select_related("servant")
                  .only("pk", "rule_set", "servant__code", "servant__full_name")
                  .annotate(done=ExpressionWrapper(SELF_ASSESSED, output_field=BooleanField()))
                  .order_by("servant__sort_key", "pk"))
    if period is not None:
        appraisals = appraisals.annotate(scored=scored_in(period))
    missing = Missing()
    for appraisal in appraisals:
        if not appraisal.done:
            missing.not_self_assessed.append(appraisal)
        if period is not None and appraisal.rule_set in periodic and not appraisal.scored:
            missing.not_scored.append(appraisal)
    reported = scope.filter(WorkAssignment.objects.filter(
        appraisal__cycle=cycle, work_unit_id=unit_id, status=WorkAssignment.Status.REPORTED),
                            "work_unit")
    products = (reported.order_by()
                .values_list("appraisal_id", "appraisal__servant__sort_key",
                             "appraisal__servant__full_name").annotate(n=Count("pk")))
    missing.awaiting_review = [(name, n)
                               for _pk, _key, name, n in sorted(products,
                                                                key=lambda r: (r[1], r[0]))]
    return missing
