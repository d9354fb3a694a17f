"""What the exam board decides about marking, after or around the machine's score: negative marking
of a session's multiple-response questions, and the examiners' marks of essay answers.

Who: provincial HR (``recruitment.run_round``) and the exam-board members granted the session's
round (the django-guardian grant on the round, as ``selectors.visible_rounds`` reads it). A unit's
HR sees its agency's sessions but does not mark them: marking is the board's (TT 06/2020, Art. 8).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core import audit
from recruitment.exam import scoring
from recruitment.models import Attempt, ExamSession, PaperItem

NEGATIVE = scoring.NEGATIVE_SUFFIX


def markable_sessions(user) -> QuerySet[ExamSession]:
    """Sessions whose marking the user decides: every one for provincial HR, the granted rounds'
    for an exam-board member (never through a unit's scope)."""
    if not user.is_authenticated or getattr(user, "is_candidate", False):
        return ExamSession.objects.none()
    if user.is_superuser or user.has_perm("recruitment.run_round"):
        return ExamSession.objects.all()
    granted = Q(round__user_grants__user=user) | Q(round__group_grants__group__user=user)
    return ExamSession.objects.filter(granted).distinct()


# --- negative marking -----------------------------------------------------------------------------


def uses_negative_marking(session: ExamSession) -> bool:
    return session.rule_set.endswith(NEGATIVE)


@transaction.atomic
def session_negative_marking_set(
    *, actor, session: ExamSession, negative_marking: bool
) -> ExamSession:
    """Turn negative marking on or off for a session: its rule set becomes the ``+NEG`` variant of
    the same exam rules (scoring.py registers one per rule set), which ``services.score`` reads.
    Only before the first test is handed in: every candidate of a session is scored alike."""
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    base = session.rule_set.removesuffix(NEGATIVE)
    wanted = f"{base}{NEGATIVE}" if negative_marking else base
    if wanted == session.rule_set:
        return session
    if session.attempts.filter(status=Attempt.Status.SUBMITTED).exists():
        raise ValidationError(
            _("Tests of this session have been handed in: the marking can no longer change.")
        )
    if negative_marking and not scoring.has_negative_variant(base):
        raise ValidationError(_("The exam rules of this session do not allow negative marking."))
    audit.record(
        actor=actor, obj=session, action="update",
        unit=session.round.agency if session.round else None,
        changes={"rule_set": [session.rule_set, wanted]},
    )
    ExamSession.objects.filter(pk=session.pk).update(rule_set=wanted)
    session.rule_set = wanted
    return session


# --- essays ---------------------------------------------------------------------------------------

MARK_STEP = Decimal("0.01")


def essays_to_mark(session: ExamSession) -> list[dict]:
    """The essay answers of a handed-in test, by candidate number only (the examiners mark them
    anonymously), with the mark given so far."""
    items = (
        PaperItem.objects.filter(
            attempt__session=session, question__kind="essay",
            attempt__status=Attempt.Status.SUBMITTED,
        )
        .select_related("attempt", "question")
        .order_by("attempt__number", "n")
    )
    items = list(items)
    texts = {
        (a, n): (r or {}).get("text", "")
        for a, n, r in session.attempts.filter(pk__in={i.attempt_id for i in items}).values_list(
            "pk", "answers__n", "answers__response"
        )
    }
    rows = []
    for item in items:
        marks = _marks(item.attempt).get(item.part, {})
        rows.append(
            {
                "attempt": item.attempt, "number": item.attempt.number, "n": item.n,
                "question": item.question, "text": texts.get((item.attempt_id, item.n), ""),
                "mark": marks.get(str(item.n)),
            }
        )
    return rows


def _marks(attempt: Attempt) -> dict[str, dict[str, float]]:
    return {
        part: dict(entry.get("essay_marks") or {}) for part, entry in (attempt.scores or {}).items()
    }


def _pass_ratio(attempt: Attempt) -> Decimal:
    """The round-1 pass ratio the machine's score used (services.score): the round's, or half."""
    if not attempt.session.round_id:
        return Decimal("0.5")
    from recruitment.rules import rules_for_round

    return rules_for_round(
        announced_on=attempt.session.round.announced_on
    ).rule_set.round1_pass_ratio


@transaction.atomic
def essay_mark(*, actor, attempt: Attempt, n: int, mark: Decimal) -> Attempt:
    """An examiner's mark of essay ``n`` of a handed-in test, from 0 to 1 point (every question of
    a computer test weighs one point). The attempt's score per part is the machine's credit plus
    the essays marked so far; the round-1 sheet follows, whole answers only, as on submission."""
    from recruitment.exam import services

    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("session__round")
        .get(pk=attempt.pk)
    )
    if attempt.status != Attempt.Status.SUBMITTED:
        raise ValidationError(_("The test has not been handed in yet."))
    item = attempt.items.filter(n=n, question__kind="essay").first()
    if item is None:
        raise ValidationError({"n": _("Question %(n)s of this test is not an essay.") % {"n": n}})
    if not Decimal(0) <= mark <= Decimal(1):
        raise ValidationError({"mark": _("An essay is marked from 0 to 1 point.")})
    marks = _marks(attempt)
    before = marks.get(item.part, {}).get(str(n))
    marks.setdefault(item.part, {})[str(n)] = float(mark.quantize(MARK_STEP))
    parts = services.score(attempt)  # the machine's credit, read again: the essays come on top
    ratio = _pass_ratio(attempt)
    for part, given in marks.items():
        entry = parts.setdefault(part, {"correct": 0, "questions": 0})
        entry["essay_marks"] = given
        entry["essays"] = max(0, entry.get("essays", 0) - len(given))
        entry["correct"] = scoring.points(entry["correct"] + sum(given.values()))
        entry["questions"] += len(given)
        entry["passed"] = Decimal(str(entry["correct"])) >= ratio * entry["questions"]
    Attempt.objects.filter(pk=attempt.pk).update(scores=parts)
    attempt.scores = parts
    session = attempt.session
    audit.record(
        actor=actor, obj=attempt, action="essay_mark",
        unit=session.round.agency if session.round else None,
        changes={f"{item.part}#{n}": [before, marks[item.part][str(n)]]},
    )
    if attempt.application_id:
        from recruitment.services import round1_score_set

        entry = parts[item.part]
        round1_score_set(
            actor=actor, application=attempt.application, part=item.part,
            correct=max(0, int(entry["correct"])), questions=entry["questions"], source="cbt",
        )
    return attempt
