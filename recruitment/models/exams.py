"""The computer-based exam: question banks, blueprints, sessions, each candidate's frozen paper,
their answers (one row per question, newest sequence wins) and what happened in the room.

An ``Attempt`` is one candidate in one session; its ``PaperItem`` rows are the questions in the
candidate's order with the options shuffled (``option_order``), so the paper is reproducible and
the key stays on the server. An ``Answer`` is saved when clicked; the server acknowledges the
sequence number only after the row is committed, and an older sequence never overwrites a newer
one. Nothing here is deleted.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import UndeletableModel


class QuestionBank(UndeletableModel):
    """Questions of one part (kiến thức chung, ngoại ngữ, tin học, chuyên ngành …)."""

    class Part(models.TextChoices):
        GENERAL = "general", _("General knowledge")
        LANGUAGE = "language", _("Foreign language")
        IT = "it", _("Information technology")
        PROFESSIONAL = "professional", _("Professional knowledge")

    code = models.CharField(_("bank code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    part = models.CharField(
        _("exam part"), max_length=12, choices=Part.choices, default=Part.GENERAL
    )
    # The rounds that draw on this bank: their exam boards read it (and write it with the round's
    # edit_questions grant). A bank a round's blueprint uses counts as the round's too.
    rounds = models.ManyToManyField(
        "recruitment.RecruitmentRound", verbose_name=_("recruitment rounds"), blank=True,
        related_name="banks",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["code"]
        permissions = [("manage_questions", _("Write and approve exam questions"))]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("recruitment:bank_detail", args=[self.pk])


class Question(UndeletableModel):
    """One question (of one of the ``Kind`` types), one version of it. Editing an approved question
    makes a new
    draft version (``family`` stays, ``version`` grows); approving it retires the previous one.
    Papers point at the exact version they used."""

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        RETIRED = "retired", _("Retired")

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple response")
        TRUEFALSE = "truefalse", _("True/false")
        SHORT = "short", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")
        ESSAY = "essay", _("Essay")

    class Format(models.TextChoices):
        PLAIN = "plain", _("Plain text")
        HTML = "html", _("HTML (sanitised)")

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="questions")
    family = models.CharField(_("question code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"))  # ["…", "…", …] in the author's order
    correct = models.PositiveSmallIntegerField(_("correct option"))  # index into options
    kind = models.CharField(
        _("question type"), max_length=10, choices=Kind.choices, default=Kind.SINGLE
    )
    # What the candidate never sees (recruitment/exam/scoring.py): "weights" (multiple
    # response, % per option), "answers" (short answer [{text, weight}], numerical [{value,
    # tolerance, weight}]), "case_sensitive", "diacritics" (short answer), "pairs" (matching:
    # [[left, right option index]]).
    key = models.JSONField(_("answer key"), default=dict, blank=True)
    # {"general": "…", "options": ["…" per option]}: shown to the board and
    # exported, not to candidates.
    feedback = models.JSONField(_("feedback"), default=dict, blank=True)
    text_format = models.CharField(
        _("text format"), max_length=5, choices=Format.choices, default=Format.PLAIN
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices,
                                  default=Difficulty.MEDIUM)
    competency = models.ForeignKey(
        "positions.Competency", verbose_name=_("competency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="questions",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    flagged = models.CharField(_("flag from item analysis"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "family", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "family", "version"], name="question_version_unique"
            ),
            models.UniqueConstraint(
                fields=["bank", "family"], condition=Q(status="approved"),
                name="one_approved_version",
            ),
        ]
        indexes = [
            models.Index(fields=["bank", "status", "topic", "difficulty"], name="question_pick_idx")
        ]

    def __str__(self) -> str:
        return f"{self.family} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("recruitment:question_detail", args=[self.pk])

    @property
    def stems(self) -> list[str]:
        """The left side of a matching question (not secret: the candidate reads them)."""
        return [left for left, _right in (self.key or {}).get("pairs", [])]


class QuestionImage(UndeletableModel):
    """A picture in a question or one of its options (Moodle XML ``<file>``, or a zip beside the
    bank). Served to a candidate only through the exam API during their attempt, to staff through
    the bank's scoped view; the text refers to it as ``@@PLUGINFILE@@/name``."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="images")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question image")
        verbose_name_plural = _("question images")
        constraints = [
            models.UniqueConstraint(fields=["question", "name"], name="question_image_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Blueprint(UndeletableModel):
    """The recipe of an exam: parts in order, their time, and how many questions of which bank,
    topic and difficulty each part draws."""

    name = models.CharField(_("name"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("exam blueprint")
        verbose_name_plural = _("exam blueprints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def minutes(self) -> int:
        return sum(p.minutes for p in self.parts.all())


class BlueprintPart(UndeletableModel):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="parts")
    order = models.PositiveSmallIntegerField(default=1)
    part = models.CharField(_("exam part"), max_length=12, choices=QuestionBank.Part.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))

    class Meta:
        ordering = ["blueprint", "order"]
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "part"], name="blueprint_part_unique")
        ]


