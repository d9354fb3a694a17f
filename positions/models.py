"""Ranks, salary scales and job positions.

Salary coefficients (ND 204/2004/NĐ-CP tables) and the base salary (lương cơ sở) are dated data,
loaded by data migrations and never edited in place: a new decree adds rows with a later
``valid_from``. Monthly salary = coefficient × base salary in force that month (TT 07/2024/TT-BNV).
"""
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import OrgUnit, UndeletableModel


class Category(models.TextChoices):
    """Staff categories (DESIGN.md glossary); staffing quotas (biên chế) are set per category."""

    CADRE = "cadre", _("Cadre (cán bộ)")
    CIVIL_SERVANT = "civil_servant", _("Civil servant (công chức)")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee (viên chức)")
    CONTRACT = "contract", _("Contract staff")
    COMMUNE_PART_TIME = "commune_part_time", _("Commune part-time worker")


class SalaryGroup(UndeletableModel):
    """A group of a salary table (A3.1, A2.1, A1, A0, B, C1 …) with the interval between regular
    step raises it implies (TT 08/2013/TT-BNV Art 2: 60, 36 or 24 months)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    table = models.CharField(_("salary table"), max_length=100, blank=True)
    step_interval_months = models.PositiveSmallIntegerField(_("months between regular raises"))
    # Excess-seniority allowance (phụ cấp thâm niên vượt
    # khung) starts after this many months at the last step.
    excess_after_months = models.PositiveSmallIntegerField(
        _("months at the last step before excess seniority"))

    class Meta:
        verbose_name = _("salary group")
        verbose_name_plural = _("salary groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class SalaryCoefficient(UndeletableModel):
    """Coefficient of one step of a group, from ``valid_from`` until a later row replaces it."""

    group = models.ForeignKey(SalaryGroup, on_delete=models.PROTECT, related_name="coefficients")
    step = models.PositiveSmallIntegerField(_("step"))
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=100)

    class Meta:
        verbose_name = _("salary coefficient")
        verbose_name_plural = _("salary coefficients")
        ordering = ["group", "step", "valid_from"]
        # A new table is new rows from its date; the old rows stay, for salaries paid before it.
        constraints = [models.UniqueConstraint(fields=["group", "step", "valid_from"],
                                               name="coefficient_unique")]

    def __str__(self) -> str:
        return f"{self.group.code} bậc {self.step}: {self.coefficient}"


class BaseSalary(UndeletableModel):
    """The statutory base salary (lương cơ sở) from a date."""

    amount = models.PositiveIntegerField(_("amount (VND)"))
    valid_from = models.DateField(_("valid from"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=100)

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.amount:,} ({self.valid_from:%d/%m/%Y})"

    @classmethod
    def on(cls, day: date) -> "BaseSalary | None":
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


class Rank(UndeletableModel):
    """A civil-servant rank (ngạch, e.g. 01.003 Chuyên viên) or a public employee's professional
    title grade (chức danh nghề nghiệp, hạng I–IV), tied to a salary group (TT 02/2021/TT-BNV)."""

    class Kind(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", _("Civil-servant rank")
        PUBLIC_EMPLOYEE = "public_employee", _("Professional title grade")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        SENIOR_EXPERT = "senior_expert", _("Senior expert and equivalent")
        SENIOR = "senior", _("Senior specialist and equivalent")
        PRINCIPAL = "principal", _("Principal specialist and equivalent")
        SPECIALIST = "specialist", _("Specialist and equivalent")
        OFFICER = "officer", _("Officer (cán sự) and equivalent")
        STAFF = "staff", _("Staff (nhân viên)")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.CIVIL_SERVANT)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    salary_group = models.ForeignKey(SalaryGroup, verbose_name=_("salary group"),
                                     on_delete=models.PROTECT, related_name="ranks")
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class JobPosition(UndeletableModel):
    """A job position (vị trí việc làm) of a unit: title, group, the rank it corresponds to and the
    number of posts (Law 80/2025 Art 24; ND 361/2025)."""

    class Group(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership and management")
        PROFESSIONAL = "professional", _("Professional and technical")
        SUPPORT = "support", _("Support and service")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="positions")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices,
                             default=Group.PROFESSIONAL)
    rank = models.ForeignKey(Rank, verbose_name=_("corresponding rank"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="positions")
    posts = models.PositiveSmallIntegerField(_("number of posts"), default=1)
    leadership_title = models.ForeignKey("LeadershipTitle", verbose_name=_("leadership title"),
                                         null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="positions")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False, blank=True)

    class Meta:
        verbose_name = _("job position")
        verbose_name_plural = _("job positions")
        ordering = ["unit", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], condition=Q(valid_to__isnull=True),
                                    name="position_code_open_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("positions:position_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.valid_to is None


class LeadershipTitle(UndeletableModel):
    """A leadership title by kind of unit (Giám đốc Sở, Phó Trưởng phòng, Chủ tịch UBND xã …)."""

    class Level(models.TextChoices):
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy")

    name = models.CharField(_("name"), max_length=150, unique=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    unit_kind = models.CharField(_("kind of unit"), max_length=32, choices=OrgUnit.Kind.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leadership title")
        verbose_name_plural = _("leadership titles")
        ordering = ["unit_kind", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Competency(UndeletableModel):
    """A competency of the framework (khung năng lực): one of the 7 general groups every civil
    servant has (draft ND 361 project), a managerial or a professional competency, assessed on
    levels 1–5. Descriptors not yet confirmed against an official text are marked so."""

    class Group(models.TextChoices):
        GENERAL = "general", _("General competency")
        MANAGERIAL = "managerial", _("Managerial competency")
        PROFESSIONAL = "professional", _("Professional competency")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    description = models.TextField(_("description"), blank=True)
    field = models.CharField(_("field"), max_length=150, blank=True,
                             help_text=_("For professional competencies."))
    confirmed = models.BooleanField(_("confirmed against an official text"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["group", "sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("positions:competency_update", args=[self.pk])


class CompetencyLevel(UndeletableModel):
    """What level 1–5 of a competency means (level descriptor)."""

    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    descriptor = models.TextField(_("descriptor"))
    confirmed = models.BooleanField(_("confirmed against an official text"), default=False)

    class Meta:
        verbose_name = _("competency level")
        verbose_name_plural = _("competency levels")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="competency_level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="competency_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} — {self.level}"


class PositionDossier(UndeletableModel):
    """A unit's dossier for approving its job positions (ND 361/2025 Art 5): the list of positions,
    a job description and competency framework for each, the ratio per position. It moves draft →
    submitted → appraised → approved; approval freezes the descriptions it carries."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPRAISED = "appraised", _("Appraised")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="dossiers")
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    appraisal_note = models.TextField(_("appraisal opinion"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("position approval dossier")
        verbose_name_plural = _("position approval dossiers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("positions:dossier_detail", args=[self.pk])


class JobDescription(UndeletableModel):
    """One version of a position's job description (bản mô tả công việc) and, through its
    required competencies, its competency framework. A version approved through a dossier is
    frozen; changing it starts a new draft version (DOMAIN-RULES §4.2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPRAISED = "appraised", _("Appraised")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    position = models.ForeignKey(JobPosition, on_delete=models.PROTECT, related_name="descriptions")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    dossier = models.ForeignKey(PositionDossier, verbose_name=_("dossier"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="descriptions")
    objectives = models.TextField(_("objectives"), blank=True)
    tasks = models.TextField(_("specific tasks"), blank=True)
    outputs = models.TextField(_("products and outputs"), blank=True)
    evaluation_criteria = models.TextField(_("evaluation criteria"), blank=True)
    relationships = models.TextField(_("working relationships"), blank=True)
    authority = models.TextField(_("scope of authority"), blank=True)
    conditions = models.TextField(_("working conditions"), blank=True)
    qualifications = models.TextField(_("required qualifications"), blank=True)
    experience = models.TextField(_("experience and personal qualities"), blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TEXT_FIELDS = ("objectives", "tasks", "outputs", "evaluation_criteria", "relationships",
                   "authority", "conditions", "qualifications", "experience")

    class Meta:
        verbose_name = _("job description")
        verbose_name_plural = _("job descriptions")
        ordering = ["position", "-version"]
        constraints = [models.UniqueConstraint(fields=["position", "version"],
                                               name="description_version_unique")]

    def __str__(self) -> str:
        return f"{self.position} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class RequiredCompetency(models.Model):
    """A competency and the level 1–5 a job description requires: one line of its framework.
    Lines of a draft may be removed (services allow it only while the description is a draft);
    an approved framework is frozen with its description."""

    description = models.ForeignKey(JobDescription, on_delete=models.PROTECT,
                                    related_name="requirements")
    competency = models.ForeignKey(Competency, verbose_name=_("competency"),
                                   on_delete=models.PROTECT, related_name="requirements")
    level = models.PositiveSmallIntegerField(_("required level"))

    class Meta:
        verbose_name = _("required competency")
        verbose_name_plural = _("required competencies")
        ordering = ["competency__group", "competency__sort_order", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["description", "competency"],
                                    name="requirement_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="requirement_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code}: {self.level}"


class StaffingQuota(UndeletableModel):
    """The staffing quota (biên chế) of a unit for a year and a category of staff."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="quotas")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    number = models.PositiveIntegerField(_("number"))
    decision = models.CharField(_("decision"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("staffing quota")
        verbose_name_plural = _("staffing quotas")
        ordering = ["-year", "unit", "category"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "category"],
                                               name="quota_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_category_display()}: {self.number}"


class RankRatioCap(UndeletableModel):
    """A cap on the share of posts of a rank level among a kind of unit's positions (ND 361/2025:
    e.g. ≤ 40 % senior-specialist-level posts in ministry departments). Provincial and commune caps
    are not yet published: provincial HR may set them, marked unconfirmed."""

    unit_kind = models.CharField(_("kind of unit"), max_length=32, choices=OrgUnit.Kind.choices)
    rank_level = models.CharField(_("rank level"), max_length=20, choices=Rank.Level.choices)
    max_percent = models.PositiveSmallIntegerField(_("maximum share (%)"))
    legal_basis = models.CharField(_("legal basis"), max_length=150, blank=True)
    # Provincial and commune caps are not published yet (DOMAIN-RULES §4.1): entered caps stay
    # unconfirmed until checked.
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=False)

    class Meta:
        verbose_name = _("rank ratio cap")
        verbose_name_plural = _("rank ratio caps")
        constraints = [models.UniqueConstraint(fields=["unit_kind", "rank_level"],
                                               name="ratio_cap_unique")]

    def __str__(self) -> str:
        return (f"{self.get_unit_kind_display()}: {self.get_rank_level_display()} "
                f"≤ {self.max_percent}%")


def coefficient_of(group: SalaryGroup, step: int, day: date) -> Decimal | None:
    # The row in force on ``day``: the latest one dated on or before it.
    row = group.coefficients.filter(step=step, valid_from__lte=day).order_by("-valid_from").first()
    return row.coefficient if row else None
