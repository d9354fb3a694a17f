"""The personnel record: each civil servant from recruitment to retirement.

``CivilServant`` holds the Mẫu 2C résumé fields and, denormalised for fast lists, the person's
current unit, position, title, rank and salary step. Those current fields are written only by the
services in ``personnel.services``, which also write the effective-dated history rows
(``Assignment``, ``SalaryRecord``), the typed ``CareerEvent`` with its decision, and field-level
audit entries. Nothing here is ever hard-deleted; a wrong event is corrected by a new one.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgUnit, UndeletableModel, UndeletableQuerySet
from positions.models import Category, JobPosition, Rank

__all__ = ["Allowance", "Assignment", "Attachment", "CareerEvent", "Category", "CivilServant",
           "CompetencyAssessment", "Contract", "DisciplineRecord", "FamilyMember", "Leadership",
           "LeaveRecord", "RewardRecord", "SalaryRecord", "Sex", "TrainingPlan", "TrainingRecord",
           "Verification"]


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Leadership(models.TextChoices):
    NONE = "", _("Not a leader")
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy")


class Verification(models.TextChoices):
    """Whether the HR level above has checked a record against its documents (the national
    CBCCVC database takes verified records; DOMAIN-RULES §5.2)."""

    ENTERED = "entered", _("Entered")
    VERIFIED = "verified", _("Verified")


class ServantQuerySet(UndeletableQuerySet):
    def search(self, text: str, *, id_visible: Q | None = None) -> "ServantQuerySet":
        """Diacritic- and case-insensitive: 'nguyen van a' finds 'Nguyễn Văn A'; codes and ID
        numbers too.

        ``id_visible`` (a condition) limits matching on the ID number to the people it selects: for
        anyone else a word with a digit must be in the employee code, or the search would read
        back a masked ID number digit by digit (personnel.privacy)."""
        from core.text import unaccent

        queryset = self
        for word in unaccent(text).split():
            condition = Q(search_text__contains=word)
            if id_visible is not None and any(ch.isdigit() for ch in word):
                condition &= Q(code__icontains=word) | id_visible
            queryset = queryset.filter(condition)
        return queryset

    def active(self) -> "ServantQuerySet":
        return self.filter(status=CivilServant.Status.ACTIVE)


class CivilServant(UndeletableModel):
    """A cán bộ, công chức, viên chức or contract worker, keyed by the 12-digit personal
    identification number (số định danh cá nhân, the national key under ND 27/2026) and by a
    unique employee code. Fields follow the Mẫu 2C-BNV/2008 résumé (DOMAIN-RULES §5.1)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Working")
        RETIRED = "retired", _("Retired")
        RESIGNED = "resigned", _("Resigned")
        STREAMLINED = "streamlined", _("Left by streamlining")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out of the province")
        DISMISSED = "dismissed", _("Forced to resign")
        DECEASED = "deceased", _("Deceased")

    class BirthPrecision(models.TextChoices):
        DAY = "day", _("Full date")
        MONTH = "month", _("Month and year")
        YEAR = "year", _("Year only")

    # Identity (2C items 1–3, 25)
    # Unique through Meta.constraints: a unique field would also get a LIKE-prefix index on
    # PostgreSQL that no query uses (search goes through search_text).
    code = models.CharField(_("employee code"), max_length=32)
    national_id = models.CharField(_("personal ID number"), max_length=12)
    full_name = models.CharField(_("full name"), max_length=150)
    other_names = models.CharField(_("other names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    birth_precision = models.CharField(_("birth date precision"), max_length=5,
                                       choices=BirthPrecision.choices, default=BirthPrecision.DAY)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices,
                                default=Category.CIVIL_SERVANT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    status_date = models.DateField(_("status since"), null=True, blank=True)
    id_issue_date = models.DateField(_("ID issued on"), null=True, blank=True)
    id_issue_place = models.CharField(_("ID issued by"), max_length=150, blank=True)
    # Origin and residence (2C items 4–9)
    place_of_birth = models.CharField(_("place of birth"), max_length=255, blank=True)
    home_town = models.CharField(_("home town"), max_length=255, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    permanent_address = models.CharField(_("permanent residence"), max_length=255, blank=True)
    current_address = models.CharField(_("current residence"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Recruitment (2C items 10–11)
    occupation_before = models.CharField(_("occupation when recruited"), max_length=255, blank=True)
    recruitment_date = models.DateField(_("recruitment date"), null=True, blank=True)
    recruiting_agency = models.CharField(_("recruiting agency"), max_length=255, blank=True)
    # Current work (2C items 12–14): written only by personnel services
    # Indexed by servant_unit_list_idx, whose first column it is.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="servants", db_index=False)
    job_position = models.ForeignKey(JobPosition, verbose_name=_("job position"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="holders")
    title = models.CharField(_("title"), max_length=150, blank=True)
    leadership = models.CharField(_("leadership"), max_length=8, choices=Leadership.choices,
                                  blank=True, default="")
    main_duties = models.TextField(_("main duties"), blank=True)
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="servants")
    salary_step = models.PositiveSmallIntegerField(_("salary step"), null=True, blank=True)
    salary_coefficient = models.DecimalField(_("salary coefficient"), max_digits=5,
                                             decimal_places=2, null=True, blank=True)
    salary_step_date = models.DateField(_("step held since"), null=True, blank=True)
    excess_seniority_percent = models.PositiveSmallIntegerField(_("excess seniority allowance (%)"),
                                                                default=0)
    position_allowance = models.DecimalField(_("position allowance coefficient"), max_digits=4,
                                             decimal_places=2, null=True, blank=True)
    # Education (2C item 15)
    general_education = models.CharField(_("general education"), max_length=20, blank=True)
    qualification = models.CharField(_("professional qualification"), max_length=255, blank=True)
    political_theory = models.CharField(_("political theory"), max_length=50, blank=True)
    state_management = models.CharField(_("state management"), max_length=50, blank=True)
    foreign_language = models.CharField(_("foreign language"), max_length=100, blank=True)
    it_skill = models.CharField(_("IT skills"), max_length=100, blank=True)
    # Party, organisations, military, titles (2C items 16–22)
    party_admission_date = models.DateField(_("Party admission date"), null=True, blank=True)
    party_official_date = models.DateField(_("Party official date"), null=True, blank=True)
    mass_organisations = models.CharField(_("socio-political organisations"), max_length=255,
                                          blank=True)
    enlistment_date = models.DateField(_("enlistment date"), null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    military_rank = models.CharField(_("highest military rank"), max_length=50, blank=True)
    honorary_title = models.CharField(_("highest honorary title"), max_length=150, blank=True)
    strengths = models.CharField(_("work strengths"), max_length=255, blank=True)
    # Health and policy (2C items 23–26): shown only to those who manage the person
    health_status = models.CharField(_("health"), max_length=50, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    weight_kg = models.PositiveSmallIntegerField(_("weight (kg)"), null=True, blank=True)
    blood_group = models.CharField(_("blood group"), max_length=5, blank=True)
    war_invalid_grade = models.CharField(_("war invalid grade"), max_length=50, blank=True)
    policy_family = models.CharField(_("policy family"), max_length=100, blank=True)
    social_insurance_number = models.CharField(_("social insurance book"), max_length=20,
                                               blank=True)
    # Search and sort keys (Vietnamese order: given name, middle, family). Search is LIKE '%word%',
    # which no B-tree serves: PostgreSQL has a trigram index on search_text (migration 0003).
    search_text = models.CharField(max_length=400, editable=False)
    sort_key = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # The person's own sign-in (self-service: their work ledger, scores and self-assessment),
    # created by HR for a unit in bulk; staff accounts with grants are other users.
    account = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("own account"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="servant", editable=False)

    # A portrait for the résumé (Mẫu 2C, top left); checked to be an image by the service.
    photo = models.FileField(_("photo"), upload_to="photos/%Y/", blank=True, editable=False)
    # Verification by the HR level above: who and when, and the key fields as they were verified,
    # so a later change returns the record to "entered" and shows the difference.
    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices,
                                    default=Verification.ENTERED, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False,
                                    db_index=False)  # no query looks records up by their verifier
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_values = models.JSONField(_("values verified"), default=dict, blank=True,
                                       editable=False)

    objects = ServantQuerySet.as_manager()

    class Meta:
        verbose_name = _("civil servant")
        verbose_name_plural = _("civil servants")
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["sort_key"], name="servant_sort_idx"),
            # Retirement lists filter on a birth-date range per sex
            # (personnel.rules.retirement.birth_range), not on computed ages.
            models.Index(fields=["sex", "date_of_birth"], name="servant_retirement_idx"),
            # The people list of a unit subtree (and its capped count) read from the index alone;
            # migration 0009 names the queries of every index.
            models.Index(fields=["unit", "sort_key", "id"], include=["status", "search_text"],
                         name="servant_unit_list_idx"),
            # Working people in name order, read from the index alone: the province-wide list,
            # its search and its capped count (migration 0009).
            models.Index(fields=["sort_key", "id"], include=["unit", "search_text"],
                         condition=Q(status="active"), name="servant_active_sort_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="servant_code_unique"),
            models.UniqueConstraint(fields=["national_id"], name="servant_national_id_unique"),
            # The personal identification number has 12 digits (ND 137/2015 Art 7); it keys the
            # national database (ND 27/2026).
            models.CheckConstraint(condition=Q(national_id__regex=r"^[0-9]{12}$"),
                                   name="servant_national_id_12"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("personnel:servant_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # A copy redacted for a reader (personnel.privacy) holds masks and blanks, not the record.
        if getattr(self, "_redacted", False):
            raise ValueError("A redacted copy of a record cannot be saved.")
        super().save(*args, **kwargs)

    @property
    def is_leader(self) -> bool:
        return bool(self.leadership)

    @property
    def birth_display(self) -> str:
        if self.birth_precision == self.BirthPrecision.YEAR:
            return f"{self.date_of_birth:%Y}"
        if self.birth_precision == self.BirthPrecision.MONTH:
            return f"{self.date_of_birth:%m/%Y}"
        return f"{self.date_of_birth:%d/%m/%Y}"

    @property
    def masked_national_id(self) -> str:
        from personnel.privacy import mask_national_id

        return mask_national_id(self.national_id)


class CareerEvent(UndeletableModel):
    """One step of a career with the decision behind it (quyết định: number, date, signer).

    Events are never edited or deleted: a wrong one is corrected by a new event that ``corrects``
    it, with a reason; the timeline shows both."""

    class Kind(models.TextChoices):
        RECRUITED = "recruited", _("Recruited")
        PROBATION_COMPLETED = "probation_completed", _("Probation completed")
        APPOINTED = "appointed", _("Appointed")
        REAPPOINTED = "reappointed", _("Re-appointed")
        TRANSFERRED = "transferred", _("Transferred")
        SECONDED = "seconded", _("Seconded")
        REASSIGNED = "reassigned", _("Assignment changed")
        RANK_CHANGED = "rank_changed", _("Rank changed")
        SALARY_STEP = "salary_step", _("Salary step")
        REWARD = "reward", _("Reward")
        DISCIPLINE = "discipline", _("Discipline")
        TRAINING = "training", _("Training")
        RETIREMENT_NOTICE = "retirement_notice", _("Retirement notice")
        RETIRED = "retired", _("Retired")
        RESIGNED = "resigned", _("Resigned")
        STREAMLINED = "streamlined", _("Streamlined")
        DECEASED = "deceased", _("Deceased")
        IMPORTED = "imported", _("Record imported")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="events",
                                db_index=False)  # event_servant_date_idx starts with it
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)  # no query looks events up by author
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("career event")
        verbose_name_plural = _("career events")
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["servant", "effective_date"],
                                name="event_servant_date_idx"),
                   models.Index(fields=["kind", "effective_date"], name="event_kind_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}: {self.summary}"


class Assignment(UndeletableModel):
    """Where a person works from ``start_date`` to ``end_date`` (inclusive; open while current):
    unit, job position, title and leader flag. The basis of every "as of" list."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        CONCURRENT = "concurrent", _("Concurrent")
        SECONDMENT = "secondment", _("Secondment")

    # No index of their own: assignment_servant_idx and assignment_unit_dates_idx start with servant
    # and unit, and no query looks assignments up by job position (positions are never deleted).
    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="assignments",
                                db_index=False)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="assignments", db_index=False)
    job_position = models.ForeignKey(JobPosition, verbose_name=_("job position"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="assignments", db_index=False)
    title = models.CharField(_("title"), max_length=150, blank=True)
    leadership = models.CharField(_("leadership"), max_length=8, choices=Leadership.choices,
                                  blank=True, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PRIMARY)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    event = models.ForeignKey(CareerEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="assignments")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["unit", "start_date", "end_date"],
                                name="assignment_unit_dates_idx"),
                   models.Index(fields=["servant", "start_date"], name="assignment_servant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="assignment_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.servant}: {self.title or '—'} @ {self.unit}"


class SalaryRecord(UndeletableModel):
    """One row of the salary history (2C item 31): rank, step and coefficient from a date."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial ranking")
        REGULAR = "regular", _("Regular step raise")
        EARLY = "early", _("Early step raise")
        EARLY_RETIREMENT = "early_retirement", _("Early raise at retirement")
        RANK_CHANGE = "rank_change", _("Rank change")
        EXCESS = "excess", _("Excess seniority allowance")
        IMPORTED = "imported", _("Imported")

    # salary_servant_idx starts with servant; no query looks salary rows up by rank (ranks stay).
    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT,
                                related_name="salary_records", db_index=False)
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    step = models.PositiveSmallIntegerField(_("step"))
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2)
    excess_seniority_percent = models.PositiveSmallIntegerField(_("excess seniority (%)"),
                                                                default=0)
    start_date = models.DateField(_("held since"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    event = models.ForeignKey(CareerEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="salary_records")

    class Meta:
        verbose_name = _("salary record")
        verbose_name_plural = _("salary records")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["servant", "start_date"], name="salary_servant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="salary_record_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.rank.code} bậc {self.step} ({self.coefficient})"


class DisciplineRecord(UndeletableModel):
    """A disciplinary measure (kỷ luật) with the regime it was decided under (ND 112/2020 or
    ND 172/2025) and the period it has effects on raises, appointments and appraisal."""

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="disciplines")
    rule_set = models.CharField(_("rule set"), max_length=32)
    form = models.CharField(_("form"), max_length=32)
    violation = models.TextField(_("violation"))
    detected_on = models.DateField(_("detected on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effects end"), null=True, blank=True)
    is_party = models.BooleanField(_("Party discipline"), default=False)
    event = models.ForeignKey(CareerEvent, on_delete=models.PROTECT, related_name="disciplines")

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.form} ({self.effective_from:%d/%m/%Y})"


class RewardRecord(UndeletableModel):
    """A reward or emulation title (khen thưởng) of a year."""

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="rewards")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title or form"), max_length=255)
    level = models.CharField(_("level"), max_length=50, blank=True)
    event = models.ForeignKey(CareerEvent, on_delete=models.PROTECT, related_name="rewards")

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class TrainingRecord(UndeletableModel):
    """Training and retraining (2C item 27): degrees,
    political theory, state management, courses."""

    class Kind(models.TextChoices):
        DEGREE = "degree", _("Degree")
        POLITICAL_THEORY = "political_theory", _("Political theory")
        STATE_MANAGEMENT = "state_management", _("State management")
        FOREIGN_LANGUAGE = "foreign_language", _("Foreign language")
        IT = "it", _("IT")
        PROFESSIONAL = "professional", _("Professional retraining")
        DEFENCE = "defence", _("Defence and security")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    institution = models.CharField(_("institution"), max_length=255)
    major = models.CharField(_("major or course"), max_length=255)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=50, blank=True)
    diploma = models.CharField(_("diploma or certificate"), max_length=100, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit at the time"), on_delete=models.PROTECT,
                             related_name="trainings")
    event = models.ForeignKey(CareerEvent, on_delete=models.PROTECT, related_name="trainings")

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.major} ({self.institution})"


