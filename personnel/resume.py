"""The résumé "Sơ yếu lý lịch cán bộ, công chức", Mẫu 2C-BNV/2008 (QĐ 02/2008/QĐ-BNV; kept in the
dossier under TT 11/2012/TT-BNV Art 9), of one person: a template context and a printable A4 sheet.

Labels are the form's own Vietnamese text whatever the UI language, because the form is an official
document. Values are ready-formatted strings (dates dd/mm/yyyy, months mm/yyyy, coefficients with a
decimal comma), so the web page and the spreadsheet print the same thing.
"""
import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.exporting import safe_cell
from core.models import OrgUnit
from personnel.models import Allowance, Assignment, CivilServant, FamilyMember, Sex
from personnel.privacy import redacted
from personnel.rules import discipline

FORM_CODE = "Mẫu 2C-BNV/2008"
FORM_TITLE = "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC"
SEX_LABELS = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}
ASSIGNMENT_SUFFIX = {Assignment.Kind.CONCURRENT: " (kiêm nhiệm)",
                     Assignment.Kind.SECONDMENT: " (biệt phái)"}
# Item 22 prints the form of the measure in Vietnamese whatever the UI language
# (ND 112/2020, ND 172/2025).
DISCIPLINE_FORMS = {
    discipline.REPRIMAND: "Khiển trách", discipline.WARNING: "Cảnh cáo",
    discipline.STEP_REDUCTION: "Hạ bậc lương", discipline.DEMOTION: "Giáng chức",
    discipline.DISMISSAL: "Cách chức", discipline.FORCED_RESIGNATION: "Buộc thôi việc",
    discipline.REMOVAL: "Bãi nhiệm",
}
ADDRESS_HINT = "(Số nhà, đường phố, thành phố, xóm, thôn, xã, huyện, tỉnh)"
SALARY_BLOCK = 10  # item 31 is printed sideways, ten months per block


@dataclass(frozen=True)
class Field:
    """One label of the form, its value ("" prints as dots) and the form's hint printed under it."""

    label: str
    value: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Line:
    """One printed line of items 1–26: one or more fields side by side."""

    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Table:
    """A table of items 27–31: heading, optional sub-heading, column headers, rows of strings,
    note."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    subtitle: str = ""
    note: str = ""


def _line(*fields: tuple[str, ...]) -> Line:
    return Line(tuple(Field(*field) for field in fields))


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _month(value: date | None) -> str:
    return f"{value:%m/%Y}" if value else ""


def _period(start: date, end: date | None) -> str:
    return f"{_month(start)} - {_month(end) or 'nay'}"


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",") if isinstance(value, Decimal) else str(value)


def _at(title: str, unit: OrgUnit) -> str:
    return ", ".join(part for part in (title, unit.name) if part)


def _agencies(unit: OrgUnit) -> tuple[str, str]:
    """(managing agency, employing agency): a division (phòng) is not an agency, so the nearest unit
    above it employs the person and that unit's parent manages them."""
    ids = unit.ancestor_ids()
    units = OrgUnit.objects.in_bulk(ids)
    lineage = [units[pk] for pk in reversed(ids) if pk in units] or [unit]
    agencies = [u for u in lineage if u.kind != OrgUnit.Kind.DIVISION] or lineage
    return agencies[min(1, len(agencies) - 1)].name, agencies[0].name


def _birth(servant: CivilServant) -> tuple[str, str]:
    # Item 3: a year-only or month-only birth date prints only what is known.
    labels = {CivilServant.BirthPrecision.YEAR: "3) Sinh năm",
              CivilServant.BirthPrecision.MONTH: "3) Sinh tháng"}
    return labels.get(servant.birth_precision, "3) Sinh ngày"), servant.birth_display


def _current_position(servant: CivilServant) -> str:
    """Item 12 asks for the position or professional title ("chức vụ (chức danh)") in the
    government, Party or mass organisations, concurrent ones included ("kể cả chức vụ kiêm
    nhiệm"). Without a title it is the job position or the rank's name ("Chuyên viên"), never the
    unit: the unit is the header's employing agency."""
    if servant.title:
        main = _at(servant.title, servant.unit)
    elif servant.job_position_id:
        main = servant.job_position.title
    else:
        main = servant.rank.name if servant.rank_id else ""
    concurrent = servant.assignments.filter(kind=Assignment.Kind.CONCURRENT, end_date__isnull=True)
    return "; ".join([part for part in [main] if part]
                     + [f"kiêm {_at(a.title, a.unit)}" for a in concurrent.select_related("unit")])


