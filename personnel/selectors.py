"""Read paths of the personnel screens and reports. Every query is narrowed by a unit scope."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.access import NOTHING, UnitScope
from core.dates import add_months, last_day_of_month
from core.models import OrgUnit
from personnel.models import Assignment, CareerEvent, CivilServant, Leadership, Sex
from personnel.privacy import FieldPolicy
from personnel.rules.discipline import rules_on
from personnel.rules.retirement import birth_range, retirement_of
from personnel.rules.salary import RaiseDue, next_raise

AGE_BANDS = {"u30": (0, 30), "30": (30, 40), "40": (40, 50), "50": (50, 60), "60": (60, 200)}


@dataclass
class ServantFilter:
    """The filters of the people list, read from the query string."""

    q: str = ""
    unit: OrgUnit | None = None
    category: str = ""
    rank: str = ""
    age_band: str = ""
    leadership: str = ""
    status: str = CivilServant.Status.ACTIVE
    on: date | None = None
    sex: str = ""

    def as_record(self) -> dict:
        """The filters as an access record keeps them (JSON: unit by id, date in ISO)."""
        return {"q": self.q, "unit": self.unit.pk if self.unit else None,
                "category": self.category, "rank": self.rank, "age_band": self.age_band,
                "leadership": self.leadership, "status": self.status, "sex": self.sex,
                "on": self.on.isoformat() if self.on else None}


def _birth_bounds(band: str, today: date) -> Q:
    low, high = AGE_BANDS[band]
    # Age in [low, high) ⇔ born in (today − high years, today − low years].
    return Q(date_of_birth__gt=add_months(today, -12 * high),
             date_of_birth__lte=add_months(today, -12 * low))


def servant_list(*, scope: UnitScope, filters: ServantFilter,
                 policy: FieldPolicy | None = None) -> QuerySet[CivilServant]:
    """People in the scope matching the filters, in Vietnamese name order, as ``policy`` lets the
    reader see them (without one: sensitive fields masked). With ``filters.on``, membership is read
    from the assignments of that day (who was in unit X on 31/12/2023); people who have left the
    reader's units since show only their name, code and the assignment of that day."""
    policy = policy or FieldPolicy(scope, NOTHING)
    people = CivilServant.objects.all()
    # The scope and the unit filter as one list of ids; the policy's own list when they agree.
    same = filters.unit is None and policy.view == scope
    unit_ids = policy.unit_ids() if same else scope.unit_ids(filters.unit)
    past = filters.on is not None
    if past:
        people = _held_on(people, filters, unit_ids, policy)
    else:
        if unit_ids is not None:
            people = people.filter(unit_id__in=unit_ids)
        if filters.status:
            people = people.filter(status=filters.status)
    people = _apply_filters(people, filters, id_visible=policy.private_q(past=past))
    people = people.select_related("unit__parent", "rank").order_by("sort_key", "id")
    return policy.mark(people, past=past)


def _held_on(people: QuerySet, filters: ServantFilter, unit_ids: list[int] | None,
             policy: FieldPolicy) -> QuerySet:
    """People with a primary assignment in the units on ``filters.on``, with its unit and title."""
    held = Assignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=filters.on), start_date__lte=filters.on,
        kind=Assignment.Kind.PRIMARY)
    if unit_ids is not None:
        held = held.filter(unit_id__in=unit_ids)
    on_date = held.filter(servant_id=OuterRef("pk"))
    people = people.filter(pk__in=held.values("servant_id")).annotate(
        unit_on_date=Subquery(on_date.values("unit__name")[:1]),
        unit_code_on_date=Subquery(on_date.values("unit__code")[:1]),
        title_on_date=Subquery(on_date.values("title")[:1]))
    if _filters_current_data(filters) and policy.in_scope_q() is not None:
        # Someone who left is not filtered by today's rank, age …: a match would tell them.
        people = people.filter(policy.in_scope_q())
    return people


