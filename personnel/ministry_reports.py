"""The Ministry of Home Affairs' periodic report on the number and quality of staff, as of a date.

Forms (``FORMS``):

* ``BM01`` — Biểu mẫu BM01/BNV, "Báo cáo số lượng, chất lượng công chức từ cấp huyện trở lên"
  (TT 11/2012/TT-BNV, 17/12/2012): civil servants (công chức) outside the commune level.
* ``BM02`` — Biểu mẫu BM02/BNV, "Báo cáo số lượng, chất lượng cán bộ, công chức cấp xã"
  (TT 11/2012/TT-BNV): cadres and civil servants of communes, wards and special zones.
* ``VC`` — the report on the number and quality of public employees (viên chức) of
  TT 07/2019/TT-BNV.

**Which text is in force.** TT 18/2025/TT-BNV of 08/10/2025 "Quy định chế độ báo cáo thống kê ngành
Nội vụ" is the latest text of the sector's statistical reporting regime (the same title as TT
03/2018/TT-BNV and TT 02/2023/TT-BNV before it). Whether it also repealed the BM01/BM02 forms of TT
11/2012 and the public-employee form of TT 07/2019 could not be confirmed here: only its metadata
(number, date, signer, title) was readable, not its annexes. Until its forms are checked, the
reports follow TT 11/2012 and TT 07/2019 and say so on the sheet (``LEGAL_NOTE``); the form's basis
line is data in ``FORMS`` and changes in one place.

**Layout.** BM01 and BM02 follow the column structure of the TT 11/2012 annex as a provincial HR
system implements it (header, column groups, age bands "Từ 30 trở xuống … Trên tuổi nghỉ hưu",
footer "Người lập bảng / Thủ trưởng đơn vị"); it was not compared with the gazetted annex. The VC
layout is the closest one built from BM01 with professional-title grades (hạng I–IV) in place of
ranks: unconfirmed. Columns marked ``confirmed=False`` are listed in the sheet's note.

**Who is counted** is exactly who the people list shows with the same unit and date
(``personnel.selectors.servant_list`` with ``on`` and the form's categories; BM01 leaves the staff
of communes to BM02): a primary assignment in the unit subtree on that day, whatever happened since
(people who left after the date count, people who joined after it do not). Category, education and
Party data are the record's current values (the record keeps no history of them); the rank is the
one of the salary row held on the date; the age is the age on the date. Unit HR officers get only
the units of their scope.

Queries: units of the subtree (1), people with their unit, rank and assignment of the day (1),
quotas (1) — whatever the number of people or units.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from core.access import UnitScope
from core.models import OrgUnit
from core.text import unaccent
from personnel.models import Assignment, Category, CivilServant, Leadership, SalaryRecord, Sex
from personnel.rules.retirement import retirement_of
from positions.models import Rank, StaffingQuota

L = Rank.Level

LEGAL_NOTE = ("TT 18/2025/TT-BNV (08/10/2025) quy định chế độ báo cáo thống kê ngành Nội vụ; chưa "
              "đối chiếu được phụ lục biểu mẫu của thông tư này, biểu được lập theo mẫu của "
              "{basis}.")


@dataclass(frozen=True)
class Column:
    """One counted column: its key (JSON), its header path and label, and who it counts."""

    key: str
    label: str
    path: tuple[str, ...]
    counts: Callable[["Facts"], bool]
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Form:
    code: str
    title: str
    scope_note: str
    basis: str
    categories: tuple[str, ...]
    commune: bool | None  # True: commune level only; False: above it; None: both
    columns: tuple[Column, ...]
    confirmed: bool
    deadline: str = ""
    quota_category: str = ""


@dataclass
class Facts:
    """What the columns need to know about one person on the report date."""

    female: bool
    party: bool
    minority: bool
    religious: bool
    category: str
    rank_level: str
    leader: bool
    degree: str
    schooling: str
    theory: str
    management: str
    it: str
    english: str
    other_language: str
    minority_language: bool
    age: int
    over_retirement: bool


# --- reading the free-text fields of the record ---------------------------------------------------

MINORITY_LANGUAGES = ("tay", "nung", "mong", "dao", "thai", "khmer", "e de", "ede", "gia rai",
                      "jrai", "ba na", "cham", "muong", "san diu", "cao lan", "dan toc")


def degree_of(text: str) -> str:
    """The highest professional degree named in 'Trình độ chuyên môn' ('Thạc sĩ Kinh tế' →
    master)."""
    t = unaccent(text)
    for key, words in (("doctor", ("tien si", "tsky", "chuyen khoa cap ii", "ck ii")),
                       ("master", ("thac si", "chuyen khoa cap i", "ck i")),
                       ("university", ("dai hoc", "cu nhan", "ky su", "bac si", "duoc si",
                                       "kien truc su")),
                       ("college", ("cao dang",)), ("intermediate", ("trung cap",)),
                       ("elementary", ("so cap",))):
        if any(word in t for word in words):
            return key
    return ""


def schooling_of(text: str) -> str:
    """General education: '12/12' or '10/10' → upper secondary, '9/12' → lower secondary, below →
    primary."""
    t = unaccent(text)
    if "pho thong" in t:
        return "upper"
    if "co so" in t:
        return "lower"
    if "tieu hoc" in t:
        return "primary"
    head, _slash, system = t.partition("/")
    if not head.strip().isdigit():
        return ""
    grade, total = int(head), int(system) if system.strip().isdigit() else 12
    if grade >= total:
        return "upper"
    return "lower" if grade >= (7 if total == 10 else 9) else "primary"


def theory_of(text: str) -> str:
    t = unaccent(text)
    for key, word in (("bachelor", "cu nhan"), ("advanced", "cao cap"),
                      ("intermediate", "trung cap"), ("elementary", "so cap")):
        if word in t:
            return key
    return ""


def management_of(text: str) -> str:
    t = unaccent(text)
    for key, word in (("senior", "chuyen vien cao cap"), ("principal", "chuyen vien chinh"),
                      ("specialist", "chuyen vien"), ("officer", "can su")):
        if word in t:
            return key
    return ""


def it_of(text: str) -> str:
    t = unaccent(text)
    if not t:
        return ""
    return "degree" if any(w in t for w in ("trung cap", "cao dang", "dai hoc", "ky su", "cu nhan",
                                            "thac si")) \
        else "certificate"


def languages_of(text: str) -> tuple[str, str, bool]:
    """(English level, other language level, a minority-language certificate) from 'Ngoại ngữ'."""
    t = unaccent(text)
    if not t:
        return "", "", False
    degree = any(w in t for w in ("dai hoc", "cu nhan", "thac si", "tien si"))
    level = "degree" if degree else "certificate"
    if "anh" in t.split() or "english" in t:
        return level, "", False
    if any(f"tieng {name}" in t for name in MINORITY_LANGUAGES):
        return "", "", True
    return "", level, False


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- the forms ------------------------------------------------------------------------------------

IN = ("Trong đó",)
TRAINING = "Chia theo trình độ đào tạo"
AGE = ("Chia theo độ tuổi",)
BAND_51_NOTE = "gồm cả người trên 60 tuổi chưa đến tuổi nghỉ hưu theo lộ trình NĐ 135/2020/NĐ-CP"


def _is(attr: str, value) -> Callable[[Facts], bool]:
    return lambda f: getattr(f, attr) == value


def _in(attr: str, *values) -> Callable[[Facts], bool]:
    return lambda f: getattr(f, attr) in values


def _band(low: int, high: int) -> Callable[[Facts], bool]:
    return lambda f: not f.over_retirement and low <= f.age <= high


def _common_head() -> list[Column]:
    return [Column("female", "Nữ", IN, lambda f: f.female),
            Column("party", "Đảng viên", IN, lambda f: f.party),
            Column("ethnic_minority", "Dân tộc thiểu số", IN, lambda f: f.minority),
            Column("religion", "Tôn giáo", IN, lambda f: f.religious)]


def _degrees(extra: bool = False) -> list[Column]:
    path = (TRAINING, "Chuyên môn")
    columns = [Column(f"degree_{key}", label, path, _is("degree", key)) for key, label in (
        ("doctor", "Tiến sĩ"), ("master", "Thạc sĩ"), ("university", "Đại học"),
        ("college", "Cao đẳng"), ("intermediate", "Trung cấp"), ("elementary", "Sơ cấp"))]
    if extra:
        columns.append(Column("degree_none", "Chưa qua đào tạo", path, _is("degree", ""),
                              confirmed=False,
                              note="Cột thêm: người không ghi trình độ chuyên môn"))
    return columns


def _theory_it_languages() -> list[Column]:
    theory, it = (TRAINING, "Chính trị"), (TRAINING, "Tin học")
    english, other = (TRAINING, "Ngoại ngữ", "Tiếng Anh"), (TRAINING, "Ngoại ngữ", "Ngoại ngữ khác")
    return [
        *(Column(f"theory_{key}", label, theory, _is("theory", key)) for key, label in (
            ("bachelor", "Cử nhân"), ("advanced", "Cao cấp"), ("intermediate", "Trung cấp"),
            ("elementary", "Sơ cấp"))),
        Column("it_degree", "Trung cấp trở lên", it, _is("it", "degree")),
        Column("it_certificate", "Chứng chỉ", it, _is("it", "certificate")),
        Column("english_degree", "Đại học trở lên", english, _is("english", "degree")),
        Column("english_certificate", "Chứng chỉ (A,B,C)", english, _is("english", "certificate")),
        Column("other_language_degree", "Đại học trở lên", other, _is("other_language", "degree")),
        Column("other_language_certificate", "Chứng chỉ (A,B,C)", other,
               _is("other_language", "certificate")),
        Column("minority_language", "Chứng chỉ tiếng dân tộc", (TRAINING,),
               lambda f: f.minority_language, confirmed=False,
               note="Đọc từ trường Ngoại ngữ (tên tiếng dân tộc); hồ sơ chưa có trường riêng"),
    ]


def _ages() -> list[Column]:
    band = (*AGE, "Từ 51 đến 60 (*)")
    return [
        Column("age_30_or_less", "Từ 30 trở xuống", AGE, _band(0, 30)),
        Column("age_31_40", "Từ 31 đến 40", AGE, _band(31, 40)),
        Column("age_41_50", "Từ 41 đến 50", AGE, _band(41, 50)),
        Column("age_51_60", "Tổng số", band, _band(51, 200), note=BAND_51_NOTE),
        Column("age_female_51_55", "Nữ từ 51 đến 55", band,
               lambda f: f.female and _band(51, 55)(f)),
        Column("age_male_56_60", "Nam từ 56 đến 60", band,
               lambda f: not f.female and _band(56, 60)(f)),
        Column("age_over_retirement", "Trên tuổi nghỉ hưu", AGE, lambda f: f.over_retirement),
    ]


def _management(*levels: tuple[str, str], untrained: bool = False) -> list[Column]:
    path = (TRAINING, "Quản lý nhà nước")
    columns = [Column(f"management_{key}", label, path,
                      _is("management", key)) for key, label in levels]
    if untrained:
        columns.append(Column("management_none", "Chưa qua đào tạo", path, _is("management", "")))
    return columns


CVCC, CVC, CV = ("senior", "Chuyên viên cao cấp & TĐ"), ("principal", "Chuyên viên chính & TĐ"), \
    ("specialist", "Chuyên viên & TĐ")
RANKS = ("Chia theo ngạch công chức",)

BM01 = Form(
    code="BM01/BNV", title="BÁO CÁO SỐ LƯỢNG, CHẤT LƯỢNG CÔNG CHỨC TỪ CẤP HUYỆN TRỞ LÊN NĂM {year}",
    scope_note="(Áp dụng đối với tỉnh, thành phố trực thuộc Trung ương, Bộ, Ban, ngành)",
    basis="Thông tư số 11/2012/TT-BNV ngày 17 tháng 12 năm 2012 của Bộ Nội vụ",
    categories=(Category.CIVIL_SERVANT,), commune=False, confirmed=True, deadline="ngày 30 tháng 6",
    quota_category=Category.CIVIL_SERVANT,
    columns=(
        *_common_head(),
        Column("rank_senior", "Chuyên viên cao cấp & TĐ", RANKS,
               _in("rank_level", L.SENIOR_EXPERT, L.SENIOR)),
        Column("rank_principal", "Chuyên viên chính & TĐ", RANKS, _is("rank_level", L.PRINCIPAL)),
        Column("rank_specialist", "Chuyên viên & TĐ", RANKS, _is("rank_level", L.SPECIALIST)),
        Column("rank_officer", "Cán sự & TĐ", RANKS, _is("rank_level", L.OFFICER)),
        Column("rank_staff", "Nhân viên", RANKS, _is("rank_level", L.STAFF)),
        *_degrees(), *_theory_it_languages(), *_management(CVCC, CVC, CV), *_ages(),
    ),
)

BM02 = Form(
    code="BM02/BNV", title="BÁO CÁO SỐ LƯỢNG, CHẤT LƯỢNG CÁN BỘ, CÔNG CHỨC CẤP XÃ NĂM {year}",
    scope_note="(Áp dụng đối với tỉnh, thành phố trực thuộc Trung ương)",
    basis="Thông tư số 11/2012/TT-BNV ngày 17 tháng 12 năm 2012 của Bộ Nội vụ",
    categories=(Category.CADRE, Category.CIVIL_SERVANT), commune=True, confirmed=True,
    deadline="ngày 30 tháng 6",
    columns=(
        *_common_head(),
        Column("commune_cadres", "Cán bộ cấp xã", ("Chức danh",), _is("category", Category.CADRE)),
        Column("commune_civil_servants", "Công chức chuyên môn", ("Chức danh",),
               _is("category", Category.CIVIL_SERVANT)),
        *_degrees(),
        *(Column(f"schooling_{key}", label, (TRAINING, "Học vấn phổ thông"), _is("schooling", key))
          for key, label in (("upper", "Trung học phổ thông"), ("lower", "Trung học cơ sở"),
                             ("primary", "Tiểu học"))),
        *_theory_it_languages(), *_management(CVC, CV, untrained=True), *_ages(),
        Column("rotated_from_district", "Công chức luân chuyển từ cấp huyện", (), lambda f: False,
               confirmed=False,
               note="Hồ sơ chưa ghi luân chuyển từ cấp huyện (cấp huyện không còn từ 01/7/2025): "
                    "luôn 0"),
    ),
)

VC = Form(
    code="Mẫu VC (mã biểu chưa xác nhận)",
    title="BÁO CÁO SỐ LƯỢNG, CHẤT LƯỢNG VIÊN CHỨC NĂM {year}",
    scope_note="(Áp dụng đối với đơn vị sự nghiệp công lập)",
    basis="Thông tư số 07/2019/TT-BNV của Bộ Nội vụ", categories=(Category.PUBLIC_EMPLOYEE,),
    commune=None, confirmed=False, quota_category=Category.PUBLIC_EMPLOYEE,
    columns=(
        *_common_head(),
        Column("managers", "Giữ chức vụ quản lý", IN, lambda f: f.leader, confirmed=False),
        *(Column(f"grade_{key}", label, ("Chia theo hạng chức danh nghề nghiệp",),
                 _in("rank_level", *levels), confirmed=False)
          for key, label, levels in (("1", "Hạng I", (L.SENIOR_EXPERT, L.SENIOR)),
                                     ("2", "Hạng II", (L.PRINCIPAL,)),
                                     ("3", "Hạng III", (L.SPECIALIST,)),
                                     ("4", "Hạng IV", (L.OFFICER,)),
                                     ("other", "Hạng V, chưa xếp hạng", (L.STAFF, "")))),
        *_degrees(extra=True), *_theory_it_languages(), *_management(CVCC, CVC, CV), *_ages(),
    ),
)

FORMS = {"BM01": BM01, "BM02": BM02, "VC": VC}


# --- the report -----------------------------------------------------------------------------------

@dataclass
class ReportRow:
    unit: OrgUnit | None  # None for the total
    name: str
    code: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    quota: int | None = None

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "quota": self.quota,
                "total": self.counts["total"],
                **{key: n for key, n in self.counts.items() if key != "total"}}


@dataclass
class MinistryReport:
    form: Form
    form_key: str
    root: OrgUnit
    on: date
    rows: list[ReportRow]
    total: ReportRow

    def as_json(self) -> dict:
        total = self.total.as_json()
        total.pop("code"), total.pop("name")
        return {"form": self.form_key, "unit": self.root.code, "date": self.on,
                "rows": [row.as_json() for row in self.rows], "total": total}

    @property
    def unconfirmed(self) -> list[str]:
        """What the sheet's note lists: the basis and the columns not confirmed against the text."""
        notes = [LEGAL_NOTE.format(basis=self.form.basis)]
        if not self.form.confirmed:
            notes.append("Bố cục biểu chưa đối chiếu được với phụ lục của thông tư; đây là bố cục "
                         "gần nhất.")
        for column in self.form.columns:
            if not column.confirmed or column.note:
                heading = " – ".join((*column.path[1:], column.label))
                notes.append(f"Cột “{heading}”: {column.note or 'chưa đối chiếu văn bản'}")
        return notes


