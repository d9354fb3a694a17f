"""Demo people: about 3,000 civil servants with plausible careers in the demo province.

Every person goes through the real services (``servant_create``, ``servant_assign``,
``servant_set_salary``, ``servant_leave`` and the record services), so the timelines, the salary
history and the audit trail look like those of real use. A career is first planned in memory with
one seeded ``random.Random`` (deterministic for a given day) and then written in date order.
Salary steps before 1 January of last year are folded into the record's first salary row (the
current step and its date stay right), and this month's raises are left for the user to decide.

What the demo shows on purpose: whole careers, everyone recruited before 1/7/2025 having worked
until then in the former provinces' units and moved to the new ones that day (about 200 planned
so, the others given their former units in bulk by ``_past_careers``); a few dozen people
reaching retirement age within a year (ND 135/2020 Art 4), those within six months with their
notice (ND 170/2025 Art 61), a few already retired; 6 of the 12 divisions of three departments
with as many leaders as staff (the situation seed 004 criticises); about 1 % disciplined, 10 %
rewarded, 15 % trained, and training plans some departments fall short of.
"""
import random
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.utils import timezone

from core import audit
from core.bulk import gc_paused
from core.dates import add_months
from core.models import AuditEntry, OrgUnit, UnitChange
from personnel.leadership import leadership_of
from personnel.models import (
    Assignment,
    CareerEvent,
    Category,
    CivilServant,
    SalaryRecord,
    Sex,
    TrainingRecord,
)
from personnel.rules import discipline as discipline_rules
from personnel.rules.retirement import Retirement, birth_range, retirement_of
from personnel.services.records import (
    discipline_record,
    reward_record,
    training_plan_set,
    training_record,
)
from personnel.services.servants import (
    Decision,
    event_record,
    servant_assign,
    servant_create,
    servant_leave,
    servant_set_salary,
)
from positions.models import Rank, SalaryCoefficient

K = OrgUnit.Kind
CODE_PREFIX = "TQ-"
SEED = 2026
# Tuyên Quang's code, the first 3 digits of the ID number (ND 137/2015 Art 7)
PROVINCE_ID_CODE = "008"
REFORM_DAY = date(2025, 7, 1)
OLD_LAST_DAY = REFORM_DAY - timedelta(days=1)
# Raises before 1 January this many years ago are folded into the first salary row: recording every
# raise since the 1990s through the services would take minutes, and the current step is right
# anyway.
SALARY_HISTORY_YEARS = 1
TOP_HEAVY_DEPARTMENTS = ("TQ.SCT", "TQ.SXD", "TQ.SGDDT")
MOVERS = {"department": 90, "commune": 30}  # plus every commune chair and half the vice-chairs
NEAR_RETIREMENT = (8, 30)  # within 6 months (with a notice), within 6–12 months
RETIRED = (8, 6)  # after 1/7/2025 in the new units, before it in the old ones

ETHNICITIES = [("Kinh", 52), ("Tày", 22), ("Dao", 9), ("H'Mông", 7), ("Nùng", 5), ("Sán Chay", 4),
               ("Giáy", 1)]
FAMILY_NAMES = {
    "Kinh": "Nguyễn*9 Trần*3 Lê*3 Phạm*2 Hoàng*2 Vũ*2 Đặng Bùi Đỗ Hồ Ngô Dương Phan Trịnh Đinh "
            "Hà Lý",
    "Tày": "Ma*3 Nông*2 Hoàng*2 Hà*2 Lý Triệu Lương Quan Lục Nguyễn Chu",
    "Dao": "Triệu*3 Bàn*3 Đặng*2 Lý*2 Phùng Chảo",
    "H'Mông": "Giàng*2 Sùng*2 Vàng*2 Lù Thào*2 Lầu Hầu Mua Vừ Ly",
    "Nùng": "Nông*2 Hoàng*2 Lương Vi Mã",
    "Sán Chay": "Hoàng*2 Trần Lâm Tô Ninh",
    "Giáy": "Hoàng Lù Vương",
}
MIDDLE = {Sex.MALE: "Văn*6 Đức Minh Quốc Hữu Xuân Quang Thanh Tiến Ngọc Mạnh Trung",
          Sex.FEMALE: "Thị*16 Thu Thanh Ngọc Minh Phương Hồng Thúy Kim Bích Hải"}
GIVEN = {Sex.MALE: "An Anh Bình Cường Dũng Duy Đạt Hải Hùng Hưng Huy Khánh Kiên Long Minh Nam "
                   "Phong Quân Sơn Thắng Thành Toàn Trung Tuấn Tùng Việt Vinh Hoàng Hiếu Lâm Mạnh "
                   "Thịnh Tiến Tú Chiến Hậu Lợi",
         Sex.FEMALE: "Anh Chi Dung Giang Hà Hằng Hạnh Hoa Hồng Huyền Hương Lan Liên Linh Loan Mai "
                     "Nga Ngọc Nhung Oanh Phương Quỳnh Thảo Thu Thủy Trang Tuyết Vân Yến Hiền Lệ "
                     "Nhàn Thơm"}
HMONG_MIDDLE = {Sex.MALE: "Seo Mí A Văn*2", Sex.FEMALE: "Thị"}
HMONG_GIVEN = {Sex.MALE: "Pao Chứ Dính Páo Súa Chá Sính Tủa Lử Khai",
               Sex.FEMALE: "Mai Dế Mỷ Sua Chua Dung Pà Hoa"}
RELIGIONS = [("Không", 95), ("Phật giáo", 3), ("Công giáo", 1), ("Tin lành", 1)]
VILLAGES = ["Nà Héc", "Khuôn Hà", "Bản Tát", "Nà Tông", "Làng Chùa", "Cốc Phường", "Đồng Bát",
            "Nà Mụ", "Khau Lấu"]

