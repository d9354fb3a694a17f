"""Import of personnel records (DESIGN.md §4: ``import_personnel``).

Every cell is parsed and every row checked against the file and the database before anything is
written: dates in any office format, sex, the 12-digit ID number, unknown units, ranks, steps and
positions, duplicates in the file or against other people, impossible ages. New people are
written through the bulk path (COPY on PostgreSQL) with their first assignment, salary row,
career event and audit entry; people already known by their code are updated through the
services, so each change is a dated, audited career step. Re-importing a file changes nothing.
"""
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.bulk import (
    Fixed,
    TableRows,
    allocate_ids,
    gc_paused,
    lock_references,
    model_defaults,
    references_checked,
)
from core.dates import PartialDate, add_months, parse_date
from core.importing import CellError, Column, Importer, Row, cell_text
from core.models import AuditEntry, OrgUnit
from core.text import unaccent
from personnel import validation
from personnel.models import Assignment, CareerEvent, Category, CivilServant, SalaryRecord, Sex
from personnel.rules.retirement import retirement_of
from personnel.services.servants import (
    Decision,
    servant_assign,
    servant_fields,
    servant_set_salary,
    servant_update,
)
from positions.models import JobPosition, Rank, SalaryCoefficient

MIN_AGE, MAX_AGE = validation.MIN_AGE, validation.MAX_AGE
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE,
             "m": Sex.MALE, "f": Sex.FEMALE, "trai": Sex.MALE, "gai": Sex.FEMALE}
CATEGORY_WORDS = [
    ("can bo", Category.CADRE), ("cong chuc", Category.CIVIL_SERVANT),
    ("vien chuc", Category.PUBLIC_EMPLOYEE),
    ("hop dong", Category.CONTRACT), ("hd", Category.CONTRACT),
    ("nguoi lao dong", Category.CONTRACT),
    ("khong chuyen trach", Category.COMMUNE_PART_TIME),
    ("nguoi hoat dong khong chuyen trach", Category.COMMUNE_PART_TIME),
    ("cadre", Category.CADRE), ("civil_servant", Category.CIVIL_SERVANT),
    ("public_employee", Category.PUBLIC_EMPLOYEE), ("contract", Category.CONTRACT),
]
_PHONE = re.compile(r"^(?:\+?84|0)\d{8,10}$")


def parse_code(raw) -> str:
    code = cell_text(raw)
    if len(code) > 32:
        raise CellError(_("An employee code has at most 32 characters."))
    return code


def servant_of_row(row, *, servants: dict, scope, column: str):
    """The person a row names by employee code, from ``servants`` (code → person, fetched in bulk),
    or None with the row's error: nobody has that code, or the person is outside ``scope`` (the
    importer's manage scope; None for a command run without a user)."""
    code = row.values.get("code")
    if not code:
        return None
    servant = servants.get(code)
    if servant is None:
        row.error(column, _("No person has the employee code %(code)s.") % {"code": code})
    elif scope is not None and not scope.contains(servant.unit):
        row.error(column, _("%(code)s is a person of a unit you do not manage.") % {"code": code})
        return None
    return servant


def parse_name(raw) -> str:
    name = cell_text(raw)
    if len(name) > 150:
        raise CellError(_("A name has at most 150 characters."))
    if not any(ch.isalpha() for ch in name):
        raise CellError(_("“%(value)s” is not a name.") % {"value": name})
    # Résumés write names in capitals (Mẫu 2C); lists read better in title case.
    return name.title() if name.isupper() else name


def parse_birth(raw) -> PartialDate:
    try:
        return parse_date(raw, allow_partial=True)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date of birth (write dd/mm/yyyy, or only the year).")
            % {"value": cell_text(raw)})


def parse_day(raw) -> date:
    try:
        return parse_date(raw).value
    except ValueError:
        raise CellError(_("“%(value)s” is not a date (write dd/mm/yyyy).")
                        % {"value": cell_text(raw)})


def parse_sex(raw) -> str:
    value = SEX_WORDS.get(unaccent(cell_text(raw)))
    if value is None:
        raise CellError(_("Sex must be Nam or Nữ, not “%(value)s”.") % {"value": cell_text(raw)})
    return value


