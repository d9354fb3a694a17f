"""A batch of streamlining cases to price (``streamlining_calculate``), one row per case.

STREAMLINING.md names no layout, so the headers are the words of a provincial HR office's
streamlining list (below, in COLUMNS). Each row becomes a ``streamlining.rules.CaseInput`` and is
priced with ``calculate``; a cell that cannot be read or a case the decree does not cover is
refused with its row, column and Vietnamese reason, and then no case is printed (all or nothing,
like every import). Nothing is written to the database.
"""
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import CellError, Column, Importer, Row, cell_text
from core.text import unaccent
from personnel.importers import (
    parse_birth,
    parse_category,
    parse_code,
    parse_coefficient,
    parse_day,
    parse_name,
    parse_sex,
    parse_whole,
)
from streamlining import rules

CODE, SEX, BIRTH, CATEGORY, LEAVING, OPTION, GROUND = (
    "Mã cán bộ", "Giới tính", "Ngày sinh", "Loại cán bộ", "Ngày nghỉ", "Phương án", "Căn cứ")
COEFFICIENT, SI_MONTHS, REORGANISATION, BASE_SALARY = (
    "Hệ số lương", "Số tháng đóng BHXH", "Ngày quyết định sắp xếp", "Mức lương cơ sở")

OPTION_WORDS = {
    "nghi huu truoc tuoi": rules.EARLY_RETIREMENT, "huu truoc tuoi": rules.EARLY_RETIREMENT,
    "early retirement": rules.EARLY_RETIREMENT, "nghi thoi viec": rules.RESIGNATION,
    "thoi viec": rules.RESIGNATION,
    "thoi viec ngay": rules.RESIGNATION, "resignation": rules.RESIGNATION,
}
GROUND_NUMBERS = {"178": rules.ND178, "154": rules.ND154, "177": rules.ND177}


def _words(value) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", unaccent(cell_text(value))).split())


def parse_option(raw) -> str:
    option = OPTION_WORDS.get(_words(raw))
    if option is None:
        raise CellError(
            _("“%(value)s” is not an option; use Nghỉ hưu trước tuổi or Nghỉ thôi việc.")
            % {"value": cell_text(raw)})
    return option


def parse_ground(raw) -> str:
    """ND178, "NĐ 178/2024/NĐ-CP", "Nghị định 154" …: the decree's number decides."""
    numbers = [GROUND_NUMBERS[n] for n in re.findall(r"\d+", cell_text(raw)) if n in GROUND_NUMBERS]
    if len(set(numbers)) != 1:
        raise CellError(_("“%(value)s” is not a legal ground; use ND 178, ND 154 or ND 177.")
                        % {"value": cell_text(raw)})
    return numbers[0]