def _filters_current_data(filters: ServantFilter) -> bool:
    return bool(filters.category or filters.rank or filters.sex or filters.leadership
                or filters.age_band in AGE_BANDS)


def _apply_filters(people: QuerySet, filters: ServantFilter, *, id_visible: Q | None) -> QuerySet:
    if filters.q:
        people = people.search(filters.q, id_visible=id_visible)
    if filters.category:
        people = people.filter(category=filters.category)
    if filters.rank:
        people = people.filter(rank__code=filters.rank)
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.age_band in AGE_BANDS:
        people = people.filter(_birth_bounds(filters.age_band, filters.on or timezone.localdate()))
    if filters.leadership == "leader":
        people = people.exclude(leadership="")
    elif filters.leadership == "staff":
        people = people.filter(leadership="")
    elif filters.leadership in (Leadership.HEAD, Leadership.DEPUTY):
        people = people.filter(leadership=filters.leadership)
    return people


@dataclass
class TimelineEntry:
    event: CareerEvent
    superseded: bool = False
    details: list = field(default_factory=list)


def servant_timeline(servant: CivilServant) -> list[TimelineEntry]:
    """The whole career, newest first; corrected events are kept and marked superseded."""
    events = list(servant.events.select_related("created_by", "corrects").prefetch_related(
        "assignments__unit", "salary_records__rank", "disciplines", "rewards", "trainings"))
    corrected = {e.corrects_id for e in events if e.corrects_id}
    return [TimelineEntry(event=e, superseded=e.pk in corrected) for e in events]


# --- retirement -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetirementRow:
    servant: CivilServant
    retirement_date: date
    pension_start: date
    notice_due: date
    decision_due: date
    rule_set: str


def retiring_between(*, scope: UnitScope, start: date, end: date, unit: OrgUnit | None = None,
                     people: QuerySet | None = None) -> list[RetirementRow]:
    """Working people whose retirement date falls in [start, end], soonest first.

    The decree's age-by-year rule becomes one birth-date range per sex, so the database uses the
    (sex, date_of_birth) index instead of computing an age on every row (DESIGN.md §5)."""
    condition = Q(pk__in=[])
    for sex in (Sex.MALE, Sex.FEMALE):
        bounds = birth_range(sex, start, end)
        if bounds:
            condition |= Q(sex=sex, date_of_birth__gte=bounds[0], date_of_birth__lte=bounds[1])
    people = people if people is not None else scope.filter(CivilServant.objects.active(), "unit")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    rows = []
    for servant in people.filter(condition).select_related("unit__parent", "rank__salary_group"):
        result = retirement_of(servant.date_of_birth, servant.sex)
        rows.append(RetirementRow(servant, result.retirement_date, result.pension_start,
                                  result.notice_due, result.decision_due, result.rule_set))
    return sorted(rows, key=lambda r: (r.retirement_date, r.servant.sort_key))


def retirement_forecast(*, scope: UnitScope, first_year: int, years: int,
                        unit: OrgUnit | None = None) -> dict:
    """Retirements per year and per top-level unit of the scope: the table and chart of the
    forecast."""
    rows = retiring_between(scope=scope, start=date(first_year, 1, 1),
                            end=date(first_year + years - 1, 12, 31), unit=unit)
    depth = (unit.depth + 1) if unit is not None else None
    by_unit: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    ancestors = _ancestor_map(rows, depth)
    for row in rows:
        group = ancestors.get(row.servant.unit_id, row.servant.unit)
        by_unit[group.pk][row.retirement_date.year] += 1
        names[group.pk] = group.name
    year_list = list(range(first_year, first_year + years))
    table = [{"unit": names[pk], "unit_id": pk, "counts": [by_unit[pk][y] for y in year_list],
              "total": sum(by_unit[pk].values())} for pk in sorted(by_unit, key=lambda k: names[k])]
    totals = [sum(r["counts"][i] for r in table) for i in range(len(year_list))]
    by_sex = {sex: [sum(1 for r in rows if r.servant.sex == sex and r.retirement_date.year == y)
                    for y in year_list]
              for sex in (Sex.MALE, Sex.FEMALE)}
    return {"years": year_list, "table": table, "totals": totals, "rows": rows, "by_sex": by_sex}