def _rewards(servant: CivilServant) -> str:
    # Item 21: every reward, newest first; RewardRecord.level is free text, so "the highest" is the
    # reader's call.
    return "; ".join(f"{r.title} ({', '.join(p for p in (r.level, str(r.year)) if p)})"
                     for r in servant.rewards.order_by("-year", "-id"))


def _disciplines(servant: CivilServant) -> str:
    # Item 22: Party or State measure, and the year.
    return "; ".join(f"{DISCIPLINE_FORMS.get(d.form, d.form)} "
                     f"({'Đảng' if d.is_party else 'chính quyền'}, {d.effective_from.year})"
                     for d in servant.disciplines.order_by("-effective_from", "-id"))


# Item 14 and 31 name allowances the way the payroll does (ND 204/2004 Art. 6).
ALLOWANCE_NAMES = {
    Allowance.Kind.POSITION: "PCCV", Allowance.Kind.EXCESS_SENIORITY: "Thâm niên vượt khung",
    Allowance.Kind.PROFESSIONAL_SENIORITY: "Thâm niên nghề",
    Allowance.Kind.RESPONSIBILITY: "Trách nhiệm", Allowance.Kind.REGIONAL: "Khu vực",
    Allowance.Kind.PREFERENTIAL: "Ưu đãi nghề", Allowance.Kind.OTHER: "Phụ cấp khác",
}


def _amount(allowance: Allowance) -> str:
    if allowance.percent is not None:
        return f"{allowance.percent}%"
    return _number(allowance.coefficient)


def _running(allowances: list[Allowance], day: date) -> list[Allowance]:
    return [a for a in allowances if a.start_date <= day
            and (a.end_date is None or a.end_date >= day)]


def _position_allowance(servant: CivilServant, running: list[Allowance]) -> str:
    # Item 14 "Phụ cấp chức vụ": the recorded allowance running today, else the résumé's own field.
    position = [a for a in running if a.kind == Allowance.Kind.POSITION]
    return _amount(position[0]) if position else _number(servant.position_allowance)


def _other_allowances(servant: CivilServant, running: list[Allowance]) -> str:
    # Item 14 "Phụ cấp khác": every other allowance running today; excess seniority (vượt khung)
    # from the salary step when no allowance row carries it.
    others = [f"{ALLOWANCE_NAMES[a.kind]} {_amount(a)}" for a in running
              if a.kind != Allowance.Kind.POSITION]
    percent = servant.excess_seniority_percent
    if percent and not any(a.kind == Allowance.Kind.EXCESS_SENIORITY for a in running):
        others.insert(0, f"Thâm niên vượt khung {percent}%")
    return "; ".join(others)


def _identity_lines(s: CivilServant) -> list[Line]:
    # Items 1–9: addresses are written with today's administrative names (the 2C guide).
    return [
        _line(("1) Họ và tên khai sinh (viết chữ in hoa)", s.full_name.upper())),
        _line(("2) Tên gọi khác", s.other_names)),
        _line(_birth(s), ("Giới tính (nam, nữ)", SEX_LABELS.get(s.sex, ""))),
        _line(("4) Nơi sinh", s.place_of_birth)),
        _line(("5) Quê quán", s.home_town)),
        _line(("6) Dân tộc", s.ethnicity), ("7) Tôn giáo", s.religion)),
        _line(("8) Nơi đăng ký hộ khẩu thường trú", s.permanent_address, ADDRESS_HINT)),
        _line(("9) Nơi ở hiện nay", s.current_address, ADDRESS_HINT)),
    ]


