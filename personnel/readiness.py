"""Readiness of records for the national CBCCVC database (ND 27/2026/NĐ-CP, DOMAIN-RULES §5.2).

The national database takes one electronic dossier per person, keyed by the 12-digit personal
identification number, with the data groups of Art. 5: identity and origin; recruitment;
education and qualifications; agency, job position, title, salary and allowances; Party and
socio-political membership; armed-forces service. ``KEY_FIELDS`` are the fields of
``CivilServant`` that carry those groups: the HR level above verifies them, and a later change to
any of them returns the record to "entered" (personnel.services.verification). Contact details,
health measurements and free-text notes are the person's own to update and are not key fields.

A record is *complete* when every required field is filled, *valid* when none of the checks
below fails, and *ready* when it is complete, valid and verified. Each check is one SQL
condition, so the counts of a province and the page of people to fix are a constant number of
queries, and the screen and the download read the same definitions.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, ExtractYear, Mod, Substr
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from personnel.models import Category, CivilServant, Sex, Verification
from personnel.validation import MAX_AGE, MIN_AGE, PARTY_AGE, RECRUITMENT_AGE

KEY_FIELDS = (
    # Identity and origin (Mẫu 2C items 1–9, 25)
    "full_name", "date_of_birth", "sex", "national_id", "id_issue_date", "place_of_birth",
    "home_town", "ethnicity", "religion", "permanent_address",
    # Recruitment, agency, position, salary and allowances (items 10–14)
    "category", "recruitment_date", "recruiting_agency", "unit", "job_position", "title", "rank",
    "salary_step", "salary_coefficient", "salary_step_date", "excess_seniority_percent",
    "position_allowance", "status",
    # Education and qualifications (item 15)
    "general_education", "qualification", "political_theory", "state_management",
    # Party membership, armed-forces service (items 16, 18)
    "party_admission_date", "party_official_date", "enlistment_date", "discharge_date",
)
# The people the national database holds: cán bộ, công chức, viên chức still working (contract
# workers and part-time commune staff are outside ND 27/2026).
NATIONAL_CATEGORIES = (Category.CADRE, Category.CIVIL_SERVANT, Category.PUBLIC_EMPLOYEE)
# Paid by rank and step (a cadre is paid by the coefficient of the elected position).
RANKED = Q(category__in=(Category.CIVIL_SERVANT, Category.PUBLIC_EMPLOYEE))
# Every identity, origin, recruitment and education item of the dossier; the rest may be blank.
REQUIRED_FIELDS = (
    "full_name", "national_id", "id_issue_date", "place_of_birth", "home_town", "ethnicity",
    "religion", "permanent_address", "recruitment_date", "recruiting_agency", "general_education",
    "qualification", "salary_coefficient",
)
RANKED_FIELDS = ("rank", "salary_step", "salary_step_date")


def field_label(name: str) -> str:
    label = str(CivilServant._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _blank(name: str) -> Q:
    field = CivilServant._meta.get_field(name)
    return Q(**{f"{name}__isnull": True}) if field.null else Q(**{name: ""})


@dataclass(frozen=True)
class Check:
    """One reason a record is not ready: ``bad`` selects the people it fails for."""

    code: str
    field: str
    kind: str  # "missing" or "invalid"
    message: str
    bad: Q

    @property
    def label(self) -> str:
        return field_label(self.field)


def checks(today: date) -> list[Check]:
    """Every check, in the order of the Mẫu 2C items, for the readiness of ``today``; the ages are
    the bounds of personnel.validation, which the forms and the import use."""
    found = [Check(f"missing_{name}", name, "missing", _("missing"),
                   _blank(name)) for name in REQUIRED_FIELDS]
    found += [Check(f"missing_{name}", name, "missing", _("missing"),
                    RANKED & _blank(name)) for name in RANKED_FIELDS]
    found += [
        # ND 137/2015 Art. 7: digits 4–6 of the number are the century-and-sex code and the birth
        # year.
        Check("invalid_national_id", "national_id", "invalid",
              _("does not match the sex and birth year"),
              ~Q(nid_sex=F("nid_expected_sex")) | ~Q(nid_year=F("nid_expected_year"))),
        Check("invalid_date_of_birth", "date_of_birth", "invalid",
              _("gives an age outside %(min)s–%(max)s") % {"min": MIN_AGE, "max": MAX_AGE},
              Q(date_of_birth__gt=add_months(today, -12 * MIN_AGE))
              | Q(date_of_birth__lt=add_months(today, -12 * MAX_AGE))),
        Check("invalid_id_issue_date", "id_issue_date", "invalid",
              _("before birth or in the future"),
              Q(id_issue_date__lt=F("date_of_birth")) | Q(id_issue_date__gt=today)),
        Check("invalid_recruitment_date", "recruitment_date", "invalid",
              _("in the future or before the age of %(n)s") % {"n": RECRUITMENT_AGE},
              Q(recruitment_date__gt=today) | Q(recruitment_date__isnull=False,
                                                rec_years__lt=RECRUITMENT_AGE)),
        Check("invalid_salary_step_date", "salary_step_date", "invalid",
              _("a future step shown as current"), Q(salary_step_date__gt=today)),
        Check("invalid_party_admission_date", "party_admission_date", "invalid",
              _("in the future or before the age of %(n)s") % {"n": PARTY_AGE},
              Q(party_admission_date__gt=today) | Q(party_admission_date__isnull=False,
                                                    party_years__lt=PARTY_AGE)),
        Check("invalid_party_official_date", "party_official_date", "invalid",
              _("before the admission date"), Q(party_official_date__lt=F("party_admission_date"))),
    ]
    return found


# Values the checks compare, computed in SQL (the same on SQLite and PostgreSQL).
_ANNOTATIONS: dict = {
    "nid_sex": Cast(Substr("national_id", 4, 1), IntegerField()),
    "nid_year": Cast(Substr("national_id", 5, 2), IntegerField()),
    "nid_expected_sex": Case(
        When(date_of_birth__lt=date(2000, 1, 1), sex=Sex.MALE, then=Value(0)),
        When(date_of_birth__lt=date(2000, 1, 1), then=Value(1)),
        When(sex=Sex.MALE, then=Value(2)), default=Value(3), output_field=IntegerField()),
    "nid_expected_year": Mod(ExtractYear("date_of_birth"), Value(100), output_field=IntegerField()),
    # By calendar year: a recruitment at 12 is caught, a boundary of months is not the point.
    "rec_years": ExtractYear("recruitment_date") - ExtractYear("date_of_birth"),
    "party_years": ExtractYear("party_admission_date") - ExtractYear("date_of_birth"),
}


def national_people(queryset: QuerySet) -> QuerySet:
    """The people of ``queryset`` the national database holds, with the values the checks use."""
    return queryset.filter(status=CivilServant.Status.ACTIVE, category__in=NATIONAL_CATEGORIES)


def with_checks(queryset: QuerySet, found: list[Check]) -> QuerySet:
    """Each person with a boolean per check (``<code>`` true when it fails), plus ``complete``,
    ``valid`` and ``ready``."""
    queryset = queryset.annotate(**_ANNOTATIONS)
    flags = {c.code: Case(When(c.bad, then=Value(True)), default=Value(False),
                          output_field=BooleanField())
             for c in found}
    return queryset.annotate(**flags)


def _any(found: list[Check], kind: str | None = None) -> Q:
    condition = Q(pk__in=[])
    for check in found:
        if kind is None or check.kind == kind:
            condition |= check.bad
    return condition


def not_ready(found: list[Check]) -> Q:
    """Incomplete, invalid or not verified (to be used on ``with_checks``-annotated querysets)."""
    return _any(found) | ~Q(verification=Verification.VERIFIED)


def readiness_counts(queryset: QuerySet, found: list[Check]) -> dict[str, int]:
    """Totals of one unit subtree in one query: people, complete, valid, verified and ready."""
    incomplete, invalid = _any(found, "missing"), _any(found, "invalid")
    verified = Q(verification=Verification.VERIFIED)
    return queryset.annotate(**_ANNOTATIONS).aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=~incomplete),
        valid=Count("pk", filter=~invalid),
        verified=Count("pk", filter=verified),
        ready=Count("pk", filter=~incomplete & ~invalid & verified),
    )


def problems_of(person, found: list[Check]) -> list[dict]:
    """What is wrong with one annotated person: [{"field", "label", "kind", "message"}]."""
    return [{"field": c.field, "label": c.label, "kind": c.kind, "message": str(c.message)}
            for c in found if getattr(person, c.code, False)]


@dataclass
class Readiness:
    """The readiness page of one unit subtree (or every unit of the reader's scope)."""

    unit: object
    checks: list[Check]
    counts: dict[str, int]
    people: QuerySet  # annotated by with_checks, in name order
    show: str = "todo"

    @property
    def listed(self) -> int:
        """How many ``people`` lists, from the counts (a second pass over the checks costs as
        much)."""
        counts = self.counts
        return {"all": counts["total"], "unverified": counts["total"] - counts["verified"]}.get(
            self.show, counts["total"] - counts["ready"])

    @staticmethod
    def ancestors_of(people) -> dict:
        """The units above the listed people, read once, for may_verify on each row."""
        from core.models import OrgUnit

        return OrgUnit.objects.in_bulk({pk for person in people
                                        for pk in person.unit.ancestor_ids()})


def readiness(*, scope, unit=None, show: str = "todo", today: date) -> Readiness:
    """Counts and people of ``unit``'s subtree inside ``scope`` (of all of ``scope`` without a
    unit). ``show``: "todo" (not ready: incomplete, invalid or not verified), "all",
    "unverified"."""
    # Unit ids read first, as the people list does: a join on the unit path made PostgreSQL count
    # 100,000 people in 630 ms, the id list in 240 ms (both with every check).
    ids = scope.unit_ids(under=unit)
    everyone = CivilServant.objects.all()
    people = national_people(everyone if ids is None else everyone.filter(unit_id__in=ids))
    found = checks(today)
    counts = readiness_counts(people, found)
    listed = with_checks(people, found).select_related("unit", "verified_by") \
        .order_by("sort_key", "id")
    if show == "todo":
        listed = listed.filter(not_ready(found))
    elif show == "unverified":
        listed = listed.exclude(verification=Verification.VERIFIED)
    return Readiness(unit, found, counts, listed, show if show in ("all", "unverified") else "todo")


def readiness_rows(people, found: list[Check]) -> list[dict]:
    rows = []
    for person in people:
        problems = problems_of(person, found)
        rows.append({"servant": person, "missing": [p for p in problems if p["kind"] == "missing"],
                     "invalid": [p for p in problems if p["kind"] == "invalid"]})
    return rows