def _ancestor_map(rows: list[RetirementRow], depth: int | None) -> dict[int, OrgUnit]:
    """Each person's unit → the ancestor the forecast groups by (one query)."""
    wanted: dict[int, int] = {}
    for row in rows:
        ids = row.servant.unit.ancestor_ids()
        level = depth if depth is not None else min(1, len(ids) - 1)
        wanted[row.servant.unit_id] = ids[min(level, len(ids) - 1)]
    units = OrgUnit.objects.in_bulk(set(wanted.values()))
    return {unit_id: units[ancestor] for unit_id, ancestor in wanted.items()}


def retirement_notices_due(*, scope: UnitScope, today: date | None = None,
                           unit: OrgUnit | None = None) -> dict:
    """People due a retirement notice (retiring within 6 months) and a decision (within 3), with
    whether a notice was already recorded."""
    today = today or timezone.localdate()
    rows = retiring_between(scope=scope, start=today, end=last_day_of_month(add_months(today, 6)),
                            unit=unit)
    notices = CareerEvent.objects.filter(servant__in=[r.servant.pk for r in rows],
                                         kind=CareerEvent.Kind.RETIREMENT_NOTICE)
    noticed = set(notices.values_list("servant_id", flat=True))
    return {
        "early_raise": retirement_early_raises(rows),
        "notice": [(r, r.servant.pk in noticed) for r in rows],
        "decision": [(r, r.servant.pk in noticed) for r in rows
                     if r.retirement_date <= last_day_of_month(add_months(today, 3))],
    }


def people_per_unit(scope: UnitScope, on: date) -> dict[int, int]:
    """Working people per unit (the unit alone) on ``on``: current fields today, assignments
    before."""
    if on >= timezone.localdate():
        people = scope.filter(CivilServant.objects.active(), "unit")
        rows = people.values("unit").annotate(n=Count("id"))
        return {r["unit"]: r["n"] for r in rows}
    held = scope.filter(Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on),
                                                  start_date__lte=on, kind=Assignment.Kind.PRIMARY),
                        "unit")
    return {r["unit"]: r["n"]
            for r in held.values("unit").annotate(n=Count("servant", distinct=True))}


# --- salary step raises ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RaiseRow:
    servant: CivilServant
    due: RaiseDue
    blocked_by: str = ""


def _delays(people: list[CivilServant]) -> tuple[dict[int, int], dict[int, str]]:
    """Discipline delays of each person's current step period (one query)."""
    delay: dict[int, int] = defaultdict(int)
    reason: dict[int, str] = {}
    since = {p.pk: p.salary_step_date for p in people}
    events = CareerEvent.objects.filter(servant__in=list(since), kind=CareerEvent.Kind.DISCIPLINE,
                                        corrections__isnull=True)
    for event in events:
        start = since.get(event.servant_id)
        if start and event.effective_date >= start:
            form = event.data.get("form", "")
            months = rules_on(event.effective_date).raise_delay_months
            delay[event.servant_id] += months.get(form, 0)
            reason[event.servant_id] = event.summary
    return delay, reason


def raises_due(*, scope: UnitScope, start: date, end: date,
               unit: OrgUnit | None = None) -> list[RaiseRow]:
    """People whose next regular raise or excess-seniority step falls in [start, end]."""
    people = scope.filter(CivilServant.objects.active(), "unit").filter(
        rank__isnull=False, salary_step__isnull=False, salary_step_date__isnull=False,
        salary_step_date__lte=end).select_related("unit__parent", "rank__salary_group")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    people = list(people)
    last_steps = _last_steps()
    delay, reason = _delays(people)
    rows = []
    for servant in people:
        due = _due(servant, last_steps, delay.get(servant.pk, 0))
        if start <= due.due_date <= end:
            rows.append(RaiseRow(servant, due, reason.get(servant.pk, "")))
    return sorted(rows, key=lambda r: (r.due.due_date, r.servant.sort_key))