def _work_lines(s: CivilServant, allowances: list[Allowance], today: date) -> list[Line]:
    # Items 10–14: recruitment, current position, rank (code per TT 02/2021/TT-BNV) and salary.
    rank_name, rank_code = (s.rank.name, s.rank.code) if s.rank else ("", "")
    running = _running(allowances, today)
    return [
        _line(("10) Nghề nghiệp khi được tuyển dụng", s.occupation_before)),
        _line(("11) Ngày tuyển dụng", _day(s.recruitment_date)),
              ("Cơ quan tuyển dụng", s.recruiting_agency)),
        _line(("12) Chức vụ (chức danh) hiện tại", _current_position(s),
               "(Về chính quyền hoặc Đảng, đoàn thể, kể cả chức vụ kiêm nhiệm)")),
        _line(("13) Công việc chính được giao", s.main_duties)),
        _line(("14) Ngạch công chức (viên chức)", rank_name), ("Mã ngạch", rank_code)),
        _line(("Bậc lương", _number(s.salary_step)), ("Hệ số", _number(s.salary_coefficient)),
              ("Ngày hưởng", _day(s.salary_step_date))),
        _line(("Phụ cấp chức vụ", _position_allowance(s, running)),
              ("Phụ cấp khác", _other_allowances(s, running))),
    ]


def _education_lines(s: CivilServant) -> list[Line]:
    # Item 15.1–15.6.
    return [
        _line(("15.1- Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào)",
               s.general_education)),
        _line(("15.2- Trình độ chuyên môn cao nhất", s.qualification,
               "(TSKH, TS, ThS, cử nhân, kỹ sư, cao đẳng, trung cấp, sơ cấp; chuyên ngành)")),
        _line(("15.3- Lý luận chính trị", s.political_theory,
               "(Cao cấp, trung cấp, sơ cấp và tương đương)"),
              ("15.4- Quản lý nhà nước", s.state_management,
               "(Chuyên viên cao cấp, chuyên viên chính, chuyên viên, cán sự, …)")),
        _line(("15.5- Ngoại ngữ", s.foreign_language, "(Tên ngoại ngữ + Trình độ A, B, C, D, …)"),
              ("15.6- Tin học", s.it_skill, "(Trình độ A, B, C, …)")),
    ]


def _party_lines(s: CivilServant) -> list[Line]:
    # Items 16–22: Party, organisations, military service, titles, rewards and discipline.
    return [
        _line(("16) Ngày vào Đảng Cộng sản Việt Nam", _day(s.party_admission_date)),
              ("Ngày chính thức", _day(s.party_official_date))),
        _line(("17) Ngày tham gia tổ chức chính trị - xã hội", s.mass_organisations,
               "(Ngày tham gia tổ chức: Đoàn, Hội, … và làm việc gì trong tổ chức đó)")),
        _line(("18) Ngày nhập ngũ", _day(s.enlistment_date)),
              ("Ngày xuất ngũ", _day(s.discharge_date)), ("Quân hàm cao nhất", s.military_rank)),
        _line(("19) Danh hiệu được phong tặng cao nhất", s.honorary_title,
               "(Anh hùng lao động, anh hùng lực lượng vũ trang; nhà giáo, thầy thuốc, nghệ sĩ "
               "nhân dân và ưu tú, …)")),
        _line(("20) Sở trường công tác", s.strengths)),
        _line(("21) Khen thưởng", _rewards(s), "(Hình thức cao nhất, năm nào)")),
        _line(("22) Kỷ luật", _disciplines(s),
               "(Về đảng, chính quyền, đoàn thể hình thức cao nhất, năm nào)")),
    ]


def _health_lines(s: CivilServant) -> list[Line]:
    # Items 23–26: health, policy status, identity card and social insurance.
    return [
        _line(("23) Tình trạng sức khoẻ", s.health_status),
              ("Chiều cao", f"{s.height_cm} cm" if s.height_cm else ""),
              ("Cân nặng", f"{s.weight_kg} kg" if s.weight_kg else ""),
              ("Nhóm máu", s.blood_group)),
        _line(("24) Là thương binh hạng", s.war_invalid_grade),
              ("Là con gia đình chính sách", s.policy_family,
               "(Con thương binh, con liệt sĩ, người nhiễm chất độc da cam Dioxin)")),
        _line(("25) Số chứng minh nhân dân", s.national_id), ("Ngày cấp", _day(s.id_issue_date)),
              ("Nơi cấp", s.id_issue_place)),
        _line(("26) Số sổ BHXH", s.social_insurance_number)),
    ]