def ministry_report(*, scope: UnitScope, form: str, root: OrgUnit, on: date) -> MinistryReport:
    """The rows of ``form`` for ``root``'s subtree (inside ``scope``) as of ``on``: a row per
    reporting unit (a commune for BM02, a unit directly under ``root`` otherwise) and the total."""
    spec = FORMS[form]
    unit_ids = scope.unit_ids(root)
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=unit_ids)}
    people = _people(spec, unit_ids or [], on)
    rows: dict[int, ReportRow] = {}
    total = ReportRow(None, "Tổng số", "")
    for person in people:
        unit = units.get(person["unit_on_date"])
        group = _reporting_unit(spec, root, unit, units) if unit else None
        if group is None:
            continue
        row = rows.get(group.pk) or rows.setdefault(group.pk,
                                                    ReportRow(group, group.name, group.code))
        facts = _facts(person, on)
        for target in (row, total):
            target.counts["total"] += 1
            for column in spec.columns:
                if column.counts(facts):
                    target.counts[column.key] += 1
    for unit in _listed_units(spec, root, units, on):
        rows.setdefault(unit.pk, ReportRow(unit, unit.name, unit.code))
    ordered = sorted(rows.values(), key=lambda r: (r.unit.path, r.unit.pk))
    for row in ordered:
        for key in ("total", *(c.key for c in spec.columns)):
            row.counts[key] += 0  # every key present, zeros included
            total.counts[key] += 0
    _quotas(spec, ordered, total, units, on)
    return MinistryReport(spec, form, root, on, ordered, total)