class TrainingPlan(UndeletableModel):
    """How many people a unit plans to train, by kind,
    in a year (the seeds' "training below plan")."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="training_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingRecord.Kind.choices)
    planned = models.PositiveIntegerField(_("planned people"))

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "kind"],
                                               name="training_plan_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_kind_display()}: {self.planned}"


class FamilyMember(UndeletableModel):
    """Family relations (2C item 30), on the person's side or the spouse's."""

    class Side(models.TextChoices):
        OWN = "own", _("Own family")
        SPOUSE = "spouse", _("Spouse's family")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="family")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.OWN)
    relation = models.CharField(_("relation"), max_length=50)
    full_name = models.CharField(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    details = models.CharField(_("home town, occupation, workplace"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["side", "id"]

    def __str__(self) -> str:
        return f"{self.relation}: {self.full_name}"


class CompetencyAssessment(UndeletableModel):
    """A person's assessed level of a competency (entered by HR, or later by the appraisal). The
    latest assessment of each competency counts; older ones stay as history."""

    class Source(models.TextChoices):
        HR = "hr", _("HR assessment")
        APPRAISAL = "appraisal", _("Annual appraisal")
        SELF = "self", _("Self-assessment")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="assessments")
    competency = models.ForeignKey("positions.Competency", verbose_name=_("competency"),
                                   on_delete=models.PROTECT, related_name="assessments")
    level = models.PositiveSmallIntegerField(_("level"))
    assessed_on = models.DateField(_("assessed on"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.HR)
    note = models.CharField(_("note"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("competency assessment")
        verbose_name_plural = _("competency assessments")
        ordering = ["-assessed_on", "-id"]
        # Competency frameworks are assessed on 5 levels (DOMAIN-RULES §4.2).
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                              name="assessment_level_1_5")]

    def __str__(self) -> str:
        return f"{self.servant}: {self.competency.code} = {self.level}"


class DecisionMixin(models.Model):
    """The decision behind a record (quyết định: number, date, signer)."""

    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)

    class Meta:
        abstract = True


class Attachment(DecisionMixin, UndeletableModel):
    """A scanned document of the personal file (hồ sơ cán bộ): a decision, a diploma, a
    certificate. Superseded files stay; ``withdrawn`` hides them from the record."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        DIPLOMA = "diploma", _("Diploma or certificate")
        RESUME = "resume", _("Résumé or declaration")
        HEALTH = "health", _("Health certificate")
        CONTRACT = "contract", _("Contract")
        OTHER = "other", _("Other document")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    event = models.ForeignKey(CareerEvent, verbose_name=_("career event"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="attachments")
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["servant", "uploaded_at"], name="attachment_servant_idx")]

    def __str__(self) -> str:
        return self.title