def _due(servant: CivilServant, last_steps: dict[int, int], delay_months: int) -> RaiseDue:
    group = servant.rank.salary_group
    return next_raise(step=servant.salary_step,
                      last_step=last_steps.get(group.pk, servant.salary_step),
                      step_date=servant.salary_step_date,
                      interval_months=group.step_interval_months,
                      excess_percent=servant.excess_seniority_percent,
                      excess_after_months=group.excess_after_months,
                      discipline_delay_months=delay_months)


def next_raise_of(servant: CivilServant) -> RaiseRow | None:
    """The next regular raise (or excess-seniority step) of one working person."""
    if servant.status != CivilServant.Status.ACTIVE or not (servant.rank_id and servant.salary_step
                                                            and servant.salary_step_date):
        return None
    delay, reason = _delays([servant])
    return RaiseRow(servant, _due(servant, _last_steps(), delay.get(servant.pk, 0)),
                    reason.get(servant.pk, ""))


def raise_due_after(record) -> RaiseDue:
    """The raise that follows one salary row (its rank, step, excess and date, delayed by the
    discipline decided since): what the salary form proposes and the salary service checks a new
    row against. Unlike :func:`next_raise_of` it reads the row, so a raise already decided ahead
    (an upcoming row) is followed by the one after it."""
    group = record.rank.salary_group
    delay = sum(rules_on(e.effective_date).raise_delay_months.get(e.data.get("form", ""), 0)
                for e in CareerEvent.objects.filter(servant=record.servant_id,
                                                    kind=CareerEvent.Kind.DISCIPLINE,
                                                    corrections__isnull=True,
                                                    effective_date__gte=record.start_date))
    return next_raise(step=record.step, last_step=_last_steps().get(group.pk, record.step),
                      step_date=record.start_date, interval_months=group.step_interval_months,
                      excess_percent=record.excess_seniority_percent,
                      excess_after_months=group.excess_after_months, discipline_delay_months=delay)


@dataclass
class EarlyRaiseGroup:
    """Early-raise candidates of one unit (department or commune) and its quota of 1 in 10."""

    unit: OrgUnit
    payroll: int
    quota: int
    candidates: list[RaiseRow]


def early_raise_candidates(*, scope: UnitScope, year: int,
                           unit: OrgUnit | None = None) -> list[EarlyRaiseGroup]:
    """People who may be raised up to 12 months early in ``year`` (TT 08/2013 Art 3), grouped by
    the unit that holds the quota: 1 person per 10 on its payroll (remainders pooled by the
    superior)."""
    from personnel.models import SalaryRecord
    from personnel.rules.salary import SAL_TT08, early_raise_eligible

    people = scope.filter(CivilServant.objects.active(), "unit").filter(
        rank__isnull=False, salary_step_date__isnull=False,
    ).select_related("unit__parent", "rank__salary_group")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    people = list(people)
    last_steps, (delay, reason) = _last_steps(), _delays(people)
    early = SalaryRecord.objects.filter(servant__in=people, kind=SalaryRecord.Kind.EARLY,
                                        end_date__isnull=True)
    early_before = set(early.values_list("servant_id", flat=True))
    groups: dict[int, EarlyRaiseGroup] = {}
    holders = _quota_holders(people)
    for servant in people:
        holder = holders[servant.unit_id]
        group = groups.setdefault(holder.pk, EarlyRaiseGroup(holder, 0, 0, []))
        group.payroll += 1
        due = _due(servant, last_steps, delay.get(servant.pk, 0))
        if early_raise_eligible(due=due, year=year, last_early_in_rank=servant.pk in early_before):
            group.candidates.append(RaiseRow(servant, due, reason.get(servant.pk, "")))
    for group in groups.values():
        group.quota = SAL_TT08.early_quota(group.payroll)
        group.candidates.sort(key=lambda r: (r.due.due_date, r.servant.sort_key))
    return sorted((g for g in groups.values() if g.candidates), key=lambda g: g.unit.name)


