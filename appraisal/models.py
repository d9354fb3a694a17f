"""Annual appraisal and classification (đánh giá, xếp loại chất lượng), DOMAIN-RULES §2.

A year is opened for a unit subtree (:class:`AppraisalCycle`); everyone in it gets an
:class:`Appraisal` with the rule set of their category for that year (``APPR-ND335`` for civil
servants from 2026, ``APPR-ND90`` before and for public employees), their task group (nhóm nhiệm
vụ tương đồng, within which the HTXS quota is counted) and their leader flag. Under ND 335/2025 a
person is scored month by month or quarter by quarter (:class:`PeriodScore`, 100 points: general
criteria ≤ 30 + 70 × the task ratio); the annual score is the mean of the periods. Each unit's own
result for the year (:class:`UnitResult`) feeds the leader criteria. Nothing here is deleted.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import OrgUnit, UndeletableModel
from personnel.models import CivilServant


class Level(models.TextChoices):
    """The four levels of every regime (ND 90/2020, ND 335/2025, Law on Public Employees 2025)."""

    EXCELLENT = "HTXS", _("Excellently completed tasks (HTXS)")
    GOOD = "HTT", _("Completed tasks well (HTT)")
    COMPLETED = "HT", _("Completed tasks (HT)")
    FAILED = "KHT", _("Did not complete tasks (KHT)")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")


class AppraisalCycle(UndeletableModel):
    """One appraisal year of a unit and every unit under it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under way")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    period_kind = models.CharField(_("periods"), max_length=8, choices=PeriodKind.choices,
                                   default=PeriodKind.MONTH)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)
    # Art 20.5b ND 335/2025: a higher HTXS share for an organisation with outstanding results,
    # by decision of the competent authority; empty: the rule set's 20 % of HTT.
    excellent_share = models.DecimalField(_("HTXS share of HTT (%)"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    excellent_share_decision = models.CharField(_("decision allowing a higher share"),
                                                max_length=150, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # 100 for a cycle opened at once; the background opening starts it at 0 and the board polls it.
    progress = models.PositiveSmallIntegerField(_("progress"), default=100)

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["year", "unit"],
                                               name="appraisal_cycle_year_unit")]

    def __str__(self) -> str:
        return f"{self.year} · {self.unit.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appraisal:board", args=[self.pk])

    @property
    def periods(self) -> range:
        return range(1, 13) if self.period_kind == PeriodKind.MONTH else range(1, 5)


