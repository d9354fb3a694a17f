"""Writes of the exam engine: banks and question versions, blueprints, sessions and their
candidates, papers, the runtime (login, start, answers, submit) and the proctor's actions.

The runtime is written for exam day: an answer is one upsert that keeps the newer sequence
number, acknowledged only after it is committed; a submission is one conditional update, so
it happens exactly once however many times it is asked for (the candidate, the deadline on
access, the scheduled task and its retries).
"""
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.text import clean
from recruitment.exam import scoring
from recruitment.exam.rules import exam_rules
from recruitment.models import (
    Attempt,
    Blueprint,
    BlueprintPart,
    BlueprintRule,
    ExamEvent,
    ExamSession,
    PaperItem,
    Question,
    QuestionBank,
)

PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
PASSWORD_LENGTH = 8
SAVE_GRACE = timedelta(seconds=3)  # a click sent just before the deadline may arrive just after it
OPEN_BEFORE = timedelta(minutes=30)  # candidates may log in and wait this long before the start
PRESENCE_KEY = "exam:seen:{}"
PRESENCE_TTL = 6 * 3600
PAPER_CHUNK = 200  # candidates whose papers are written in one transaction
# The page counts seq in a JavaScript number, exact up to 2**53 - 1; Answer.seq (a bigint) holds
# more, but a larger seq is not one the page sent.
SEQ_MAX = 2**53 - 1


# --- question banks -------------------------------------------------------------------------------

def bank_create(*, actor, code: str, name: str, part: str) -> QuestionBank:
    bank = QuestionBank(code=clean(code), name=clean(name), part=part or QuestionBank.Part.GENERAL)
    bank.full_clean()
    bank.save()
    audit.record(actor=actor, obj=bank, action="create", changes={"code": [None, bank.code]})
    return bank


QUESTION_FIELDS = (
    "text", "options", "correct", "topic", "difficulty", "competency_id", "kind", "key", "feedback",
    "text_format",
)
MAX_OPTIONS = 8  # the editor's and the spreadsheet's columns A–H


def question_problem(*, kind: str, options: list[str], correct: int, key: dict) -> str:
    """What makes a question unusable, in words for its author ("" when it is fine)."""
    key = key or {}
    if kind in ("single", "multiple") and not 2 <= len(options) <= MAX_OPTIONS:
        return _("A question needs 2 to %(max)s options.") % {"max": MAX_OPTIONS}
    if kind == "single" and not 0 <= correct < len(options):
        return _("The answer must be one of the options.")
    if kind == "truefalse" and (len(options) != 2 or correct not in (0, 1)):
        return _("A true/false question has two options, true and false, and one of them is right.")
    if kind == "multiple":
        weights = key.get("weights", [])
        if len(weights) != len(options) or not any(w > 0 for w in weights):
            return _("Give each option its weight (%), at least one of them above zero.")
        if sum(w for w in weights if w > 0) < 99.9 or any(not -100 <= w <= 100 for w in weights):
            return _("The positive weights must add up to 100 %% and "
                     "each weight lie between -100 %% and 100 %%.") % {}
    if kind == "short" and not [
        a for a in key.get("answers", []) if str(a.get("text", "")).strip()
    ]:
        return _("A short-answer question needs at least one accepted answer.")
    if kind == "numerical" and not key.get("answers"):
        return _("A numerical question needs its value (and tolerance).")
    if kind == "matching":
        pairs = key.get("pairs", [])
        if len(pairs) < 2 or any(not 0 <= right < len(options) for _left, right in pairs):
            return _("A matching question needs at least two pairs.")
    if kind not in dict(Question.Kind.choices):
        return _("Unknown question type %(kind)s.") % {"kind": kind}
    return ""


@transaction.atomic
def question_save(
    *, actor, bank: QuestionBank, family: str, text: str, options: list[str], correct: int,
    topic: str = "", difficulty: str = "medium", competency=None, kind: str = "single",
    key: dict | None = None, feedback: dict | None = None, text_format: str = "plain",
) -> str:
    """Create a question, or a new version of it. A draft is edited in place; an approved or
    retired version is never changed (papers point at it): the change becomes a new draft.
    Returns ``created``, ``updated`` or ``unchanged``."""
    problem = question_problem(kind=kind, options=list(options), correct=correct, key=key or {})
    if problem:
        raise ValidationError(problem)
    values = {
        "text": text, "options": list(options), "correct": correct, "topic": clean(topic),
        "difficulty": difficulty or "medium",
        "competency_id": competency.pk if competency else None, "kind": kind, "key": key or {},
        "feedback": feedback or {}, "text_format": text_format or "plain",
    }
    latest = Question.objects.filter(bank=bank, family=family).order_by("-version").first()
    if latest is None:
        question = Question.objects.create(
            bank=bank, family=family, created_by=_user(actor), **values
        )
        audit.record(actor=actor, obj=question, action="create", changes={"family": [None, family]})
        return "created"
    before = {k: getattr(latest, k) for k in QUESTION_FIELDS}
    if before == values:
        return "unchanged"
    changes = {
        k: [audit.to_json(before[k]), audit.to_json(v)] for k, v in values.items() if before[k] != v
    }
    if latest.status == Question.Status.DRAFT:
        Question.objects.filter(pk=latest.pk).update(**values)
        audit.record(actor=actor, obj=latest, action="update", changes=changes)
    else:
        question = Question.objects.create(bank=bank, family=family, version=latest.version + 1,
                                           created_by=_user(actor), **values)
        audit.record(actor=actor, obj=question, action="new_version", changes=changes)
    return "updated"