def _people(spec: Form, unit_ids: list[int], on: date) -> list[dict]:
    """The people list's membership on ``on`` (personnel.selectors._held_on), with the day's unit,
    leadership and rank."""
    held = Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on),
                                     start_date__lte=on, kind=Assignment.Kind.PRIMARY,
                                     unit_id__in=unit_ids)
    on_date = held.filter(servant_id=OuterRef("pk")).order_by("-start_date", "-id")
    salary = SalaryRecord.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on),
                                         start_date__lte=on,
                                         servant_id=OuterRef("pk")).order_by("-start_date", "-id")
    people = CivilServant.objects.filter(pk__in=held.values("servant_id"),
                                         category__in=spec.categories).annotate(
        unit_on_date=Subquery(on_date.values("unit_id")[:1]),
        leadership_on_date=Subquery(on_date.values("leadership")[:1]),
        rank_level_on_date=Coalesce(Subquery(salary.values("rank__level")[:1]), F("rank__level")))
    return list(people.order_by().values(
        "unit_on_date", "leadership_on_date", "rank_level_on_date", "sex", "date_of_birth",
        "category", "ethnicity", "religion", "party_admission_date", "qualification",
        "general_education", "political_theory", "state_management", "it_skill",
        "foreign_language"))


def _facts(person: dict, on: date) -> Facts:
    english, other, minority_language = languages_of(person["foreign_language"])
    born = person["date_of_birth"]
    try:
        over = retirement_of(born, person["sex"]).retirement_date < on
    except (LookupError, ValueError):  # a birth date outside every rule set: no age to be past
        over = False
    admitted = person["party_admission_date"]
    return Facts(
        female=person["sex"] == Sex.FEMALE, party=admitted is not None and admitted <= on,
        minority=unaccent(person["ethnicity"]) not in ("", "kinh"),
        religious=unaccent(person["religion"]) not in ("", "khong", "khong co",
                                                       "khong theo ton giao"),
        category=person["category"], rank_level=person["rank_level_on_date"] or "",
        leader=person["leadership_on_date"] in (Leadership.HEAD, Leadership.DEPUTY),
        degree=degree_of(person["qualification"]),
        schooling=schooling_of(person["general_education"]),
        theory=theory_of(person["political_theory"]),
        management=management_of(person["state_management"]), it=it_of(person["it_skill"]),
        english=english, other_language=other, minority_language=minority_language,
        age=age_on(born, on), over_retirement=over)