# rank codes from the entry rank up (positions.data.RANKS), recruitment ages, share of women
TRACKS = {
    "cv": (("01.003", "01.002", "01.001"), (22, 29), 45),
    "cs": (("01.004",), (20, 26), 50),
    "nv": (("01.005",), (19, 27), 55),
    "pv": (("01.011",), (20, 30), 10),
    "tt": (("04.025", "04.024", "04.023"), (23, 29), 35),
    "kt": (("06.031", "06.030"), (22, 27), 75),
    "vt": (("02.008", "02.007"), (20, 26), 80),
    "gv": (("V.07.05.15", "V.07.05.14", "V.07.05.13"), (22, 26), 70),
    "bs": (("V.08.01.03", "V.08.01.02", "V.08.01.01"), (24, 28), 45),
    "dd": (("V.08.05.12", "V.08.05.11"), (20, 24), 80),
    "lt": (("V.01.02.01",), (22, 27), 60),
}
STAFF_MIX = {  # unit profile → track weights of the staff
    "hospital": "bs*30 dd*55 cv*8 kt*4 pv*3", "school": "gv*92 kt*3 vt*2 pv*3",
    "archive": "lt*7 cv*3", "service": "cv*16 cs*2 kt pv", "inspection": "tt*17 cv*3",
    "office": "cv*11 kt*2 vt*2 cs*2 nv pv*2", "division": "cv*17 cs*2 nv",
    "commune": "cv*16 cs*3 nv",
}
QUALIFICATIONS = {
    "cv": "Cử nhân Luật*2;Cử nhân Kinh tế*2;Cử nhân Hành chính học;Cử nhân Quản trị kinh doanh;"
          "Kỹ sư Nông nghiệp;Cử nhân Quản lý đất đai;Kỹ sư Xây dựng;Kỹ sư Công nghệ thông tin;"
          "Thạc sĩ Quản lý công;Thạc sĩ Kinh tế",
    "cs": "Cao đẳng Quản trị văn phòng;Trung cấp Hành chính", "nv": "Trung cấp Hành chính",
    "pv": "", "tt": "Cử nhân Luật*3;Thạc sĩ Luật",
    "kt": "Cử nhân Kế toán*3;Cử nhân Tài chính - Ngân hàng",
    "vt": "Trung cấp Văn thư lưu trữ;Cử nhân Lưu trữ học", "lt": "Cử nhân Lưu trữ học",
    "gv": "Cử nhân Sư phạm Toán;Cử nhân Sư phạm Ngữ văn;Cử nhân Sư phạm Tiếng Anh;"
          "Cử nhân Sư phạm Vật lý;Cử nhân Sư phạm Hóa học;Cử nhân Sư phạm Lịch sử;"
          "Cử nhân Sư phạm Tin học;Thạc sĩ Lý luận và phương pháp dạy học",
    "bs": "Bác sĩ đa khoa*3;Bác sĩ chuyên khoa cấp I Nội khoa;Bác sĩ chuyên khoa cấp I Ngoại khoa;"
          "Thạc sĩ Y học",
    "dd": "Cao đẳng Điều dưỡng*2;Cử nhân Điều dưỡng",
}
REWARDS = [("Lao động tiên tiến", "Cơ sở", 40), ("Chiến sĩ thi đua cơ sở", "Cơ sở", 25),
           ("Giấy khen của thủ trưởng cơ quan", "Cơ sở", 15),
           ("Bằng khen của Chủ tịch UBND tỉnh", "Tỉnh", 15),
           ("Chiến sĩ thi đua cấp tỉnh", "Tỉnh", 5)]
T = TrainingRecord.Kind
TRAININGS = [  # kind, course, institution, months, mode, diploma, weight
    (T.POLITICAL_THEORY, "Trung cấp lý luận chính trị", "Trường Chính trị tỉnh Tuyên Quang", 8,
     "Không tập trung", "Bằng tốt nghiệp", 20),
    (T.POLITICAL_THEORY, "Cao cấp lý luận chính trị", "Học viện Chính trị khu vực I", 18,
     "Không tập trung", "Bằng tốt nghiệp", 4),
    (T.STATE_MANAGEMENT, "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên chính",
     "Học viện Hành chính và Quản trị công", 2, "Tập trung", "Chứng chỉ", 10),
    (T.STATE_MANAGEMENT, "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên",
     "Trường Chính trị tỉnh Tuyên Quang", 2, "Tập trung", "Chứng chỉ", 10),
    (T.IT, "Bồi dưỡng kỹ năng số và chuyển đổi số trong cơ quan nhà nước",
     "Sở Khoa học và Công nghệ", 1, "Trực tuyến", "Giấy chứng nhận", 15),
    (T.PROFESSIONAL, "Bồi dưỡng nghiệp vụ chuyên ngành", "Trường Chính trị tỉnh Tuyên Quang", 1,
     "Tập trung", "Giấy chứng nhận", 20),
    (T.DEFENCE, "Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "Bộ Chỉ huy Quân sự tỉnh",
     1, "Tập trung", "Giấy chứng nhận", 10),
    (T.DEGREE, "Thạc sĩ Quản lý công", "Học viện Hành chính và Quản trị công", 24,
     "Vừa làm vừa học", "Bằng thạc sĩ", 5),
    (T.FOREIGN_LANGUAGE, "Tiếng Anh bậc 3 (B1) theo khung năng lực 6 bậc",
     "Trường Đại học Tân Trào", 4, "Buổi tối", "Chứng chỉ", 6),
]
PLANNED_KINDS = (T.POLITICAL_THEORY, T.STATE_MANAGEMENT, T.IT, T.PROFESSIONAL)
VIOLATIONS = ["Tự ý nghỉ việc nhiều ngày không có lý do chính đáng",
              "Thiếu trách nhiệm trong thẩm định hồ sơ, để xảy ra sai sót",
              "Giải quyết thủ tục hành chính cho người dân quá thời hạn quy định",
              "Vi phạm quy chế chi tiêu nội bộ của cơ quan"]
OLD_DIVISIONS = {K.DEPARTMENT: ["Tổ chức - Hành chính", "Kế hoạch - Tài chính", "Nghiệp vụ"],
                 K.DISTRICT: ["Nội vụ", "Tài chính - Kế hoạch", "Kinh tế và Hạ tầng",
                              "Văn hóa và Thông tin"]}


@cache
def _pool(spec: str) -> list[str]:
    """'Nguyễn*3 Trần' → a list with weights as repetitions (';' separates items that contain
    spaces)."""
    items = []
    for item in spec.split(";" if ";" in spec else " "):
        name, _, weight = item.partition("*")
        items += [name] * int(weight or 1)
    return items


@cache
def _retirement(year: int, month: int, sex: str) -> Retirement:
    """``retirement_of`` depends only on the month of birth; it walks the months one by one, so
    cache it."""
    return retirement_of(date(year, month, 1), sex)


@cache
def _births_retiring(sex: str, first: date, last: date) -> tuple[date, date]:
    return birth_range(sex, first, last)


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[-1] for p in pairs])[0]


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


@dataclass
class Slot:
    """One post to fill: the unit, the final title and the career ladder leading to it."""

    unit: OrgUnit
    top: OrgUnit  # the department, office, inspectorate or commune the unit belongs to
    role: str  # head, deputy, staff
    title: str
    track: str
    category: str
    # Posts held before, oldest first.
    ladder: list[tuple[OrgUnit, str]] = field(default_factory=list)
    old_unit: OrgUnit | None = None  # set for the people moved from a former unit on 1/7/2025
    retire: str = ""  # "", "notice", "soon", "retired", "retired_old"


@dataclass(frozen=True)
class Pay:
    """One row of a planned salary history."""

    start: date
    rank: Rank
    step: int
    kind: str
    excess: int = 0


@dataclass
class Person:
    create: dict
    actions: list[tuple[date, int, str, dict]] = field(default_factory=list)


@dataclass
class Reference:
    province: OrgUnit
    units: list[OrgUnit]
    by_id: dict[int, OrgUnit]
    ranks: dict[str, Rank]
    coefficients: dict[tuple[int, int], list[tuple[date, Decimal]]]
    last_step: dict[int, int]
    # New top unit → its closed predecessors (with their districts).
    predecessors: dict[int, list[OrgUnit]]

    def top_of(self, unit: OrgUnit) -> OrgUnit:
        ids = unit.ancestor_ids()
        return self.by_id.get(ids[1], unit) if len(ids) > 1 else unit

    def coefficient(self, rank: Rank, step: int, day: date) -> Decimal:
        rows = self.coefficients[(rank.salary_group_id, step)]
        return next((value for start, value in reversed(rows) if start <= day), rows[0][1])