class Appraisal(UndeletableModel):
    """One person's appraisal for one year, from self-assessment to the published decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being scored")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        REVIEWED = "reviewed", _("Reviewed by the collective")
        CONSOLIDATED = "consolidated", _("Consolidated by HR")
        PROPOSED = "proposed", _("Proposed by the committee")
        DECIDED = "decided", _("Decided")
        PUBLISHED = "published", _("Published")

    class Leader(models.TextChoices):
        NONE = "", _("Not a leader")
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy")

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.PROTECT, related_name="appraisals")
    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="appraisals")
    # The agency whose committee appraises the person and within which the quota is counted (a
    # division's people are appraised by its department); the unit the person works in or leads.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("appraising unit"), on_delete=models.PROTECT,
                             related_name="+")
    work_unit = models.ForeignKey(OrgUnit, verbose_name=_("work unit"), on_delete=models.PROTECT,
                                  related_name="+")
    rule_set = models.CharField(_("rule set"), max_length=32)
    category = models.CharField(_("category"), max_length=20)
    task_group = models.CharField(_("task group"), max_length=100, blank=True)
    leader = models.CharField(_("leadership"), max_length=8, choices=Leader.choices, blank=True,
                              default="")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN)
    # Facts of the year that move the level whatever the score (ND 335/2025 Art 20.4; ND 90 Art 2).
    months_worked = models.PositiveSmallIntegerField(_("months worked"), null=True, blank=True)
    leave_months = models.PositiveSmallIntegerField(_("months of legal leave"), default=0)
    maternity_leave = models.BooleanField(_("maternity leave"), default=False)
    degradation = models.CharField(_("conclusion of degradation"), max_length=200, blank=True)
    corruption_case = models.CharField(_("unit handled for corruption"), max_length=200, blank=True)
    criteria = models.JSONField(_("criteria (ND 90)"), default=dict, blank=True)
    self_level = models.CharField(_("self-assessed level"), max_length=4, choices=Level.choices,
                                  blank=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    # Four places, as the period scores: the level is decided on the exact mean, then stored.
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    level = models.CharField(_("level"), max_length=4, choices=Level.choices, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    moved_down = models.BooleanField(_("moved down by the quota"), default=False)
    # The committee's word: its proposed level, and for a tie at the quota's cut whether this
    # person keeps HTXS ("keep") or is moved down ("down"); empty until it speaks.
    proposed_level = models.CharField(_("level proposed by the committee"), max_length=4,
                                      choices=Level.choices, blank=True)
    quota_decision = models.CharField(_("committee's decision at the quota cut"), max_length=4,
                                      blank=True,
                                      choices=[("keep", _("Keeps HTXS")),
                                               ("down", _("Moved down to HTT"))])
    committee_note = models.TextField(_("committee's note"), blank=True)
    # ND 90/2020 Art 17 (công chức; the same steps for cán bộ and viên chức): the Party committee's
    # written opinion on a leader, then HR's consolidation and proposal.
    party_opinion = models.TextField(_("Party committee's opinion"), blank=True)
    party_body = models.CharField(_("Party committee"), max_length=200, blank=True)
    party_opinion_on = models.DateField(_("opinion given on"), null=True, blank=True)
    hr_note = models.TextField(_("HR's consolidation and proposal"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_authority = models.CharField(_("deciding authority"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["unit__path", "servant__sort_key"]
        # One appraisal per person and cycle, enforced by the database: the opening may run twice.
        constraints = [models.UniqueConstraint(fields=["cycle", "servant"],
                                               name="appraisal_one_per_cycle")]
        # The quota is counted per appraising unit and task group (ND 335/2025 Art 20.5a).
        indexes = [models.Index(fields=["unit", "task_group"], name="appraisal_unit_group")]
        permissions = [("propose_level", "Can propose appraisal levels as a committee member")]

    def __str__(self) -> str:
        return f"{self.servant.full_name} · {self.cycle.year}"

    @property
    def is_leader(self) -> bool:
        return bool(self.leader)


class PeriodScore(models.Model):
    """The score of one month or quarter under ND 335/2025 (Art 12–16): general criteria (≤ 30;
    the leader's score counts, the self-score is kept beside it) and the task components in %."""

    class Source(models.TextChoices):
        LEDGER = "ledger", _("Work ledger")
        IMPORT = "import", _("Imported")
        ENTRY = "entry", _("Entered")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="periods")
    period = models.PositiveSmallIntegerField(_("period"))
    general_self = models.DecimalField(_("general criteria, self"), max_digits=5, decimal_places=2,
                                       null=True, blank=True)
    general = models.DecimalField(_("general criteria"), max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    quantity = models.DecimalField(_("quantity (%)"), max_digits=6, decimal_places=2, null=True,
                                   blank=True)
    quality = models.DecimalField(_("quality (%)"), max_digits=6, decimal_places=2, null=True,
                                  blank=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=6, decimal_places=2, null=True,
                                   blank=True)
    # Leaders and deputies (Art 15): d from the unit's staff, đ and e entered.
    direction = models.DecimalField(_("unit results, d (%)"), max_digits=6, decimal_places=2,
                                    null=True, blank=True)
    organisation = models.DecimalField(_("organising implementation, đ (%)"), max_digits=6,
                                       decimal_places=2, null=True, blank=True)
    solidarity = models.DecimalField(_("gathering and uniting, e (%)"), max_digits=6,
                                     decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices,
                              default=Source.ENTRY)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("period score")
        verbose_name_plural = _("period scores")
        ordering = ["appraisal", "period"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "period"], name="period_score_once"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=12),
                                   name="period_score_period_range"),
            # General criteria weigh at most 30 points (ND 335/2025 Art 12), in the database too,
            # for imports.
            models.CheckConstraint(condition=Q(general__isnull=True)
                                   | Q(general__gte=0, general__lte=30),
                                   name="period_score_general_30"),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.period}"


