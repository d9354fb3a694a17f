"""Writes of the recruitment process: rounds, vacancies, applications and their review, fees,
round-1 scores, round-2 marks, results, appeals, and hiring the winners into personnel."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import audit
from core.models import OrgUnit
from core.text import clean, name_sort_key
from recruitment import notices, selectors
from recruitment.models import (
    Appeal,
    Application,
    ApplicationDocument,
    Mark,
    RecruitmentRound,
    Round1Score,
    RoundResult,
    Vacancy,
)
from recruitment.rules import (
    GENERAL,
    LANGUAGE,
    PRIORITY_CATEGORIES,
    ROUND2_FORMS,
    probation_end,
    rules_for_round,
)

ROUND_FIELDS = (
    "code", "name", "kind", "method", "announced_on", "applications_close_on", "round2_form",
    "written_weight", "interview_weight", "fee", "round1_completed_on", "exam_notice",
)


def _check_weights(round_: RecruitmentRound) -> None:
    combined = round_.round2_form == RecruitmentRound.Round2Form.WRITTEN_INTERVIEW
    if combined and round_.written_weight + round_.interview_weight != Decimal(100):
        raise ValidationError(
            {"written_weight": _("The written and interview weights must add up to 100 %.")}
        )


@transaction.atomic
def round_create(
    *, actor, agency: OrgUnit, code: str, name: str, announced_on: date, **fields
) -> RecruitmentRound:
    round_ = RecruitmentRound(
        agency=agency, code=clean(code), name=clean(name), announced_on=announced_on, **fields
    )
    round_.rule_set = rules_for_round(announced_on=announced_on).rule_set.code
    _check_weights(round_)
    round_.full_clean()
    round_.save()
    audit.record(actor=actor, obj=round_, action="create", unit=agency,
                 changes={k: [None, audit.to_json(getattr(round_, k))] for k in ROUND_FIELDS})
    return round_


@transaction.atomic
def round_update(*, actor, round_: RecruitmentRound, **fields) -> dict:
    before = audit.snapshot(round_, ROUND_FIELDS + ("status",))
    for name, value in fields.items():
        setattr(round_, name, clean(value) if isinstance(value, str) else value)
    round_.rule_set = rules_for_round(announced_on=round_.announced_on).rule_set.code
    _check_weights(round_)
    round_.full_clean()
    delta = audit.diff(before, audit.snapshot(round_, ROUND_FIELDS + ("status",)))
    if delta:
        round_.save()
        audit.record(actor=actor, obj=round_, action="update", unit=round_.agency, changes=delta)
    return delta


@transaction.atomic
def board_grant(
    *, actor, round_: RecruitmentRound, user, grant: bool = True, edit_questions: bool = False
) -> None:
    """Give (or take back) an exam-board member the round: they may then run it and read its
    question banks, nothing else; with ``edit_questions`` they also write those banks."""
    from guardian.shortcuts import assign_perm, remove_perm

    if getattr(user, "is_candidate", False):
        raise ValidationError(_("A candidate account cannot sit on an exam board."))
    if grant:
        assign_perm("recruitment.run_round", user, round_)
        (assign_perm if edit_questions else remove_perm)("recruitment.edit_questions", user, round_)
    else:
        remove_perm("recruitment.run_round", user, round_)
        remove_perm("recruitment.edit_questions", user, round_)
    changes = {"member": [None, user.username] if grant else [user.username, None]}
    if grant:
        changes["edit_questions"] = [None, edit_questions]
    audit.record(
        actor=actor, obj=round_, action="board_grant" if grant else "board_revoke",
        unit=round_.agency, changes=changes,
    )


@transaction.atomic
def round_banks_set(*, actor, round_: RecruitmentRound, banks: list) -> None:
    """The question banks a round draws on (its exam board reads them; recruitment.exam.access)."""
    before = sorted(round_.banks.values_list("code", flat=True))
    round_.banks.set(banks)
    after = sorted(b.code for b in banks)
    if before != after:
        audit.record(actor=actor, obj=round_, action="update", unit=round_.agency,
                     changes={"banks": [", ".join(before), ", ".join(after)]})


def candidate_register(*, full_name: str, email: str, password: str):
    """A candidate account, inactive until its e-mail address is confirmed."""
    from core.models import User

    user = User.objects.create_user(
        username=email.lower(), email=email.lower(), password=password, full_name=clean(full_name),
        account_type=User.AccountType.CANDIDATE, is_active=False,
    )
    audit.record(actor=None, obj=user, action="register", changes={"email": [None, user.email]})
    return user


def candidate_unconfirmed(user) -> bool:
    """A candidate account whose e-mail address was never confirmed (inactive since registering;
    an account deactivated after its confirmation is not "unconfirmed")."""
    from core.models import AuditEntry, User

    if user.is_active or user.account_type != User.AccountType.CANDIDATE:
        return False
    return not AuditEntry.objects.filter(action="verify_email", object_id=str(user.pk),
                                         content_type__model="user").exists()


def candidate_unconfirmed_login(username: str, password: str):
    """The account for a login refused only because its address is not confirmed yet: the right
    password of an unconfirmed candidate account. A wrong password gives None, so the login page
    says no more than for any wrong password."""
    from core.models import User

    username = (username or "").strip().lower()
    if not username or not password:
        return None
    user = User.objects.filter(username=username, account_type=User.AccountType.CANDIDATE,
                               is_active=False).first()
    if user is None:
        User().set_password(password)  # as long as a check, so the time taken names no account
        return None
    if not user.check_password(password) or not candidate_unconfirmed(user):
        return None
    return user


def candidate_activate(user) -> bool:
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(actor=user, obj=user, action="verify_email", changes={"is_active": [False, True]})
    return True


@transaction.atomic
def document_attach(*, actor, application: Application, kind: str, upload) -> ApplicationDocument:

    if application.status not in (Application.Status.SUBMITTED, Application.Status.DRAFT):
        raise ValidationError(
            _("The application has been reviewed; documents can no longer be added.")
        )
    document = ApplicationDocument(
        application=application, kind=clean(kind), original_name=upload.name[:255]
    )
    document.file.save(f"{application.pk}-{upload.name}", upload, save=False)
    document.save()
    audit.record(actor=actor, obj=application, action="document", unit=application.round.agency,
                 changes={"document": [None, f"{document.kind} ({document.original_name})"]})
    return document


@transaction.atomic
def vacancy_save(
    *, actor, round_: RecruitmentRound, code: str, title: str, quota: int, rank=None, unit=None,
    job_position=None, foreign_language: str = "",
) -> Vacancy:
    vacancy, created = Vacancy.objects.get_or_create(
        round=round_,
        code=clean(code),
        defaults={
            "title": clean(title), "quota": quota, "rank": rank, "unit": unit,
            "job_position": job_position, "foreign_language": clean(foreign_language),
        },
    )
    if not created:
        for name, value in {
            "title": clean(title), "quota": quota, "rank": rank, "unit": unit,
            "job_position": job_position, "foreign_language": clean(foreign_language),
        }.items():
            setattr(vacancy, name, value)
        vacancy.save()
    audit.record(
        actor=actor, obj=vacancy, action="create" if created else "update", unit=round_.agency,
        changes={"quota": [None, quota]},
    )
    return vacancy


# --- applications ---------------------------------------------------------------------------------

APPLICATION_FIELDS = (
    "full_name", "date_of_birth", "sex", "national_id", "phone", "email", "address", "ethnicity",
    "qualification", "priority_codes", "language_exempt", "exemption_reason", "verification_exempt",
    "verification_score",
)


def _check_priorities(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in PRIORITY_CATEGORIES]
    if unknown:
        raise ValidationError({"priority_codes": _("Unknown priority categories: %(codes)s")
                               % {"codes": ", ".join(unknown)}})
    return sorted(set(codes))


@transaction.atomic
def application_submit(*, actor, vacancy: Vacancy, candidate=None, **fields) -> Application:
    """A candidate applies (or HR records a paper application) for one vacancy of an open round."""
    round_ = vacancy.round
    if candidate is not None and round_.status != RecruitmentRound.Status.OPEN:
        raise ValidationError(_("This round is not receiving applications."))
    if (
        candidate is not None
        and round_.applications_close_on
        and timezone.localdate() > round_.applications_close_on
    ):
        raise ValidationError(
            _("Applications closed on %(day)s.")
            % {"day": round_.applications_close_on.strftime("%d/%m/%Y")}
        )
    if (
        candidate is not None
        and Application.objects.filter(round=round_, candidate=candidate).exists()
    ):
        raise ValidationError(
            _("You have already applied to this round; one application per round.")
        )
    fields["priority_codes"] = _check_priorities(fields.get("priority_codes") or [])
    application = Application(
        round=round_,
        vacancy=vacancy,
        candidate=candidate,
        **{k: clean(v) if isinstance(v, str) else v for k, v in fields.items()},
    )
    application.full_clean(exclude=["number"])
    application.save()
    audit.record(actor=actor, obj=application, action="submit", unit=round_.agency,
                 changes={"vacancy": [None, vacancy.code]})
    return application


@transaction.atomic
def application_review(
    *, actor, application: Application, eligible: bool, reason: str = ""
) -> Application:
    """HR decides eligibility; a rejection always carries its reason (shown to the candidate)."""
    if not eligible and not clean(reason):
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    before = application.status
    application.status = Application.Status.ELIGIBLE if eligible else Application.Status.REJECTED
    application.rejection_reason = "" if eligible else clean(reason)
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor, obj=application, action="review", unit=application.round.agency, reason=reason,
        changes={"status": [before, application.status]},
    )
    if before != application.status:  # the candidate hears of the decision once, after it commits
        notices.application_reviewed(application)
    return application


@transaction.atomic
def fee_record(
    *, actor, application: Application, receipt: str, waived: bool = False
) -> Application:
    """Record the exam fee (an electronic receipt number) or its waiver."""
    application.fee_status = Application.Fee.WAIVED if waived else Application.Fee.PAID
    application.fee_receipt, application.fee_paid_at = clean(receipt), timezone.now()
    application.save(update_fields=["fee_status", "fee_receipt", "fee_paid_at"])
    audit.record(
        actor=actor, obj=application, action="fee", unit=application.round.agency,
        changes={
            "fee_status": [None, application.fee_status],
            "receipt": [None, application.fee_receipt],
        },
    )
    return application


@transaction.atomic
def undecided(round_: RecruitmentRound) -> int:
    """Applications still waiting for the eligibility decision (submitted, not yet reviewed)."""
    return round_.applications.filter(status=Application.Status.SUBMITTED).count()


def _require_decided(round_: RecruitmentRound, reason: str, today: date) -> None:
    """Numbering and the exams come after the application period and after every application is
    decided (ND 138/2020 Art 9: the list of eligible candidates is fixed before the exam); the
    board may go on with a recorded reason (a late appeal, a file held by another agency)."""
    if clean(reason):
        return
    problems = []
    if round_.applications_close_on and today <= round_.applications_close_on:
        problems.append(_("applications are received until %(day)s")
                        % {"day": round_.applications_close_on.strftime("%d/%m/%Y")})
    waiting = undecided(round_)
    if waiting:
        problems.append(_("%(n)s applications are not decided yet") % {"n": waiting})
    if problems:
        raise ValidationError(
            _("Not yet: %(problems)s. Decide them first, or record why the board goes on.")
            % {"problems": "; ".join(problems)}
        )


ROUND_STAGES = ("draft", "open", "review", "exams", "results", "closed")


@transaction.atomic
def round_advance(*, actor, round_: RecruitmentRound, target: str, reason: str = "",
                  today: date | None = None) -> None:
    """Move a round to its next stage. Eligibility review starts when the application period has
    ended; the exams start when every application is decided (or the board says why not)."""
    today = today or timezone.localdate()
    if (
        target not in ROUND_STAGES
        or ROUND_STAGES.index(target) != ROUND_STAGES.index(round_.status) + 1
    ):
        raise ValidationError(_("The round cannot move to that stage from here."))
    if (
        target == RecruitmentRound.Status.REVIEW
        and not clean(reason)
        and round_.applications_close_on
        and today <= round_.applications_close_on
    ):
        raise ValidationError(_("Applications are received until %(day)s: the review starts after "
                                "that, or record why the board starts it now.")
                              % {"day": round_.applications_close_on.strftime("%d/%m/%Y")})
    if target == RecruitmentRound.Status.EXAMS:
        _require_decided(round_, reason, today)
    before = round_.status
    RecruitmentRound.objects.filter(pk=round_.pk).update(status=target)
    round_.status = target
    audit.record(actor=actor, obj=round_, action="update", unit=round_.agency, reason=clean(reason),
                 changes={"status": [before, target]})


@transaction.atomic  # all the round's numbers or none (a killed run numbers no one)
def numbers_assign(*, actor, round_: RecruitmentRound, prefix: str = "", reason: str = "",
                   today: date | None = None) -> int:
    """Give exam numbers (số báo danh) to eligible applications without one, by position then name:
    once the application period is over and every application is decided (see _require_decided)."""
    _require_decided(round_, reason, today or timezone.localdate())
    existing = round_.applications.exclude(number="").values_list("number", flat=True)
    next_number = (
        max([int(n[len(prefix) :]) for n in existing if n[len(prefix) :].isdigit()] or [0]) + 1
    )
    waiting = sorted(selectors.awaiting_number(round_),
                     key=lambda a: (a.vacancy.code, name_sort_key(a.full_name)))
    for application in waiting:
        application.number = f"{prefix}{next_number:04d}"
        application.save(update_fields=["number"])
        notices.summons_ready(application)
        next_number += 1
    if waiting:
        audit.record(
            actor=actor, obj=round_, action="numbers", unit=round_.agency, reason=clean(reason),
            changes={"numbered": [None, len(waiting)]},
        )
    return len(waiting)


# --- scores ---------------------------------------------------------------------------------------
# A sheet of scores is written whole or not at all: every cell is checked first and every bad cell
# is reported (row = candidate, column = part or component and marker), then all are written.

# 0 = a final mark entered directly, 1 and 2 = the two markers, 3 = the reconciliation mark
MARKERS = (0, 1, 2, 3)
COMPONENTS = frozenset(c for forms in ROUND2_FORMS.values() for c in forms)


@dataclass(frozen=True)
class MarkEntry:
    """One cell of a round-2 marks sheet."""

    application: Application
    component: str
    marker: int
    score: Decimal
    examiner: str = ""


@dataclass(frozen=True)
class Round1Entry:
    """One cell of a round-1 sheet: correct answers in one part (``questions``: the part's
    length under the round's rule set when not given)."""

    application: Application
    part: str
    correct: int
    questions: int | None = None
    source: str = "paper"


def _row_label(application: Application) -> str:
    return application.number or application.full_name


def _marker_label(marker: int) -> str:
    labels = {0: _("final mark"), 1: _("marker 1"), 2: _("marker 2"), 3: _("reconciliation")}
    return str(labels.get(marker, marker))


def _cell_error(application: Application, column: str, problem: str, **params) -> ValidationError:
    """A bad cell, said with its row and column; ``params`` locate it for a form to highlight."""
    return ValidationError("%(row)s · %(column)s: %(problem)s", code="cell", params={
        "row": _row_label(application), "column": column, "problem": problem,
        "application": application.pk, **params})


def _mark_problem(round_: RecruitmentRound, entry: MarkEntry) -> str:
    if entry.application.round_id != round_.pk:
        return _("The candidate is not in this round.")
    if entry.component not in COMPONENTS or entry.marker not in MARKERS:
        return _("There is no such mark.")
    if not Decimal(0) <= entry.score <= Decimal(100):
        return _("A mark is between 0 and 100.")
    return ""


@transaction.atomic
def marks_enter(*, actor, round_: RecruitmentRound, entries: list[MarkEntry]) -> list[Mark]:
    """Enter a sheet of round-2 marks: all cells or none (a ``ValidationError`` lists every bad
    cell). A cell whose current mark has the same score is left alone; a new score supersedes the
    current mark of that marker. The applications are locked first, so two clerks entering the
    same paper at once are served one after the other and one mark stays current."""
    entries = list(entries)
    errors, seen = [], set()
    for entry in entries:
        key = (entry.application.pk, entry.component, entry.marker)
        column = f"{component_label(entry.component)} ({_marker_label(entry.marker)})"
        problem = _mark_problem(round_, entry) or (_("Entered twice.") if key in seen else "")
        seen.add(key)
        if problem:
            errors.append(_cell_error(entry.application, column, problem, component=entry.component,
                                      marker=entry.marker))
    if errors:
        raise ValidationError(errors)
    ids = {entry.application.pk for entry in entries}
    list(
        Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk")
    )
    current = {
        (m.application_id, m.component, m.marker): m
        for m in Mark.objects.select_for_update().filter(application_id__in=ids, replaced=False)
    }
    written = []
    for entry in entries:
        old = current.get((entry.application.pk, entry.component, entry.marker))
        if old is not None and old.score == entry.score:
            continue
        if old is not None:  # supersede before the insert: the constraint allows one current mark
            Mark.objects.filter(pk=old.pk).update(replaced=True)
        written.append(Mark.objects.create(
            application=entry.application, component=entry.component, marker=entry.marker,
            score=entry.score, examiner=clean(entry.examiner),
            entered_by=actor if actor is not None and actor.pk else None))
        audit.record(actor=actor, obj=entry.application, action="mark", unit=round_.agency,
                     changes={f"{entry.component}#{entry.marker}": [str(old.score) if old else None,
                                                                    str(entry.score)]})
    return written


def mark_enter(*, actor, application: Application, component: str, marker: int, score: Decimal,
               examiner: str = "") -> Mark:
    """One marker's mark of one component (the importer, appeals, the demo): a sheet of one cell."""
    entry = MarkEntry(application, component, marker, score, examiner)
    try:
        written = marks_enter(actor=actor, round_=application.round, entries=[entry])
    except ValidationError as exc:  # one cell: its message without the row and column
        raise ValidationError([e.params["problem"] if e.params else e
                               for e in exc.error_list]) from None
    return written[0] if written else application.marks.get(component=component, marker=marker,
                                                            replaced=False)


def _round1_problem(entry: Round1Entry, round_: RecruitmentRound, questions: int | None) -> str:
    if entry.application.round_id != round_.pk:
        return _("The candidate is not in this round.")
    if questions is None:
        return _("The round has no such part.")
    if entry.correct < 0:
        return _("A count cannot be negative.")
    if entry.correct > questions:
        return _("More correct answers than questions.")
    return ""


def round1_part_label(code: str) -> str:
    labels = {GENERAL: _("General knowledge"), LANGUAGE: _("Foreign language")}
    return str(labels.get(code, code))


@transaction.atomic
def round1_scores_enter(*, actor, round_: RecruitmentRound, entries: list[Round1Entry]) -> int:
    """Enter a sheet of round-1 results (correct answers per part): all cells or none, every bad
    cell reported. Returns how many cells changed."""
    rules = rules_for_round(announced_on=round_.announced_on).rule_set
    entries = list(entries)
    errors, seen = [], set()
    for entry in entries:
        part = rules.part(entry.part)
        questions = entry.questions if entry.questions is not None else \
            (part.questions if part else None)
        key = (entry.application.pk, entry.part)
        problem = _round1_problem(entry, round_, questions) or \
            (_("Entered twice.") if key in seen else "")
        seen.add(key)
        if problem:
            errors.append(_cell_error(entry.application, round1_part_label(entry.part), problem,
                                      part=entry.part))
    if errors:
        raise ValidationError(errors)
    ids = {entry.application.pk for entry in entries}
    list(
        Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk")
    )
    current = {(s.application_id, s.part): s
               for s in Round1Score.objects.filter(application_id__in=ids)}
    changed = 0
    for entry in entries:
        part = rules.part(entry.part)
        questions = entry.questions if entry.questions is not None else part.questions
        old = current.get((entry.application.pk, entry.part))
        if old is not None and (old.correct, old.questions) == (entry.correct, questions):
            continue
        Round1Score.objects.update_or_create(
            application=entry.application, part=entry.part,
            defaults={"correct": entry.correct, "questions": questions, "source": entry.source})
        audit.record(actor=actor, obj=entry.application, action="round1", unit=round_.agency,
                     changes={entry.part: [old.correct if old else None, entry.correct]})
        changed += 1
    return changed


def round1_score_set(*, actor, application: Application, part: str, correct: int, questions: int,
                     source: str = "paper") -> Round1Score:
    """One part of one candidate (the computer test, the importer): a sheet of one cell."""
    entry = Round1Entry(application, part, correct, questions, source)
    try:
        round1_scores_enter(actor=actor, round_=application.round, entries=[entry])
    except ValidationError as exc:
        raise ValidationError([e.params["problem"] if e.params else e
                               for e in exc.error_list]) from None
    return Round1Score.objects.get(application=application, part=part)


@transaction.atomic
def results_publish(*, actor, round_: RecruitmentRound, on: date | None = None) -> int:
    """Freeze the current ranking as the published results (re-publishing after appeals replaces
    them)."""
    from recruitment.selectors import round_results

    on = on or timezone.localdate()
    choice = rules_for_round(
        announced_on=round_.announced_on, round1_completed_on=round_.round1_completed_on, on=on
    )
    if choice.must_restart:
        raise ValidationError(choice.note)
    results = round_results(round_, on=on)
    if any(r.conflicts for r in results.rows):
        raise ValidationError(_("Some written papers have two marks too far apart: enter the "
                                "reconciliation mark first."))
    now = timezone.now()
    before = {r.application_id: (r.total, r.rank, r.result)
              for r in RoundResult.objects.filter(application__round=round_)}
    # re-publishing after appeals updates each row; the audit keeps the story
    for row in results.rows:
        RoundResult.objects.update_or_create(
            application=row.application,
            defaults={
                "round1_passed": row.round1_passed, "professional_score": row.professional,
                "priority_points": row.priority, "total": row.total, "rank": row.rank,
                "result": row.result, "note": row.note, "rule_set": results.rule_set.code,
                "published_at": now,
            },
        )
        # Each candidate is told once; after a re-publication only those whose result changed.
        old = before.get(row.application.pk)
        if old is None or old != (row.total, row.rank, row.result):
            notices.results_published(row.application)
    round_.status, round_.results_published_on = RecruitmentRound.Status.RESULTS, on
    round_.save(update_fields=["status", "results_published_on"])
    audit.record(
        actor=actor,
        obj=round_,
        action="publish",
        unit=round_.agency,
        changes={"published": [None, len(results.rows)], "rule_set": [None, results.rule_set.code]},
    )
    return len(results.rows)


# --- appeals and hiring ---------------------------------------------------------------------------

def component_label(component: str) -> str:
    labels = {
        "written": pgettext("exam part", "written"),
        "interview": pgettext("exam part", "interview"),
        "practical": pgettext("exam part", "practical"),
    }
    return str(labels.get(component, component))


def appeal_deadline(round_: RecruitmentRound) -> date | None:
    from core.rules import registry

    if round_.results_published_on is None:
        return None
    rules = registry.get(round_.rule_set)
    return round_.results_published_on + timedelta(days=rules.appeal_days)


@transaction.atomic
def appeal_submit(*, actor, application: Application, component: str, reason: str) -> Appeal:
    if actor != application.candidate:
        raise PermissionDenied
    deadline = appeal_deadline(application.round)
    if deadline is None:
        raise ValidationError(_("Results are not published yet."))
    if timezone.localdate() > deadline:
        raise ValidationError(
            _("The deadline for re-marking requests was %(day)s.")
            % {"day": deadline.strftime("%d/%m/%Y")}
        )
    if component not in ROUND2_FORMS[application.round.round2_form]:
        raise ValidationError(
            _("This round has no %(part)s exam.") % {"part": component_label(component)}
        )
    if component not in {m.component for m in application.marks.all()}:
        raise ValidationError(
            _("Your %(part)s paper has no mark yet.") % {"part": component_label(component)}
        )
    if application.appeals.filter(component=component).exists():
        raise ValidationError(_("You have already asked for re-marking of the %(part)s exam.")
                              % {"part": component_label(component)})
    appeal = Appeal.objects.create(
        application=application, component=component, reason=clean(reason)
    )
    audit.record(
        actor=actor, obj=application, action="appeal", unit=application.round.agency, reason=reason,
        changes={"component": [None, component]},
    )
    return appeal


@transaction.atomic
def appeal_resolve(
    *, actor, appeal: Appeal, answer: str, new_score: Decimal | None = None
) -> Appeal:
    """Answer a re-marking request; a changed score becomes the reconciliation mark of the paper."""
    if Appeal.objects.select_for_update().get(pk=appeal.pk).status != Appeal.Status.PENDING:
        raise ValidationError(_("This request was answered already."))
    appeal.status = Appeal.Status.DONE if new_score is not None else Appeal.Status.REJECTED
    appeal.answer, appeal.new_score = clean(answer), new_score
    appeal.save(update_fields=["status", "answer", "new_score"])
    if new_score is not None:
        mark_enter(
            actor=actor, application=appeal.application, component=appeal.component, marker=3,
            score=new_score, examiner=_("Re-marking"),
        )
    notices.appeal_answered(appeal)
    return appeal


@transaction.atomic
def winner_hire(
    *, actor, application: Application, code: str, start_date: date, unit: OrgUnit | None = None,
    decision_number: str = "", decision_date: date | None = None, signer: str = "",
):
    """Open the personnel record of a candidate who passed: a recruitment event under the decision,
    the probation period of the rank under the round's rule set."""
    from core.rules import registry
    from personnel.services.servants import Decision, event_record, servant_create

    result = getattr(application, "result", None)
    if result is None or result.result != "PASSED":
        raise ValidationError(_("Only a candidate with a published PASSED result can be hired."))
    if application.hired_id:
        raise ValidationError(_("This candidate already has a personnel record."))
    vacancy = application.vacancy
    target = unit or vacancy.unit or application.round.agency
    rank = vacancy.rank
    servant = servant_create(
        actor=actor, code=code, national_id=application.national_id,
        full_name=application.full_name, date_of_birth=application.date_of_birth,
        sex=application.sex, unit=target, start_date=start_date,
        title=_("Probationer") if rank else "", job_position=vacancy.job_position, rank=rank,
        salary_step=1 if rank else None, salary_step_date=start_date if rank else None,
        decision=Decision(decision_number, decision_date, signer), recruitment_date=start_date,
        recruiting_agency=application.round.agency.name, ethnicity=application.ethnicity,
        qualification=application.qualification, phone=application.phone, email=application.email,
    )
    rules = registry.get(application.round.rule_set)
    until = probation_end(start_date, rank.level, rules) if rank else None
    if until is not None:
        event_record(
            actor=actor, servant=servant, kind="recruited", effective_date=start_date,
            summary=_("Probation until %(day)s (%(code)s)")
            % {"day": until.strftime("%d/%m/%Y"), "code": rules.code},
            data={"probation_until": until.isoformat()},
            rule_set=rules.code,
        )
    application.hired = servant
    application.save(update_fields=["hired"])
    audit.record(
        actor=actor, obj=application, action="hire", unit=target,
        changes={"hired": [None, servant.code]},
    )
    return servant


def next_employee_code(prefix: str) -> str:
    from personnel.models import CivilServant

    last = CivilServant.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:05d}"