def _decimal(raw) -> Decimal | None:
    try:
        value = Decimal(cell_text(raw).replace("%", "").replace(",", ".").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None  # "NaN" cannot be compared


def parse_allowance_coefficient(raw) -> Decimal:
    value = _decimal(raw)
    if value is None or not Decimal(0) <= value <= Decimal(10):
        raise CellError(_("“%(value)s” is not an allowance coefficient (a number from 0 to 10).")
                        % {"value": cell_text(raw)})
    return value


def parse_percent(raw) -> Decimal:
    """25, "25%" or a cell formatted as a percentage (0.25): the allowances in percent start at 5 %,
    so a value under 1 is a fraction."""
    value = _decimal(raw)
    if value is not None and Decimal(0) < value < Decimal(1):
        value *= 100
    if value is None or not Decimal(0) <= value <= Decimal(100):
        raise CellError(_("“%(value)s” is not a percentage (a number from 0 to 100).")
                        % {"value": cell_text(raw)})
    return value.normalize()


def _birth(raw):
    return parse_birth(raw).value


def _allowance(header: str, kind: str, aliases: tuple[str, ...] = ()) -> Column:
    percent = kind in rules.PERCENT_KINDS
    return Column(header, f"allowance:{kind}",
                  parse_percent if percent else parse_allowance_coefficient, aliases=aliases,
                  example="25" if kind == rules.PUBLIC_SERVICE else "")


COLUMNS = [
    Column(CODE, "code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã CB", "Mã nhân sự", "Mã CBCCVC"), example="SNV-0001"),
    Column("Họ và tên", "name", parse_name, refuse_formula=True, example="Nguyễn Văn C"),
    Column(SEX, "sex", parse_sex, required=True, blank=False, example="Nam"),
    Column(BIRTH, "date_of_birth", _birth, required=True, blank=False, example="15/01/1966"),
    Column(CATEGORY, "category", parse_category, required=True, blank=False, aliases=("Đối tượng",),
           example="Công chức"),
    Column(LEAVING, "leaving_date", parse_day, required=True, blank=False,
           aliases=("Ngày nghỉ việc", "Thời điểm nghỉ", "Nghỉ từ ngày"),
           help=gettext_lazy("The first day not at work, as in the decision (dd/mm/yyyy)."),
           example="01/05/2025"),
    Column(OPTION, "option", parse_option, required=True, blank=False, aliases=("Chính sách",),
           example="Nghỉ hưu trước tuổi"),
    Column(GROUND, "ground", parse_ground, aliases=("Căn cứ pháp lý", "Nghị định"),
           help=gettext_lazy(
               "ND 178, ND 154 or ND 177; empty: ND 178 when a reorganisation decision date is "
               "given, otherwise ND 154."), example="ND 178"),
    Column(COEFFICIENT, "coefficient", parse_coefficient, required=True, blank=False,
           aliases=("Hệ số",), example="4,65"),
    _allowance("Phụ cấp chức vụ", rules.LEADERSHIP,
               ("Phụ cấp chức vụ lãnh đạo", "Hệ số phụ cấp chức vụ")),
    _allowance("Phụ cấp chức vụ bảo lưu", rules.LEADERSHIP_RESERVED),
    _allowance("Hệ số chênh lệch bảo lưu", rules.RESERVED_DIFFERENCE,
               ("Hệ số chênh lệch bảo lưu lương",)),
    _allowance("Phụ cấp thâm niên vượt khung (%)", rules.EXCESS_SENIORITY,
               ("Thâm niên vượt khung (%)",)),
    _allowance("Phụ cấp thâm niên nghề (%)", rules.PROFESSIONAL_SENIORITY),
    _allowance("Phụ cấp ưu đãi nghề (%)", rules.PREFERENTIAL, ("Phụ cấp ưu đãi theo nghề (%)",)),
    _allowance("Phụ cấp trách nhiệm theo nghề (%)", rules.PROFESSIONAL_RESPONSIBILITY),
    _allowance("Phụ cấp công vụ (%)", rules.PUBLIC_SERVICE),
    _allowance("Phụ cấp công tác đảng, đoàn thể (%)", rules.PARTY_MASS,
               ("Phụ cấp công tác đảng (%)",)),
    _allowance("Phụ cấp khu vực", rules.REGIONAL),
    _allowance("Phụ cấp trách nhiệm công việc", rules.JOB_RESPONSIBILITY),
    _allowance("Phụ cấp độc hại, nguy hiểm", rules.HAZARD),
    _allowance("Phụ cấp thu hút (%)", rules.ATTRACTION),
    _allowance("Phụ cấp trách nhiệm cấp ủy", rules.PARTY_COMMITTEE),
    _allowance("Phụ cấp kế toán trưởng", rules.CHIEF_ACCOUNTANT,
               ("Phụ cấp trách nhiệm kế toán trưởng",)),
    Column(SI_MONTHS, "si_months", parse_whole, required=True, blank=False,
           aliases=("Thời gian đóng BHXH (tháng)", "Số tháng đóng bảo hiểm xã hội"),
           help=gettext_lazy(
               "Months of compulsory social insurance in Party, State and socio-political bodies "
               "and the armed forces not yet paid out."), example="264"),
    Column(REORGANISATION, "reorganisation_date", parse_day,
           aliases=("Ngày quyết định sắp xếp tổ chức bộ máy", "Ngày sắp xếp"),
           help=gettext_lazy(
               "The date the reorganisation decision took effect (ND 178: the first 12 months)."),
           example="01/03/2025"),
    Column(BASE_SALARY, "base_salary", parse_whole, aliases=("Lương cơ sở",),
           help=gettext_lazy("Empty: the base salary in force in the month before leaving.")),
]
# CaseInput field named by a refusal → the column the reason is shown in.
FIELD_COLUMNS = {
    "code": CODE, "sex": SEX, "date_of_birth": BIRTH, "category": CATEGORY, "leaving_date": LEAVING,
    "option": OPTION, "ground": GROUND, "coefficient": COEFFICIENT, "si_months": SI_MONTHS,
    "reorganisation_date": REORGANISATION, "base_salary": BASE_SALARY,
}


class StreamliningCaseImporter(Importer):
    """Reads and prices the cases; ``run`` is not used (nothing to write): the command calls
    ``validate`` and prints the calculations of the rows (``row.values["calculation"]``)."""

    kind = "streamlining_cases"
    title = gettext_lazy("Streamlining cases")
    columns = COLUMNS

    def check(self, rows: list[Row]) -> None:
        for row in rows:
            if row.errors:
                continue
            case = self.case_of(row.values)
            try:
                row.values["calculation"] = rules.calculate(case)
            except rules.CaseError as error:
                row.error(FIELD_COLUMNS.get(error.field, ""), str(error))
            except ValueError as error:
                row.error("", str(error))

    @staticmethod
    def case_of(values: dict) -> rules.CaseInput:
        allowances = {field.split(":", 1)[1]: value for field, value in values.items()
                      if field.startswith("allowance:") and value}
        return rules.CaseInput(
            code=values["code"], category=values["category"], sex=values["sex"],
            date_of_birth=values["date_of_birth"], leaving_date=values["leaving_date"],
            option=values["option"],
            ground=values.get("ground") or "", coefficient=values["coefficient"],
            allowances=allowances,
            si_months=values["si_months"], reorganisation_date=values.get("reorganisation_date"),
            base_salary=values.get("base_salary"),
        )

    def write(self, rows: list[Row]) -> dict[str, int]:
        return {"created": 0, "updated": 0, "unchanged": len(rows)}
