"""Read paths of the appraisal module shared by the year's export and the API."""
from django.db.models import Q, QuerySet

from appraisal.models import Appraisal, AppraisalCycle
from appraisal.results import TIED, TIED_KEPT, YearResults, appraisals_of, compute


def year_results(appraisals: QuerySet[Appraisal]) -> YearResults:
    """The results of ``appraisals`` as the year stands: computed from what is recorded while a
    cycle is under way; for a closed cycle the annual score, level, reasons and quota flag written
    when it was closed, which are final (a discipline recorded later does not rewrite them). The
    period scores are computed in both cases (a closed cycle's period rows no longer change).
    Reads the fixed number of queries of :func:`appraisal.results.compute`."""
    computed = compute(appraisals)
    for result in computed.results:
        appraisal = result.appraisal
        if appraisal.cycle.status == AppraisalCycle.Status.CLOSED:
            result.score = appraisal.score
            result.level = appraisal.level or None
            result.reasons = list(appraisal.reasons or [])
            result.moved_down = appraisal.moved_down
            # No stored flag for a tie: it is read back from the reason the close wrote.
            result.tied = TIED in result.reasons or TIED_KEPT in result.reasons
    return computed


def visible_cycles(scope) -> QuerySet[AppraisalCycle]:
    """The cycles that cover some of ``scope``'s units: opened for one of them, or for a unit above
    them (a province-wide year is seen by every department's HR and committee)."""
    cycles = AppraisalCycle.objects.all()
    if scope.everything:
        return cycles
    # The units above the scope's, from their materialised paths: no query.
    above = {int(part) for path in scope.paths for part in path.split(".") if part}
    return cycles.filter(Q(unit__in=scope.units().values("pk")) | Q(unit_id__in=above))


def results_for(year: int, *, cycle: AppraisalCycle | None = None, unit=None, scope=None,
                appraising_unit_id: int | None = None) -> YearResults:
    """The year's results of the people working in ``unit`` (and below) and in ``scope``.

    The quota of an appraising unit and task group, and component d of its leaders, depend on
    everyone in it, so the computation reads every appraisal of the appraising units those people
    belong to, then keeps the results (and the quota states) of the people asked for. A division
    head sees their division's people with the quota their department applies."""
    visible = Appraisal.objects.filter(cycle__year=year)
    if cycle is not None:
        visible = visible.filter(cycle=cycle)
    if unit is not None:
        visible = visible.filter(work_unit__path__startswith=unit.path)
    if appraising_unit_id is not None:  # a whole quota group: exact without the rest of the cycle
        visible = visible.filter(unit_id=appraising_unit_id)
    narrowed = (unit is not None or appraising_unit_id is not None
                or (scope is not None and not scope.everything))
    if scope is not None:
        visible = scope.filter(visible, "work_unit")
    whole = appraisals_of(year)
    if cycle is not None:
        whole = whole.filter(cycle=cycle)
    if narrowed:
        whole = whole.filter(unit_id__in=visible.values("unit_id"))
    computed = year_results(whole)
    if not narrowed:
        return computed

    def shown(appraisal) -> bool:
        work_unit = appraisal.work_unit
        return ((unit is None or work_unit.path.startswith(unit.path))
                and (scope is None or scope.contains(work_unit)))

    results = [r for r in computed.results if shown(r.appraisal)]
    groups = {(r.appraisal.unit_id, r.appraisal.task_group) for r in results}
    return YearResults(results, [q for q in computed.quotas if (q.unit_id, q.task_group) in groups])