def parse_national_id(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        # Excel turned the number into a numeric cell and
        # dropped its leading zeros (001… for Hà Nội).
        digits = str(int(raw)).zfill(12)
    else:
        digits = re.sub(r"[\s.\-]", "", cell_text(raw))
    if not re.fullmatch(r"\d{12}", digits):
        raise CellError(_("A personal ID number has exactly 12 digits; “%(value)s” does not.")
                        % {"value": cell_text(raw)})
    return digits


def parse_category(raw) -> str:
    key = unaccent(cell_text(raw))
    for word, value in CATEGORY_WORDS:
        if key == word or key.startswith(word + " ") or key.startswith(word + "("):
            return value
    raise CellError(_("Unknown category “%(value)s”; use Cán bộ, Công chức, Viên chức, Hợp đồng or "
                      "Không chuyên trách.") % {"value": cell_text(raw)})


def parse_step(raw) -> int:
    try:
        number = float(str(raw).replace(",", "."))
    except ValueError:
        raise CellError(_("A salary step is a whole number, not “%(value)s”.")
                        % {"value": cell_text(raw)})
    if not number.is_integer() or not 1 <= number <= 20:
        raise CellError(_("A salary step is a whole number, not “%(value)s”.")
                        % {"value": cell_text(raw)})
    return int(number)


def parse_coefficient(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a salary coefficient (e.g. 2,34).")
                        % {"value": cell_text(raw)})
    # "NaN" cannot be compared
    if not value.is_finite() or not Decimal("1") <= value <= Decimal("15"):
        raise CellError(_("“%(value)s” is not a salary coefficient (e.g. 2,34).")
                        % {"value": cell_text(raw)})
    return value


def parse_whole(raw) -> int:
    """A whole number (height, weight): 165, "165", 165.0."""
    text_value = cell_text(raw).replace(",", ".")
    try:
        number = Decimal(text_value)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text_value}) from None
    # "Infinity" cannot become an int, and "1E+999999999" would take for ever to.
    if (not number.is_finite() or number.adjusted() > 15
            or number != number.to_integral_value() or number < 0):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text_value})
    return int(number)


def parse_phone(raw) -> str:
    phone = re.sub(r"[\s.\-()]", "", cell_text(raw))
    if isinstance(raw, float) and raw.is_integer():
        phone = "0" + str(int(raw))  # a numeric cell lost the leading zero
    if not _PHONE.match(phone):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": cell_text(raw)})
    return phone


def parse_email(raw) -> str:
    email = cell_text(raw).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": cell_text(raw)})
    return email


def text(limit: int):
    def parse(raw) -> str:
        value = cell_text(raw)
        if len(value) > limit:
            raise CellError(_("At most %(n)s characters.") % {"n": limit})
        return value
    return parse


