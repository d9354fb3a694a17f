from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .base import UndeletableModel, UndeletableQuerySet

PATH_STEP = 8  # "0000042." per level: 7 digits and a dot


class OrgUnitQuerySet(UndeletableQuerySet):
    def active_on(self, day: date) -> "OrgUnitQuerySet":
        """Units that existed on ``day`` (valid_from ≤ day ≤ valid_to, either end open)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def open(self) -> "OrgUnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def subtree_of(self, *units: "OrgUnit") -> "OrgUnitQuerySet":
        """The given units and every unit below them, in one indexed query on the path."""
        if not units:
            return self.none()
        condition = Q()
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)

    def search(self, text: str) -> "OrgUnitQuerySet":
        from core.text import unaccent

        for word in unaccent(text).split():
            self = self.filter(search_text__contains=word)
        return self


class OrgUnit(UndeletableModel):
    """An organisation unit (đơn vị, cơ quan): province, department, division, commune, public
    service unit, Party or mass organisation.

    Units form an effective-dated tree. A unit's place in the tree never changes: a merger, split or
    move closes the old units (``valid_to``) and opens new ones, linked by a :class:`UnitChange`, so
    the structure on any past date stays queryable (both the 3-tier structure before 1/7/2025 and
    the 2-tier one after it, Law 72/2025/QH15). ``path`` is a materialised path of ids, so "all
    sub-units of X" is one indexed prefix query on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province / centrally-run city")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        DEPARTMENT = "department", _("Department (sở, ban, ngành)")
        OFFICE = "office", _("Office (văn phòng)")
        INSPECTORATE = "inspectorate", _("Inspectorate")
        DIVISION = "division", _("Division (phòng)")
        SUB_DEPARTMENT = "sub_department", _("Sub-department (chi cục)")
        DISTRICT = "district", _("District (before 1/7/2025)")
        COMMUNE = "commune", _("Commune / ward / special zone")
        PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
        PARTY_MASS_ORG = "party_mass_org", _("Party or mass organisation")
        OTHER = "other", _("Other")

    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("State administration")
        PARTY_MASS = "party_mass", _("Party and mass organisations")
        PUBLIC_SERVICE = "public_service", _("Public service units")
        COMMUNE = "commune", _("Commune level")

    class ProvinceClass(models.TextChoices):
        SPECIAL = "special", _("Hà Nội or Hồ Chí Minh City")
        TYPE_1 = "type_1", _("Type I province")
        TYPE_2_3 = "type_2_3", _("Type II or III province")

    code = models.CharField(_("code"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices,
                              default=Sector.GOVERNMENT)
    province_class = models.CharField(
        _("province class"), max_length=16, choices=ProvinceClass.choices, blank=True,
        help_text=_("Only for a province; decides the deputy norms of ND 370/2025."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("established on"), null=True, blank=True)
    valid_to = models.DateField(_("closed after"), null=True, blank=True,
                                help_text=_("Last day the unit existed; empty while it exists."))
    decision = models.CharField(_("establishing decision"), max_length=100, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            # A code names one unit at a time; a closed unit's code may be reused by its successor.
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True),
                                    name="unit_code_open_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]
        permissions = [
            ("view_unit_data", _("View the data of a unit and its sub-units")),
            ("manage_unit_data", _("Manage the data of a unit and its sub-units")),
            ("view_all_units", _("View the data of every unit")),
            ("manage_all_units", _("Manage the data of every unit")),
            ("manage_grants", _("Grant and revoke unit access")),
            ("reorganize_units", _("Merge, split and dissolve units")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:unit_detail", args=[self.pk])

    @property
    def label(self) -> str:
        """The name, with the parent's when the name alone is ambiguous
        ("Phòng Kinh tế – Xã Mèo Vạc"). Uses the parent only when it
        was fetched with the unit (select_related), never a query."""
        parent = self._state.fields_cache.get("parent")
        if parent is None or parent.kind == self.Kind.PROVINCE or self.depth < 2:
            return self.name
        return f"{self.name} – {parent.short_name or parent.name}"

    def is_active_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or self.valid_to >= day))

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit (inclusive), read off the path without a query."""
        return [int(part) for part in self.path.split(".") if part]

    def is_within(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path)

    @staticmethod
    def path_segment(pk: int) -> str:
        return f"{pk:07d}."


class UnitChange(UndeletableModel):
    """A reorganisation event (sắp xếp tổ chức): merger, split, transfer, dissolution or
    establishment, with the decision behind it. Predecessors were closed the day before
    ``effective_date``; successors opened on it."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", _("Establishment")
        MERGE = "merge", _("Merger")
        SPLIT = "split", _("Split")
        TRANSFER = "transfer", _("Transfer to a new parent")
        DISSOLVE = "dissolve", _("Dissolution")
        RENAME = "rename", _("Renaming")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    predecessors = models.ManyToManyField(OrgUnit, verbose_name=_("before"),
                                          related_name="changes_out", blank=True)
    successors = models.ManyToManyField(OrgUnit, verbose_name=_("after"), related_name="changes_in",
                                        blank=True)
    parent_change = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried",
        help_text="The reorganisation that carried this sub-unit along.",
    )

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class OrgUnitUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: a unit granted to one user (inherited by every sub-unit)."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE,
                                       related_name="user_grants")


class OrgUnitGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian table: a unit granted to a group."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE,
                                       related_name="group_grants")
