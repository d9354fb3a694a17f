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

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.bulk import allocate_ids, bulk_insert, gc_paused, model_defaults
from core.dates import PartialDate, add_months, parse_date
from core.importing import CellError, Column, Importer, Row, cell_text
from core.models import AuditEntry, OrgUnit
from core.text import name_sort_key, search_key, unaccent
from personnel import validation
from personnel.leadership import leadership_of
from personnel.models import Assignment, CareerEvent, Category, CivilServant, SalaryRecord, Sex
from personnel.rules.retirement import retirement_of
from personnel.services.servants import Decision, servant_assign, servant_set_salary, servant_update
from positions.models import JobPosition, Rank, SalaryCoefficient

MIN_AGE, MAX_AGE = validation.MIN_AGE, validation.MAX_AGE
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE, "m": Sex.MALE,
             "f": Sex.FEMALE, "trai": Sex.MALE, "gai": Sex.FEMALE}
CATEGORY_WORDS = [
    ("can bo", Category.CADRE), ("cong chuc", Category.CIVIL_SERVANT), ("vien chuc", Category.PUBLIC_EMPLOYEE),
    ("hop dong", Category.CONTRACT), ("hd", Category.CONTRACT), ("nguoi lao dong", Category.CONTRACT),
    ("khong chuyen trach", Category.COMMUNE_PART_TIME), ("nguoi hoat dong khong chuyen trach",
                                                        Category.COMMUNE_PART_TIME),
    ("cadre", Category.CADRE), ("civil_servant", Category.CIVIL_SERVANT),
    ("public_employee", Category.PUBLIC_EMPLOYEE), ("contract", Category.CONTRACT),
]
_PHONE = re.compile(r"^(?:\+?84|0)\d{8,10}$")


def parse_code(raw) -> str:
    code = cell_text(raw)
    if len(code) > 32:
        raise CellError(_("An employee code has at most 32 characters."))
    return code


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
        raise CellError(_("“%(value)s” is not a date of birth (write dd/mm/yyyy, or only the year).")
                        % {"value": cell_text(raw)})


def parse_day(raw) -> date:
    try:
        return parse_date(raw).value
    except ValueError:
        raise CellError(_("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": cell_text(raw)})


def parse_sex(raw) -> str:
    value = SEX_WORDS.get(unaccent(cell_text(raw)))
    if value is None:
        raise CellError(_("Sex must be Nam or Nữ, not “%(value)s”.") % {"value": cell_text(raw)})
    return value


