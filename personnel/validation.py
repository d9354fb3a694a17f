"""One set of checks on a person's values, for the forms (through the services) and the import
alike.

``person_errors`` takes résumé values by model field name and returns {field: Vietnamese message}
for what cannot be true of a working person: a birth date in the future or an impossible age, a
recruitment before 18, an ID issued before birth, Party membership made official before admission,
a height of 1,700 cm. ``servant_create`` and ``servant_update`` raise them as a ValidationError (so
the forms show them under their fields) and the import puts them on the row under its column, with
the same words. ``reward_year_error`` does the same for the year of a reward.
"""
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import add_months

MIN_AGE, MAX_AGE = 18, 100  # a working person's age today; the import has always used these bounds
# Law 22/2008/QH12 on Cadres and Civil Servants Art 36(1)(b) (kept by Law 80/2025/QH15) and Law
# 58/2010/QH12 on Public Employees Art 22(1)(a) require "đủ 18 tuổi trở lên" to be recruited
# (DOMAIN-RULES.md lists the recruitment decrees, not this age; the laws above set it).
RECRUITMENT_AGE = 18
# The Party Charter (2011) Art 1(2): a person is admitted "từ mười tám tuổi".
PARTY_AGE = 18
HEIGHT_CM = (50, 250)
WEIGHT_KG = (20, 300)

# The dated fields of the résumé that cannot be in the future nor before birth.
DATED_FIELDS = ("recruitment_date", "id_issue_date", "party_admission_date", "party_official_date",
                "enlistment_date", "discharge_date")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def person_errors(values: dict, *, today: date | None = None) -> dict[str, str]:
    """What is impossible in ``values`` ({model field: value}; missing or empty fields are not
    checked): one message per field, the first problem found."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    birth = values.get("date_of_birth")
    if birth is not None:
        if birth > today:
            errors["date_of_birth"] = (_("The date of birth %(day)s is in the future.")
                                       % {"day": _day(birth)})
            birth = None  # every other comparison with it would only repeat the problem
        elif not MIN_AGE <= _age(birth, today) <= MAX_AGE:
            errors["date_of_birth"] = (
                _("An age of %(age)s is not possible for a civil servant (%(min)s–%(max)s).")
                % {"age": _age(birth, today), "min": MIN_AGE, "max": MAX_AGE})
    for field in DATED_FIELDS:
        day = values.get(field)
        if day is None:
            continue
        if day > today:
            errors[field] = _("The date %(day)s is in the future.") % {"day": _day(day)}
        elif birth is not None and day < birth:
            errors[field] = _("The date %(day)s is before the date of birth (%(birth)s).") % {
                "day": _day(day), "birth": _day(birth)}
    if birth is not None:
        recruited = values.get("recruitment_date")
        if recruited is not None and "recruitment_date" not in errors \
                and recruited < add_months(birth, 12 * RECRUITMENT_AGE):
            errors["recruitment_date"] = (
                _("The recruitment date %(day)s is before the person was %(age)s, the minimum age "
                  "for recruitment.")
                % {"day": _day(recruited), "age": RECRUITMENT_AGE})
        admitted = values.get("party_admission_date")
        if admitted is not None and "party_admission_date" not in errors \
                and admitted < add_months(birth, 12 * PARTY_AGE):
            errors["party_admission_date"] = (
                _("The Party admission date %(day)s is before the person was %(age)s.")
                % {"day": _day(admitted), "age": PARTY_AGE})
    admitted, official = values.get("party_admission_date"), values.get("party_official_date")
    if official is not None and "party_official_date" not in errors:
        if admitted is None:
            errors["party_official_date"] = _(
                "An official Party membership date needs the admission date.")
        elif official < admitted:
            errors["party_official_date"] = (
                _("Party membership cannot become official (%(day)s) before admission "
                  "(%(admitted)s).")
                % {"day": _day(official), "admitted": _day(admitted)})
    enlisted, discharged = values.get("enlistment_date"), values.get("discharge_date")
    if discharged is not None and "discharge_date" not in errors:
        if enlisted is None:
            errors["discharge_date"] = _("A discharge date needs the enlistment date.")
        elif discharged < enlisted:
            errors["discharge_date"] = (
                _("The discharge date %(day)s is before the enlistment (%(enlisted)s).")
                % {"day": _day(discharged), "enlisted": _day(enlisted)})
    for field, (low, high), message in (
            ("height_cm", HEIGHT_CM,
             _("A height of %(value)s cm is not possible (%(low)s–%(high)s cm).")),
            ("weight_kg", WEIGHT_KG,
             _("A weight of %(value)s kg is not possible (%(low)s–%(high)s kg)."))):
        value = values.get(field)
        if value is not None and not low <= value <= high:
            errors[field] = message % {"value": value, "low": low, "high": high}
    return errors


def new_errors(before: dict, after: dict, *, today: date | None = None) -> dict[str, str]:
    """The problems ``after`` has that ``before`` did not: an edit may not add one, but a record
    imported long ago with a doubtful value can still be corrected field by field."""
    old = person_errors(before, today=today)
    return {field: message for field, message in person_errors(after, today=today).items()
            if old.get(field) != message}


def reward_year_error(year: int, date_of_birth: date | None, *,
                      today: date | None = None) -> str | None:
    """A reward is for a year that has begun and that the person lived in."""
    today = today or timezone.localdate()
    if year > today.year:
        return _("The year %(year)s is in the future.") % {"year": year}
    if date_of_birth is not None and year < date_of_birth.year:
        return (_("The year %(year)s is before the person was born (%(born)s).")
                % {"year": year, "born": date_of_birth.year})
    return None


CHECKED_FIELDS = ("date_of_birth", *DATED_FIELDS, "height_cm", "weight_kg")


def values_of(servant) -> dict:
    """The checked values of a record (a CivilServant or anything with those attributes)."""
    return {name: getattr(servant, name, None) for name in CHECKED_FIELDS}