def _training(servant: CivilServant) -> Table:
    # Item 27, oldest first.
    rows = tuple((t.institution, t.major, _period(t.start_date, t.end_date), t.mode, t.diploma)
                 for t in servant.trainings.order_by("start_date", "id"))
    return Table("27) ĐÀO TẠO, BỒI DƯỠNG VỀ CHUYÊN MÔN, NGHIỆP VỤ, LÝ LUẬN CHÍNH TRỊ, NGOẠI NGỮ, "
                 "TIN HỌC",
                 ("Tên trường", "Chuyên ngành đào tạo, bồi dưỡng", "Từ tháng, năm - đến tháng, năm",
                  "Hình thức đào tạo", "Văn bằng, chứng chỉ, trình độ gì"), rows,
                 note="Ghi chú: Hình thức đào tạo: Chính quy, tại chức, chuyên tu, bồi dưỡng …; "
                      "Văn bằng: TSKH, TS, ThS, Cử nhân, Kỹ sư …")


def _work_history(servant: CivilServant) -> Table:
    # Item 28, oldest first, with the unit's name of the time (a renamed unit is a new OrgUnit).
    assignments = servant.assignments.select_related("unit").order_by("start_date", "id")
    rows = tuple((_period(a.start_date, a.end_date),
                  _at(a.title, a.unit) + ASSIGNMENT_SUFFIX.get(a.kind, ""))
                 for a in assignments)
    return Table("28) TÓM TẮT QUÁ TRÌNH CÔNG TÁC",
                 ("Từ tháng, năm đến tháng, năm",
                  "Chức danh, chức vụ, đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức "
                  "xã hội), kể cả thời gian được đào tạo, bồi dưỡng về chuyên môn, nghiệp vụ, …"),
                 rows)


FAMILY_HEADERS = ("Mối quan hệ", "Họ và tên", "Năm sinh",
                  "Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở "
                  "(trong, ngoài nước); thành viên các tổ chức chính trị - xã hội …")


def _family(servant: CivilServant, side: str) -> tuple[tuple[str, ...], ...]:
    members = servant.family.filter(side=side).order_by("id")
    return tuple((m.relation, m.full_name, str(m.birth_year or ""), m.details) for m in members)


def _family_tables(servant: CivilServant, private: bool) -> tuple[Table, Table]:
    # Item 30: a) own side, b) the spouse's side; family members are sensitive (personnel.privacy).
    own_rows = _family(servant, FamilyMember.Side.OWN) if private else ()
    spouse_rows = _family(servant, FamilyMember.Side.SPOUSE) if private else ()
    own = Table("30) QUAN HỆ GIA ĐÌNH", FAMILY_HEADERS, own_rows,
                subtitle="a) Về bản thân: Cha, Mẹ, Vợ (hoặc chồng), các con, anh chị em ruột")
    spouse = Table("", FAMILY_HEADERS, spouse_rows,
                   subtitle="b) Về bên vợ (hoặc chồng): Cha, Mẹ, anh chị em ruột")
    return own, spouse


def _salary_history(servant: CivilServant, allowances: list[Allowance]) -> Table:
    """Item 31, oldest first: month, "rank code/step", coefficient (+ excess seniority, VK), with a
    column for each month an allowance starts or ends and the allowances running then."""
    records = list(servant.salary_records.select_related("rank").order_by("start_date", "id"))
    changes = {r.start_date for r in records} | {a.start_date for a in allowances} | {
        a.end_date + timedelta(days=1) for a in allowances if a.end_date}
    rows = []
    for day in sorted(changes):
        held = [r for r in records if r.start_date <= day]
        record = held[-1] if held else None
        step = f"{record.rank.code}/{record.step}" if record else ""
        coefficient = _number(record.coefficient) if record else ""
        if record and record.excess_seniority_percent:
            coefficient += f" (VK {record.excess_seniority_percent}%)"
        extra = "; ".join(f"{ALLOWANCE_NAMES[a.kind]} {_amount(a)}"
                          for a in _running(allowances, day))
        row = (_month(day), step, coefficient + (f" + {extra}" if extra else ""))
        if not rows or rows[-1][0] != row[0]:
            rows.append(row)
        else:  # two changes in one month print as the month's last state
            rows[-1] = row
    return Table("31) DIỄN BIẾN QUÁ TRÌNH LƯƠNG CỦA CÁN BỘ, CÔNG CHỨC",
                 ("Tháng/năm", "Mã ngạch/bậc", "Hệ số lương"), tuple(rows))