COLUMNS = [
    Column("Mã cán bộ", "code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã CB", "Mã nhân sự", "Mã CBCCVC"),
           help=gettext_lazy("Unique employee code; the key for updates."), example="SNV-0001"),
    Column("Họ và tên", "full_name", parse_name, required=True, blank=False, refuse_formula=True,
           aliases=("Họ tên",), example="Nguyễn Văn An"),
    Column("Ngày sinh", "birth", parse_birth, required=True, blank=False,
           help=gettext_lazy("dd/mm/yyyy, an Excel date, or only the year."), example="05/07/1980"),
    Column("Giới tính", "sex", parse_sex, required=True, blank=False,
           help=gettext_lazy("Nam or Nữ."), example="Nam"),
    Column("Số định danh cá nhân", "national_id", parse_national_id, required=True, blank=False,
           aliases=("Số CCCD", "Số định danh", "CCCD", "Số căn cước"),
           help=gettext_lazy("12 digits."), example="001080012345"),
    Column("Mã đơn vị", "unit_code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã ĐV",), help=gettext_lazy("Code of the unit the person works in now."),
           example="TQ.SNV.03"),
    Column("Loại cán bộ", "category", parse_category, aliases=("Loại CBCCVC", "Đối tượng"),
           help=gettext_lazy("Cán bộ, Công chức, Viên chức, Hợp đồng, Không chuyên trách."),
           example="Công chức"),
    Column("Mã ngạch", "rank_code", text(20), aliases=("Mã ngạch/hạng", "Mã chức danh nghề nghiệp"),
           example="01.003"),
    Column("Bậc lương", "salary_step", parse_step, aliases=("Bậc",), example="3"),
    Column("Hệ số lương", "salary_coefficient", parse_coefficient, aliases=("Hệ số",),
           example="3,00"),
    Column("Ngày hưởng bậc lương", "salary_step_date", parse_day,
           aliases=("Ngày hưởng", "Ngày hưởng bậc"), example="01/04/2024"),
    Column("Ngày tuyển dụng", "recruitment_date", parse_day, aliases=("Ngày vào cơ quan",),
           example="01/09/2005"),
    Column("Chức vụ", "title", text(150), example="Phó Trưởng phòng"),
    Column("Mã vị trí việc làm", "position_code", text(40), aliases=("Mã VTVL",), example=""),
    Column("Dân tộc", "ethnicity", text(50), example="Kinh"),
    Column("Tôn giáo", "religion", text(50), example="Không"),
    Column("Quê quán", "home_town", text(255), example="Xã Yên Sơn, tỉnh Tuyên Quang"),
    Column("Trình độ chuyên môn", "qualification", text(255), aliases=("Trình độ",),
           example="Cử nhân Luật"),
    Column("Lý luận chính trị", "political_theory", text(50), aliases=("LLCT",),
           example="Trung cấp"),
    Column("Ngày vào Đảng", "party_admission_date", parse_day, example="03/02/2010"),
    Column("Ngày chính thức vào Đảng", "party_official_date", parse_day,
           aliases=("Ngày chính thức",), example="03/02/2011"),
    Column("Ngày cấp", "id_issue_date", parse_day, aliases=("Ngày cấp CCCD", "Ngày cấp căn cước"),
           example="10/04/2021"),
    Column("Ngày nhập ngũ", "enlistment_date", parse_day, example=""),
    Column("Ngày xuất ngũ", "discharge_date", parse_day, example=""),
    Column("Chiều cao (cm)", "height_cm", parse_whole, aliases=("Chiều cao",), example="165"),
    Column("Cân nặng (kg)", "weight_kg", parse_whole, aliases=("Cân nặng",), example="58"),
    Column("Điện thoại", "phone", parse_phone, aliases=("Số điện thoại", "SĐT"),
           example="0912345678"),
    Column("Email", "email", parse_email, aliases=("Thư điện tử",),
           example="an.nv@tuyenquang.gov.vn"),
]
# Columns that map straight onto résumé fields of CivilServant.
PROFILE_COLUMNS = ("ethnicity", "religion", "home_town", "qualification", "political_theory",
                   "party_admission_date", "phone", "email", "recruitment_date",
                   "party_official_date", "id_issue_date", "enlistment_date", "discharge_date",
                   "height_cm", "weight_kg")
# The column under which a check of personnel.validation reports its field.
CHECKED_HEADERS = {"date_of_birth": "Ngày sinh", "recruitment_date": "Ngày tuyển dụng",
                   "party_admission_date": "Ngày vào Đảng",
                   "party_official_date": "Ngày chính thức vào Đảng", "id_issue_date": "Ngày cấp",
                   "enlistment_date": "Ngày nhập ngũ", "discharge_date": "Ngày xuất ngũ",
                   "height_cm": "Chiều cao (cm)", "weight_kg": "Cân nặng (kg)"}