@transaction.atomic
def question_approve(*, actor, question: Question) -> Question:
    """A reviewer approves a draft; the family's previously approved version retires."""
    if question.status != Question.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    if (
        actor is not None
        and question.created_by_id == getattr(actor, "pk", None)
        and not actor.is_superuser
    ):
        raise ValidationError(_("A question is approved by someone other than its author."))
    Question.objects.filter(
        bank=question.bank, family=question.family, status=Question.Status.APPROVED
    ).update(status=Question.Status.RETIRED)
    question.status, question.approved_by, question.approved_at = (
        Question.Status.APPROVED, _user(actor), timezone.now(),
    )
    question.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor, obj=question, action="approve", changes={"status": ["draft", "approved"]}
    )
    return question


@transaction.atomic
def question_retire(*, actor, question: Question, reason: str = "") -> Question:
    before = question.status
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status"])
    audit.record(
        actor=actor, obj=question, action="retire", reason=reason,
        changes={"status": [before, "retired"]},
    )
    return question


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


# --- blueprints -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSpec:
    bank: QuestionBank
    count: int
    topic: str = ""
    difficulty: str = ""


@dataclass(frozen=True)
class PartSpec:
    part: str
    minutes: int
    rules: tuple[RuleSpec, ...]


def available(rule: RuleSpec | BlueprintRule) -> int:
    questions = Question.objects.filter(bank=rule.bank, status=Question.Status.APPROVED)
    if rule.topic:
        questions = questions.filter(topic=rule.topic)
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    return questions.count()


@transaction.atomic
def blueprint_create(*, actor, name: str, parts: list[PartSpec]) -> Blueprint:
    if not parts or any(not p.rules or p.minutes <= 0 for p in parts):
        raise ValidationError(_("Each part needs its time and at least one rule."))
    blueprint = Blueprint.objects.create(name=clean(name))
    for order, spec in enumerate(parts, start=1):
        part = BlueprintPart.objects.create(
            blueprint=blueprint, order=order, part=spec.part, minutes=spec.minutes
        )
        for rule in spec.rules:
            BlueprintRule.objects.create(
                part=part, bank=rule.bank, topic=rule.topic, difficulty=rule.difficulty,
                count=rule.count,
            )
    summary = [f"{p.part}: {sum(r.count for r in p.rules)} / {p.minutes}'" for p in parts]
    audit.record(actor=actor, obj=blueprint, action="create", changes={"parts": [None, summary]})
    return blueprint


def blueprint_shortfalls(blueprint: Blueprint) -> list[str]:
    """Rules that ask for more approved questions than the bank holds."""
    problems = []
    for part in blueprint.parts.prefetch_related("rules__bank"):
        for rule in part.rules.all():
            have = available(rule)
            if have < rule.count:
                problems.append(
                    _("%(bank)s %(topic)s: %(need)s questions asked, %(have)s approved")
                    % {
                        "bank": rule.bank.code, "topic": rule.topic or "", "need": rule.count,
                        "have": have,
                    }
                )
    return problems


# --- sessions and candidates ----------------------------------------------------------------------

def digest(secret: str) -> str:
    """Keyed digest of a one-time password or token: fast enough for 10,000 logins in a minute,
    useless without the server's key. (Passwords are random and single-use, not user-chosen.)"""
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))


@transaction.atomic
def session_create(
    *, actor, name: str, blueprint: Blueprint, starts_at: datetime, round_=None, room: str = "",
    individual_start: bool = False, practice: bool = False,
) -> ExamSession:
    rules = exam_rules(timezone.localdate(starts_at))
    session = ExamSession.objects.create(
        name=clean(name), blueprint=blueprint, starts_at=starts_at, round=round_, room=clean(room),
        individual_start=individual_start, practice=practice, seed=secrets.randbits(48),
        rule_set=rules.code,
    )
    audit.record(
        actor=actor,
        obj=session,
        action="create",
        unit=round_.agency if round_ else None,
        changes={"starts_at": [None, audit.to_json(starts_at)], "rule_set": [None, rules.code]},
    )
    return session


@transaction.atomic
def attempts_add(
    *, actor, session: ExamSession, candidates: list[dict]
) -> list[tuple[Attempt, str]]:
    """Seat candidates ({"number", "full_name", "application", "skip_parts"}); returns each new
    attempt with its one-time password, which is shown once and stored only as a digest."""
    seated = []
    existing = set(session.attempts.values_list("number", flat=True))
    for candidate in candidates:
        if candidate["number"] in existing:
            continue
        password = new_password()
        attempt = Attempt.objects.create(
            session=session, number=candidate["number"], full_name=clean(candidate["full_name"]),
            application=candidate.get("application"), skip_parts=candidate.get("skip_parts", []),
            password_digest=digest(password),
        )
        seated.append((attempt, password))
    if seated:
        audit.record(
            actor=actor, obj=session, action="seat", changes={"candidates": [None, len(seated)]}
        )
    return seated