def _quota_holders(people: list[CivilServant]) -> dict[int, OrgUnit]:
    """Each person's unit → the department, commune or other unit just below the province."""
    ids = {p.unit_id: p.unit.ancestor_ids() for p in people}
    wanted = {unit_id: path[1] if len(path) > 1 else path[0] for unit_id, path in ids.items()}
    units = OrgUnit.objects.in_bulk(set(wanted.values()))
    return {unit_id: units[holder] for unit_id, holder in wanted.items()}


def retirement_early_raises(rows: list[RetirementRow]) -> list[tuple[RetirementRow, date]]:
    """Among people about to retire, those due an early raise at retirement (TT 08/2013 Art 3.3)."""
    from personnel.rules.salary import retirement_early_raise

    people = [r.servant for r in rows if r.servant.rank_id and r.servant.salary_step_date]
    if not people:
        return []
    last_steps, (delay, _reason) = _last_steps(), _delays(people)
    found = []
    for row in rows:
        servant = row.servant
        if servant not in people:
            continue
        raise_date = retirement_early_raise(due=_due(servant, last_steps, delay.get(servant.pk, 0)),
                                            retirement_date=row.retirement_date)
        if raise_date is not None:
            found.append((row, raise_date))
    return found


def disciplined_in_year(servant: CivilServant, year: int) -> list[CareerEvent]:
    """Disciplines effective in ``year``: the appraisal of that year is capped at "did not complete"
    (ND 90/2020 as amended by ND 48/2023; ND 335/2025 Art 20.4c)."""
    return list(servant.events.filter(kind=CareerEvent.Kind.DISCIPLINE, effective_date__year=year,
                                      corrections__isnull=True))


def _last_steps() -> dict[int, int]:
    from positions.models import SalaryCoefficient

    return dict(SalaryCoefficient.objects.values("group_id")
                .annotate(last=Count("step", distinct=True))
                .values_list("group_id", "last"))


# --- statistics for dashboards --------------------------------------------------------------------