def _salary_blocks(table: Table) -> list[tuple[tuple[str, ...], ...]]:
    """Item 31 as the form prints it: sideways, one row per header, ``SALARY_BLOCK`` months per
    block."""
    rows = table.rows or (("",) * len(table.headers),) * SALARY_BLOCK
    chunks = [rows[i:i + SALARY_BLOCK] for i in range(0, len(rows), SALARY_BLOCK)]
    # Transposed: each header becomes a row followed by its values, one column per month.
    return [tuple((header, *(row[col] for row in chunk))
                  for col, header in enumerate(table.headers))
            for chunk in chunks]


# The prompts start with an en dash: a leading "-" would be taken for a formula and neutralised.
PERSONAL_HISTORY = {
    "title": "29) ĐẶC ĐIỂM LỊCH SỬ BẢN THÂN",
    "prompts": (
        "– Khai rõ: bị bắt, bị tù (từ ngày tháng năm nào đến ngày tháng năm nào, ở đâu), đã khai "
        "báo cho ai, những vấn đề gì? Bản thân có làm việc trong chế độ cũ (cơ quan, đơn vị nào, "
        "địa điểm, chức danh, chức vụ, thời gian làm việc …)",
        "– Tham gia hoặc có quan hệ với các tổ chức chính trị, kinh tế, xã hội nào ở nước ngoài "
        "(làm gì, tổ chức nào, đặt trụ sở ở đâu …?)",
        "– Có thân nhân (Cha, Mẹ, Vợ, Chồng, con, anh chị em ruột) ở nước ngoài "
        "(làm gì, địa chỉ …)?",
    ),
}
CERTIFICATION = {
    "title": "32) NHẬN XÉT, ĐÁNH GIÁ CỦA CƠ QUAN, ĐƠN VỊ QUẢN LÝ VÀ SỬ DỤNG CÁN BỘ, CÔNG CHỨC",
    "declarant": "Người khai",
    "pledge": "Tôi xin cam đoan những lời khai trên đây là đúng sự thật",
    "declarant_sign": "(Ký tên, ghi rõ họ tên)",
    "place_date": "……, ngày …… tháng …… năm ……",
    "head": "Thủ trưởng cơ quan, đơn vị quản lý và sử dụng CBCC",
    "head_sign": "(Ký tên, đóng dấu)",
}


def resume_context(servant: CivilServant, *, private: bool, today: date | None = None) -> dict:
    """Everything Mẫu 2C prints for ``servant``, in the form's order (DOMAIN-RULES §5.1, items
    1–32). Without ``private`` (the field policy's answer for the reader) the ID number is masked
    and the other sensitive items, the photo and the family are left blank. ``today`` dates the
    allowances of item 14."""
    if not private:
        servant = redacted(servant)
    today = today or timezone.localdate()
    managing, employing = _agencies(servant.unit)
    allowances = list(servant.allowances.order_by("start_date", "id"))
    salary = _salary_history(servant, allowances)
    return {
        "form_code": FORM_CODE, "form_title": FORM_TITLE, "full_name": servant.full_name.upper(),
        "header": [Field("Cơ quan, đơn vị có thẩm quyền quản lý CBCC", managing),
                   Field("Cơ quan, đơn vị sử dụng CBCC", employing),
                   Field("Số hiệu cán bộ, công chức", servant.code)],
        "photo": "Ảnh màu (4 x 6 cm)",
        # The photo goes through the scoped view (personnel:servant_photo), never a media URL.
        "photo_url": reverse("personnel:servant_photo", args=[servant.pk]) if servant.photo else "",
        "items": [*_identity_lines(servant), *_work_lines(servant, allowances, today),
                  *_education_lines(servant), *_party_lines(servant), *_health_lines(servant)],
        "training": _training(servant), "work_history": _work_history(servant),
        "personal_history": PERSONAL_HISTORY, "family": _family_tables(servant, private),
        "salary_history": salary, "salary_blocks": _salary_blocks(salary),
        "certification": {**CERTIFICATION, "declarant_name": servant.full_name},
    }


# --- The A4 worksheet -----------------------------------------------------------------------------

COLUMNS, COLUMN_WIDTH, FONT_NAME = 12, 8.3, "Times New Roman"
PHOTO_LINES = 5  # items 1–5 stand beside the photo, as on the paper form
PHOTO_PIXELS = (113, 151)  # 3 x 4 cm at 96 dpi, inside the box of two columns and five lines
TRAINING_SPANS, WORK_SPANS, FAMILY_SPANS = (3, 3, 2, 2, 2), (3, 9), (2, 3, 1, 6)
THIN, DOTTED = Side(style="thin"), Side(style="dotted")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNDERLINE = Border(bottom=DOTTED)


