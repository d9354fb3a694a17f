"""Recruitment rounds, vacancies, applications and their scores.

A round (đợt tuyển dụng) runs under the rule set of its announcement date (``recruitment.rules``).
Candidates are accounts of type ``candidate``; an application also keeps the candidate's data as
submitted (the Phiếu đăng ký dự tuyển), so rounds imported from another system work without
accounts. Round-1 counts of correct answers and round-2 marks (double marking, reconciliation)
feed the ranking; published results are frozen in ``RoundResult`` with the rule set they were
computed under. Nothing is deleted.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import OrgUnit, UndeletableModel
from positions.models import JobPosition, Rank


class RecruitmentRound(UndeletableModel):
    """A recruitment or promotion round of a recruiting authority (joint rounds included)."""

    class Kind(models.TextChoices):
        RECRUITMENT = "recruitment", _("Recruitment")
        PROMOTION = "promotion", _("Promotion (rank or grade)")

    class Method(models.TextChoices):
        EXAM = "exam", _("Examination (thi tuyển)")
        SELECTION = "selection", _("Selection (xét tuyển)")

    class Round2Form(models.TextChoices):
        WRITTEN = "written", _("Written")
        WRITTEN_INTERVIEW = "written_interview", _("Written and interview")
        INTERVIEW = "interview", _("Interview")
        PRACTICAL = "practical", _("Practical")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Receiving applications")
        REVIEW = "review", _("Eligibility review")
        EXAMS = "exams", _("Exams")
        RESULTS = "results", _("Results published")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("round code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.RECRUITMENT
    )
    method = models.CharField(
        _("method"), max_length=12, choices=Method.choices, default=Method.EXAM
    )
    agency = models.ForeignKey(
        OrgUnit, verbose_name=_("recruiting authority"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="recruitment_rounds",
        help_text=_("Empty for a round of the whole province."),
    )
    announced_on = models.DateField(_("announcement date"))
    applications_close_on = models.DateField(_("applications close on"), null=True, blank=True)
    round1_completed_on = models.DateField(_("round 1 completed on"), null=True, blank=True)
    round2_form = models.CharField(_("form of round 2"), max_length=20, choices=Round2Form.choices,
                                   default=Round2Form.WRITTEN)
    written_weight = models.DecimalField(
        _("written weight (%)"), max_digits=5, decimal_places=2, default=Decimal(100)
    )
    interview_weight = models.DecimalField(
        _("interview weight (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    fee = models.PositiveIntegerField(_("exam fee (VND)"), default=0)
    exam_notice = models.TextField(_("time and place of the exams"), blank=True,
                                   help_text=_("Printed on the candidates' summons."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    results_published_on = models.DateField(_("results published on"), null=True, blank=True)
    rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recruitment round")
        verbose_name_plural = _("recruitment rounds")
        ordering = ["-announced_on", "code"]
        # Granted per round (django-guardian) to exam-board members: run_round to run it,
        # edit_questions to write the questions of its banks as well as read them.
        permissions = [("run_round", _("Run a recruitment round: review, marks, results")),
                       ("edit_questions", _("Write the questions of the round's banks"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(written_weight__gte=0, interview_weight__gte=0),
                name="round_weights_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("recruitment:round_detail", args=[self.pk])

    def weights(self) -> dict[str, Decimal]:
        return {"written": self.written_weight, "interview": self.interview_weight}


class Vacancy(UndeletableModel):
    """A position to fill in the round, with its quota (chỉ tiêu)."""

    round = models.ForeignKey(RecruitmentRound, on_delete=models.PROTECT, related_name="vacancies")
    code = models.CharField(_("position code"), max_length=40)
    title = models.CharField(_("position"), max_length=255)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="vacancies",
    )
    job_position = models.ForeignKey(
        JobPosition, verbose_name=_("job position"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="vacancies",
    )
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="vacancies",
    )
    quota = models.PositiveSmallIntegerField(_("quota"))
    foreign_language = models.CharField(
        _("foreign language required"),
        max_length=50,
        blank=True,
        help_text=_("Empty when the position needs no foreign language."),
    )

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="vacancy_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Application(UndeletableModel):
    """A candidate's application to one vacancy (Phiếu đăng ký dự tuyển), their exam number and the
    review of their eligibility. A candidate sees only their own applications."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        REJECTED = "rejected", _("Not eligible")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Fee(models.TextChoices):
        UNPAID = "unpaid", _("Not paid")
        PAID = "paid", _("Paid")
        WAIVED = "waived", _("Waived")

    round = models.ForeignKey(
        RecruitmentRound, on_delete=models.PROTECT, related_name="applications"
    )
    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("position applied for"), on_delete=models.PROTECT,
        related_name="applications",
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="applications",
    )
    number = models.CharField(_("candidate number"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(
        _("sex"), max_length=6, choices=[("male", _("Male")), ("female", _("Female"))]
    )
    national_id = models.CharField(_("personal ID number"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    qualification = models.CharField(_("qualification"), max_length=255, blank=True)
    priority_codes = models.JSONField(_("priority categories"), default=list, blank=True)
    language_exempt = models.BooleanField(_("exempt from the foreign-language part"), default=False)
    exemption_reason = models.CharField(_("reason for the exemption"), max_length=255, blank=True)
    verification_exempt = models.BooleanField(
        _("round 1 waived by a verification result"), default=False
    )
    verification_score = models.DecimalField(
        _("verification result"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    fee_status = models.CharField(_("fee"), max_length=8, choices=Fee.choices, default=Fee.UNPAID)
    fee_receipt = models.CharField(_("receipt number"), max_length=40, blank=True)
    fee_paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    hired = models.ForeignKey(
        "personnel.CivilServant", verbose_name=_("personnel record"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["round", "number", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], condition=~Q(number=""), name="application_number"
            ),
            models.UniqueConstraint(
                fields=["round", "candidate"], condition=Q(candidate__isnull=False),
                name="one_application_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.full_name}"

    def get_absolute_url(self) -> str:
        return reverse("recruitment:application_detail", args=[self.pk])


class ApplicationDocument(UndeletableModel):
    """Evidence attached to an application (diplomas, priority certificates …), size- and
    type-checked."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=100)
    file = models.FileField(_("file"), upload_to="applications/%Y/")
    original_name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")


class Round1Score(UndeletableModel):
    """Correct answers in one part of round 1 (from the computer test, another system or paper)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="round1_scores"
    )
    part = models.CharField(_("part"), max_length=12)
    correct = models.PositiveSmallIntegerField(_("correct answers"))
    questions = models.PositiveSmallIntegerField(_("questions"))
    source = models.CharField(_("source"), max_length=12, default="import")

    class Meta:
        verbose_name = _("round 1 score")
        verbose_name_plural = _("round 1 scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "part"], name="round1_part_unique"),
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("questions")), name="round1_correct_le_questions"
            ),
        ]


class Mark(UndeletableModel):
    """A round-2 mark of one component (written, interview, practical) by one marker. Two markers
    mark a written paper; when they differ by more than the round's tolerance a reconciliation
    mark decides. Corrections are new rows that replace the old (``replaced``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="marks")
    component = models.CharField(_("component"), max_length=12)
    marker = models.PositiveSmallIntegerField(_("marker"))  # 1, 2, or 3 = reconciliation
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    examiner = models.CharField(_("examiner"), max_length=150, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    replaced = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["application", "component", "marker", "-entered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="mark_0_100"),
            # One current mark per paper, component and marker: a correction supersedes the old
            # row in the same transaction (services.marks_enter locks the application first).
            models.UniqueConstraint(fields=["application", "component", "marker"],
                                    condition=Q(replaced=False), name="one_current_mark"),
        ]


class Appeal(UndeletableModel):
    """A request for re-marking (phúc khảo) of a round-2 component, within the deadline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Re-marked")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    component = models.CharField(_("component"), max_length=12)
    reason = models.TextField(_("reason"))
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    new_score = models.DecimalField(
        _("score after re-marking"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("re-marking appeal")
        verbose_name_plural = _("re-marking appeals")
        ordering = ["-submitted_at"]
        # One re-marking per candidate and part: a second request would be answered by the same
        # re-marking of the same paper.
        constraints = [
            models.UniqueConstraint(
                fields=["application", "component"], name="appeal_once_per_part"
            )
        ]


class RoundResult(UndeletableModel):
    """A candidate's published result, frozen with the rule set it was computed under."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="result")
    round1_passed = models.BooleanField()
    professional_score = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    priority_points = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(null=True)
    result = models.CharField(max_length=14)
    note = models.CharField(max_length=500, blank=True)
    rule_set = models.CharField(max_length=32)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")


class RoundUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: an exam-board member granted one round."""

    content_object = models.ForeignKey(
        RecruitmentRound, on_delete=models.CASCADE, related_name="user_grants"
    )


class RoundGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        RecruitmentRound, on_delete=models.CASCADE, related_name="group_grants"
    )