def parse_national_id(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        # Excel turned the number into a numeric cell and dropped its leading zeros (001… for Hà Nội).
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
        raise CellError(_("A salary step is a whole number, not “%(value)s”.") % {"value": cell_text(raw)})
    if not number.is_integer() or not 1 <= number <= 20:
        raise CellError(_("A salary step is a whole number, not “%(value)s”.") % {"value": cell_text(raw)})
    return int(number)


def parse_coefficient(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a salary coefficient (e.g. 2,34).") % {"value": cell_text(raw)})
    if not Decimal("1") <= value <= Decimal("15"):
        raise CellError(_("“%(value)s” is not a salary coefficient (e.g. 2,34).") % {"value": cell_text(raw)})
    return value


def parse_whole(raw) -> int:
    """A whole number (height, weight): 165, "165", 165.0."""
    text_value = cell_text(raw).replace(",", ".")
    try:
        number = Decimal(text_value)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text_value}) from None
    if number != number.to_integral_value() or number < 0:
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
           aliases=("Họ tên",),
           example="Nguyễn Văn An"),
    Column("Ngày sinh", "birth", parse_birth, required=True, blank=False,
           help=gettext_lazy("dd/mm/yyyy, an Excel date, or only the year."), example="05/07/1980"),
    Column("Giới tính", "sex", parse_sex, required=True, blank=False, help=gettext_lazy("Nam or Nữ."), example="Nam"),
    Column("Số định danh cá nhân", "national_id", parse_national_id, required=True, blank=False,
           aliases=("Số CCCD", "Số định danh", "CCCD", "Số căn cước"), help=gettext_lazy("12 digits."),
           example="001080012345"),
    Column("Mã đơn vị", "unit_code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã ĐV",),
           help=gettext_lazy("Code of the unit the person works in now."), example="TQ.SNV.03"),
    Column("Loại cán bộ", "category", parse_category, aliases=("Loại CBCCVC", "Đối tượng"),
           help=gettext_lazy("Cán bộ, Công chức, Viên chức, Hợp đồng, Không chuyên trách."), example="Công chức"),
    Column("Mã ngạch", "rank_code", text(20), aliases=("Mã ngạch/hạng", "Mã chức danh nghề nghiệp"),
           example="01.003"),
    Column("Bậc lương", "salary_step", parse_step, aliases=("Bậc",), example="3"),
    Column("Hệ số lương", "salary_coefficient", parse_coefficient, aliases=("Hệ số",), example="3,00"),
    Column("Ngày hưởng bậc lương", "salary_step_date", parse_day, aliases=("Ngày hưởng", "Ngày hưởng bậc"),
           example="01/04/2024"),
    Column("Ngày tuyển dụng", "recruitment_date", parse_day, aliases=("Ngày vào cơ quan",), example="01/09/2005"),
    Column("Chức vụ", "title", text(150), example="Phó Trưởng phòng"),
    Column("Mã vị trí việc làm", "position_code", text(40), aliases=("Mã VTVL",), example=""),
    Column("Dân tộc", "ethnicity", text(50), example="Kinh"),
    Column("Tôn giáo", "religion", text(50), example="Không"),
    Column("Quê quán", "home_town", text(255), example="Xã Yên Sơn, tỉnh Tuyên Quang"),
    Column("Trình độ chuyên môn", "qualification", text(255), aliases=("Trình độ",), example="Cử nhân Luật"),
    Column("Lý luận chính trị", "political_theory", text(50), aliases=("LLCT",), example="Trung cấp"),
    Column("Ngày vào Đảng", "party_admission_date", parse_day, example="03/02/2010"),
    Column("Ngày chính thức vào Đảng", "party_official_date", parse_day, aliases=("Ngày chính thức",),
           example="03/02/2011"),
    Column("Ngày cấp", "id_issue_date", parse_day, aliases=("Ngày cấp CCCD", "Ngày cấp căn cước"),
           example="10/04/2021"),
    Column("Ngày nhập ngũ", "enlistment_date", parse_day, example=""),
    Column("Ngày xuất ngũ", "discharge_date", parse_day, example=""),
    Column("Chiều cao (cm)", "height_cm", parse_whole, aliases=("Chiều cao",), example="165"),
    Column("Cân nặng (kg)", "weight_kg", parse_whole, aliases=("Cân nặng",), example="58"),
    Column("Điện thoại", "phone", parse_phone, aliases=("Số điện thoại", "SĐT"), example="0912345678"),
    Column("Email", "email", parse_email, aliases=("Thư điện tử",), example="an.nv@tuyenquang.gov.vn"),
]
# Columns that map straight onto résumé fields of CivilServant.
PROFILE_COLUMNS = ("ethnicity", "religion", "home_town", "qualification", "political_theory",
                   "party_admission_date", "phone", "email", "recruitment_date", "party_official_date",
                   "id_issue_date", "enlistment_date", "discharge_date", "height_cm", "weight_kg")