class UnitResult(UndeletableModel):
    """A unit's own appraisal of the year: its planned targets, how many were completed on time and
    with quality, how many exceeded, and the levels of its sub-units; the leader criteria of ND 90
    and the components d/đ of ND 335 read it."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    targets_planned = models.PositiveIntegerField(_("planned targets"), default=0)
    targets_on_time = models.PositiveIntegerField(_("completed on time and with quality"),
                                                  default=0)
    targets_exceeded = models.PositiveIntegerField(_("exceeded"), default=0)
    level = models.CharField(_("level"), max_length=4, choices=Level.choices, blank=True)
    corruption_case = models.CharField(_("handled for corruption"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_result_once")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.year}"


class WorkItem(UndeletableModel):
    """A product or work item of a job position's catalogue (danh mục sản phẩm, công việc;
    ND 335/2025 Art 13): its name, unit of output and conversion coefficient. HR edits it by
    making a new version (the old one gets ``valid_to``); an assignment keeps the version it
    was given, so a later change of coefficient never rewrites a closed period."""

    position = models.ForeignKey("positions.JobPosition", verbose_name=_("job position"),
                                 on_delete=models.PROTECT, related_name="work_items")
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("product or work item"), max_length=255)
    output_unit = models.CharField(_("unit of output"), max_length=50)
    coefficient = models.DecimalField(_("conversion coefficient"), max_digits=6, decimal_places=2)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue of products and work items")
        ordering = ["position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["position", "code", "version"],
                                    name="work_item_version_once"),
            # One current version per item; old versions stay for the assignments that point at
            # them.
            models.UniqueConstraint(fields=["position", "code"], condition=Q(valid_to__isnull=True),
                                    name="work_item_one_current"),
            models.CheckConstraint(condition=Q(coefficient__gt=0),
                                   name="work_item_coefficient_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.output_unit}, ×{self.coefficient:g})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appraisal:catalogue") + f"?position={self.position_id}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def ledger_upload_to(instance, filename: str) -> str:
    return f"ledger/{timezone.localdate():%Y/%m}/{filename}"


class WorkAssignment(UndeletableModel):
    """One product assigned to one person for one period (the work ledger of ND 335/2025
    Art 13–14): the leader assigns it with a due date, the person reports it done (with a file or
    a link), the leader accepts it or returns it for a major content error (each return takes
    25 % of its quality points), and a report after the due date is a delay (25 % of its progress
    points each), unless an objective cause is recorded with the one who approved it."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        REPORTED = "reported", _("Reported done")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="assignments")
    # The person's work unit when assigned: the leader's
    # scope and the person's own are checked on it.
    work_unit = models.ForeignKey(OrgUnit, verbose_name=_("work unit"), on_delete=models.PROTECT,
                                  related_name="+")
    item = models.ForeignKey(WorkItem, verbose_name=_("catalogue item"), on_delete=models.PROTECT,
                             related_name="assignments")
    title = models.CharField(_("what exactly"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantity assigned"), max_digits=8, decimal_places=2,
                                   default=1)
    period = models.PositiveSmallIntegerField(_("period"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    completed = models.DecimalField(_("quantity completed"), max_digits=8, decimal_places=2,
                                    null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    report_note = models.TextField(_("report"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=ledger_upload_to, blank=True,
                                  max_length=255)
    attachment_name = models.CharField(max_length=255, blank=True)
    link = models.URLField(_("link to the product"), blank=True, max_length=500)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    quality_failures = models.PositiveSmallIntegerField(_("failed quality reviews"), default=0)
    delays = models.PositiveSmallIntegerField(_("delays"), default=0)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("leader's review"), blank=True)
    # An objective cause (ND 335/2025 Art 14.2–14.3): the deduction does not apply, and the record
    # says who approved it.
    exempt_quality = models.BooleanField(_("quality deductions waived"), default=False)
    exempt_progress = models.BooleanField(_("delay deductions waived"), default=False)
    exempt_reason = models.TextField(_("objective cause"), blank=True)
    exempt_approver = models.CharField(_("approved by"), max_length=200, blank=True)
    exempt_approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("work assignment")
        verbose_name_plural = _("work ledger")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["appraisal", "period"], name="assignment_appraisal_period")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="assignment_quantity_positive"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=12),
                                   name="assignment_period_range"),
        ]
        permissions = [("assign_work", "Can assign and review work items of the staff of a unit")]

    def __str__(self) -> str:
        return self.title or self.item.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appraisal:ledger") + f"?unit={self.work_unit_id}"

    @property
    def is_late(self) -> bool:
        return bool(self.completed_on and self.completed_on > self.due_date)


class ReviewMeeting(UndeletableModel):
    """The collective review meeting of a unit (cuộc họp nhận xét, đánh giá; ND 90/2020 Art 17.2):
    each person presents their self-assessment, the colleagues' opinions are minuted and adopted."""

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.PROTECT, related_name="meetings")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    held_on = models.DateField(_("held on"))
    chaired_by = models.CharField(_("chaired by"), max_length=200)
    attendee_count = models.PositiveSmallIntegerField(_("number attending"))
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appraisal:workflow", args=[self.cycle_id]) + f"?unit={self.unit_id}"


class ReviewOpinion(UndeletableModel):
    """The meeting's opinion on one person, and the level it proposes."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="opinions")
    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="opinions")
    opinion = models.TextField(_("opinions"))
    proposed_level = models.CharField(_("level proposed by the meeting"), max_length=4,
                                      choices=Level.choices, blank=True)

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [models.UniqueConstraint(fields=["meeting", "appraisal"],
                                               name="review_opinion_once")]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.meeting.held_on:%d/%m/%Y}"


class Petition(UndeletableModel):
    """A petition against a published level (kiến nghị; for public employees from 1/7/2026: within
    5 days of publication, answered within 10 working days; otherwise under the law on complaints),
    and its answer; a changed level is written on the appraisal with the reason."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Level kept")
        CHANGED = "changed", _("Level changed")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="petitions")
    filed_on = models.DateField(_("filed on"))
    text = models.TextField(_("petition"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", null=True)
    rule_set = models.CharField(_("rule set"), max_length=32)
    due_on = models.DateField(_("answer due by"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    new_level = models.CharField(_("new level"), max_length=4, choices=Level.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.filed_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appraisal:workflow",
                       args=[self.appraisal.cycle_id]) + f"?unit={self.appraisal.unit_id}"


class Reminder(models.Model):
    """An e-mail reminder sent before a period of a year closes (to a person: their self-score or
    products still due; to a unit head: products awaiting review), kept so that the daily run sends
    each one once per cycle, period, address and kind."""

    class Kind(models.TextChoices):
        SELF = "self", _("Self-score and products due")
        REVIEW = "review", _("Products awaiting review")

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.PROTECT, related_name="reminders")
    period = models.PositiveSmallIntegerField(_("period"))
    email = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "period", "email", "kind"],
                                               name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.email} · {self.cycle} · {self.period}"
