"""Staff streamlining (tinh giản biên chế) and the exits of the apparatus reorganisation.

A ``Plan`` sets, for a unit and a year, how many people are to leave on each legal ground, by staff
category and sector, and is approved by a decision (number, date, signer). A ``Case`` is one
person's dossier: the legal ground and its case number (ND 154/2025 Art 2 cases, ND 178/2024
subjects, ND 177/2024 for cadres not re-elected), the option chosen, the evidence drawn from the
record, the exclusions (ND 154 Art 3: pregnancy, maternity, a child under 36 months unless
voluntary; discipline, prosecution, inspection), the approval chain (the unit proposes, HR reviews,
the authority decides), the decision, the payment, and the amounts from ``streamlining.rules`` with
their formula version and inputs, frozen at the decision. Nothing here is ever deleted.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgUnit, UndeletableModel, UnitChange
from personnel.models import CareerEvent, CivilServant
from positions.models import Category


class Ground(models.TextChoices):
    """The decree a case is decided under (DOMAIN-RULES §6)."""

    ND154 = "ND154", _("ND 154/2025 (staff streamlining)")
    ND178 = "ND178", _("ND 178/2024 (apparatus reorganisation)")
    ND177 = "ND177", _("ND 177/2024 (cadres not re-elected)")


# The case numbers each decree lists (ND 154 Art 2 cl. 1;
# ND 178 Art 2; ND 177 Art 2), as short labels.
CASE_NUMBERS = {
    Ground.ND154: {
        1: _("Redundant after a reorganisation"),
        2: _("Leader ceasing a post through a reorganisation, volunteers"),
        3: _("Leader ceasing a post by decision, volunteers"),
        4: _("Surplus after reviewing staff by job position"),
        5: _("Training level below the position's requirement"),
        6: _("Rated 'did not complete tasks' in the previous or current year"),
        7: _("Sick leave above the social-insurance maximum"),
        8: _("Other case of the decree"),
    },
    Ground.ND178: {
        1: _("Directly affected by the reorganisation"),
        2: _("Not directly affected, leaving to improve quality"),
        3: _("Staff of associations assigned by the Party and the State"),
        4: _("Leader ceasing a post through the reorganisation"),
    },
    Ground.ND177: {
        1: _("Cadre not re-elected or not re-appointed"),
        2: _("Cadre with 2.5 to 5 years to retirement who wishes to retire"),
    },
}


class Option(models.TextChoices):
    """What the person takes; early retirement ends the
    career as retired, the others as streamlined."""

    EARLY_RETIREMENT = "early_retirement", _("Early retirement")
    RESIGNATION = "resignation", _("Resignation")


class Plan(UndeletableModel):
    """A unit's streamlining plan for a year (kế hoạch tinh giản biên chế), approved by decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("streamlining plan")
        verbose_name_plural = _("streamlining plans")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"],
                                               name="streamlining_plan_unit_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("streamlining:plan_detail", args=[self.pk])


class PlanTarget(UndeletableModel):
    """How many people a plan expects to leave on one ground, of one category, in one sector."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="targets")
    ground = models.CharField(_("legal ground"), max_length=8, choices=Ground.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=OrgUnit.Sector.choices)
    target = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [models.UniqueConstraint(fields=["plan", "ground", "category", "sector"],
                                               name="streamlining_target_unique")]

    def __str__(self) -> str:
        return f"{self.ground} {self.category} {self.sector}: {self.target}"


class Case(UndeletableModel):
    """One person's streamlining dossier, from the unit's proposal to the payment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed by the unit")
        REVIEWED = "reviewed", _("Reviewed by HR")
        DECIDED = "decided", _("Decided")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")

    code = models.CharField(_("case code"), max_length=32, unique=True)
    servant = models.ForeignKey(CivilServant, verbose_name=_("person"), on_delete=models.PROTECT,
                                related_name="streamlining_cases")
    # The person's unit when the case was opened: the case stays with it after the person leaves.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    ground = models.CharField(_("legal ground"), max_length=8, choices=Ground.choices)
    case_number = models.PositiveSmallIntegerField(_("case number"))
    option = models.CharField(_("option"), max_length=20, choices=Option.choices)
    leaving_date = models.DateField(_("leaving date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=OrgUnit.Sector.choices)
    reorganisation = models.ForeignKey(UnitChange, verbose_name=_("reorganisation decision"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    # Exclusions the record cannot know (ND 154 Art 3; CV 2529/SNV): declared on the case.
    pregnant = models.BooleanField(_("pregnant"), default=False)
    maternity = models.BooleanField(_("on maternity leave"), default=False)
    child_under_36_months = models.BooleanField(_("raising a child under 36 months"), default=False)
    voluntary = models.BooleanField(_("leaves voluntarily"), default=False)
    prosecuted = models.BooleanField(_("under prosecution or investigation"), default=False)
    inspected = models.BooleanField(_("under inspection or audit"), default=False)
    evidence = models.JSONField(_("evidence from the record"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason refused"), max_length=500, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    # The calculation (streamlining.rules): recomputed
    # while the case is open, frozen at the decision.
    rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    formula_version = models.CharField(_("formula version"), max_length=64, blank=True)
    inputs = models.JSONField(_("inputs of the calculation"), default=dict, blank=True)
    amounts = models.JSONField(_("amounts"), default=dict, blank=True)
    total = models.BigIntegerField(_("total (VND)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("amount paid (VND)"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    event = models.ForeignKey(CareerEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("streamlining case")
        verbose_name_plural = _("streamlining cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="streamlining_case_unit_status")]

    def __str__(self) -> str:
        return f"{self.code} — {self.servant.full_name}"

    def get_absolute_url(self) -> str:
        return reverse("streamlining:case_detail", args=[self.pk])

    @property
    def case_label(self) -> str:
        return str(CASE_NUMBERS.get(self.ground, {}).get(self.case_number, ""))

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED, self.Status.REVIEWED)
