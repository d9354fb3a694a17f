"""Item analysis after an exam: facility, discrimination (corrected point-biserial), distractor
counts per question; KR-20 reliability and the score distribution per part. Questions that behave
badly are flagged in the bank so that reviewers look at them before the next exam.

Papers differ between candidates (each draws from the bank), so KR-20 uses the mean p·q of the
items actually shown, times the number of questions in a paper — exact when everyone sat the same
form, an approximation otherwise (said on the page).
"""
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from recruitment.exam import scoring
from recruitment.models import Attempt, ExamSession, ItemStatistic, Question

MIN_EXPOSURES = 10  # fewer answers than this say nothing about a question
TOO_HARD, TOO_EASY, POOR_DISCRIMINATION = 0.2, 0.95, 0.1
DEAD_DISTRACTOR_EXPOSURES = 30  # only then is a never-chosen wrong option a finding


@dataclass
class PartSummary:
    part: str
    candidates: int
    questions: int
    mean: float | None
    sd: float | None
    kr20: float | None
    exact: bool  # everyone had the same questions
    histogram: list[int]  # candidates per 10 % band of correct answers


def _matrix(session: ExamSession):
    attempts = list(
        session.attempts.filter(status=Attempt.Status.SUBMITTED).values_list("pk", flat=True)
    )
    answers = defaultdict(dict)
    from recruitment.models import Answer, PaperItem

    for attempt_id, n, choice, response in Answer.objects.filter(
        attempt_id__in=attempts
    ).values_list("attempt_id", "n", "choice", "response"):
        answers[attempt_id][n] = (choice, response)
    # Essays are the examiners' (no credit here); the other types count by their fraction of credit.
    items = list(
        PaperItem.objects.filter(attempt_id__in=attempts)
        .exclude(question__kind="essay")
        .values_list(
            "attempt_id", "n", "part", "question_id", "option_order", "question__correct",
            "question__options", "question__kind", "question__key",
        )
    )
    return attempts, answers, items


def analyse(session: ExamSession) -> dict[str, PartSummary]:
    """Compute and store the statistics of every question shown in the session; flag bad ones."""
    attempts, answers, items = _matrix(session)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    rows = []  # (attempt, part, question, score, author's option or None)
    option_count: dict[int, int] = {}
    choice_kinds: set[int] = set()
    for attempt_id, n, part, question_id, order, correct, options, kind, key in items:
        choice, response = answers[attempt_id].get(n, (None, None))
        picked = order[choice] if choice is not None and 0 <= choice < len(order) else None
        score = scoring.fraction(kind, key, correct, order, choice, response) or 0.0
        totals[(attempt_id, part)] += score
        rows.append((attempt_id, part, question_id, score, picked))
        option_count[question_id] = len(options)
        if kind in scoring.CHOICE_KINDS:
            choice_kinds.add(question_id)
    by_question: dict[int, list[tuple[int, str, int, int | None]]] = defaultdict(list)
    for attempt_id, part, question_id, score, picked in rows:
        by_question[question_id].append((attempt_id, part, score, picked))
    statistics = []
    for question_id, seen in by_question.items():
        scores = np.array([s for _a, _p, s, _c in seen], dtype=float)
        rest = np.array([totals[(a, p)] - s for a, p, s, _c in seen], dtype=float)
        facility = float(scores.mean()) if len(scores) else None
        discrimination = None
        if len(scores) > 2 and scores.std() > 0 and rest.std() > 0:
            discrimination = float(np.corrcoef(scores, rest)[0, 1])
        distractors = {}
        # option counts say something only where one option is picked
        if question_id in choice_kinds:
            distractors = {str(i): 0 for i in range(option_count[question_id])}
            distractors["blank"] = 0
            for _a, _p, _s, picked in seen:
                distractors["blank" if picked is None else str(picked)] += 1
        statistics.append((question_id, len(seen), facility, discrimination, distractors))
    correct_of = dict(Question.objects.filter(pk__in=by_question).values_list("pk", "correct"))
    with transaction.atomic():
        for question_id, exposures, facility, discrimination, distractors in statistics:
            flag = _flag(exposures, facility, discrimination, distractors, correct_of[question_id])
            ItemStatistic.objects.update_or_create(
                session=session,
                question_id=question_id,
                defaults={
                    "exposures": exposures, "facility": facility, "discrimination": discrimination,
                    "distractors": distractors, "flag": flag,
                },
            )
            Question.objects.filter(pk=question_id).update(flagged=flag)
    return summarise(session, attempts, items, totals)


def _flag(exposures: int, facility, discrimination, distractors: dict, correct: int) -> str:
    if exposures < MIN_EXPOSURES:
        return ""
    flags = []
    if facility is not None and facility < TOO_HARD:
        flags.append(_("too hard (%(p)s %% right)") % {"p": round(facility * 100)})
    if facility is not None and facility > TOO_EASY:
        flags.append(_("too easy (%(p)s %% right)") % {"p": round(facility * 100)})
    if discrimination is not None and discrimination < POOR_DISCRIMINATION:
        flags.append(
            _("does not separate strong from weak candidates (r = %(r).2f)") % {"r": discrimination}
        )
    if exposures >= DEAD_DISTRACTOR_EXPOSURES:
        dead = [k for k, v in distractors.items() if k != "blank" and int(k) != correct and v == 0]
        if dead:
            flags.append(_("%(n)s wrong option(s) chosen by nobody") % {"n": len(dead)})
    return "; ".join(flags)


def summarise(session: ExamSession, attempts, items, totals) -> dict[str, PartSummary]:
    per_part_questions: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for attempt_id, _n, part, question_id, *_rest in items:
        per_part_questions[part][attempt_id].add(question_id)
    stats = {s.question_id: s for s in ItemStatistic.objects.filter(session=session)}
    summaries = {}
    for part, papers in per_part_questions.items():
        k = max((len(q) for q in papers.values()), default=0)
        scores = np.array([totals[(a, part)] for a in papers], dtype=float)
        shown = set().union(*papers.values()) if papers else set()
        exact = len({frozenset(q) for q in papers.values()}) == 1
        kr20 = None
        if k > 1 and len(scores) > 1 and scores.var() > 0:
            exposures = np.array([stats[q].exposures for q in shown if q in stats], dtype=float)
            pq = np.array(
                [stats[q].facility * (1 - stats[q].facility) for q in shown if q in stats]
            )
            mean_pq = float((pq * exposures).sum() / exposures.sum())
            kr20 = k / (k - 1) * (1 - k * mean_pq / float(scores.var()))
        histogram = [0] * 10
        for value in scores:
            histogram[min(9, int(value * 10 / k))] += 1 if k else 0
        summaries[part] = PartSummary(
            part, len(scores), k, float(scores.mean()) if len(scores) else None,
            float(scores.std()) if len(scores) else None, kr20, exact, histogram,
        )
    return summaries


def summary_for(session: ExamSession) -> dict[str, PartSummary]:
    """The summaries from the stored statistics (no recomputation of the items)."""
    attempts, answers, items = _matrix(session)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for attempt_id, n, part, _q, order, correct, _o, kind, key in items:
        choice, response = answers[attempt_id].get(n, (None, None))
        totals[(attempt_id, part)] += (
            scoring.fraction(kind, key, correct, order, choice, response) or 0.0
        )
    return summarise(session, attempts, items, totals)