def attempts_from_round(*, actor, session: ExamSession) -> list[tuple[Attempt, str]]:
    """Seat the round's admitted candidates (eligible, with a number); exempt parts are skipped."""
    from recruitment.models import Application

    applications = (
        session.round.applications.filter(status=Application.Status.ELIGIBLE)
        .exclude(number="")
        .select_related("vacancy")
        .order_by("number")
    )
    return attempts_add(actor=actor, session=session, candidates=[
        {"number": a.number, "full_name": a.full_name, "application": a,
         "skip_parts": ["language"] if a.language_exempt or not a.vacancy.foreign_language else []}
        for a in applications])


@transaction.atomic
def passwords_reissue(*, actor, session: ExamSession) -> list[tuple[Attempt, str]]:
    """New one-time passwords for everyone who has not started (the room list is printed from
    this)."""
    issued = []
    for attempt in session.attempts.filter(status=Attempt.Status.NOT_STARTED).order_by("number"):
        password = new_password()
        Attempt.objects.filter(pk=attempt.pk).update(password_digest=digest(password))
        issued.append((attempt, password))
    audit.record(
        actor=actor, obj=session, action="passwords", changes={"issued": [None, len(issued)]}
    )
    return issued


# --- papers ---------------------------------------------------------------------------------------

def _pools(
    session: ExamSession,
) -> list[tuple[BlueprintPart, list[tuple[BlueprintRule, list[int]]]]]:
    pools = []
    for part in session.blueprint.parts.prefetch_related("rules"):
        rules = []
        for rule in part.rules.all():
            questions = Question.objects.filter(
                bank_id=rule.bank_id, status=Question.Status.APPROVED
            )
            if rule.topic:
                questions = questions.filter(topic=rule.topic)
            if rule.difficulty:
                questions = questions.filter(difficulty=rule.difficulty)
            ids = list(questions.order_by("pk").values_list("pk", flat=True))
            if len(ids) < rule.count:
                raise ValidationError(
                    _(
                        "Not enough approved questions in %(bank)s "
                        "for the blueprint (%(have)s of %(need)s)."
                    )
                    % {"bank": rule.bank_id, "have": len(ids), "need": rule.count}
                )
            rules.append((rule, ids))
        pools.append((part, rules))
    return pools


def shape_of(kind: str, options: list, key: dict):
    """What a save of this question is checked against (``Attempt.option_counts``): the number of
    options for single choice and true/false (the fast path), otherwise the type and its sizes."""
    if kind in scoring.CHOICE_KINDS:
        return len(options)
    return {"kind": kind, "options": len(options), "stems": len((key or {}).get("pairs", []))}


def paper_for(
    session: ExamSession, attempt: Attempt, pools, option_counts: dict
) -> list[PaperItem]:
    """The candidate's paper, reproducible from the session's seed and the candidate's number."""
    rng = random.Random(f"{session.seed}:{attempt.number}")
    items, n = [], 0
    shape_kinds = option_counts.get("kinds", {})
    for part, rules in pools:
        if part.part in attempt.skip_parts:
            continue
        chosen: list[int] = []
        for rule, ids in rules:
            remaining = [i for i in ids if i not in chosen]
            chosen.extend(rng.sample(remaining, rule.count))
        rng.shuffle(chosen)
        for question_id in chosen:
            n += 1
            shape = option_counts[question_id]
            order = list(range(shape if isinstance(shape, int) else shape["options"]))
            if shape_kinds.get(question_id) != "truefalse":
                rng.shuffle(order)  # true/false stays in its order (Đúng, Sai)
            items.append(PaperItem(attempt=attempt, n=n, part=part.part, question_id=question_id,
                                   option_order=order))
    return items


def papers_generate(session: ExamSession, progress=lambda percent: None) -> int:
    """Freeze every seated candidate's paper (those who have one keep it). Returns papers made."""
    ExamSession.objects.filter(pk=session.pk).update(
        status=ExamSession.Status.GENERATING, progress=0
    )
    pools = _pools(session)
    ids = {i for _p, rules in pools for _r, pool in rules for i in pool}
    option_counts: dict = {"kinds": {}}
    for pk, options, kind, key in Question.objects.filter(pk__in=ids).values_list(
        "pk", "options", "kind", "key"
    ):
        option_counts[pk] = shape_of(kind, options, key)
        option_counts["kinds"][pk] = kind
    waiting = list(session.attempts.filter(items__isnull=True).order_by("number"))
    for start in range(0, len(waiting), PAPER_CHUNK):
        chunk = waiting[start:start + PAPER_CHUNK]
        with transaction.atomic():
            items = []
            for attempt in chunk:
                paper = paper_for(session, attempt, pools, option_counts)
                attempt.option_counts = [option_counts[item.question_id] for item in paper]
                items.extend(paper)
            PaperItem.objects.bulk_create(items, batch_size=2000)
            Attempt.objects.bulk_update(chunk, ["option_counts"], batch_size=500)
        percent = int((start + len(chunk)) * 100 / len(waiting))
        ExamSession.objects.filter(pk=session.pk).update(progress=percent)
        progress(percent)
    ExamSession.objects.filter(pk=session.pk).update(status=ExamSession.Status.READY, progress=100)
    session.refresh_from_db()
    if waiting:  # a redelivered task that finds every paper made records nothing (issue 16)
        audit.record(
            actor=None, obj=session, action="papers", changes={"papers": [None, len(waiting)]}
        )
    if connection.vendor == "postgresql" and len(waiting) >= 1000:
        # Thousands of new rows just before the exam: fresh statistics now, so that the first
        # logins find the candidate through the number index (autovacuum may come minutes later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE recruitment_attempt")
            cursor.execute("ANALYZE recruitment_paperitem")
    return len(waiting)