def _reference(province: OrgUnit) -> Reference:
    units = list(OrgUnit.objects.open().filter(path__startswith=province.path)
                 .exclude(pk=province.pk))
    by_id = {u.pk: u for u in units}
    coefficients, last_step = {}, {}
    for row in SalaryCoefficient.objects.order_by("valid_from"):
        history = coefficients.setdefault((row.group_id, row.step), [])
        history.append((row.valid_from, row.coefficient))
        last_step[row.group_id] = max(last_step.get(row.group_id, 0), row.step)
    ranks = {r.code: r for r in Rank.objects.select_related("salary_group")}
    return Reference(province, units, by_id, ranks, coefficients, last_step, _predecessors(by_id))


def _predecessors(by_id: dict[int, OrgUnit]) -> dict[int, list[OrgUnit]]:
    found: dict[int, list[OrgUnit]] = {}
    changes = UnitChange.objects.filter(effective_date=REFORM_DAY) \
        .prefetch_related("predecessors", "successors")
    for change in changes:
        old = [u for u in change.predecessors.all() if u.valid_to == OLD_LAST_DAY
               and u.kind != K.PROVINCE]
        for successor in change.successors.all():
            if successor.pk in by_id and old:
                found.setdefault(successor.pk, []).extend(old)
    district_ids = {u.parent_id for units in found.values() for u in units if u.kind == K.COMMUNE}
    districts = OrgUnit.objects.in_bulk(district_ids)
    for top, units in found.items():
        parents = {u.parent_id for u in units if u.kind == K.COMMUNE}
        found[top] = units + [districts[pk] for pk in sorted(parents)]
    return found


def _issuer(unit: OrgUnit) -> tuple[str, str]:
    """(suffix of the decision number, signer) of the head of ``unit``."""
    if unit.kind in (K.COMMUNE, K.DISTRICT):
        return "UBND", f"Chủ tịch UBND {unit.name[0].lower()}{unit.name[1:]}"
    if unit.kind == K.PROVINCE:
        return "UBND", "Chủ tịch UBND tỉnh"
    if unit.kind == K.OFFICE:
        return "VPUBND", "Chánh Văn phòng UBND tỉnh"
    if unit.kind == K.INSPECTORATE:
        return "TTr", "Chánh Thanh tra tỉnh"
    return unit.code.rsplit(".", 1)[-1], f"Giám đốc {unit.name}"


def _titles(unit: OrgUnit, top_level: bool) -> tuple[str, str]:
    if unit.kind == K.COMMUNE:
        level = "phường" if unit.name.startswith("Phường") else "xã"
        return f"Chủ tịch UBND {level}", f"Phó Chủ tịch UBND {level}"
    if top_level:
        return {K.OFFICE: ("Chánh Văn phòng UBND tỉnh", "Phó Chánh Văn phòng UBND tỉnh"),
                K.INSPECTORATE: ("Chánh Thanh tra tỉnh", "Phó Chánh Thanh tra tỉnh")}.get(
            unit.kind, ("Giám đốc Sở", "Phó Giám đốc Sở"))
    if unit.kind == K.OFFICE:
        return "Chánh Văn phòng", "Phó Chánh Văn phòng"
    if unit.kind == K.PUBLIC_SERVICE_UNIT:
        if unit.name.startswith("Trường"):
            return "Hiệu trưởng", "Phó Hiệu trưởng"
        return "Giám đốc", "Phó Giám đốc"
    return "Trưởng phòng", "Phó Trưởng phòng"


def _profile_of(unit: OrgUnit, top: OrgUnit) -> str:
    name = unit.name
    if name.startswith("Bệnh viện") or "Kiểm soát bệnh tật" in name:
        return "hospital"
    if name.startswith("Trường"):
        return "school"
    if "Lưu trữ" in name:
        return "archive"
    if top.kind == K.COMMUNE:
        return "commune"
    if unit.kind == K.PUBLIC_SERVICE_UNIT:
        return "service"
    if top.kind == K.INSPECTORATE:
        return "inspection"
    return "office" if unit.kind == K.OFFICE else "division"


STAFF_SIZES = {  # words of the unit name → range of staff (leaders come on top)
    "commune": [("Văn phòng", 6, 9), ("Phục vụ hành chính công", 3, 5), ("", 5, 8)],
    "province": [("Bệnh viện Đa khoa", 255, 265), ("Bệnh viện", 90, 100),
                 ("Kiểm soát bệnh tật", 55, 65), ("Trường", 60, 72)],
}


def _staff_size(rng: random.Random, unit: OrgUnit, top: OrgUnit) -> int:
    for word, low, high in STAFF_SIZES["commune" if top.kind == K.COMMUNE else "province"]:
        if word in unit.name:
            return rng.randint(low, high)
    if unit.kind == K.PUBLIC_SERVICE_UNIT:
        return rng.randint(12, 24)
    return rng.randint(8, 12) if unit.kind == K.OFFICE else rng.randint(6, 12)


def _deputies(rng: random.Random, unit: OrgUnit, top: OrgUnit, profile: str,
              top_heavy: bool) -> int:
    if unit.kind == K.COMMUNE or top_heavy:
        return 2
    if unit is top or profile in ("hospital", "school"):
        return rng.randint(2, 3)
    return 1 if "Phục vụ hành chính công" in unit.name else rng.randint(1, 2)