class _FormSheet:
    """A cursor over a 12-column worksheet: each ``put`` merges, styles and fills a range of the
    current row."""

    def __init__(self, sheet):
        self.sheet, self.row, self.height = sheet, 1, 0.0

    def put(self, first: int, span: int, text: str, *, bold: bool = False, italic: bool = False,
            size: int = 12, align: str = "left", border: Border | None = None,
            rows: int = 1) -> None:
        """Write ``text``, neutralised by ``safe_cell``, over ``span`` columns (and ``rows``
        rows) from ``first``."""
        cell = self.sheet.cell(self.row, first, safe_cell(text))
        cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal=align, vertical="center" if rows > 1 else "top",
                                   wrap_text=True)
        cell.border = border or Border()
        if span > 1 or rows > 1:  # borders of a merged range come from its top-left cell
            self.sheet.merge_cells(start_row=self.row, start_column=first,
                                   end_row=self.row + rows - 1, end_column=first + span - 1)
        if rows == 1:
            self._fit(text, span, size)

    def _fit(self, text: str, span: int, size: int) -> None:
        # Excel does not grow merged rows by itself: estimate the wrapped lines.
        per_line = max(1, int(span * COLUMN_WIDTH * 12 / size))
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        self.height = max(self.height, lines * size * 1.3)

    def newline(self, minimum: float = 16.0) -> None:
        self.sheet.row_dimensions[self.row].height = max(self.height, minimum)
        self.row, self.height = self.row + 1, 0.0


def _field_spans(line: Line, first: int):
    # Each field gets an equal share of the line; its label takes what its length needs, the value
    # the rest.
    share = (COLUMNS - first + 1) // len(line.fields)
    for index, field in enumerate(line.fields):
        start = first + index * share
        width = share if index < len(line.fields) - 1 else COLUMNS - start + 1
        label = min(width - 1, max(1, math.ceil((len(field.label) + 2) / COLUMN_WIDTH)))
        yield field, start, label, width


def _write_line(out: _FormSheet, line: Line, first: int = 1, minimum: float = 16.0) -> None:
    for field, start, label, width in _field_spans(line, first):
        out.put(start, label, field.label + ":")
        out.put(start + label, width - label, field.value, bold=True, border=UNDERLINE)
    out.newline(minimum)
    if any(field.hint for field in line.fields):
        for field, start, _label, width in _field_spans(line, first):
            out.put(start, width, field.hint, italic=True, size=10, align="center")
        out.newline()


def _write_heading(out: _FormSheet, context: dict) -> None:
    out.put(9, 4, context["form_code"], bold=True, align="right")
    out.newline()
    for field in context["header"]:
        out.put(1, 5, field.label + ":")
        out.put(6, 7, field.value, bold=True, border=UNDERLINE)
        out.newline()
    out.newline()
    out.put(1, COLUMNS, context["form_title"], bold=True, size=14, align="center")
    out.newline(24)


class _Photo(Image):
    """A JPEG or PNG placed as it is: openpyxl's Image reads files through Pillow, which the
    server does not need otherwise (the upload was checked by its first bytes,
    personnel.services.record_parts)."""

    def __init__(self, data: bytes, image_format: str):
        self.ref, self._bytes, self.format = None, data, image_format
        self.width, self.height = PHOTO_PIXELS

    def _data(self) -> bytes:
        return self._bytes


def _write_items(out: _FormSheet, items: list[Line], photo: _Photo | None = None) -> None:
    # The photo box (about 4 x 6 cm) spans the rows of items 1–5; the other items use the full
    # width.
    if photo is not None:
        photo.anchor = f"A{out.row}"
        out.sheet.add_image(photo)
    out.put(1, 2, "" if photo is not None else "Ảnh màu\n(4 x 6 cm)", align="center", border=BOX,
            rows=PHOTO_LINES)
    for line in items[:PHOTO_LINES]:
        _write_line(out, line, first=3, minimum=34)
    for line in items[PHOTO_LINES:]:
        _write_line(out, line)