class Allowance(DecisionMixin, UndeletableModel):
    """An allowance from a date (phụ cấp: position, professional seniority, responsibility …),
    as a coefficient of the base salary or a percentage (ND 204/2004, Art. 6)."""

    class Kind(models.TextChoices):
        POSITION = "position", _("Leadership position allowance")
        EXCESS_SENIORITY = "excess_seniority", _("Excess seniority allowance")
        PROFESSIONAL_SENIORITY = "professional_seniority", _("Professional seniority allowance")
        RESPONSIBILITY = "responsibility", _("Responsibility allowance")
        REGIONAL = "regional", _("Regional allowance")
        PREFERENTIAL = "preferential", _("Occupational preferential allowance")
        OTHER = "other", _("Other allowance")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="allowances")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2, null=True,
                                      blank=True)
    percent = models.PositiveSmallIntegerField(_("percent"), null=True, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    event = models.ForeignKey(CareerEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="allowances")

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["servant", "start_date"], name="allowance_servant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="allowance_dates"),
            models.CheckConstraint(condition=Q(coefficient__isnull=False)
                                   | Q(percent__isnull=False), name="allowance_has_amount"),
        ]

    def __str__(self) -> str:
        amount = f"{self.percent} %" if self.percent is not None else f"{self.coefficient}"
        return f"{self.get_kind_display()}: {amount}"