class Planner:
    """Plans every person in memory; nothing here writes to the database."""

    def __init__(self, ref: Reference, today: date):
        self.ref = ref
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        self.numbers: dict[tuple[str, str, str, int], int] = {}
        self.national_ids: set[str] = set()
        self.children: dict[int, list[OrgUnit]] = {}
        for unit in ref.units:
            self.children.setdefault(unit.parent_id, []).append(unit)
        self.communes = [u.name for u in ref.units if u.kind == K.COMMUNE] or ["Phường Minh Xuân"]
        self.old_units = {u.pk: u for units in ref.predecessors.values() for u in units}
        self.home_affairs = next((u for u in ref.units if u.code == "TQ.SNV"), ref.province)

    # --- posts ------------------------------------------------------------------------------------
    def slots(self) -> list[Slot]:
        top_heavy = self._top_heavy()
        slots: list[Slot] = []
        for unit in self.ref.units:
            top = self.ref.top_of(unit)
            if unit.sector == OrgUnit.Sector.PARTY_MASS or unit.kind == K.PARTY_MASS_ORG:
                # Party and mass-organisation staff are managed under Party rules, not here
                continue
            slots += self._unit_slots(unit, top, unit.pk in top_heavy)
        self._mark_movers(slots)
        self._mark_retirements(slots)
        return slots + self._retired_extras()

    def _top_heavy(self) -> set[int]:
        """Half the divisions of three departments get as many leaders as staff (seed 004)."""
        chosen = set()
        for unit in self.ref.units:
            if unit.code in TOP_HEAVY_DEPARTMENTS:
                divisions = [u for u in self.children.get(unit.pk, [])
                             if u.kind in (K.DIVISION, K.OFFICE)]
                chosen |= {u.pk for u in self.rng.sample(divisions, len(divisions) // 2)}
        return chosen

    def _unit_slots(self, unit: OrgUnit, top: OrgUnit, top_heavy: bool) -> list[Slot]:
        rng = self.rng
        head, deputy = _titles(unit, unit is top)
        profile = _profile_of(unit, top)
        leader_track = {"hospital": "bs", "school": "gv", "inspection": "tt"}.get(profile, "cv")
        category = Category.PUBLIC_EMPLOYEE if unit.sector == OrgUnit.Sector.PUBLIC_SERVICE else \
            Category.CADRE if unit.kind == K.COMMUNE else Category.CIVIL_SERVANT
        deputies = _deputies(rng, unit, top, profile, top_heavy)
        slots = [Slot(unit, top, "head", head, leader_track, category)]
        slots += [Slot(unit, top, "deputy", deputy, leader_track, category)
                  for _ in range(deputies)]
        if unit is not top:
            size = rng.randint(1, 3) if top_heavy else _staff_size(rng, unit, top)
            for _ in range(size):
                track = rng.choice(_pool(STAFF_MIX[profile]))
                staff_category = Category.CONTRACT if track == "pv" else category
                slots.append(Slot(unit, top, "staff", "", track, staff_category))
        for slot in slots:
            slot.ladder = self._ladder(slot)
        return slots

    def _ladder(self, slot: Slot) -> list[tuple[OrgUnit, str]]:
        """Posts before the final one: leaders rise from staff, a few staff came from a sister
        unit."""
        rng, unit = self.rng, slot.unit
        if slot.role == "staff":
            sisters = [u for u in self.children.get(unit.parent_id, []) if u.kind == unit.kind
                       and u is not unit]
            return [(rng.choice(sisters), "")] if sisters and rng.random() < 0.06 else [(unit, "")]
        divisions = [u for u in self.children.get(slot.top.pk, [])
                     if u.kind in (K.DIVISION, K.OFFICE)] or [unit]
        start = rng.choice(divisions) if unit is slot.top or rng.random() < 0.2 else unit
        deputy = _titles(unit, unit is slot.top)[1]
        # Department leaders were heads of its divisions.
        if unit is slot.top and unit.kind != K.COMMUNE:
            ladder = [(start, ""), (start, _titles(start, False)[0])]
            return ladder + ([(unit, deputy)] if slot.role == "head" else [])
        if slot.role == "head" and rng.random() < 0.6:
            return [(start, ""), (unit, deputy)]
        return [(start, "")]

    def _mark_movers(self, slots: list[Slot]) -> None:
        rng, pred = self.rng, self.ref.predecessors
        commune_leaders = [s for s in slots if s.unit.kind == K.COMMUNE and s.top.pk in pred]
        chosen = [s for s in commune_leaders if s.role == "head" or rng.random() < 0.5]
        for kind, count in MOVERS.items():
            pool = [s for s in slots if s.top.pk in pred and s.unit is not s.top and s.retire == ""
                    and (s.top.kind == K.COMMUNE) == (kind == "commune")]
            chosen += rng.sample(pool, min(count, len(pool)))
        for slot in chosen:
            old = pred[slot.top.pk]
            slot.old_unit = rng.choice([u for u in old if u.kind != K.DISTRICT]
                                       if slot.role == "staff" else old)
            slot.ladder = self._old_ladder(slot)

    def _old_ladder(self, slot: Slot) -> list[tuple[OrgUnit, str]]:
        old, rng = slot.old_unit, self.rng
        if slot.role == "staff":
            return [(old, "")]
        if old.kind == K.COMMUNE:
            level = next((w.lower() for w in ("Phường", "Thị trấn") if old.name.startswith(w)),
                         "xã")
            titles = ["", f"Phó Chủ tịch UBND {level}"] + ([f"Chủ tịch UBND {level}"]
                                                           if slot.role == "head" else [])
        else:
            division = rng.choice(OLD_DIVISIONS.get(old.kind, OLD_DIVISIONS[K.DEPARTMENT]))
            titles = ["", f"Phó Trưởng phòng {division}"]
            if slot.role == "head":
                titles.append("Phó Chủ tịch UBND huyện"
                              if old.kind == K.DISTRICT else f"Trưởng phòng {division}")
        return [(old, t) for t in titles]

    def _mark_retirements(self, slots: list[Slot]) -> None:
        pool = [s for s in slots if s.old_unit is None
                and not (s.unit is s.top and s.role == "head")]
        soon = self.rng.sample(pool, sum(NEAR_RETIREMENT))
        for index, slot in enumerate(soon):
            slot.retire = "notice" if index < NEAR_RETIREMENT[0] else "soon"

    def _retired_extras(self) -> list[Slot]:
        extras = []
        staffed = [s for s in self.ref.units if s.kind in (K.DIVISION, K.OFFICE)
                   and s.parent_id != self.ref.province.pk
                   and s.sector != OrgUnit.Sector.PARTY_MASS]
        for unit in self.rng.sample(staffed, RETIRED[0]):
            extras.append(Slot(unit, self.ref.top_of(unit), "staff", "", "cv",
                               Category.CIVIL_SERVANT, [(unit, "")], retire="retired"))
        old_units = [u for units in self.ref.predecessors.values() for u in units
                     if u.kind != K.DISTRICT]
        for unit in self.rng.sample(old_units, RETIRED[1]):
            extras.append(Slot(unit, unit, "staff", "", "cv", Category.CIVIL_SERVANT, [(unit, "")],
                               retire="retired_old"))
        return extras

    # --- people -----------------------------------------------------------------------------------
    def person(self, number: int, slot: Slot) -> Person:
        rng = self.rng
        ranks, ages, women = TRACKS[slot.track]
        women = {"head": 25, "deputy": 40}.get(slot.role, women)
        sex = Sex.FEMALE if rng.randint(1, 100) <= women else Sex.MALE
        birth = self._birth(slot, sex)
        retirement = _retirement(birth.year, birth.month, sex)
        recruited = self._recruited(slot, birth, ages)
        ethnicity = _weighted(rng, ETHNICITIES)
        person = Person(create={
            "code": f"{CODE_PREFIX}{number:06d}", "national_id": self._national_id(sex, birth),
            "full_name": self._name(ethnicity, sex), "date_of_birth": birth, "sex": sex,
            "category": slot.category, "ethnicity": ethnicity,
            "religion": _weighted(rng, RELIGIONS), "recruitment_date": recruited,
            "start_date": recruited, **self._profile(slot, recruited)})
        if birth.month == 1 and birth.day == 1:
            person.create["birth_precision"] = CivilServant.BirthPrecision.YEAR
        # This month's raises are left to decide, so the "raises due" lists have something to show.
        last_day = retirement.retirement_date if slot.retire.startswith("retired") else \
            self.today.replace(day=1) - timedelta(days=1)
        self._career(person, slot, recruited)
        self._salary(person, slot, ranks, recruited, last_day)
        self._retirement(person, slot, retirement)
        return person

    def _birth(self, slot: Slot, sex: str) -> date:
        rng = self.rng
        window = {"notice": (self.today, add_months(self.today, 6)),
                  "soon": (add_months(self.today, 6) + timedelta(days=1),
                           add_months(self.today, 12)),
                  "retired": (REFORM_DAY + timedelta(days=40), add_months(self.today, -1)),
                  "retired_old": (date(2023, 1, 1), OLD_LAST_DAY)}.get(slot.retire)
        if window:
            first, last = _births_retiring(sex, *window)
            return first + timedelta(days=rng.randint(0, (last - first).days))
        low, high = {"head": (1966, 1987), "deputy": (1968, 1991)}.get(slot.role, (1966, 2001))
        if slot.unit is slot.top:
            low, high = (1966, 1978) if slot.role == "head" else (1966, 1983)
        while True:
            year = round(rng.triangular(low, high, (low + high) * 0.5 + 3))
            # A few are born "in" a year only, recorded as 1 January (BirthPrecision.YEAR).
            birth = (date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() > 0.01
                     else date(year, 1, 1))
            # Nobody retires before 55 (ND 135/2020 Art 4), so only the older ones need checking.
            if year > self.today.year - 54 or _retirement(year, birth.month, sex).retirement_date \
                    > add_months(self.today, 12):
                return birth

    def _recruited(self, slot: Slot, birth: date, ages: tuple[int, int]) -> date:
        latest = add_months(REFORM_DAY, -15) if slot.old_unit else add_months(self.today, -3)
        if slot.role != "staff":
            latest = min(latest, add_months(self.today, -12 * 8))
        month = _month(birth) + 12 * self.rng.randint(*ages) + self.rng.randint(0, 11)
        return _day(max(min(month, _month(latest)), _month(birth) + 12 * 19))

    def _national_id(self, sex: str, birth: date) -> str:
        century = 0 if birth.year < 2000 else 2  # ND 137/2015 Art 7.2: century and sex in one digit
        prefix = f"{PROVINCE_ID_CODE}{century + (sex == Sex.FEMALE)}{birth.year % 100:02d}"
        while True:
            number = f"{prefix}{self.rng.randint(0, 999_999):06d}"
            if number not in self.national_ids:
                self.national_ids.add(number)
                return number

    def _name(self, ethnicity: str, sex: str) -> str:
        rng = self.rng
        family = rng.choice(_pool(FAMILY_NAMES[ethnicity]))
        if ethnicity == "H'Mông":
            middle = rng.choice(_pool(HMONG_MIDDLE[sex]))
            return f"{family} {middle} {rng.choice(_pool(HMONG_GIVEN[sex]))}"
        middle = rng.choice(_pool(MIDDLE[sex]))
        if sex == Sex.FEMALE and middle == "Thị" and rng.random() < 0.2:
            middle += " " + rng.choice(["Thu", "Thanh", "Ngọc", "Minh", "Hồng"])
        return f"{family} {middle} {rng.choice(_pool(GIVEN[sex]))}"

    def _profile(self, slot: Slot, recruited: date) -> dict:
        rng = self.rng
        leader = slot.role != "staff"
        home = rng.choice(self.communes)
        if home.startswith("Phường"):
            place = f"Tổ dân phố {rng.randint(1, 12)}"
        else:
            place = f"Thôn {rng.choice(VILLAGES)}"
        qualification = rng.choice(_pool(QUALIFICATIONS.get(slot.track, "")) or [""])
        party = add_months(recruited, rng.randint(24, 96)) if leader or rng.random() < 0.4 else None
        party = party if party and party < self.today else None
        civil_service = slot.category in (Category.CIVIL_SERVANT, Category.CADRE)
        agency = "Sở Nội vụ tỉnh Tuyên Quang" if civil_service else slot.top.name
        return {
            "home_town": f"{home}, tỉnh Tuyên Quang", "place_of_birth": f"{home}, tỉnh Tuyên Quang",
            "permanent_address": f"{place}, {home}, tỉnh Tuyên Quang", "general_education": "12/12",
            "qualification": qualification, "recruiting_agency": agency,
            "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
            "political_theory": ("Cao cấp" if rng.random() < 0.5 else "Trung cấp") if leader
            else rng.choice(["", "", "Sơ cấp"]),
            "state_management": "Chuyên viên chính" if leader else rng.choice(["", "Chuyên viên"]),
            "it_skill": "Ứng dụng công nghệ thông tin cơ bản",
            "foreign_language": rng.choice(["", "Tiếng Anh B1"]),
            # Official after the 12 months of probation (Party Charter Art 5), if those are over.
            "party_admission_date": party,
            "party_official_date": (add_months(party, 12)
                                    if party and add_months(party, 12) < self.today else None),
            "id_issue_date": date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28)),
            "id_issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        }

    def decision(self, issuer: OrgUnit, day: date, kind: str = "QĐ",
                 days_before: int | None = None) -> Decision:
        """A plausible number in the issuer's yearly series, decided a few days before it takes
        effect."""
        suffix, signer = _issuer(issuer)
        days_before = self.rng.randint(3, 20) if days_before is None else days_before
        decided = min(day - timedelta(days=days_before), self.today)
        key = (kind, suffix, signer, decided.year)
        number = self.numbers.get(key) or self.rng.randint(10, 80)
        self.numbers[key] = number + self.rng.randint(1, 6)
        return Decision(f"{number}/{kind}-{suffix}", decided, signer)

    # --- careers ----------------------------------------------------------------------------------
    def _career(self, person: Person, slot: Slot, recruited: date) -> None:
        first_unit, first_title = slot.ladder[0]
        civil_service = slot.category in (Category.CIVIL_SERVANT, Category.CADRE)
        hired_by = self.ref.province if civil_service else slot.top
        person.create.update(unit=first_unit, title=first_title,
                             decision=self.decision(self._issuer_unit(hired_by), recruited))
        steps = slot.ladder[1:] + [(slot.unit, slot.title)]
        if steps == [(first_unit, first_title)]:
            return
        final = REFORM_DAY if slot.old_unit or (slot.top.kind == K.COMMUNE
                                                and recruited < REFORM_DAY
                                                and slot.role != "staff") else None
        end = add_months(final, -1) if final else add_months(self.today, -1)
        count = len(steps) - (1 if final else 0)
        days = self._spread(recruited, end, count) + ([final] if final else [])
        for day, (unit, title) in zip(days, steps, strict=True):
            self._assign(person, slot, day, unit, title)

    def _issuer_unit(self, unit: OrgUnit) -> OrgUnit:
        """Civil servants are recruited and promoted by the provincial Department of Home
        Affairs."""
        return self.home_affairs if unit.kind == K.PROVINCE else unit

    def _assign(self, person: Person, slot: Slot, day: date, unit: OrgUnit, title: str) -> None:
        # The province moved everyone by one decision.
        if slot.old_unit is not None and day == REFORM_DAY:
            number = self.rng.randint(1100, 1900)
            decision = Decision(f"{number}/QĐ-UBND", OLD_LAST_DAY, "Chủ tịch UBND tỉnh")
            kind = CareerEvent.Kind.TRANSFERRED
        else:
            decision = self.decision(self._appointer(slot, unit), day,
                                     days_before=0 if day == REFORM_DAY else None)
            kind = (CareerEvent.Kind.APPOINTED if leadership_of(title)
                    else CareerEvent.Kind.TRANSFERRED)
        person.actions.append((day, 1, "assign",
                               {"unit": unit, "title": title, "kind": kind, "decision": decision}))

    def _appointer(self, slot: Slot, unit: OrgUnit) -> OrgUnit:
        """Department leaders and commune chairs: the province; others: their department or
        commune."""
        if unit is slot.top:
            return self.ref.province
        if unit.pk in self.ref.by_id:
            return self.ref.top_of(unit)
        return self.old_units.get(unit.parent_id, unit) if unit.kind == K.COMMUNE else unit

    def _issuer_on(self, slot: Slot, day: date) -> OrgUnit:
        """Who decides on the person's pay or records on ``day``: the former unit before
        1/7/2025."""
        if slot.old_unit is not None and day < REFORM_DAY:
            return slot.old_unit
        return self.ref.top_of(slot.unit) if slot.unit.pk in self.ref.by_id else slot.unit

    def _spread(self, start: date, end: date, count: int) -> list[date]:
        """``count`` first-of-month dates in (start, end], two to four years apart, the last
        within four years."""
        if count <= 0:
            return []
        months = [_month(end) - self.rng.randint(0, 40)]
        for _ in range(count - 1):
            months.append(months[-1] - self.rng.randint(24, 50))
        months.reverse()
        low, high = _month(start) + 1, _month(end)
        for index in range(count):
            floor = low if index == 0 else months[index - 1] + 1
            months[index] = min(max(months[index], floor), high - (count - 1 - index))
        return [_day(m) for m in months]

    # --- salary -----------------------------------------------------------------------------------
    def _salary(self, person: Person, slot: Slot, codes: tuple[str, ...], recruited: date,
                last_day: date) -> None:
        discipline = self._discipline(person, slot, recruited)
        pays = self._pay_timeline(codes, self._promotions(slot, codes, recruited), recruited,
                                  discipline, last_day)
        cutoff = date(self.today.year - SALARY_HISTORY_YEARS, 1, 1)
        first = max((i for i, p in enumerate(pays) if p.start <= cutoff), default=0)
        # A record opens without excess seniority: open it at the last step, then the allowance held
        # at the cutoff.
        opening = max(i for i in range(first + 1) if pays[i].excess == 0)
        later = ([pays[first]] if opening < first else []) + pays[first + 1:]
        pay = pays[opening]
        person.create.update(rank=pay.rank, salary_step=pay.step, salary_step_date=pay.start,
                             salary_coefficient=self.ref.coefficient(pay.rank, pay.step, pay.start))
        for pay in later:
            promoted = pay.kind == SalaryRecord.Kind.RANK_CHANGE
            # A promotion is the province's decision; a step raise, that of whoever decides on
            # the person's pay that day.
            issuer = (self._issuer_unit(self.ref.province) if promoted
                      else self._issuer_on(slot, pay.start))
            person.actions.append((pay.start, 2, "salary", {
                "rank": pay.rank, "step": pay.step, "kind": pay.kind, "excess_percent": pay.excess,
                "decision": self.decision(issuer, pay.start),
                "coefficient": self.ref.coefficient(pay.rank, pay.step, pay.start)}))

    def _promotions(self, slot: Slot, codes: tuple[str, ...], recruited: date) -> list[date]:
        """Dates of promotion to the next ranks (chuyên viên → chính → cao cấp; hạng III → II → I).

        Most leaders and a fifth of the staff reach the second rank; the third is for department
        heads, some of their deputies and a few senior teachers and doctors."""
        department_leader = slot.unit is slot.top and slot.top.kind != K.COMMUNE
        chances = [{"head": 0.9, "deputy": 0.6}.get(slot.role, 0.2),
                   0.1 if slot.track in ("gv", "bs") else 0.0]
        if department_leader:
            chances = [1.0, 0.9 if slot.role == "head" else 0.3]
        promotions, day = [], recruited
        for chance, _ in zip(chances, codes[1:], strict=False):
            years = self.rng.randint(9, 13) if not promotions else self.rng.randint(6, 9)
            day = add_months(day, 12 * years)
            if self.rng.random() >= chance or day >= self.today:
                break
            promotions.append(_day(_month(day)))
        return promotions

    def _pay_timeline(self, codes, promotions, recruited, discipline, last_day) -> list[Pay]:
        """Steps every interval months (TT 08/2013 Art 2); at the last step the excess-seniority
        allowance, 5 % after 36 (B, C: 24) months and 1 % more each year (ND 204/2004 Art 6). A
        promotion takes the nearest coefficient at or above the current one; a discipline delays
        the next raise 6 months."""
        ranks = iter(codes[1:])
        pay = Pay(recruited, self.ref.ranks[codes[0]], 1, SalaryRecord.Kind.INITIAL)
        pays, promotions = [pay], list(promotions)
        while True:
            due = self._next_due(pay, discipline)
            if promotions and promotions[0] < due and promotions[0] <= last_day:
                start = max(promotions.pop(0), add_months(pay.start, 1))
                current = self.ref.coefficient(pay.rank, pay.step, start) * (100 + pay.excess) / 100
                rank = self.ref.ranks[next(ranks)]
                pay = Pay(start, rank, self._step_at_or_above(rank, current, start),
                          SalaryRecord.Kind.RANK_CHANGE)
            elif due <= last_day and pay.step < self.ref.last_step[pay.rank.salary_group_id]:
                pay = Pay(due, pay.rank, pay.step + 1, SalaryRecord.Kind.REGULAR)
            elif due <= last_day:
                pay = Pay(due, pay.rank, pay.step, SalaryRecord.Kind.EXCESS,
                          pay.excess + 1 if pay.excess else 5)
            else:
                return pays
            pays.append(pay)

    def _next_due(self, pay: Pay, discipline: date | None) -> date:
        group = pay.rank.salary_group
        if pay.step < self.ref.last_step[group.pk]:
            months = group.step_interval_months
        else:
            months = 12 if pay.excess else group.excess_after_months
        due = add_months(pay.start, months)
        return add_months(due, 6) if discipline and pay.start < discipline <= due else due

    def _step_at_or_above(self, rank: Rank, coefficient: Decimal, day: date) -> int:
        last = self.ref.last_step[rank.salary_group_id]
        return next((s for s in range(1, last + 1)
                     if self.ref.coefficient(rank, s, day) >= coefficient), last)

    # --- records ----------------------------------------------------------------------------------
    def _discipline(self, person: Person, slot: Slot, recruited: date) -> date | None:
        if slot.role != "staff" or slot.retire or slot.old_unit or self.rng.random() >= 0.014:
            return None
        day = self.today - timedelta(days=self.rng.randint(60, 4 * 365))
        if day < add_months(recruited, 12):
            return None
        rules = discipline_rules.rules_on(day, slot.category)
        form = self.rng.choice([f for f in rules.forms_for(category=slot.category, is_leader=False)
                                if f in (discipline_rules.REPRIMAND, discipline_rules.WARNING)])
        person.actions.append((day, 3, "discipline", {
            "form": form, "violation": self.rng.choice(VIOLATIONS), "effective_from": day,
            "detected_on": day - timedelta(days=self.rng.randint(15, 60)),
            "decision": self.decision(self._issuer_on(slot, day), day)}))
        return day

    def records(self, person: Person, slot: Slot) -> None:
        """Rewards (about 10 %) and trainings (about 15 %) for people working today."""
        rng, recruited = self.rng, person.create["recruitment_date"]
        if slot.retire.startswith("retired"):
            return
        if rng.random() < 0.10:
            year = self.today.year - rng.randint(1, 3)
            title, level, _ = _weighted_row(rng, REWARDS)
            day = date(year + 1, rng.randint(1, 3), rng.randint(5, 28))
            if recruited < date(year, 1, 1) and day < self.today:
                issuer = self.ref.province if level != "Cơ sở" else self._issuer_on(slot, day)
                person.actions.append((day, 4, "reward",
                                       {"year": year, "title": title, "level": level,
                                        "decision": self.decision(issuer, day),
                                        "effective_date": day}))
        if rng.random() < 0.15:
            self._training(person, slot, recruited)

    def _training(self, person: Person, slot: Slot, recruited: date) -> None:
        rng = self.rng
        kind, course, institution, months, mode, diploma, _ = _weighted_row(rng, TRAININGS)
        this_year = rng.random() < 0.6
        year = self.today.year if this_year else self.today.year - rng.randint(1, 3)
        start = date(year, rng.randint(1, 12 if not this_year else max(1, self.today.month - 1)),
                     rng.randint(1, 28))
        if start <= recruited or start >= self.today:
            return
        end = add_months(start, months) - timedelta(days=1)
        person.actions.append((start, 5, "training", {
            "kind": kind, "major": course, "institution": institution, "start_date": start,
            "end_date": end if end < self.today else None, "mode": mode,
            "diploma": diploma if end < self.today else "",
            "decision": self.decision(self._issuer_on(slot, start), start)}))

    def _retirement(self, person: Person, slot: Slot, retirement: Retirement) -> None:
        issuer = self._issuer_on(slot, retirement.retirement_date)
        data = {"retirement_date": retirement.retirement_date.isoformat(),
                "pension_start": retirement.pension_start.isoformat()}
        if slot.retire == "notice":
            person.actions.append((retirement.notice_due, 6, "notice", {
                "effective_date": retirement.notice_due, "rule_set": retirement.rule_set,
                "data": data,
                "summary": f"Thông báo nghỉ hưu từ ngày {retirement.pension_start:%d/%m/%Y}",
                "decision": self.decision(issuer, retirement.notice_due, "TB")}))
        elif slot.retire.startswith("retired"):
            person.actions.append((retirement.retirement_date, 9, "leave", {
                "kind": CareerEvent.Kind.RETIRED, "last_day": retirement.retirement_date,
                "data": data, "rule_set": retirement.rule_set,
                "summary": "Nghỉ hưu hưởng chế độ bảo hiểm xã hội từ ngày "
                           f"{retirement.pension_start:%d/%m/%Y}",
                "decision": self.decision(issuer, retirement.decision_due)}))


def _weighted_row(rng: random.Random, rows: list[tuple]) -> tuple:
    return rng.choices(rows, weights=[r[-1] for r in rows])[0]


class Writer:
    """Writes a planned person through the services, in date order."""

    def __init__(self):
        self.counts = {"people": 0, "moved": 0, "retired": 0}

    def write(self, person: Person) -> CivilServant:
        create, actions = self._dated(person)
        servant = servant_create(actor=None, **create)
        for day, _, action, kwargs in actions:
            getattr(self, action)(servant, day, **kwargs)
        self.counts["people"] += 1
        return servant

    @staticmethod
    def _opened(day: date, unit: OrgUnit) -> date:
        return max(day, unit.valid_from) if unit.valid_from else day

    def _dated(self, person: Person) -> tuple[dict, list]:
        """Nobody is placed in a unit before it exists (the services refuse it): assignments to
        units opened on 1/7/2025 move to that day; steps that land on the start day shape the
        first assignment; of several steps on one day the last one counts."""
        create = dict(person.create)
        start = self._opened(create["start_date"], create["unit"])
        actions = sorted(person.actions, key=lambda a: (a[0], a[1]))
        steps = [(self._opened(day, kwargs["unit"]), order,
                  kwargs) for day, order, action, kwargs in actions
                 if action == "assign"]
        later, folded = [], None
        for day, order, kwargs in sorted(steps, key=lambda s: (s[0], s[1])):
            if day <= start:
                create.update(unit=kwargs["unit"], title=kwargs["title"])
                start = self._opened(start, kwargs["unit"])
                folded = kwargs
            elif later and later[-1][0] == day:
                later[-1] = (day, order, "assign", kwargs)
            else:
                later.append((day, order, "assign", kwargs))
        create["start_date"] = start
        others = [a for a in actions if a[2] != "assign"]
        if folded is not None and leadership_of(folded["title"]):
            # The appointment folded into the first assignment still has its decision on record.
            others.append((start, 0, "appointed",
                           {"title": folded["title"], "decision": folded["decision"]}))
        return create, sorted(later + others, key=lambda a: (a[0], a[1]))

    def assign(self, servant: CivilServant, day: date, **kwargs) -> None:
        moved_out_of_closed_unit = servant.unit.valid_to is not None
        assignment = servant_assign(actor=None, servant=servant, start_date=day, **kwargs)
        # The service saves its own copy; keep ours current for the record services that read it.
        servant.unit, servant.title = assignment.unit, assignment.title
        servant.leadership = assignment.leadership
        self.counts["moved"] += moved_out_of_closed_unit and assignment.unit.valid_to is None

    def appointed(self, servant: CivilServant, day: date, title: str, decision: Decision) -> None:
        event_record(actor=None, servant=servant, kind=CareerEvent.Kind.APPOINTED,
                     effective_date=day, summary=f"{title}, {servant.unit.name}", decision=decision)

    def salary(self, servant: CivilServant, day: date, **kwargs) -> None:
        servant_set_salary(actor=None, servant=servant, start_date=day, **kwargs)

    def discipline(self, servant: CivilServant, day: date, **kwargs) -> None:
        discipline_record(actor=None, servant=servant, **kwargs)

    def reward(self, servant: CivilServant, day: date, **kwargs) -> None:
        reward_record(actor=None, servant=servant, **kwargs)

    def training(self, servant: CivilServant, day: date, **kwargs) -> None:
        training_record(actor=None, servant=servant, **kwargs)

    def notice(self, servant: CivilServant, day: date, **kwargs) -> None:
        event_record(actor=None, servant=servant, kind=CareerEvent.Kind.RETIREMENT_NOTICE, **kwargs)

    def leave(self, servant: CivilServant, day: date, **kwargs) -> None:
        servant_leave(actor=None, servant=servant, **kwargs)
        self.counts["retired"] += 1


def _training_plans(ref: Reference, rng: random.Random, year: int) -> None:
    """This year's plan per department: most met it, a few fell short (the seeds' "below plan")."""
    departments = [u for u in ref.units if u.parent_id == ref.province.pk and u.kind != K.COMMUNE
                   and u.sector != OrgUnit.Sector.PARTY_MASS]
    done: dict[tuple[int, str], int] = {}
    trained = TrainingRecord.objects.filter(start_date__year=year)
    for path, kind in trained.values_list("unit__path", "kind"):
        for department in departments:
            if path.startswith(department.path):
                done[(department.pk, kind)] = done.get((department.pk, kind), 0) + 1
    behind = {u.pk for u in rng.sample(departments, 3)}
    for department in departments:
        for kind in PLANNED_KINDS:
            actual = done.get((department.pk, kind), 0)
            planned = (actual + rng.randint(2, 6) if department.pk in behind
                       else max(actual - rng.randint(0, 1), 0))
            if planned:
                training_plan_set(actor=None, unit=department, year=year, kind=kind,
                                  planned=planned)


def _past_careers(planner: Planner) -> int:
    """Careers back to recruitment for the people placed at the merger: whoever joined before
    1/7/2025 in a unit opened that day worked until 30/6/2025 in a former unit it replaced (a
    department, a commune or its district; the former provinces for the new bodies), a long
    career in two of them. Their recruitment moves to the first former unit and the province's
    decision of 1/7/2025 moves them to the new one, as for the people moved on purpose. Written
    in bulk: through ``assignment_record_past`` one by one it would double the time of the demo."""
    from django.utils.translation import gettext as _

    ref, rng = planner.ref, random.Random(SEED + 17)  # noqa: S311 - demo data, not security
    provinces = list(OrgUnit.objects.filter(changes_out__successors=ref.province,
                                            kind=K.PROVINCE).distinct())
    first = {}
    for row in Assignment.objects.filter(servant__code__startswith=CODE_PREFIX).order_by(
            "servant_id", "start_date", "id").select_related("unit", "event", "servant__unit"):
        first.setdefault(row.servant_id, row)
    periods, transfers, recruitments, arrivals, entries = [], [], [], [], []
    for arrival in first.values():
        recruited = arrival.event
        if arrival.start_date != REFORM_DAY or recruited is None \
                or recruited.kind != CareerEvent.Kind.RECRUITED \
                or recruited.effective_date >= REFORM_DAY:
            continue
        top = ref.top_of(arrival.unit)
        former = [u for u in ref.predecessors.get(top.pk, []) if u.kind != K.DISTRICT] or provinces
        districts = [u for u in ref.predecessors.get(top.pk, []) if u.kind == K.DISTRICT]
        start = max(recruited.effective_date, min((u.valid_from for u in former if u.valid_from),
                                                  default=recruited.effective_date))
        servant = arrival.servant
        # A long career began elsewhere in the same lineage (another former unit or the district).
        units = [rng.choice(former)]
        middle = None
        if _month(OLD_LAST_DAY) - _month(start) > 12 * 8 and len(former + districts) > 1:
            units.insert(0, rng.choice([u for u in former + districts if u is not units[0]]))
            middle = _day(rng.randint(_month(start) + 36, _month(OLD_LAST_DAY) - 36))
        spans = [(start, OLD_LAST_DAY)] if middle is None else [(start, middle - timedelta(days=1)),
                                                                 (middle, OLD_LAST_DAY)]
        for index, (unit, (begin, end)) in enumerate(zip(units, spans, strict=True)):
            if index == 0:
                event = recruited
                event.summary = _("Joined %(unit)s") % {"unit": unit.name}
                recruitments.append(event)
            else:
                issuer = (planner.old_units.get(unit.parent_id, unit) if unit.kind == K.COMMUNE
                          else unit)
                decision = planner.decision(issuer, begin)
                event = CareerEvent(servant_id=servant.pk, kind=CareerEvent.Kind.TRANSFERRED,
                                    effective_date=begin, decision_number=decision.number,
                                    decision_date=decision.decided_on, signer=decision.signer,
                                    summary=unit.name, data={"to_unit": unit.pk})
                transfers.append(event)
            periods.append(Assignment(servant_id=servant.pk, unit=unit, start_date=begin,
                                      end_date=end, kind=Assignment.Kind.PRIMARY, event=event))
        # The province moved everyone by one decision (as for the people moved on purpose).
        move = CareerEvent(servant_id=servant.pk, kind=CareerEvent.Kind.TRANSFERRED,
                           effective_date=REFORM_DAY,
                           decision_number=f"{rng.randint(1100, 1900)}/QĐ-UBND",
                           decision_date=OLD_LAST_DAY, signer="Chủ tịch UBND tỉnh",
                           summary=arrival.unit.name,
                           data={"from_unit": units[-1].pk, "to_unit": arrival.unit_id})
        transfers.append(move)
        arrival.event = move
        arrivals.append(arrival)
        entries.append(audit.build(actor=None, obj=servant, action=CareerEvent.Kind.TRANSFERRED,
                                   unit=servant.unit, changes={"work_history": [None, " ; ".join(
                                       f"{b:%d/%m/%Y} – {e:%d/%m/%Y}: "
                                       f"{u.name}" for u, (b, e) in zip(
                                           units, spans, strict=True))]},
                                   reason=_("Work history before the reorganisation of 1/7/2025")))
    CareerEvent.objects.bulk_create(transfers, batch_size=2000)
    for period in periods:
        period.event_id = period.event.pk
    Assignment.objects.bulk_create(periods, batch_size=2000)
    Assignment.objects.bulk_update(arrivals, ["event"], batch_size=2000)
    CareerEvent.objects.bulk_update(recruitments, ["summary"], batch_size=2000)
    audit.record_many(entries)
    return len(arrivals)


def load_people(stdout=None) -> bool:
    """Add the demo people once; returns False when they exist already (or the units do not)."""
    if CivilServant.objects.filter(code__startswith=CODE_PREFIX).exists():
        return False
    province = OrgUnit.objects.open().filter(code="TQ").first()
    if province is None:
        return False
    today = timezone.localdate()
    outside_command = audit.current_context().source == AuditEntry.Source.SYSTEM
    context = (audit.audit_context(source=AuditEntry.Source.COMMAND) if outside_command
               else nullcontext())
    with context, transaction.atomic(), gc_paused():
        ref = _reference(province)
        planner, writer = Planner(ref, today), Writer()
        for number, slot in enumerate(planner.slots(), start=1):
            person = planner.person(number, slot)
            planner.records(person, slot)
            writer.write(person)
        writer.counts["moved"] += _past_careers(planner)
        _training_plans(ref, planner.rng, today.year)
    if stdout is not None:
        people = f"{writer.counts['people']:,}".replace(",", ".")
        stdout.write(f"Đã thêm {people} cán bộ, công chức, viên chức minh họa "
                     f"({writer.counts['moved']} người có quá trình công tác tại các đơn vị trước "
                     f"ngày 01/07/2025, {writer.counts['retired']} người đã nghỉ hưu).")
    return True