# The column under which a check of personnel.validation reports its field.
CHECKED_HEADERS = {"date_of_birth": "Ngày sinh", "recruitment_date": "Ngày tuyển dụng",
                   "party_admission_date": "Ngày vào Đảng", "party_official_date": "Ngày chính thức vào Đảng",
                   "id_issue_date": "Ngày cấp", "enlistment_date": "Ngày nhập ngũ", "discharge_date": "Ngày xuất ngũ",
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
        self.warnings.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})

    # --- reference data, fetched in bulk ------------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        units = {u.code: u for u in OrgUnit.objects.active_on(self.today).only("id", "code", "name", "path",
                                                                                  "sector", "kind")}
        ranks = {r.code: r for r in Rank.objects.select_related("salary_group")}
        coefficients, last_steps = {}, defaultdict(int)
        for row in SalaryCoefficient.objects.filter(valid_from__lte=self.today).order_by("valid_from"):
            coefficients[(row.group_id, row.step)] = row.coefficient
            last_steps[row.group_id] = max(last_steps[row.group_id], row.step)
        positions = {(p.unit_id, p.code): p for p in JobPosition.objects.filter(valid_to__isnull=True)}
        codes = [r.values["code"] for r in rows if r.values.get("code")]
        ids = [r.values["national_id"] for r in rows if r.values.get("national_id")]
        by_code, by_national_id = {}, {}
        for chunk in _chunks(codes):
            for servant in CivilServant.objects.filter(code__in=chunk):
                by_code[servant.code] = servant
        for chunk in _chunks(ids):
            by_national_id.update(CivilServant.objects.filter(national_id__in=chunk).values_list("national_id", "code"))
        self.ref = Reference(units, ranks, coefficients, dict(last_steps), positions, by_code, by_national_id)

    # --- checks ----------------------------------------------------------------------------------------
    def check(self, rows: list[Row]) -> None:
        first_code: dict[str, int] = {}
        first_id: dict[str, int] = {}
        for row in rows:
            values = row.values
            code, national_id = values.get("code"), values.get("national_id")
            if code:
                if code in first_code:
                    row.error("Mã cán bộ", _("The code %(code)s is repeated: it is already on row %(row)s.")
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
                    row.error("Số định danh cá nhân", _("This ID number belongs to %(code)s in the system.")
                              % {"code": owner})
            self._check_row(row)

    def _check_row(self, row: Row) -> None:
        values = row.values
        unit = self.ref.units.get(values.get("unit_code") or "")
        if values.get("unit_code") and unit is None:
            row.error("Mã đơn vị", _("Unknown unit %(code)s (or it no longer exists).") % {"code": values["unit_code"]})
        elif unit is not None and self.scope is not None and not self.scope.contains(unit):
            row.error("Mã đơn vị", _("You do not manage unit %(code)s.") % {"code": values["unit_code"]})
        existing = self.ref.by_code.get(values.get("code") or "")
        if existing is not None and self.scope is not None and not self.scope.contains(existing.unit):
            row.error("Mã cán bộ", _("%(code)s is a person of a unit you do not manage.") % {"code": values["code"]})
        step_date = values.get("salary_step_date")
        if existing is not None and step_date and existing.salary_step_date and step_date < existing.salary_step_date \
                and values.get("salary_step") != existing.salary_step:
            row.error("Ngày hưởng bậc lương", _("The system already has a later step from %(day)s; a salary history "
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
        # As servant_update: a file may not add a problem, but one already on record does not block the row.
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
            if national_id[3] != str(expected) or national_id[4:6] != f"{birth.value.year % 100:02d}":
                self.warn(row, _("The ID number does not match the sex and birth year (ND 137/2015 Art 7); "
                                 "check both."))
        row.values["retired"] = None
        if sex:
            retirement = retirement_of(birth.value, sex)
            if retirement.retirement_date < self.today:
                row.values["retired"] = retirement
                self.warn(row, _("Already past retirement age (retired on %(day)s): imported as retired.")
                          % {"day": retirement.retirement_date.strftime("%d/%m/%Y")})

    def _check_salary(self, row: Row) -> None:
        values = row.values
        rank_code, step, coefficient = values.get("rank_code"), values.get("salary_step"), values.get(
            "salary_coefficient")
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
            step = next((s for (g, s), c in self.ref.coefficients.items() if g == group and c == coefficient), None)
            if step is None:
                row.error("Hệ số lương", _("Coefficient %(value)s is not a step of rank %(rank)s.")
                          % {"value": number_format(coefficient), "rank": rank_code})
                return
            values["salary_step"] = step
        if step is not None:
            last = self.ref.last_steps.get(group, 0)
            if step > last:
                row.error("Bậc lương", _("Rank %(rank)s has steps 1 to %(last)s.") % {"rank": rank_code, "last": last})
                return
            expected = self.ref.coefficients[(group, step)]
            if coefficient is not None and coefficient != expected:
                row.error("Hệ số lương", _("Step %(step)s of rank %(rank)s has coefficient %(expected)s, not "
                                           "%(value)s.") % {"step": step, "rank": rank_code,
                                                           "expected": number_format(expected),
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
                row.error(header, _("The date %(day)s is in the future.") % {"day": day.strftime("%d/%m/%Y")})
            elif birth is not None and day < add_months(birth.value, 16 * 12):
                row.error(header, _("The date %(day)s is before the person was 16.")
                          % {"day": day.strftime("%d/%m/%Y")})
            elif field == "salary_step_date" and retired is not None and day > retired.retirement_date:
                # The imported salary row ends on the retirement date; it cannot start after it.
                row.error(header, _("The date %(day)s is after the person retired (%(retired)s): no salary step "
                                    "starts after retirement.")
                          % {"day": day.strftime("%d/%m/%Y"),
                             "retired": retired.retirement_date.strftime("%d/%m/%Y")})

    # --- what writing would do ---------------------------------------------------------------------------
    def _profile(self, values: dict) -> dict:
        birth: PartialDate = values["birth"]
        profile = {"full_name": values["full_name"], "date_of_birth": birth.value,
                   "birth_precision": birth.precision, "sex": values["sex"], "national_id": values["national_id"]}
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
            values["job_position"] is not None and values["job_position"].pk != servant.job_position_id)
        rank = values.get("rank")
        paid = rank is not None and values.get("salary_step") is not None and (
            rank.pk != servant.rank_id or values["salary_step"] != servant.salary_step
            or (values.get("salary_step_date") and values["salary_step_date"] != servant.salary_step_date))
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

    # --- writing ------------------------------------------------------------------------------------------
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
                           kind=CareerEvent.Kind.REASSIGNED, unit=values["unit"], title=values.get("title") or "",
                           job_position=values["job_position"], reason=reason)
        if paid:
            start = values.get("salary_step_date") or self.today
            servant_set_salary(actor=self.actor, servant=servant, rank=values["rank"], step=values["salary_step"],
                               start_date=start, kind=SalaryRecord.Kind.IMPORTED, decision=Decision(),
                               reason=reason)
        return bool(profile or moved or paid)


SERVANT_FIELDS = [f.name for f in CivilServant._meta.concrete_fields]
EVENT_FIELDS = ["id", "servant", "kind", "effective_date", "decision_number", "decision_date", "signer", "summary",
                "data", "rule_set", "corrects", "correction_reason", "created_by", "created_at"]
ASSIGNMENT_FIELDS = ["id", "servant", "unit", "job_position", "title", "leadership", "kind", "start_date",
                     "end_date", "event"]
SALARY_FIELDS = ["id", "servant", "rank", "step", "coefficient", "excess_seniority_percent", "start_date",
                 "end_date", "kind", "event"]
AUDIT_FIELDS = ["id", "timestamp", "actor", "actor_name", "source", "action", "content_type", "object_id",
                "object_repr", "unit", "changes", "reason", "batch", "request_id"]


class BulkCreator:
    """Writes the new people of an import with one COPY (or executemany) per table."""

    def __init__(self, importer: PersonnelImporter, rows: list[Row]):
        self.importer = importer
        self.rows = rows
        self.now = timezone.now()
        self.defaults = model_defaults(CivilServant, SERVANT_FIELDS)

    def run(self) -> None:
        if not self.rows:
            return
        count = len(self.rows)
        servant_ids = allocate_ids(CivilServant, count)
        event_ids = allocate_ids(CareerEvent, count)
        assignment_ids = allocate_ids(Assignment, count)
        paid = [i for i, r in enumerate(self.rows) if r.values.get("rank") and r.values.get("salary_step")]
        salary_ids = iter(allocate_ids(SalaryRecord, len(paid)))
        audit_ids = allocate_ids(AuditEntry, count)
        servants, events, assignments, salaries, entries = [], [], [], [], []
        actor = self.importer.actor
        actor_id = actor.pk if actor is not None else None
        actor_name = actor.get_full_name() if actor is not None else ""
        content_type = audit.content_type_id(CivilServant)
        summary = _("Record imported")
        paid_set = set(paid)
        for index, row in enumerate(self.rows):
            values = row.values
            servant = self._servant(values, servant_ids[index])
            servants.append(tuple(servant[f] for f in SERVANT_FIELDS))
            start = values.get("recruitment_date") or self.importer.today
            unit_start = values["unit"].valid_from
            if unit_start is not None and start < unit_start:
                start = unit_start  # the person is known in this unit only since it exists
            retired = values.get("retired")
            end = retired.retirement_date if retired else None
            if end is not None and end < start:
                start = end
            events.append((event_ids[index], servant["id"], CareerEvent.Kind.IMPORTED, start, "", None, "",
                           summary, {"batch": str(self.importer.batch), "start_known": bool(
                               values.get("recruitment_date"))}, "", None, "", actor_id, self.now))
            assignments.append((assignment_ids[index], servant["id"], servant["unit"], servant["job_position"],
                                servant["title"], servant["leadership"], Assignment.Kind.PRIMARY, start, end,
                                event_ids[index]))
            if index in paid_set:
                salaries.append((next(salary_ids), servant["id"], servant["rank"], servant["salary_step"],
                                 servant["salary_coefficient"], 0, servant["salary_step_date"] or start, end,
                                 SalaryRecord.Kind.IMPORTED, event_ids[index]))
            entries.append((audit_ids[index], self.now, actor_id, actor_name[:150], AuditEntry.Source.IMPORT, "create",
                            content_type, str(servant["id"]), servant["full_name"][:255], servant["unit"],
                            self._changes(servant), "", self.importer.batch, ""))
        bulk_insert(CivilServant, SERVANT_FIELDS, servants)
        bulk_insert(CareerEvent, EVENT_FIELDS, events)
        bulk_insert(Assignment, ASSIGNMENT_FIELDS, assignments)
        bulk_insert(SalaryRecord, SALARY_FIELDS, salaries)
        bulk_insert(AuditEntry, AUDIT_FIELDS, entries)

    def _servant(self, values: dict, pk: int) -> dict:
        servant = dict(self.defaults)
        servant.update(self.importer._profile(values))
        unit: OrgUnit = values["unit"]
        rank = values.get("rank")
        title = values.get("title") or ""
        category = values.get("category") or (Category.PUBLIC_EMPLOYEE if unit.sector == OrgUnit.Sector.PUBLIC_SERVICE
                                              else Category.CIVIL_SERVANT)
        retired = values.get("retired")
        servant.update(
            id=pk, code=values["code"], category=category, unit=unit.pk,
            job_position=values["job_position"].pk if values.get("job_position") else None,
            title=title, leadership=leadership_of(title), rank=rank.pk if rank else None,
            salary_step=values.get("salary_step") if rank else None,
            salary_coefficient=values.get("salary_coefficient") if rank else None,
            salary_step_date=values.get("salary_step_date") if rank else None,
            status=CivilServant.Status.RETIRED if retired else CivilServant.Status.ACTIVE,
            status_date=retired.pension_start if retired else None,
            search_text=search_key(values["full_name"], values["code"], values["national_id"])[:400],
            sort_key=name_sort_key(values["full_name"])[:300], created_at=self.now, updated_at=self.now,
        )
        return servant

    @staticmethod
    def _changes(servant: dict) -> dict:
        keep = ("code", "national_id", "full_name", "date_of_birth", "sex", "category", "unit", "title", "rank",
                "salary_step", "salary_coefficient", "status")
        return {k: [None, audit.to_json(servant[k])] for k in keep if servant.get(k) not in (None, "")}