class BlueprintRule(UndeletableModel):
    """Draw ``count`` approved questions of ``bank`` (optionally one topic and difficulty)."""

    part = models.ForeignKey(BlueprintPart, on_delete=models.PROTECT, related_name="rules")
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("question bank"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=8, choices=Question.Difficulty.choices, blank=True
    )
    count = models.PositiveSmallIntegerField(_("questions"))

    class Meta:
        ordering = ["part", "pk"]


class ExamSession(UndeletableModel):
    """A sitting (ca thi) of a round's computer test, or a practice session."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        GENERATING = "generating", _("Generating papers")
        READY = "ready", _("Papers ready")
        FINISHED = "finished", _("Finished")

    round = models.ForeignKey(
        "recruitment.RecruitmentRound", verbose_name=_("recruitment round"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sessions",
    )
    blueprint = models.ForeignKey(Blueprint, verbose_name=_("blueprint"), on_delete=models.PROTECT,
                                  related_name="sessions")
    name = models.CharField(_("name"), max_length=255)
    room = models.CharField(_("room"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    individual_start = models.BooleanField(
        _("each candidate's time runs from their own start"),
        default=False,
        help_text=_(
            "For practice days. In a recruitment exam "
            "everyone's time runs from the session's start."
        ),
    )
    practice = models.BooleanField(_("practice session"), default=False)
    seed = models.BigIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    progress = models.PositiveSmallIntegerField(default=0)
    rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recruitment:session_detail", args=[self.pk])


class Attempt(UndeletableModel):
    """One candidate in one session: their paper, their time, their answers and their score."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ANSWERING = "answering", _("Answering")
        SUBMITTED = "submitted", _("Handed in")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="attempts")
    application = models.ForeignKey(
        "recruitment.Application", null=True, blank=True, on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.CharField(_("candidate number"), max_length=20)
    full_name = models.CharField(_("full name"), max_length=150)
    password_digest = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, blank=True)
    readmit = models.BooleanField(_("may log in again"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submit_reason = models.CharField(max_length=12, blank=True)  # candidate, deadline, proctor
    skip_parts = models.JSONField(default=list, blank=True)  # parts the candidate is exempt from
    scores = models.JSONField(default=dict, blank=True)  # part → {"correct", "questions", "passed"}
    # options of question n at [n - 1]: saves check it
    option_counts = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="attempt_number_unique")
        ]
        # The exam login finds the candidate by number (any case) across the open sessions.
        indexes = [models.Index(Upper("number"), name="attempt_number_upper_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"


class PaperItem(UndeletableModel):
    """Question ``n`` of a candidate's paper, with the options in the candidate's order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="items")
    n = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=12)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="paper_items")
    option_order = models.JSONField()  # shown option i is the author's option option_order[i]

    class Meta:
        ordering = ["attempt", "n"]
        constraints = [models.UniqueConstraint(fields=["attempt", "n"], name="paper_item_unique")]


class Answer(models.Model):
    """The candidate's current choice for question ``n`` (a shown option index, or null when
    cleared) with the sequence number of the click that set it. Written by one upsert that keeps
    the newer sequence; never deleted (``UndeletableModel`` semantics without its manager, so the
    upsert stays a single statement)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    n = models.PositiveSmallIntegerField()
    choice = models.SmallIntegerField(null=True)
    # Every kind but single choice and true/false (recruitment/exam/scoring.py): {"choices": [shown
    # indexes]}, {"text": "…"} or {"pairs": [shown option index or null per stem]}.
    response = models.JSONField(null=True, blank=True)
    seq = models.BigIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["attempt", "n"]
        constraints = [models.UniqueConstraint(fields=["attempt", "n"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.n}={self.choice} (seq {self.seq})"

    def delete(self, *args, **kwargs):
        from core.models.base import ProtectedDeleteError

        raise ProtectedDeleteError(_("An acknowledged answer is never deleted."))


class ExamEvent(models.Model):
    """What happened in the room: logins, re-admissions, extra time, incidents, submissions, and
    logins locked after too many wrong passwords (recruitment/exam/throttle.py) and unlocked."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        REFUSED = "refused", _("Login refused")
        READMIT = "readmit", _("Re-admitted")
        EXTRA_TIME = "extra_time", _("Extra time")
        INCIDENT = "incident", _("Incident")
        SUBMIT = "submit", _("Handed in")
        AUTO_SUBMIT = "auto_submit", _("Submitted at the deadline")
        ABSENT = "absent", _("Marked absent")
        LOCKED = "locked", _("Login locked")
        UNLOCKED = "unlocked", _("Login unlocked")

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="events")
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%d/%m/%Y %H:%M:%S}"

    def delete(self, *args, **kwargs):
        from core.models.base import ProtectedDeleteError

        raise ProtectedDeleteError(_("The exam log is never deleted."))


class ItemStatistic(models.Model):
    """Item analysis of one question in one session."""

    session = models.ForeignKey(
        ExamSession, on_delete=models.PROTECT, related_name="item_statistics"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="statistics")
    exposures = models.PositiveIntegerField()
    facility = models.FloatField(null=True)
    discrimination = models.FloatField(null=True)
    # author's option index → times chosen; "blank" → count
    distractors = models.JSONField(default=dict)
    flag = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "question"], name="item_statistic_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question} @ {self.session_id}"