def _commune_of(unit: OrgUnit, units: dict[int, OrgUnit]) -> OrgUnit | None:
    for ancestor_id in reversed(unit.ancestor_ids()):
        ancestor = units.get(ancestor_id)
        if ancestor is not None and ancestor.kind == OrgUnit.Kind.COMMUNE:
            return ancestor
    return None


def _reporting_unit(spec: Form, root: OrgUnit, unit: OrgUnit,
                    units: dict[int, OrgUnit]) -> OrgUnit | None:
    """BM02 counts a person in their commune; BM01 leaves commune staff out; rows are otherwise the
    units directly under ``root`` (or ``root`` itself for its own staff)."""
    commune = _commune_of(unit, units)
    if spec.commune is True:
        return commune
    if spec.commune is False and commune is not None:
        return None
    ids = unit.ancestor_ids()
    level = ids.index(root.pk) + 1 if root.pk in ids else len(ids) - 1
    return units.get(ids[min(level, len(ids) - 1)])


def _listed_units(spec: Form, root: OrgUnit, units: dict[int, OrgUnit], on: date) -> list[OrgUnit]:
    """Units listed even with nobody: the communes (BM02) or the units under ``root`` open on
    ``on``."""
    if spec.commune is True:
        return [u for u in units.values() if u.kind == OrgUnit.Kind.COMMUNE and u.is_active_on(on)]
    return [u for u in units.values() if u.parent_id == root.pk and u.is_active_on(on)
            and (spec.commune is None or u.kind != OrgUnit.Kind.COMMUNE)]


def _quotas(spec: Form, rows: list[ReportRow], total: ReportRow, units: dict[int, OrgUnit],
            on: date) -> None:
    """'Tổng số biên chế được giao': the staffing quotas of the year set in each row's subtree."""
    if not spec.quota_category:
        return
    quotas = StaffingQuota.objects.filter(year=on.year, category=spec.quota_category,
                                          unit_id__in=list(units))
    by_unit = {r["unit_id"]: r["n"]
               for r in quotas.values("unit_id").annotate(n=Sum("number")).order_by()}
    for row in rows:
        inside = [n for unit_id, n in by_unit.items()
                  if units[unit_id].path.startswith(row.unit.path)]
        row.quota = sum(inside) if inside else None
    # The whole subtree's quotas: a department's quota is usually set on the department, not its
    # divisions.
    total.quota = sum(by_unit.values()) if by_unit else None