@dataclass
class Reference:
    units: dict[str, OrgUnit]
    ranks: dict[str, Rank]
    coefficients: dict[tuple[int, int], Decimal]  # (salary group id, step) → coefficient
    last_steps: dict[int, int]
    positions: dict[tuple[int, str], JobPosition]
    by_code: dict[str, CivilServant]
    by_national_id: dict[str, str]  # national id → code


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class PersonnelImporter(Importer):
    kind = "personnel"
    title = gettext_lazy("Personnel")
    columns = COLUMNS

    def __init__(self, *, today: date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.today = today or timezone.localdate()
        self.row_warnings: list[dict] = []

    def warn(self, row: Row, message: str) -> None:
        self.row_warnings.append({"row": row.number, "message": message})
        self.warnings.append(_("Row %(row)s: %(message)s")
                             % {"row": row.number, "message": message})

    # --- reference data, fetched in bulk ----------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        units = {u.code: u for u in OrgUnit.objects.active_on(self.today)
                 .only("id", "code", "name", "path", "sector", "kind")}
        ranks = {r.code: r for r in Rank.objects.select_related("salary_group")}
        coefficients, last_steps = {}, defaultdict(int)
        in_force = SalaryCoefficient.objects.filter(valid_from__lte=self.today)
        # Oldest first, so a later coefficient of the same group and step replaces an older one.
        for row in in_force.order_by("valid_from"):
            coefficients[(row.group_id, row.step)] = row.coefficient
            last_steps[row.group_id] = max(last_steps[row.group_id], row.step)
        positions = {(p.unit_id, p.code): p
                     for p in JobPosition.objects.filter(valid_to__isnull=True)}
        codes = [r.values["code"] for r in rows if r.values.get("code")]
        ids = [r.values["national_id"] for r in rows if r.values.get("national_id")]
        by_code, by_national_id = {}, {}
        for chunk in _chunks(codes):
            for servant in CivilServant.objects.filter(code__in=chunk):
                by_code[servant.code] = servant
        for chunk in _chunks(ids):
            by_national_id.update(CivilServant.objects.filter(national_id__in=chunk)
                                  .values_list("national_id", "code"))
        self.ref = Reference(units, ranks, coefficients, dict(last_steps), positions, by_code,
                             by_national_id)

    # --- checks -----------------------------------------------------------------------------------
    def check(self, rows: list[Row]) -> None:
        first_code: dict[str, int] = {}
        first_id: dict[str, int] = {}
        for row in rows:
            values = row.values
            code, national_id = values.get("code"), values.get("national_id")
            if code:
                if code in first_code:
                    row.error("Mã cán bộ",
                              _("The code %(code)s is repeated: it is already on row %(row)s.")
                              % {"code": code, "row": first_code[code]})
                else:
                    first_code[code] = row.number
            if national_id:
                if national_id in first_id:
                    row.error("Số định danh cá nhân", _("This ID number is already on row %(row)s.")
                              % {"row": first_id[national_id]})
                else:
                    first_id[national_id] = row.number
                owner = self.ref.by_national_id.get(national_id)
                if owner is not None and owner != code:
                    row.error("Số định danh cá nhân",
                              _("This ID number belongs to %(code)s in the system.")
                              % {"code": owner})
            self._check_row(row)

    def _check_row(self, row: Row) -> None:
        values = row.values
        unit = self.ref.units.get(values.get("unit_code") or "")
        if values.get("unit_code") and unit is None:
            row.error("Mã đơn vị",
                      _("Unknown unit %(code)s (or it no longer exists).")
                      % {"code": values["unit_code"]})
        elif unit is not None and self.scope is not None and not self.scope.contains(unit):
            row.error("Mã đơn vị",
                      _("You do not manage unit %(code)s.") % {"code": values["unit_code"]})
        existing = self.ref.by_code.get(values.get("code") or "")
        if (existing is not None and self.scope is not None
                and not self.scope.contains(existing.unit)):
            row.error("Mã cán bộ",
                      _("%(code)s is a person of a unit you do not manage.")
                      % {"code": values["code"]})
        step_date = values.get("salary_step_date")
        if (existing is not None and step_date and existing.salary_step_date
                and step_date < existing.salary_step_date
                and values.get("salary_step") != existing.salary_step):
            row.error("Ngày hưởng bậc lương",
                      _("The system already has a later step from %(day)s; a salary history "
                        "is corrected on the person's page, not by an import.")
                      % {"day": existing.salary_step_date.strftime("%d/%m/%Y")})
        values["unit"] = unit
        self._check_birth(row)
        self._check_salary(row)
        self._check_dates(row)
        position_code = values.get("position_code")
        values["job_position"] = None
        if position_code and unit is not None:
            values["job_position"] = self.ref.positions.get((unit.pk, position_code))
            if values["job_position"] is None:
                row.error("Mã vị trí việc làm", _("Unit %(unit)s has no job position %(code)s.")
                          % {"unit": unit.code, "code": position_code})

    def _check_person(self, row: Row) -> bool:
        """The checks the forms make too (personnel.validation), on the file's values over the
        record's; False when the birth date itself is wrong."""
        existing = self.ref.by_code.get(row.values.get("code") or "")
        values = validation.values_of(existing) if existing is not None else {}
        values.update({field: row.values[field] for field in validation.CHECKED_FIELDS
                       if row.values.get(field) is not None})
        birth = row.values.get("birth")
        if birth is not None:
            values["date_of_birth"] = birth.value
        # As servant_update: a file may not add a problem,
        # but one already on record does not block the row.
        problems = validation.new_errors(validation.values_of(existing), values, today=self.today) \
            if existing is not None else validation.person_errors(values, today=self.today)
        for field, message in problems.items():
            if field in CHECKED_HEADERS and (field != "date_of_birth" or birth is not None):
                row.error(CHECKED_HEADERS[field], message)
        return "date_of_birth" not in problems

    def _check_birth(self, row: Row) -> None:
        birth, sex = row.values.get("birth"), row.values.get("sex")
        if not self._check_person(row) or birth is None:
            return
        national_id = row.values.get("national_id")
        if national_id and sex:
            century = 0 if birth.value.year < 2000 else 2
            expected = century + (0 if sex == Sex.MALE else 1)
            # Digit 4 codes the century and sex, digits 5–6 the birth year (ND 137/2015 Art 7).
            if (national_id[3] != str(expected)
                    or national_id[4:6] != f"{birth.value.year % 100:02d}"):
                self.warn(row, _("The ID number does not match the sex and birth year (ND 137/2015 "
                                 "Art 7); check both."))
        row.values["retired"] = None
        if sex:
            retirement = retirement_of(birth.value, sex)
            if retirement.retirement_date < self.today:
                row.values["retired"] = retirement
                self.warn(row, _("Already past retirement age (retired on %(day)s): imported as "
                                 "retired.")
                          % {"day": retirement.retirement_date.strftime("%d/%m/%Y")})

    def _check_salary(self, row: Row) -> None:
        values = row.values
        rank_code, step = values.get("rank_code"), values.get("salary_step")
        coefficient = values.get("salary_coefficient")
        values["rank"] = None
        if not rank_code:
            if step or coefficient:
                row.error("Mã ngạch", _("A salary step or coefficient needs the rank code."))
            return
        rank = self.ref.ranks.get(rank_code)
        if rank is None:
            row.error("Mã ngạch", _("Unknown rank code %(code)s.") % {"code": rank_code})
            return
        values["rank"] = rank
        group = rank.salary_group_id
        if step is None and coefficient is not None:
            step = next((s for (g, s), c in self.ref.coefficients.items() if g == group
                         and c == coefficient), None)
            if step is None:
                row.error("Hệ số lương", _("Coefficient %(value)s is not a step of rank %(rank)s.")
                          % {"value": number_format(coefficient), "rank": rank_code})
                return
            values["salary_step"] = step
        if step is not None:
            last = self.ref.last_steps.get(group, 0)
            if step > last:
                row.error("Bậc lương",
                          _("Rank %(rank)s has steps 1 to %(last)s.")
                          % {"rank": rank_code, "last": last})
                return
            expected = self.ref.coefficients[(group, step)]
            if coefficient is not None and coefficient != expected:
                row.error("Hệ số lương",
                          _("Step %(step)s of rank %(rank)s has coefficient %(expected)s, not "
                            "%(value)s.")
                          % {"step": step, "rank": rank_code, "expected": number_format(expected),
                             "value": number_format(coefficient)})
            values["salary_coefficient"] = expected

    def _check_dates(self, row: Row) -> None:
        values, birth = row.values, row.values.get("birth")
        retired = values.get("retired")
        # The résumé dates are checked with the forms' rules (_check_person); the step date here.
        labels = {"salary_step_date": "Ngày hưởng bậc lương"}
        for field, header in labels.items():
            day = values.get(field)
            if day is None:
                continue
            if day > self.today:
                row.error(header,
                          _("The date %(day)s is in the future.")
                          % {"day": day.strftime("%d/%m/%Y")})
            elif birth is not None and day < add_months(birth.value, 16 * 12):
                row.error(header, _("The date %(day)s is before the person was 16.")
                          % {"day": day.strftime("%d/%m/%Y")})
            elif (field == "salary_step_date" and retired is not None
                  and day > retired.retirement_date):
                # The imported salary row ends on the retirement date; it cannot start after it.
                row.error(header,
                          _("The date %(day)s is after the person retired (%(retired)s): no "
                            "salary step starts after retirement.")
                          % {"day": day.strftime("%d/%m/%Y"),
                             "retired": retired.retirement_date.strftime("%d/%m/%Y")})

    # --- what writing would do --------------------------------------------------------------------
    def _profile(self, values: dict) -> dict:
        birth: PartialDate = values["birth"]
        profile = {"full_name": values["full_name"], "date_of_birth": birth.value,
                   "birth_precision": birth.precision, "sex": values["sex"],
                   "national_id": values["national_id"]}
        if values.get("category"):
            profile["category"] = values["category"]
        for field in PROFILE_COLUMNS:
            if values.get(field) not in (None, ""):
                profile[field] = values[field]
        return profile

    def _differences(self, servant: CivilServant, values: dict) -> tuple[dict, bool, bool]:
        profile = {k: v for k, v in self._profile(values).items() if getattr(servant, k) != v}
        title = values.get("title") or ""
        moved = values["unit"].pk != servant.unit_id or title != servant.title or (
            values["job_position"] is not None
            and values["job_position"].pk != servant.job_position_id)
        rank = values.get("rank")
        paid = rank is not None and values.get("salary_step") is not None and (
            rank.pk != servant.rank_id or values["salary_step"] != servant.salary_step
            or (values.get("salary_step_date")
                and values["salary_step_date"] != servant.salary_step_date))
        return profile, moved, paid

    def classify(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            servant = self.ref.by_code.get(row.values["code"])
            if servant is None:
                counts["created"] += 1
            else:
                profile, moved, paid = self._differences(servant, row.values)
                counts["updated" if profile or moved or paid else "unchanged"] += 1
        return counts

    # --- writing ----------------------------------------------------------------------------------
    def write(self, rows: list[Row]) -> dict[str, int]:
        new = [r for r in rows if r.values["code"] not in self.ref.by_code]
        old = [r for r in rows if r.values["code"] in self.ref.by_code]
        with gc_paused():
            BulkCreator(self, new).run()
        self.progress(80)
        counts = {"created": len(new), "updated": 0, "unchanged": 0}
        for row in old:
            counts["updated" if self._update(row) else "unchanged"] += 1
        return counts

    def _update(self, row: Row) -> bool:
        servant = self.ref.by_code[row.values["code"]]
        values = row.values
        profile, moved, paid = self._differences(servant, values)
        reason = _("Import of %(batch)s") % {"batch": str(self.batch)[:8]}
        if profile:
            servant_update(actor=self.actor, servant=servant, reason=reason, **profile)
        if moved:
            servant_assign(actor=self.actor, servant=servant, start_date=self.today,
                           kind=CareerEvent.Kind.REASSIGNED, unit=values["unit"],
                           title=values.get("title") or "", job_position=values["job_position"],
                           reason=reason)
        if paid:
            start = values.get("salary_step_date") or self.today
            servant_set_salary(actor=self.actor, servant=servant, rank=values["rank"],
                               step=values["salary_step"], start_date=start,
                               kind=SalaryRecord.Kind.IMPORTED, decision=Decision(), reason=reason)
        return bool(profile or moved or paid)


@dataclass(slots=True)
class NewPerson:
    """One new record of an import: its stored fields and the ids of the rows written with it."""

    values: dict  # the row as checked
    id: int
    event_id: int
    assignment_id: int
    audit_id: int
    start: date  # of the first assignment (and of the salary row without its own date)
    end: date | None  # the retirement date of someone imported as retired
    salary_id: int | None = None
    # the record's fields (personnel.services.servants.servant_fields, then the import's own),
    # made as the people's table is written (BulkCreator.with_fields)
    fields: dict | None = None


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _field(name: str, default=None):
    return lambda person: person.fields.get(name, default)


def _key_of(name: str):
    """The id of the record ``name`` refers to (its ``id`` attribute: faster than ``.pk``)."""
    attname = CivilServant._meta.get_field(name).related_model._meta.pk.attname

    def record_id(person):
        obj = person.fields[name]
        return getattr(obj, attname) if obj is not None else None
    return record_id


def _declared(model, **fields) -> dict:
    """Every column of ``model``: its default, shared by every row (``Fixed``), unless declared."""
    return {**{name: Fixed(value) for name, value in model_defaults(
        model, [f.name for f in model._meta.concrete_fields]).items()}, **fields}


class BulkCreator:
    """Writes the new people of an import with one COPY (or executemany) per table and chunk.

    Each table's row is declared once below, field by field (``core.bulk.TableRows``); the record
    itself comes from ``servant_fields``, the declaration ``servant_create`` uses. Every reference
    is checked and locked before the COPY (units, ranks, positions, the actor, the content type; the
    rows of the import refer to each other by ids allocated in this transaction), so on PostgreSQL
    the per-row foreign-key triggers can be skipped (``core.bulk.references_checked``)."""

    AUDITED = ("code", "national_id", "full_name", "date_of_birth", "sex", "category", "unit",
               "title", "rank", "salary_step", "salary_coefficient", "status")

    def __init__(self, importer: PersonnelImporter, rows: list[Row]):
        self.importer = importer
        self.rows = rows
        self.now = timezone.now()

    def tables(self, send=None) -> list[TableRows]:
        """The five tables' rows, each field declared once."""
        importer, now = self.importer, self.now
        actor = importer.actor if importer.actor is not None and importer.actor.pk else None
        batch, summary = str(importer.batch), _("Record imported")
        data = {True: {"batch": batch, "start_known": True},
                False: {"batch": batch, "start_known": False}}
        servants = _declared(CivilServant, id=lambda p: p.id, created_at=Fixed(now),
                             updated_at=Fixed(now), unit=_key_of("unit"), rank=_key_of("rank"),
                             job_position=_key_of("job_position"))
        for name in IMPORTED_FIELDS:  # a row's blank cells leave the column's default
            servants[name] = _field(name, servants[name].value)
        events = _declared(
            CareerEvent, id=lambda p: p.event_id, servant=lambda p: p.id,
            kind=Fixed(CareerEvent.Kind.IMPORTED),
            effective_date=lambda p: p.start, summary=Fixed(summary), created_by=Fixed(_pk(actor)),
            created_at=Fixed(now), data=lambda p: data[bool(p.values.get("recruitment_date"))])
        assignments = _declared(
            Assignment, id=lambda p: p.assignment_id, servant=lambda p: p.id, unit=_key_of("unit"),
            job_position=_key_of("job_position"), title=_field("title"),
            leadership=_field("leadership"),
            kind=Fixed(Assignment.Kind.PRIMARY), start_date=lambda p: p.start,
            end_date=lambda p: p.end,
            event=lambda p: p.event_id)
        salaries = _declared(
            SalaryRecord, id=lambda p: p.salary_id, servant=lambda p: p.id, rank=_key_of("rank"),
            step=_field("salary_step"), coefficient=_field("salary_coefficient"),
            excess_seniority_percent=Fixed(0),
            start_date=lambda p: p.fields["salary_step_date"] or p.start, end_date=lambda p: p.end,
            kind=Fixed(SalaryRecord.Kind.IMPORTED), event=lambda p: p.event_id)
        entries = _declared(
            AuditEntry, id=lambda p: p.audit_id, timestamp=Fixed(now), actor=Fixed(_pk(actor)),
            actor_name=Fixed((actor.get_full_name() if actor is not None else "")[:150]),
            source=Fixed(AuditEntry.Source.IMPORT), action=Fixed("create"),
            content_type=Fixed(audit.content_type_id(CivilServant)), object_id=lambda p: str(p.id),
            object_repr=lambda p: p.fields["full_name"][:255], unit=_key_of("unit"),
            changes=self._changes,
            batch=Fixed(importer.batch), request_id=Fixed(""))
        return [TableRows(model, columns, send=send) for model, columns in (
            (CivilServant, servants), (CareerEvent, events), (Assignment, assignments),
            (SalaryRecord, salaries),
            (AuditEntry, entries))]

    def people(self) -> list[NewPerson]:
        """The new records with their ids (allocated in this transaction) and dates."""
        count = len(self.rows)
        if not count:
            return []
        servant_ids, event_ids = allocate_ids(CivilServant, count), allocate_ids(CareerEvent, count)
        assignment_ids, audit_ids = allocate_ids(Assignment, count), allocate_ids(AuditEntry, count)
        # One query for the units' opening dates (the checks read the units without them).
        opened = dict(OrgUnit.objects.filter(pk__in={r.values["unit"].pk for r in self.rows})
                      .values_list("pk", "valid_from"))
        people = []
        for index, row in enumerate(self.rows):
            values = row.values
            start = values.get("recruitment_date") or self.importer.today
            unit_start = opened.get(values["unit"].pk)
            if unit_start is not None and start < unit_start:
                start = unit_start  # the person is known in this unit only since it exists
            retired = values.get("retired")
            end = retired.retirement_date if retired else None
            if end is not None and end < start:
                start = end
            people.append(NewPerson(values, servant_ids[index], event_ids[index],
                                    assignment_ids[index], audit_ids[index], start, end))
        # A salary row for whoever has a rank and a step (as _fields stores them).
        paid = [p for p in people if p.values.get("rank") is not None
                and p.values.get("salary_step")]
        for person, salary_id in zip(paid, allocate_ids(SalaryRecord, len(paid)), strict=True):
            person.salary_id = salary_id
        return people

    def with_fields(self, people: list[NewPerson]):
        """``people``, each given its record's fields as it comes (the first table's COPY runs
        while they are made)."""
        for person in people:
            person.fields = self._fields(person.values)
            yield person

    def run(self) -> None:
        people = self.people()
        if not people:
            return
        self.check_references(people)
        tables = self.tables()
        servants, events, assignments, salaries, entries = tables
        with references_checked([table.model for table in tables]):
            servants.write(self.with_fields(people))
            events.write(people)
            assignments.write(people)
            salaries.write(person for person in people if person.salary_id is not None)
            entries.write(people)

    def check_references(self, people: list[NewPerson]) -> None:
        """Every row the import refers to and did not write itself exists, and stays until the
        commit (locked as a foreign-key check locks it); otherwise nothing is written."""
        wanted = {OrgUnit: {p.values["unit"].pk for p in people},
                  Rank: {p.values["rank"].pk for p in people if p.values.get("rank") is not None},
                  JobPosition: {p.values["job_position"].pk for p in people
                                if p.values.get("job_position") is not None}}
        actor = self.importer.actor
        if actor is not None and actor.pk:
            wanted[type(actor)] = {actor.pk}
        wanted[ContentType] = {audit.content_type_id(CivilServant)}
        for model, ids in wanted.items():
            missing = ids - lock_references(model, ids)
            if missing:
                raise ValidationError(_("%(model)s %(ids)s no longer exist; import the file again.")
                                      % {
                    "model": model._meta.verbose_name,
                    "ids": ", ".join(str(i) for i in sorted(missing)[:5])})

    def _fields(self, values: dict) -> dict:
        unit: OrgUnit = values["unit"]
        rank = values.get("rank")
        retired = values.get("retired")
        fields = servant_fields(code=values["code"], unit=unit, title=values.get("title") or "",
                                job_position=values.get("job_position"),
                                **self.importer._profile(values))
        fields.update(
            category=fields.get("category")
            or (Category.PUBLIC_EMPLOYEE if unit.sector == OrgUnit.Sector.PUBLIC_SERVICE
                else Category.CIVIL_SERVANT),
            rank=rank, salary_step=values.get("salary_step") if rank else None,
            salary_coefficient=values.get("salary_coefficient") if rank else None,
            salary_step_date=values.get("salary_step_date") if rank else None,
            status=CivilServant.Status.RETIRED if retired else CivilServant.Status.ACTIVE,
            status_date=retired.pension_start if retired else None)
        return fields

    def _changes(self, person: NewPerson) -> dict:
        fields = person.fields
        return {k: [None, audit.to_json(fields[k])] for k in self.AUDITED
                if fields.get(k) not in (None, "")}


# The fields an import row sets on a new record; every other column takes its default.
IMPORTED_FIELDS = ("code", "national_id", "full_name", "date_of_birth", "birth_precision", "sex",
                   "category", "title", "leadership", "salary_step", "salary_coefficient",
                   "salary_step_date", "status", "status_date", "search_text", "sort_key",
                   *PROFILE_COLUMNS)
