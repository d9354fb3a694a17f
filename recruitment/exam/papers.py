"""A candidate's paper as the exam page and the API show it: questions in the candidate's order,
options shuffled, never the key (no weight, accepted answer, tolerance or pair: only the type,
the text, the options and a matching question's left side); the saved answers with their sequence
numbers; the server's
clock and deadline."""
import json

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from recruitment.exam.services import attempt_session
from recruitment.models import Attempt, QuestionBank

PART_LABELS = dict(QuestionBank.Part.choices)
ANSWERS_SQL = "SELECT n, choice, seq, response FROM recruitment_answer WHERE attempt_id = %s"
# q.key is read only for the matching questions' left side (its stems); the rest of it stays here.
# The JSON columns come as text (CAST): the driver's per-value typecaster (Django keeps the text)
# cost more than the decoding of a whole paper at once (_json_pairs).
ITEMS_SQL = ("SELECT i.n, i.part, CAST(i.option_order AS text), q.text, CAST(q.options AS text), "
             "q.kind, q.text_format, CASE WHEN q.kind = 'matching' THEN CAST(q.key AS text) ELSE "
             "NULL END, EXISTS (SELECT 1 FROM recruitment_questionimage m WHERE m.question_id = "
             "q.id) FROM recruitment_paperitem i JOIN recruitment_question q ON q.id = "
             "i.question_id WHERE i.attempt_id = %s ORDER BY i.n")


def _json(value):
    """A JSON column as the cursor gives it: text (Django turns the drivers' own decoding off)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _json_pairs(rows: list, first: int, second: int) -> list:
    """Columns ``first`` and ``second`` of every row decoded, as [first, second, first, …]: the
    texts joined into one JSON array and decoded at once (a paper's 120 small texts one by one cost
    more CPU than the rest of the paper)."""
    texts = [text for row in rows for text in (row[first], row[second])]
    if all(isinstance(text, str) for text in texts):
        return json.loads("[" + ",".join(texts) + "]")
    return [_json(text) for text in texts]


def paper_document(attempt: Attempt, brief: bool = False) -> dict:
    session = attempt_session(attempt)
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
        answers = {}
        for n, choice, seq, response in cursor.fetchall():
            answers[n] = {"choice": choice, "seq": seq}
            if response is not None:
                answers[n]["response"] = _json(response)
        cursor.execute(ITEMS_SQL, [attempt.pk])
        items = cursor.fetchall()
    questions, parts = [], {}
    decoded = iter(_json_pairs(items, 2, 4))  # option_order and options of each item
    for n, part, _order, text, _options, kind, text_format, key, images in items:
        order, options = next(decoded), next(decoded)
        question = {
            "n": n, "part": part, "kind": kind or "single", "html": text_format == "html",
            "text": text, "options": [options[i] for i in order],
        }
        # the left side in the author's order; never which right goes with it
        if kind == "matching":
            question["stems"] = [left for left, _right in (_json(key) or {}).get("pairs", [])]
        if images:  # pictures come through the exam API, for this attempt only (api.ImageView)
            prefix = reverse("exam:api_image", args=[attempt.pk, n, "f"])[:-1]
            question["text"] = text.replace("@@PLUGINFILE@@/", prefix)
            question["options"] = [
                o.replace("@@PLUGINFILE@@/", prefix) for o in question["options"]
            ]
        questions.append(question)
        parts.setdefault(part, []).append(n)
    document["questions"] = questions
    document["parts"] = [
        {"part": part, "label": str(PART_LABELS.get(part, part)), "questions": numbers}
        for part, numbers in parts.items()
    ]
    document["answers"] = {str(n): value for n, value in answers.items()}
    return document


def essays(session) -> list[dict]:
    """The essay answers of a session, for the examiners' marking (not scored by the machine):
    candidate, question and the text as saved, in candidate order."""
    from recruitment.models import Answer, PaperItem

    items = list(PaperItem.objects.filter(attempt__session=session, question__kind="essay")
                 .select_related("attempt", "question").order_by("attempt__number", "n"))
    texts = {
        (a, n): (r or {}).get("text", "")
        for a, n, r in Answer.objects.filter(
            attempt__session=session, attempt_id__in={i.attempt_id for i in items}
        ).values_list("attempt_id", "n", "response")
    }
    return [
        {
            "number": i.attempt.number, "full_name": i.attempt.full_name, "n": i.n,
            "question": i.question, "text": texts.get((i.attempt_id, i.n), ""),
        }
        for i in items
    ]