# --- the runtime ----------------------------------------------------------------------------------

class ExamRefused(Exception):
    """A login or a save the rules do not allow; the message is for the candidate."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.code = code


def test_minutes(session: ExamSession) -> int:
    """The length of the session's test (the sum of its blueprint's parts), read from the database
    each time: nothing is kept between requests (DESIGN.md §5), so a changed blueprint is seen by
    the very next request of every process. A session read by :data:`_SESSION_BY_ID` carries it."""
    carried = getattr(session, "blueprint_minutes", None)
    if carried is not None:
        return carried
    return BlueprintPart.objects.filter(blueprint_id=session.blueprint_id) \
        .aggregate(total=Coalesce(Sum("minutes"), 0))["total"]


# The session's columns and test length (test_minutes) beside the attempt's, in the same statement:
# the login and every exam API call read the attempt with its session in one round trip.
_SESSION_FIELDS = tuple(f.attname for f in ExamSession._meta.concrete_fields)
_WITH_SESSION = ", ".join(f"s.{f.column} AS s__{f.attname}"  # noqa: S608 (the model's own columns)
                          for f in ExamSession._meta.concrete_fields) + (
    ", (SELECT COALESCE(SUM(p.minutes), 0) FROM recruitment_blueprintpart p "
    "WHERE p.blueprint_id = s.blueprint_id) AS s__blueprint_minutes")
_LOGIN_SQL = (
    f"SELECT a.*, {_WITH_SESSION} FROM recruitment_attempt a "  # noqa: S608 (no user text in it)
    "JOIN recruitment_examsession s ON s.id = a.session_id WHERE UPPER(a.number) = %s AND "
    f"a.password_digest = %s AND s.status IN ('{ExamSession.Status.READY}', "
    f"'{ExamSession.Status.FINISHED}') ORDER BY s.starts_at DESC LIMIT 1")
# The session with its test length, for an attempt read without it.
_SESSION_BY_ID = ("SELECT s.*, (SELECT COALESCE(SUM(p.minutes), 0) FROM recruitment_blueprintpart "
                  "p WHERE p.blueprint_id = s.blueprint_id) AS blueprint_minutes FROM "
                  "recruitment_examsession s WHERE s.id = %s")


def _with_session(attempt: Attempt | None) -> Attempt | None:
    """The attempt of a statement that selected ``_WITH_SESSION``, its session built from those
    columns (with the fields' database converters, as a query of the session would apply)."""
    if attempt is None:
        return None
    values = []
    for name in _SESSION_FIELDS:
        field, value = ExamSession._meta.get_field(name), getattr(attempt, f"s__{name}")
        column = field.get_col(ExamSession._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = converter(value, column, connection)
        values.append(value)
    session = ExamSession.from_db(connection.alias, _SESSION_FIELDS, values)
    session.blueprint_minutes = attempt.s__blueprint_minutes
    attempt.session = session
    return attempt

def attempt_login(
    *, number: str, password: str, now: datetime | None = None
) -> tuple[Attempt, str]:
    """Check a candidate's number and one-time password; return the attempt and a new token.

    Before the start the candidate waits; after the late-arrival limit of the exam rules they are
    refused; someone logging in to a started attempt needs the proctor's re-admission (so a lost
    machine cannot be taken over), which the login consumes."""
    now = now or timezone.now()
    number = clean(number).upper()
    if not number or len(number) > 40 or not number.isprintable() or len(password) > 64 \
            or not password.isprintable():  # typed rubbish, never a number: no query for it
        raise ExamRefused(_("Wrong candidate number or password."), "credentials")
    # Precompiled statements (every candidate logs in in the same minute); the newest open session
    # wins when a number is in several.
    attempt = _with_session(
        next(iter(Attempt.objects.raw(_LOGIN_SQL, [number, digest(clean(password).upper())])), None)
    )
    if attempt is None:
        raise ExamRefused(_("Wrong candidate number or password."), "credentials")
    session = attempt_session(attempt)
    if now < session.starts_at - OPEN_BEFORE:
        raise ExamRefused(
            _("The session opens 30 minutes before %(time)s.")
            % {"time": timezone.localtime(session.starts_at).strftime("%H:%M %d/%m/%Y")},
            "early",
        )
    if attempt.status == Attempt.Status.NOT_STARTED and not session.individual_start:
        rules = exam_rules(timezone.localdate(session.starts_at))
        closes = rules.admission_closes(session.starts_at, test_minutes(session))
        if now > closes and not attempt.readmit:
            _event(attempt, ExamEvent.Kind.REFUSED, note=_("Late arrival"))
            raise ExamRefused(
                _("Admission closed at %(time)s (%(rules)s): ask the proctor.")
                % {
                    "time": timezone.localtime(closes).strftime("%H:%M"),
                    "rules": rules.legal_basis,
                },
                "late",
            )
    if attempt.status == Attempt.Status.ANSWERING and attempt.token_digest and not attempt.readmit:
        _event(attempt, ExamEvent.Kind.REFUSED, note=_("Already logged in elsewhere"))
        raise ExamRefused(_("This candidate is already logged in on another machine: ask the "
                            "proctor to re-admit you."), "readmit")
    token = secrets.token_urlsafe(24)
    login = {"token_digest": digest(token), "readmit": False}
    begins = _begin_values(attempt, now)
    # One statement gives the token, starts the clock once the session has started and, on
    # PostgreSQL, writes the room log's login entry (_login_write).
    if begins and _login_write(attempt, login["token_digest"], begins, now):
        login.update(begins)
    else:
        _login_write(attempt, login["token_digest"], {}, now)
        if begins:  # started meanwhile by another request of this candidate
            attempt.refresh_from_db()
    for name, value in login.items():
        setattr(attempt, name, value)
    return attempt, token


# The login's writes as precompiled statements (every candidate logs in in the same minute): the
# token, with the clock when the attempt starts now (only if it has not started meanwhile), and the
# room log's LOGIN entry, in the same statement on PostgreSQL.
_LOGIN_TOKEN = "UPDATE recruitment_attempt SET token_digest = %s, readmit = FALSE WHERE id = %s"
_LOGIN_BEGIN = ("UPDATE recruitment_attempt SET token_digest = %s, readmit = FALSE, status = %s, "
                "started_at = %s, deadline = %s WHERE id = %s AND status = 'not_started'")
_LOGIN_EVENT = ("INSERT INTO recruitment_examevent (session_id, attempt_id, kind, at, by_id, "
                "note, data) SELECT session_id, id, 'login', %s, NULL, '', '{}' FROM ")
_LOGIN_WITH_EVENT = {
    update: f"WITH a AS ({update} RETURNING id, session_id) {_LOGIN_EVENT}a"  # noqa: S608
    for update in (_LOGIN_TOKEN, _LOGIN_BEGIN)
}


def _login_write(attempt: Attempt, token_digest: str, begins: dict, now: datetime) -> bool:
    """Store the login's token (and ``begins``: only if the attempt has not started) and its room
    log entry, all or nothing. False when nothing was written (the attempt started meanwhile)."""
    ops = connection.ops
    update, values = _LOGIN_TOKEN, [token_digest, attempt.pk]
    if begins:
        update, values = (
            _LOGIN_BEGIN,
            [
                token_digest, begins["status"], ops.adapt_datetimefield_value(begins["started_at"]),
                ops.adapt_datetimefield_value(begins["deadline"]), attempt.pk,
            ],
        )
    at = ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":  # one statement: no transaction of its own needed
        with connection.cursor() as cursor:
            cursor.execute(_LOGIN_WITH_EVENT[update], [*values, at])
            return cursor.rowcount == 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update, values)
        if cursor.rowcount != 1:
            return False
        cursor.execute(_LOGIN_EVENT + "recruitment_attempt WHERE id = %s", [at, attempt.pk])
        return True


_ATTEMPT_BY_ID = (
    f"SELECT a.*, {_WITH_SESSION} FROM recruitment_attempt a "  # noqa: S608 (no user text in it)
    "JOIN recruitment_examsession s ON s.id = a.session_id WHERE a.id = %s"
)


def attempt_session(attempt: Attempt) -> ExamSession:
    """The attempt's session with its test length (``test_minutes``), read by one precompiled
    statement the first time it is asked for (then kept on the attempt, as the ORM does)."""
    if not Attempt.session.is_cached(attempt):
        attempt.session = next(iter(ExamSession.objects.raw(_SESSION_BY_ID, [attempt.session_id])))
    return attempt.session


def attempt_for_token(attempt_id: int, token: str) -> Attempt | None:
    """The attempt whose token this is, or None. Every exam API call starts here, so it is one
    precompiled statement (a raw query still gets the fields' database converters) rather than a
    queryset compiled again each time, which reads the session with it (the paper shows its
    start)."""
    if not token:
        return None
    attempt = _with_session(next(iter(Attempt.objects.raw(_ATTEMPT_BY_ID, [attempt_id])), None))
    if attempt is None or not attempt.token_digest:
        return None
    return attempt if hmac.compare_digest(attempt.token_digest, digest(token)) else None


def attempt_begin(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Start the clock once the session has started: the deadline belongs to the server."""
    now = now or timezone.now()
    begins = _begin_values(attempt, now)
    if not begins:
        return attempt
    if Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.NOT_STARTED).update(**begins):
        for name, value in begins.items():
            setattr(attempt, name, value)
    else:
        attempt.refresh_from_db()
    return attempt


def _begin_values(attempt: Attempt, now: datetime) -> dict:
    """The fields that start ``attempt`` at ``now``, or {} when it is not to start (already
    started, or the session has not begun)."""
    # Before the session is read: most calls stop here.
    if attempt.status != Attempt.Status.NOT_STARTED:
        return {}
    session = attempt_session(attempt)
    if now < session.starts_at:
        return {}
    begin = now if session.individual_start else session.starts_at
    deadline = begin + timedelta(minutes=test_minutes(session) + attempt.extra_minutes)
    return {"status": Attempt.Status.ANSWERING, "started_at": now, "deadline": deadline}


def touch(attempt: Attempt | int) -> None:
    """Presence for the proctor console: when the candidate (an attempt or its id) was last seen,
    in the shared cache (no database write per request; every process of every host sees it)."""
    pk = attempt if isinstance(attempt, int) else attempt.pk
    cache.set(PRESENCE_KEY.format(pk), timezone.now().timestamp(), PRESENCE_TTL)


UPSERT = ("INSERT INTO recruitment_answer (attempt_id, n, choice, seq, saved_at) "
          "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (attempt_id, n) DO UPDATE SET "
          "choice = excluded.choice, seq = excluded.seq, saved_at = excluded.saved_at "
          "WHERE recruitment_answer.seq < excluded.seq RETURNING seq")


@dataclass(frozen=True)
class Saved:
    seq: int  # the sequence number now stored for this question
    stale: bool  # the request's sequence was older than the stored one (nothing changed)


UPSERT_RESPONSE = UPSERT.replace(
    "(attempt_id, n, choice, seq, saved_at) VALUES (%s, %s, %s, %s, %s)",
    "(attempt_id, n, choice, response, seq, saved_at) VALUES (%s, %s, NULL, %s, %s, %s)",
).replace("SET choice = excluded.choice,", "SET response = excluded.response,")
RESPONSE_TEXT_MAX = 20000  # an essay of a few pages; a short or numerical answer is far shorter


def checked_response(shape, response) -> str | None:
    """The response of a non-choice question as stored (JSON text), or ExamRefused. ``shape`` is
    the question's entry in ``Attempt.option_counts``; null clears the answer."""
    import json

    if response is None:
        return None
    kind = shape["kind"]
    invalid = ExamRefused(_("This answer does not fit the question."), "invalid")
    if not isinstance(response, dict):
        raise invalid
    if kind == "multiple":
        choices = response.get("choices")
        if (
            not isinstance(choices, list)
            or len(choices) > shape["options"]
            or any(
                not isinstance(c, int) or isinstance(c, bool) or not 0 <= c < shape["options"]
                for c in choices
            )
        ):
            raise invalid
        value = {"choices": sorted(set(choices))}
    elif kind == "matching":
        pairs = response.get("pairs")
        if (
            not isinstance(pairs, list)
            or len(pairs) > shape["stems"]
            or any(
                p is not None
                and (not isinstance(p, int) or isinstance(p, bool) or not 0 <= p < shape["options"])
                for p in pairs
            )
        ):
            raise invalid
        value = {"pairs": pairs}
    else:  # short, numerical, essay
        text = response.get("text")
        limit = RESPONSE_TEXT_MAX if kind == "essay" else 500
        if not isinstance(text, str) or len(text) > limit or "\x00" in text:
            raise invalid
        value = {"text": text}
    return json.dumps(value, ensure_ascii=False)


# The hot path of exam day, a single-choice or true/false click, in one statement: the token, the
# attempt's state and deadline and the option's range are checked by the statement that writes the
# answer (no read of the attempt first, one round trip). The digest comparison is not timing-safe
# and needs not be: it compares HMACs under the server's key, which a caller cannot steer.
_CHECKED_FROM = (
    "INSERT INTO recruitment_answer (attempt_id, n, choice, seq, saved_at) "
    "SELECT a.id, %s, %s, %s, %s FROM recruitment_attempt a "
    "WHERE a.id = %s AND a.token_digest = %s AND a.status = %s "
    "AND (a.deadline IS NULL OR a.deadline >= %s) AND {shape} ")
_CHECKED_SHAPE = {
    # option_counts[n - 1] is the number of options of a choice question (a dict for other types)
    "postgresql": "jsonb_typeof(a.option_counts -> %s) = 'number' "
                  "AND (CAST(%s AS integer) IS NULL "
                  "OR %s < CAST(a.option_counts ->> %s AS integer)) ",
    "sqlite": "json_type(a.option_counts, '$[' || %s || ']') = 'integer' "
              "AND (%s IS NULL OR %s < json_extract(a.option_counts, '$[' || %s || ']')) ",
}
_CHECKED_UPSERT = {vendor: _CHECKED_FROM.format(shape=shape) + UPSERT[UPSERT.index(" ON CONFLICT"):]
                   for vendor, shape in _CHECKED_SHAPE.items()}


def answer_save_checked(*, attempt_id: int, token: str, n: int, choice: int | None, seq: int,
                        now: datetime) -> Saved | None:
    """Store a choice with the checks of :func:`answer_save` done by the database, in one
    statement; committed (autocommit) when it returns. None when it stored nothing: another
    token, an attempt not running or past its deadline, no such option, or a stale ``seq``;
    :func:`answer_save` on the attempt then says which (a query more, off the hot path)."""
    statement = _CHECKED_UPSERT.get(connection.vendor)
    if statement is None or not 1 <= seq <= SEQ_MAX or not token \
            or (choice is not None and choice < 0):
        return None
    latest = connection.ops.adapt_datetimefield_value(now - SAVE_GRACE)  # as the ORM stores it
    with connection.cursor() as cursor:
        cursor.execute(statement, [n, choice, seq, now, attempt_id, digest(token),
                                   Attempt.Status.ANSWERING, latest, n - 1, choice, choice, n - 1])
        row = cursor.fetchone()
    return Saved(row[0], False) if row is not None else None


def answer_save(
    *, attempt: Attempt, n: int, choice: int | None, seq: int, now: datetime | None = None,
    response=None,
) -> Saved:
    """Store the candidate's answer to question ``n`` if ``seq`` is newer than what is stored:
    ``choice`` (a shown option) for single choice and true/false, ``response`` for the other types
    (scoring.py). Returns only after the row is committed (autocommit): the acknowledgement means
    durable. Either way it is one upsert."""
    now = now or timezone.now()
    if attempt.status != Attempt.Status.ANSWERING:
        raise ExamRefused(_("The test is not running."), "not_running")
    if attempt.deadline is not None and now > attempt.deadline + SAVE_GRACE:
        raise ExamRefused(_("Time is up."), "deadline")
    counts = attempt.option_counts
    if not 1 <= n <= len(counts):
        raise ExamRefused(_("There is no question %(n)s.") % {"n": n}, "invalid")
    shape = counts[n - 1]
    if isinstance(shape, int):
        if response is not None or (choice is not None and not 0 <= choice < shape):
            raise ExamRefused(_("There is no such option."), "invalid")
        statement, values = UPSERT, [attempt.pk, n, choice, seq, now]
    else:
        if choice is not None:
            raise ExamRefused(_("This answer does not fit the question."), "invalid")
        statement, values = UPSERT_RESPONSE, [attempt.pk, n, None, seq, now]
        if connection.vendor == "postgresql":  # the JSON text into a jsonb column
            statement = UPSERT_RESPONSE.replace("NULL, %s,", "NULL, CAST(%s AS jsonb),")
    if not 1 <= seq <= SEQ_MAX:
        raise ExamRefused(_("seq must be a whole number from 1 to %(max)s.") % {"max": SEQ_MAX},
                          "invalid")
    if not isinstance(shape, int):
        values[2] = checked_response(shape, response)
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
        if row is not None:
            return Saved(row[0], False)
        cursor.execute(
            "SELECT seq FROM recruitment_answer WHERE attempt_id = %s AND n = %s", [attempt.pk, n]
        )
        stored = cursor.fetchone()[0]
        return Saved(stored, stored > seq)  # the same seq again is a resend of what is stored


def negative_marking(session: ExamSession) -> bool:
    """Whether wrong options of a multiple-response question may cost more than the question
    (the round's exam rules, recruitment/exam/rules.py)."""
    from core.rules import registry

    try:
        return (
            bool(getattr(registry.get(session.rule_set), "negative_marking", False))
            if session.rule_set
            else False
        )
    except LookupError:
        return False


def score(attempt: Attempt) -> dict:
    """Credit per part (partial credit per question: scoring.py), with pass/fail at the round's
    (or 50 %) threshold. ``correct`` is the sum of the credits; essays are not in it: they are
    counted under ``essays`` and marked by the examiners."""
    ratio = Decimal("0.5")
    if attempt.session.round_id:
        from recruitment.rules import rules_for_round

        ratio = rules_for_round(
            announced_on=attempt.session.round.announced_on
        ).rule_set.round1_pass_ratio
    negative = negative_marking(attempt.session)
    answers = {n: (choice, response) for n, choice, response in
               attempt.answers.values_list("n", "choice", "response")}
    parts: dict[str, dict] = {}
    for n, part, order, correct, kind, key in attempt.items.values_list(
            "n", "part", "option_order", "question__correct", "question__kind", "question__key"):
        entry = parts.setdefault(part, {"correct": 0, "questions": 0})
        choice, response = answers.get(n, (None, None))
        credit = scoring.fraction(kind, key, correct, order, choice, response, negative=negative)
        if credit is None:
            entry["essays"] = entry.get("essays", 0) + 1
            continue
        entry["questions"] += 1
        entry["correct"] += credit
    for entry in parts.values():
        entry["correct"] = scoring.points(entry["correct"])
        entry["passed"] = Decimal(str(entry["correct"])) >= ratio * entry["questions"]
    return parts


def attempt_submit(
    *, attempt: Attempt, reason: str, actor=None, now: datetime | None = None
) -> bool:
    """Close the attempt and score it — exactly once: the conditional update decides who does it.
    Returns True when this call submitted it."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.ANSWERING).update(
            status=Attempt.Status.SUBMITTED, submitted_at=now, submit_reason=reason)
        if not updated:
            attempt.refresh_from_db()
            return False
        attempt.refresh_from_db()
        parts = score(attempt)
        Attempt.objects.filter(pk=attempt.pk).update(scores=parts)
        attempt.scores = parts
        kind = ExamEvent.Kind.AUTO_SUBMIT if reason == "deadline" else ExamEvent.Kind.SUBMIT
        _event(
            attempt, kind, by=actor,
            data={
                p: {"correct": v["correct"], "questions": v["questions"]} for p, v in parts.items()
            },
        )
        if attempt.application_id:
            from recruitment.services import round1_score_set

            for part, entry in parts.items():
                # The round-1 sheet counts whole answers: partial credit is rounded down, never up.
                round1_score_set(
                    actor=actor, application=attempt.application, part=part,
                    correct=max(0, int(entry["correct"])), questions=entry["questions"],
                    source="cbt",
                )
    return True


def submit_due(now: datetime | None = None, session: ExamSession | None = None) -> int:
    """Submit every attempt whose deadline has passed (the scheduled task; safe to run twice).
    With ``session``, that session's only: the proctor console runs it on every read, so an exam
    day without celery beat still closes each attempt at its deadline."""
    now = now or timezone.now()
    done = 0
    due = Attempt.objects.filter(status=Attempt.Status.ANSWERING, deadline__lt=now - SAVE_GRACE)
    if session is not None:
        due = due.filter(session=session)
    for attempt in due.select_related("session__round"):
        done += attempt_submit(attempt=attempt, reason="deadline", now=now)
    return done


def submit_if_due(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """On access: a candidate who comes back after the deadline finds the test submitted."""
    now = now or timezone.now()
    if (
        attempt.status == Attempt.Status.ANSWERING
        and attempt.deadline
        and now > attempt.deadline + SAVE_GRACE
    ):
        attempt_submit(attempt=attempt, reason="deadline", now=now)
        attempt.refresh_from_db()
    return attempt


# --- the proctor ----------------------------------------------------------------------------------

def _event(
    attempt: Attempt | None, kind: str, *, session: ExamSession | None = None, by=None,
    note: str = "", data: dict | None = None,
) -> ExamEvent:
    return ExamEvent.objects.create(
        session=session or attempt.session, attempt=attempt, kind=kind, by=_user(by),
        note=note[:500], data=data or {},
    )


def readmit(*, actor, attempt: Attempt, reason: str = "", now: datetime | None = None) -> None:
    """Let the candidate log in again (another machine, or after the admission limit). After the
    deadline the test is handed in; letting the candidate back to see it is the board's decision,
    so it needs a reason in the room log."""
    now = now or timezone.now()
    # Handed in first, in its own transaction: a refused re-admission must not undo the hand-in.
    attempt = submit_if_due(attempt, now=now)
    _readmit(actor=actor, attempt=attempt, reason=reason, now=now)


@transaction.atomic
def _readmit(*, actor, attempt: Attempt, reason: str, now: datetime) -> None:
    past = attempt.status == Attempt.Status.SUBMITTED or (
        attempt.deadline is not None and now > attempt.deadline
    )
    if past and not clean(reason):
        raise ValidationError(_("%(number)s is past the deadline: re-admission needs a reason.")
                              % {"number": attempt.number})
    Attempt.objects.filter(pk=attempt.pk).update(readmit=True)
    _event(attempt, ExamEvent.Kind.READMIT, by=actor, note=reason)
    audit.record(actor=actor, obj=attempt.session, action="readmit", reason=reason,
                 changes={"candidate": [None, attempt.number]})


def extra_time(*, actor, attempt: Attempt, minutes: int, reason: str) -> Attempt:
    # Handed in first, in its own transaction, so that the refusal below keeps the hand-in.
    return _extra_time(actor=actor, attempt=submit_if_due(attempt), minutes=minutes, reason=reason)


@transaction.atomic
def _extra_time(*, actor, attempt: Attempt, minutes: int, reason: str) -> Attempt:
    if not clean(reason):
        raise ValidationError(_("Give the reason for the extra time."))
    if not 1 <= minutes <= 120:
        raise ValidationError(_("Between 1 and 120 minutes."))
    # A test handed in (by the candidate, the proctor or its deadline) is closed: more time would
    # reopen a scored paper.
    if attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.ABSENT):
        raise ValidationError(
            _("%(number)s has already handed in; extra time is no longer possible.")
            % {"number": attempt.number}
        )
    Attempt.objects.filter(pk=attempt.pk).update(extra_minutes=F("extra_minutes") + minutes)
    if attempt.deadline is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            deadline=F("deadline") + timedelta(minutes=minutes)
        )
    attempt.refresh_from_db()
    _event(attempt, ExamEvent.Kind.EXTRA_TIME, by=actor, note=reason, data={"minutes": minutes})
    audit.record(actor=actor, obj=attempt.session, action="extra_time", reason=reason,
                 changes={"candidate": [None, attempt.number], "minutes": [None, minutes]})
    return attempt


@transaction.atomic
def incident(
    *, actor, session: ExamSession, note: str, attempt: Attempt | None = None
) -> ExamEvent:
    if not clean(note):
        raise ValidationError(_("Describe the incident."))
    event = _event(attempt, ExamEvent.Kind.INCIDENT, session=session, by=actor, note=clean(note))
    audit.record(actor=actor, obj=session, action="incident", reason=note,
                 changes={"candidate": [None, attempt.number if attempt else None]})
    return event



@transaction.atomic
def mark_absent(*, actor, attempt: Attempt) -> None:
    """A candidate who never came (only before they start)."""
    if not Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.NOT_STARTED).update(
            status=Attempt.Status.ABSENT):
        raise ValidationError(_("Only a candidate who has not started can be marked absent."))
    _event(attempt, ExamEvent.Kind.ABSENT, by=actor)
    audit.record(
        actor=actor, obj=attempt.session, action="absent",
        changes={"candidate": [None, attempt.number]},
    )