def _write_row(out: _FormSheet, cells, spans, **style) -> None:
    column = 1
    for text, span in zip(cells, spans, strict=True):
        out.put(column, span, text, border=BOX, **style)
        column += span
    out.newline()


def _write_table(out: _FormSheet, table: Table, spans: tuple[int, ...]) -> None:
    for heading, bold in ((table.title, True), (table.subtitle, False)):
        if heading:
            out.put(1, COLUMNS, heading, bold=bold)
            out.newline()
    _write_row(out, table.headers, spans, bold=True, align="center", size=11)
    for row in table.rows or ((("",) * len(spans)),) * 3:  # blank rows to fill in by hand
        _write_row(out, row, spans, size=11)
    if table.note:
        out.put(1, COLUMNS, table.note, italic=True, size=10)
        out.newline()


def _write_blank_lines(out: _FormSheet, count: int) -> None:
    for _index in range(count):
        out.put(1, COLUMNS, "", border=UNDERLINE)
        out.newline(20)


def _write_salary(out: _FormSheet, table: Table, blocks) -> None:
    # Item 31 sideways: a two-column label, then one column per month.
    out.put(1, COLUMNS, table.title, bold=True)
    out.newline()
    for block in blocks:
        for row in block:
            _write_row(out, row, (2, *([1] * (len(row) - 1))), size=10, align="center")


def _write_personal_history(out: _FormSheet, personal: dict) -> None:
    # Item 29: nothing of it is on record, so each question gets lines to fill in by hand.
    out.put(1, COLUMNS, personal["title"], bold=True)
    out.newline()
    for prompt in personal["prompts"]:
        out.put(1, COLUMNS, prompt)
        out.newline()
        _write_blank_lines(out, 2)


def _write_signatures(out: _FormSheet, cert: dict) -> None:
    # Item 32, then the two signatures: the declarant's pledge and the head's seal.
    out.put(1, COLUMNS, cert["title"], bold=True)
    out.newline()
    _write_blank_lines(out, 4)
    out.put(7, 6, cert["place_date"], italic=True, align="center")
    out.newline(24)
    for left, right, bold in ((cert["declarant"], cert["head"], True), (cert["pledge"], "", False),
                              (cert["declarant_sign"], cert["head_sign"], False)):
        out.put(1, 6, left, bold=bold, italic=not bold, align="center")
        out.put(7, 6, right, bold=bold, italic=not bold, align="center")
        out.newline()
    out.newline(70)  # room to sign
    out.put(1, 6, cert["declarant_name"], bold=True, align="center")
    out.newline()


def _page_setup(sheet, title: str) -> None:
    # Portrait A4, fitted to one page wide; the form-code row repeats on every page, the footer
    # names the person.
    for index in range(1, COLUMNS + 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTH
    sheet.page_setup.orientation, sheet.page_setup.paperSize = "portrait", sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left, sheet.page_margins.right = 0.6, 0.4
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:L{sheet.max_row}"
    sheet.oddFooter.center.text = title.replace("&", "&&") + " - Trang &P/&N"
    sheet.sheet_view.showGridLines = False


def _write_form(out: _FormSheet, context: dict, photo: _Photo | None = None) -> None:
    _write_heading(out, context)
    _write_items(out, context["items"], photo)
    _write_table(out, context["training"], TRAINING_SPANS)
    _write_table(out, context["work_history"], WORK_SPANS)
    _write_personal_history(out, context["personal_history"])
    for table in context["family"]:
        _write_table(out, table, FAMILY_SPANS)
    _write_salary(out, context["salary_history"], context["salary_blocks"])
    _write_signatures(out, context["certification"])


def _photo_of(servant: CivilServant) -> _Photo | None:
    if not servant.photo:
        return None
    with servant.photo.open("rb") as file:
        data = file.read()
    return _Photo(data, "png" if data.startswith(b"\x89PNG") else "jpeg")


def resume_xlsx(servant: CivilServant, *, private: bool) -> bytes:
    """Mẫu 2C of ``servant`` as a printable A4 worksheet (openpyxl: the project's tool for
    official forms)."""
    context = resume_context(servant, private=private)
    workbook = Workbook()
    workbook.active.title = "Mẫu 2C"
    _write_form(_FormSheet(workbook.active), context, _photo_of(servant) if private else None)
    _page_setup(workbook.active, context["full_name"])
    workbook.properties.title = f"{FORM_TITLE} - {context['full_name']}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
