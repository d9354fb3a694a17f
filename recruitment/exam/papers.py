"""A candidate's paper as the exam page and the API show it: questions in the candidate's order,
options shuffled, never the key; the saved answers with their sequence numbers; the server's
clock and deadline."""
import json

from django.db import connection
from django.utils import timezone

from recruitment.models import Attempt, QuestionBank

PART_LABELS = dict(QuestionBank.Part.choices)
ANSWERS_SQL = "SELECT n, choice, seq FROM recruitment_answer WHERE attempt_id = %s"
ITEMS_SQL = ("SELECT i.n, i.part, i.option_order, q.text, q.options FROM recruitment_paperitem i "
             "JOIN recruitment_question q ON q.id = i.question_id WHERE i.attempt_id = %s ORDER BY i.n")


def _json(value):
    """A JSON column as the cursor gives it: text (Django turns the drivers' own decoding off)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def paper_document(attempt: Attempt, brief: bool = False) -> dict:
    session = attempt.session
    now = timezone.now()
    waiting = attempt.status == Attempt.Status.NOT_STARTED
    document = {
        "attempt": attempt.pk, "number": attempt.number, "full_name": attempt.full_name,
        "status": "waiting" if waiting and now < session.starts_at else attempt.status,
        "server_time": now, "starts_at": session.starts_at, "deadline": attempt.deadline,
        "parts": [], "questions": [], "answers": {}, "scores": None,
        # the same instants in milliseconds since the epoch, for the page's clock on old browsers
        "server_ms": int(now.timestamp() * 1000),
        "deadline_ms": int(attempt.deadline.timestamp() * 1000) if attempt.deadline else None,
    }
    if attempt.status == Attempt.Status.SUBMITTED:
        document["scores"] = {part: {**score, "label": str(PART_LABELS.get(part, part))}
                              for part, score in attempt.scores.items()}
    if brief or waiting:
        return document
    # Two precompiled statements: every candidate fetches the paper in the same minute.
    with connection.cursor() as cursor:
        cursor.execute(ANSWERS_SQL, [attempt.pk])
        answers = {n: {"choice": choice, "seq": seq} for n, choice, seq in cursor.fetchall()}
        cursor.execute(ITEMS_SQL, [attempt.pk])
        items = cursor.fetchall()
    questions, parts = [], {}
    for n, part, order, text, options in items:
        order, options = _json(order), _json(options)
        questions.append({"n": n, "part": part, "text": text, "options": [options[i] for i in order]})
        parts.setdefault(part, []).append(n)
    document["questions"] = questions
    document["parts"] = [{"part": part, "label": str(PART_LABELS.get(part, part)), "questions": numbers}
                         for part, numbers in parts.items()]
    document["answers"] = {str(n): value for n, value in answers.items()}
    return document
