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


class SalaryGroup(UndeletableModel):
    """A group of a salary table (A3.1, A2.1, A1, A0, B, C1 …) with the interval between regular
    step raises it implies (TT 08/2013/TT-BNV Art 2: 60, 36 or 24 months)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    table = models.CharField(_("salary table"), max_length=100, blank=True)
    step_interval_months = models.PositiveSmallIntegerField(_("months between regular raises"))
    # Excess-seniority allowance (phụ cấp thâm niên vượt khung) starts after this many months at the last step.
    excess_after_months = models.PositiveSmallIntegerField(_("months at the last step before excess seniority"))

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
        constraints = [models.UniqueConstraint(fields=["group", "step", "valid_from"], name="coefficient_unique")]

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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CIVIL_SERVANT)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    salary_group = models.ForeignKey(SalaryGroup, verbose_name=_("salary group"), on_delete=models.PROTECT,
                                     related_name="ranks")
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

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, default=Group.PROFESSIONAL)
    rank = models.ForeignKey(Rank, verbose_name=_("corresponding rank"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="positions")
    posts = models.PositiveSmallIntegerField(_("number of posts"), default=1)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

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
        return reverse("core:unit_detail", args=[self.unit_id])


def coefficient_of(group: SalaryGroup, step: int, day: date) -> Decimal | None:
    row = group.coefficients.filter(step=step, valid_from__lte=day).order_by("-valid_from").first()
    return row.coefficient if row else None
