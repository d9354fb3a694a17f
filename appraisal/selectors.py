"""Read paths of the appraisal module shared by the year's export and the API."""
from django.db.models import QuerySet

from appraisal.models import Appraisal, AppraisalCycle
from appraisal.results import TIED, TIED_KEPT, YearResults, compute


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
            result.tied = TIED in result.reasons or TIED_KEPT in result.reasons
    return computed