class LeaveRecord(DecisionMixin, UndeletableModel):
    """Leave and absence (nghỉ phép, ốm, thai sản, không lương …): periods that count for the
    appraisal's months worked (ND 90/2020, Art. 2) and for the raise timer (unpaid leave)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual leave")
        SICK = "sick", _("Sick leave")
        MATERNITY = "maternity", _("Maternity leave")
        UNPAID = "unpaid", _("Unpaid leave")
        STUDY = "study", _("Study leave")
        SUSPENDED = "suspended", _("Temporary suspension")
        ABSENT = "absent", _("Absence without leave")
        OTHER = "other", _("Other leave")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="leaves")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("leave or absence")
        verbose_name_plural = _("leave and absence")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["servant", "start_date"], name="leave_servant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="leave_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"


class Contract(DecisionMixin, UndeletableModel):
    """A work or labour contract (hợp đồng làm việc of a public employee, Law on Public
    Employees Art. 25; hợp đồng lao động of contract staff, ND 111/2022) with its expiry,
    which the contract-expiry alerts read."""

    class Kind(models.TextChoices):
        FIXED_TERM = "fixed_term", _("Fixed-term work contract")
        INDEFINITE = "indefinite", _("Indefinite-term work contract")
        LABOUR = "labour", _("Labour contract")
        PROBATION = "probation", _("Probation contract")

    servant = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="contracts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("contract number"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "-id"]
        # The expiry alerts read contracts ending in a window.
        indexes = [models.Index(fields=["end_date"], name="contract_end_idx"),
                   models.Index(fields=["servant", "start_date"], name="contract_servant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="contract_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()
