"""The read paths of streamlining: screening a unit, a plan's
progress, the periodic report, the 60-month refund watch. Each runs
a constant number of queries whatever the number of units or people.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from appraisal.models import Appraisal, Level
from core.access import UnitScope
from core.dates import add_months
from core.models import OrgUnit, UnitChange
from personnel.models import (
    Assignment,
    CivilServant,
    CompetencyAssessment,
    DisciplineRecord,
    LeaveRecord,
)
from personnel.selectors import _frameworks
from streamlining import amounts as amounts_of
from streamlining.evidence import DECIDED, band
from streamlining.models import Case, Ground, Plan

DONE = (Case.Status.DECIDED, Case.Status.PAID)
REORGANISING = (UnitChange.Kind.MERGE, UnitChange.Kind.DISSOLVE, UnitChange.Kind.SPLIT)
BANDS = {"lt2": _("under 2 years"), "2to5": _("2 to 5 years"), "gt5": _("over 5 years")}


@dataclass
class Reason:
    ground: str
    case_number: int
    text: str


@dataclass
class Candidate:
    """One screened person: the grounds they may qualify on, with the reasons from the record."""

    servant: CivilServant
    reasons: list[Reason]
    months_left: int | None
    band: str
    si_months: int
    excluded: list[str] = field(default_factory=list)
    reorganisation: UnitChange | None = None
    options: list = field(default_factory=list)

    @property
    def band_label(self) -> str:
        return str(BANDS.get(self.band, ""))

    @property
    def first(self) -> Reason:
        return self.reasons[0]


def leaving_day(day: date) -> date:
    """The first day of the next month: the earliest leaving date a screened case would take."""
    return add_months(date(day.year, day.month, 1), 1)


def _people(unit_ids: list[int]):
    people = CivilServant.objects.active().filter(unit_id__in=unit_ids)
    return people.select_related("unit").only(
        "code", "full_name", "date_of_birth", "sex", "category", "recruitment_date", "unit",
        "job_position", "salary_coefficient", "position_allowance", "excess_seniority_percent",
        "title", "unit__name", "unit__code", "unit__path", "unit__sector", "unit__valid_to")


def _reorganised_units() -> dict[int, UnitChange]:
    """Each unit merged, split or dissolved (before) or
    formed by it (after), with its latest change."""
    changes: dict[int, UnitChange] = {}
    rows = (UnitChange.objects.filter(kind__in=REORGANISING)
            .prefetch_related("predecessors", "successors").order_by("effective_date", "id"))
    for change in rows:
        for unit in [*change.predecessors.all(), *change.successors.all()]:
            changes[unit.pk] = change
    return changes


def _training_gaps(people: list[CivilServant], unit_ids: list[int]) -> set[int]:
    """The people whose latest assessed level is below
    what their position requires, in 4 queries."""
    frameworks = _frameworks({p.job_position_id for p in people if p.job_position_id})
    latest = {}
    assessments = CompetencyAssessment.objects.filter(servant__unit_id__in=unit_ids,
                                                      servant__job_position__isnull=False)
    # In date order, so the latest assessment of each competency is the one left in the dict.
    for row in assessments.order_by("assessed_on", "id").values_list("servant_id", "competency_id",
                                                                     "level"):
        latest[(row[0], row[1])] = row[2]
    gaps = set()
    for person in people:
        for line in frameworks.get(person.job_position_id, (None, []))[1]:
            if latest.get((person.pk, line.competency_id), 0) < line.level:
                gaps.add(person.pk)
                break
    return gaps


def screen(*, scope: UnitScope, unit: OrgUnit, day: date, ground: str = "", band_code: str = "",
           with_options: bool = False) -> list[Candidate]:
    """Who in ``unit``'s subtree may qualify, on which ground, and why (ND 154 Art 2; ND 178 Art 2).

    Grounds from the record: rated KHT in the previous or current year (ND 154 case 6); in a unit
    merged, split or dissolved without a job position (ND 154 case 1, ND 178 subject 1 from 2025);
    below the competency levels of the position (ND 154 case 5). Each row gives the ND 135 years to
    retirement (bands), the estimated SI years and what excludes the person now. ``with_options``
    also prices every option of every candidate (streamlining.rules.options_for)."""
    # The unit ids first (a few thousand at most), then every table filtered by them: PostgreSQL
    # plans "unit_id IN (…)" well, where a join on the unit path inside a subquery made it loop
    # over the people for each appraisal row (minutes on a province of 50,000).
    unit_ids = scope.unit_ids(under=unit)
    people = list(_people(unit_ids).order_by("unit__path", "sort_key"))
    failed = defaultdict(list)
    # KHT in the previous or the current year: one year suffices under ND 154
    # (DOMAIN-RULES §6.1, case 6).
    for servant_id, year in Appraisal.objects.filter(
            servant__unit_id__in=unit_ids, level=Level.FAILED, status__in=DECIDED,
            cycle__year__in=(day.year - 1, day.year)).values_list("servant_id", "cycle__year"):
        failed[servant_id].append(year)
    reorganised = _reorganised_units()
    gaps = _training_gaps(people, unit_ids)
    disciplined = set(DisciplineRecord.objects
                      .filter(servant__unit_id__in=unit_ids, effective_from__lte=day)
                      .exclude(effective_to__lt=day).values_list("servant_id", flat=True))
    maternity = set(LeaveRecord.objects
                    .filter(servant__unit_id__in=unit_ids, kind=LeaveRecord.Kind.MATERNITY,
                            cancelled=False, start_date__lte=day, end_date__gte=day)
                    .values_list("servant_id", flat=True))
    leaving = leaving_day(day)
    allowances = {}
    if with_options:  # read only for those with a ground, and only when the options are priced
        priced = [p.pk for p in people
                  if p.pk in failed or p.pk in gaps or p.unit_id in reorganised]
        allowances = amounts_of.allowances_in_force(priced, leaving)
    candidates = []
    for person in people:
        reasons = _reasons(person, failed, reorganised, gaps)
        if not reasons or (ground and all(r.ground != ground for r in reasons)):
            continue
        candidate = _candidate(person, reasons, day, reorganised.get(person.unit_id), disciplined,
                               maternity)
        if band_code and candidate.band != band_code:
            continue
        if with_options:
            candidate.options = _options(candidate, leaving, allowances.get(person.pk, []))
        candidates.append(candidate)
    return candidates


def _reasons(person, failed, reorganised, gaps) -> list[Reason]:
    reasons = []
    if person.pk in failed:
        years = ", ".join(str(y) for y in sorted(failed[person.pk]))
        reasons.append(Reason(Ground.ND154, 6,
                              _("Rated 'did not complete tasks' (KHT) in %(years)s.")
                              % {"years": years}))
    change = reorganised.get(person.unit_id)
    if change is not None and person.job_position_id is None:
        text = _(
            "%(unit)s: %(change)s (decision %(number)s); no job position in the new structure.") % {
            "unit": person.unit.name, "change": change, "number": change.decision_number or "—"}
        # ND 178 covers reorganisations from 2025 only; ND 154 case 1 covers every one.
        if change.effective_date >= date(2025, 1, 1):
            reasons.append(Reason(Ground.ND178, 1, text))
        reasons.append(Reason(Ground.ND154, 1, text))
    if person.pk in gaps:
        reasons.append(Reason(Ground.ND154, 5,
                              _("Assessed below the competency levels of the job position.")))
    return reasons


def _candidate(person, reasons, day, change, disciplined, maternity) -> Candidate:
    from personnel.rules.retirement import NoRetirementRule, retirement_of

    try:
        retirement = retirement_of(person.date_of_birth, person.sex)
        left = amounts_of.months_between(day, retirement.pension_start)
    except NoRetirementRule:
        left = None
    excluded = []
    if person.pk in disciplined:
        excluded.append(_("Under discipline in effect."))
    if person.pk in maternity:
        excluded.append(_("On maternity leave (unless voluntary)."))
    return Candidate(servant=person, reasons=reasons, months_left=left,
                     band=band(left) if left is not None else "",
                     si_months=amounts_of.months_between(person.recruitment_date, day),
                     excluded=excluded, reorganisation=change)


def _options(candidate: Candidate, leaving: date, allowances) -> list:
    reasons = candidate.reasons
    ground = next((r.ground for r in reasons if r.ground == Ground.ND178), reasons[0].ground)
    reorganised = (candidate.reorganisation.effective_date
                   if candidate.reorganisation and ground == Ground.ND178 else None)
    return amounts_of.side_by_side(amounts_of.case_input(
        candidate.servant, leaving_date=leaving, ground=ground, reorganisation_date=reorganised,
        allowances=allowances))


# --- plans and reports ----------------------------------------------------------------------------
def cases_in(scope: UnitScope, unit: OrgUnit | None = None):
    cases = scope.filter(Case.objects.all(), "unit")
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit.path)
    return cases


def plan_progress(plan: Plan) -> dict:
    """Targets against the decided cases of the plan's unit subtree leaving in the plan's year, per
    (ground, category, sector) and per sub-unit (two queries)."""
    done = Case.objects.filter(unit__path__startswith=plan.unit.path, leaving_date__year=plan.year,
                               status__in=DONE)
    counts = Counter({(r["ground"], r["category"], r["sector"]): r["n"] for r in
                      done.values("ground", "category", "sector").annotate(n=Count("pk"))})
    rows = [{"target": t, "done": counts.get((t.ground, t.category, t.sector), 0)}
            for t in plan.targets.filter(target__gt=0).order_by("ground", "category", "sector")]
    children = {u.pk: u for u in OrgUnit.objects.filter(parent=plan.unit)}
    per_child = Counter()
    for path in done.values_list("unit__path", flat=True):
        for child in children.values():
            if path.startswith(child.path):
                per_child[child.pk] += 1
    return {"rows": rows, "target": sum(r["target"].target for r in rows), "done": done.count(),
            "children": [(children[pk], n) for pk, n in per_child.most_common()]}


def report(*, scope: UnitScope, unit: OrgUnit, year: int) -> dict:
    """The periodic streamlining report of ``unit``'s subtree for ``year``: decided cases by ground,
    category, option and sector, money decided and paid, and the divisions removed."""
    cases = cases_in(scope, unit).filter(status__in=DONE, leaving_date__year=year)
    by = list(cases.values("ground", "case_number", "category", "option", "sector")
              .annotate(n=Count("pk"), decided=Sum("total"), paid=Sum("paid_amount")).order_by())
    removed = OrgUnit.objects.filter(
        path__startswith=unit.path, kind=OrgUnit.Kind.DIVISION,
        changes_out__kind__in=REORGANISING,
        changes_out__effective_date__year=year).distinct().count()
    totals = {"n": sum(r["n"] for r in by), "decided": sum(r["decided"] or 0 for r in by),
              "paid": sum(r["paid"] or 0 for r in by)}

    def group(key):
        out = defaultdict(lambda: {"n": 0, "decided": 0, "paid": 0})
        for r in by:
            row = out[r[key] if isinstance(key, str) else key(r)]
            row["n"] += r["n"]
            row["decided"] += r["decided"] or 0
            row["paid"] += r["paid"] or 0
        return dict(sorted(out.items()))

    return {"rows": by, "totals": totals, "divisions_removed": removed,
            "by_ground": group("ground"), "by_category": group("category"),
            "by_option": group("option"), "by_sector": group("sector"),
            "by_case": group(lambda r: (r["ground"], r["case_number"]))}


def refund_watch(*, scope: UnitScope, day: date):
    """Decided cases whose person is back on the budget payroll within 60 months of leaving (ND 154
    Art 11; ND 178 Art 16): the record is working again or has an assignment that starts after the
    leaving date (the personal ID number is unique, so a re-recruitment reopens the same record).
    They must refund the allowances."""
    since = add_months(day, -60)
    back = Q(servant__status=CivilServant.Status.ACTIVE) | Exists(Assignment.objects.filter(
        servant_id=OuterRef("servant_id"), start_date__gte=OuterRef("leaving_date")))
    return scope.filter(Case.objects.filter(status__in=DONE, leaving_date__gt=since),
                        "unit").filter(back) \
        .select_related("servant", "unit").order_by("leaving_date")