def headcount_stats(*, scope: UnitScope, unit: OrgUnit | None = None,
                    today: date | None = None) -> dict:
    """Counts for the personnel dashboard: by category, by rank level, age pyramid by sex,
    retirements in the next five years, and leaders vs non-leaders per division."""
    today = today or timezone.localdate()
    people = scope.filter(CivilServant.objects.active(), "unit")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    by_category = dict(people.values_list("category").annotate(n=Count("id"))
                       .values_list("category", "n"))
    by_rank = list(people.values("rank__level").annotate(n=Count("id")).order_by("-n").values_list(
        "rank__level", "n"))
    pyramid: dict[str, Counter] = {Sex.MALE: Counter(), Sex.FEMALE: Counter()}
    for sex, born in people.values_list("sex", "date_of_birth").iterator(chunk_size=5000):
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        pyramid[sex][min(max(age // 5 * 5, 20), 60)] += 1
    bands = list(range(20, 65, 5))
    forecast = retirement_forecast(scope=scope, first_year=today.year, years=5, unit=unit)
    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "by_rank": by_rank,
        "pyramid": {"bands": bands, "male": [pyramid[Sex.MALE][b] for b in bands],
                    "female": [pyramid[Sex.FEMALE][b] for b in bands]},
        "retirements": {"years": forecast["years"], "counts": forecast["totals"]},
        "divisions": leader_ratio(people=people),
    }


def leader_ratio(*, people: QuerySet) -> list[dict]:
    """Leaders (head + deputies) against non-leader staff per unit that has people; a unit with at
    least as many leaders as staff is flagged (the seed-004 situation)."""
    rows = people.values("unit_id", "unit__name", "unit__kind", "unit__parent__kind").annotate(
        leaders=Count("id", filter=~Q(leadership="")), staff=Count("id", filter=Q(leadership="")))
    division_kinds = (OrgUnit.Kind.DIVISION, OrgUnit.Kind.OFFICE, OrgUnit.Kind.INSPECTORATE,
                      OrgUnit.Kind.SUB_DEPARTMENT)
    # A department-level office or inspectorate (parent: the province) holds its leaders like a
    # department does; the ratio check is about divisions.
    result = [{"unit_id": r["unit_id"], "unit": r["unit__name"], "leaders": r["leaders"],
               "staff": r["staff"], "flag": r["leaders"] >= r["staff"] and r["leaders"] > 0}
              for r in rows if r["unit__kind"] in division_kinds
              and r["unit__parent__kind"] != OrgUnit.Kind.PROVINCE]
    return sorted(result, key=lambda r: (not r["flag"], r["unit"]))


# --- competency gaps ------------------------------------------------------------------------------

@dataclass(frozen=True)
class GapRow:
    competency: object
    required: int
    assessed: int | None
    assessed_on: date | None

    @property
    def gap(self) -> int:
        return max(0, self.required - (self.assessed or 0))


def _frameworks(position_ids: set[int]) -> dict[int, tuple[object, list]]:
    """Each position's framework: its approved description, else its latest draft (three
    queries)."""
    from positions.models import JobDescription, RequiredCompetency

    chosen: dict[int, JobDescription] = {}
    descriptions = JobDescription.objects.filter(position_id__in=position_ids).order_by("version")
    for description in descriptions:
        current = chosen.get(description.position_id)
        approved = description.status == JobDescription.Status.APPROVED
        if current is None or approved or current.status != JobDescription.Status.APPROVED:
            chosen[description.position_id] = description
    lines: dict[int, list] = defaultdict(list)
    required = RequiredCompetency.objects.filter(description__in=chosen.values())
    for line in required.select_related("competency"):
        lines[line.description_id].append(line)
    return {pid: (d, lines[d.pk]) for pid, d in chosen.items()}


def _latest_assessments(servant_ids: list[int]) -> dict[tuple[int, int], object]:
    from personnel.models import CompetencyAssessment

    latest = {}
    assessments = CompetencyAssessment.objects.filter(servant_id__in=servant_ids)
    # Oldest first, so that the latest assessment of each competency is the one left in the dict.
    for row in assessments.order_by("assessed_on", "id"):
        latest[(row.servant_id, row.competency_id)] = row
    return latest


def competency_gap(servant: CivilServant) -> tuple[object | None, list[GapRow]]:
    """The framework of the person's job position against their latest assessed levels."""
    if servant.job_position_id is None:
        return None, []
    frameworks = _frameworks({servant.job_position_id})
    description, lines = frameworks.get(servant.job_position_id, (None, []))
    latest = _latest_assessments([servant.pk])
    rows = []
    for line in lines:
        assessment = latest.get((servant.pk, line.competency_id))
        rows.append(GapRow(line.competency, line.level, assessment.level if assessment else None,
                           assessment.assessed_on if assessment else None))
    return description, rows


def training_needs(*, scope: UnitScope, unit: OrgUnit | None = None) -> list[dict]:
    """Per competency, the people whose latest level is below what their position requires."""
    people = scope.filter(CivilServant.objects.active(), "unit").filter(job_position__isnull=False)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    people = list(people.select_related("unit__parent"))
    frameworks = _frameworks({p.job_position_id for p in people})
    latest = _latest_assessments([p.pk for p in people])
    needs: dict[int, dict] = {}
    for servant in people:
        for line in frameworks.get(servant.job_position_id, (None, []))[1]:
            assessment = latest.get((servant.pk, line.competency_id))
            level = assessment.level if assessment else None
            if level is None or level < line.level:
                entry = needs.setdefault(line.competency_id,
                                         {"competency": line.competency, "people": [],
                                          "below": 0, "unassessed": 0})
                entry["people"].append({"servant": servant, "required": line.level,
                                        "assessed": level})
                entry["below" if level is not None else "unassessed"] += 1
    return sorted(needs.values(),
                  key=lambda n: (-n["below"], -len(n["people"]), n["competency"].code))
