"""Demo data: a fictional post-2025 province built the way the 2025 reorganisation built real ones.

Two provinces with districts and communes exist until 30/6/2025; on 1/7/2025 they merge into
one province, districts are dissolved and pairs of communes merge into new communes (2-tier local
government, Law 72/2025/QH15), departments merge as under ND 45/2025 and ND 150/2025. Names are
plausible but invented. Everything is idempotent: a second run changes nothing.
"""
import random
from collections.abc import Callable
from datetime import date

from django.contrib.auth.models import Group
from django.db import transaction

from core.models import OrgUnit, User
from core.services.units import UnitSpec, unit_create, unit_dissolve, unit_grant, unit_reorganize

K, S = OrgUnit.Kind, OrgUnit.Sector
# Tuyên Quang and Hà Giang were re-established from Hà Tuyên on 1/10/1991 (National Assembly
# resolution of 12/8/1991): the former units exist from then, so careers reach back to their
# recruitment.
OLD_START = date(1991, 10, 1)
REFORM_DAY = date(2025, 7, 1)
REFORM_DECISION = "202/2025/QH15"
DEMO_PASSWORD = "CongVu@2026"

# code, name, divisions, public service units (new province, from 1/7/2025)
DEPARTMENTS = [
    ("VP", "Văn phòng Ủy ban nhân dân tỉnh", K.OFFICE,
     ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo - Văn xã", "Phòng Hành chính - Tổ chức"],
     ["Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Thông tin - Công báo"]),
    ("SNV", "Sở Nội vụ", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
      "Phòng Công chức, viên chức", "Phòng Xây dựng chính quyền và công tác thanh niên",
      "Phòng Lao động, việc làm và bảo hiểm xã hội", "Phòng Thi đua - Khen thưởng"],
     ["Trung tâm Lưu trữ lịch sử tỉnh", "Trung tâm Dịch vụ việc làm"]),
    ("STP", "Sở Tư pháp", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật",
      "Phòng Hành chính tư pháp"],
     ["Trung tâm Trợ giúp pháp lý nhà nước"]),
    ("STC", "Sở Tài chính", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Ngân sách", "Phòng Quản lý giá, công sản", "Phòng Đầu tư",
      "Phòng Doanh nghiệp"],
     ["Trung tâm Xúc tiến đầu tư"]),
    ("SCT", "Sở Công Thương", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Quản lý công nghiệp", "Phòng Quản lý thương mại",
      "Phòng Quản lý năng lượng"],
     ["Trung tâm Khuyến công và Xúc tiến thương mại"]),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Đất đai", "Phòng Môi trường",
      "Phòng Trồng trọt và Thủy sản"],
     ["Trung tâm Khuyến nông", "Văn phòng Đăng ký đất đai"]),
    ("SXD", "Sở Xây dựng", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Quản lý hoạt động xây dựng", "Phòng Quy hoạch - Kiến trúc",
      "Phòng Giao thông"],
     ["Trung tâm Giám định chất lượng xây dựng"]),
    ("SKHCN", "Sở Khoa học và Công nghệ", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Chuyển đổi số", "Phòng Quản lý khoa học"],
     ["Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng"]),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Quản lý văn hóa và gia đình", "Phòng Quản lý thể dục thể thao",
      "Phòng Quản lý du lịch"],
     ["Bảo tàng tỉnh", "Thư viện tỉnh"]),
    ("SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Giáo dục phổ thông", "Phòng Tổ chức cán bộ",
      "Phòng Khảo thí và Quản lý chất lượng"],
     ["Trường THPT chuyên tỉnh", "Trường THPT Sơn Dương", "Trường THPT Vị Xuyên"]),
    ("SYT", "Sở Y tế", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính"],
     ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Y dược cổ truyền", "Trung tâm Kiểm soát bệnh tật"]),
    ("TTR", "Thanh tra tỉnh", K.INSPECTORATE,
     ["Văn phòng", "Phòng Thanh tra, giải quyết khiếu nại, tố cáo 1",
      "Phòng Phòng, chống tham nhũng"], []),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", K.DEPARTMENT,
     ["Văn phòng Sở", "Phòng Chính sách dân tộc", "Phòng Tôn giáo"], []),
]
PARTY = [
    ("TU", "Tỉnh ủy Tuyên Quang",
     ["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy",
                                   "Ủy ban Kiểm tra Tỉnh ủy"]),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ["Văn phòng", "Ban Phong trào"]),
]
# Old departments (until 30/6/2025) of each former province → the new department they became.
OLD_DEPARTMENTS = [
    ("SNV", "Sở Nội vụ", "SNV"), ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SNV"),
    ("STC", "Sở Tài chính", "STC"), ("SKHDT", "Sở Kế hoạch và Đầu tư", "STC"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SNNMT"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "SNNMT"),
    ("SGTVT", "Sở Giao thông vận tải", "SXD"), ("SXD", "Sở Xây dựng", "SXD"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "SGDDT"), ("SYT", "Sở Y tế", "SYT"),
]
OLD_PROVINCES = [
    ("08", "Tỉnh Tuyên Quang",
     ["Thành phố Tuyên Quang", "Huyện Yên Sơn", "Huyện Sơn Dương", "Huyện Hàm Yên",
      "Huyện Chiêm Hóa", "Huyện Na Hang", "Huyện Lâm Bình", "Huyện Thái Bình"]),
    ("02", "Tỉnh Hà Giang",
     ["Thành phố Hà Giang", "Huyện Vị Xuyên", "Huyện Bắc Quang", "Huyện Quang Bình",
      "Huyện Hoàng Su Phì", "Huyện Xín Mần", "Huyện Đồng Văn", "Huyện Mèo Vạc"]),
]
NEW_COMMUNES = [
    "Phường Minh Xuân", "Phường Nông Tiến", "Phường An Tường", "Phường Mỹ Lâm", "Phường Bình Thuận",
    "Xã Yên Sơn", "Xã Thái Bình", "Xã Trung Sơn", "Xã Sơn Dương", "Xã Tân Trào", "Xã Hàm Yên",
    "Xã Thái Hòa", "Xã Chiêm Hóa", "Xã Kim Bình", "Xã Na Hang", "Xã Thượng Lâm", "Xã Lâm Bình",
    "Xã Hồng Quang", "Xã Phú Lương", "Xã Đức Xuân",
    "Phường Hà Giang 1", "Phường Hà Giang 2", "Xã Ngọc Đường", "Xã Vị Xuyên", "Xã Việt Lâm",
    "Xã Bắc Quang", "Xã Vĩnh Tuy", "Xã Quang Bình", "Xã Yên Thành", "Xã Hoàng Su Phì",
    "Xã Thông Nguyên", "Xã Xín Mần", "Xã Nà Chì", "Xã Đồng Văn", "Xã Phố Bảng", "Xã Mèo Vạc",
    "Xã Sơn Vĩ", "Xã Bạch Đích", "Xã Tùng Vài", "Xã Lao Chải",
]
FIRST = ["Trung", "Kim", "Tân", "Phú", "Minh", "Hòa", "Đức", "Bình", "Thái", "Vĩnh", "Yên",
         "Thượng", "Hùng", "Lang", "Quý", "Đạo", "Mỹ", "An", "Thanh", "Hợp", "Xuân", "Tiên", "Ngọc",
         "Hồng"]
SECOND = ["Sơn", "Phú", "Quang", "Thịnh", "Lợi", "Hòa", "Long", "Xuân", "Thành", "Tiến", "Bình",
          "Lâm", "Khánh", "Hưng", "Lộc", "Yên", "Châu", "Đông", "Tài", "Nhân"]
COMMUNE_DIVISIONS = ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Phòng Văn hóa - Xã hội",
                     "Trung tâm Phục vụ hành chính công"]

DEMO_ACCOUNTS = [
    # username, full name, role, unit code, superuser
    ("admin", "Quản trị hệ thống", None, None, True),
    ("sonoivu", "Nguyễn Thị Thu Hà", "provincial_hr", None, False),
    ("tccb.snv", "Trần Văn Bình", "unit_hr", "TQ.SNV", False),
    ("tccb.syt", "Lê Thị Hương", "unit_hr", "TQ.SYT", False),
    ("tccb.minhxuan", "Phạm Quốc Toàn", "unit_hr", "TQ.X01", False),
    ("truongphong.ccvc", "Hoàng Minh Đức", "unit_head", "TQ.SNV.03", False),
    ("hoidong.snv", "Vũ Thị Lan", "appraisal_committee", "TQ.SNV", False),
    ("hoidongthi", "Đỗ Văn Hải", "exam_board", None, False),
    # A civil servant of TQ.SNV.03 signed in as themselves (linked to their record by the appraisal
    # demo).
    ("congchuc", "Công chức Phòng Công chức, viên chức", "civil_servant", None, False),
    ("thisinh", "Ngô Thị Mai", None, None, False),
]

_LOADERS: list[tuple[int, Callable]] = []


def register_demo_loader(order: int, func: Callable) -> None:
    """Later apps add their demo data (people, positions …) after the units exist."""
    if all(f is not func for _, f in _LOADERS):
        _LOADERS.append((order, func))
        _LOADERS.sort(key=lambda item: item[0])


def demo_loaders() -> list[Callable]:
    return [func for _, func in _LOADERS]


def _unit(code, name, kind, sector, parent=None, valid_from=None, **extra) -> OrgUnit:
    return unit_create(actor=None, code=code, name=name, kind=kind, sector=sector, parent=parent,
                       valid_from=valid_from, **extra)


def _old_structure(rng: random.Random) -> dict:
    """The two former provinces as they were until 30/6/2025."""
    old: dict = {"provinces": [], "departments": {}, "districts": [], "communes": []}
    names = iter(rng.sample([f"Xã {a} {b}" for a in FIRST for b in SECOND if a != b], 200))
    for code, name, districts in OLD_PROVINCES:
        province = _unit(code, name, K.PROVINCE, S.GOVERNMENT, valid_from=OLD_START,
                         province_class=OrgUnit.ProvinceClass.TYPE_2_3)
        old["provinces"].append(province)
        for dcode, dname, new_code in OLD_DEPARTMENTS:
            unit = _unit(f"{code}.{dcode}", dname, K.DEPARTMENT, S.GOVERNMENT, province, OLD_START)
            old["departments"].setdefault(new_code, []).append(unit)
        for number, district_name in enumerate(districts, start=1):
            district = _unit(f"{code}.H{number:02d}", district_name, K.DISTRICT, S.GOVERNMENT,
                             province, OLD_START)
            old["districts"].append(district)
            for c in range(1, 6):
                # A district's first commune is its seat (a city's ward, a district's town).
                seat = district_name.replace("Thành phố", "Phường").replace("Huyện", "Thị trấn")
                commune_name = next(names) if c > 1 else seat
                old["communes"].append(_unit(f"{code}.H{number:02d}.X{c}", commune_name, K.COMMUNE,
                                             S.COMMUNE, district, OLD_START))
    return old


def _reform(old: dict) -> OrgUnit:
    """1/7/2025: provinces merge, departments merge, districts go, pairs of communes merge."""
    common = {"effective_date": REFORM_DAY, "decision_number": REFORM_DECISION,
              "decision_date": date(2025, 6, 12), "signer": "Quốc hội"}
    province = unit_reorganize(
        actor=None, kind="merge", predecessors=old["provinces"], carry_children=False,
        successors=[UnitSpec(code="TQ", name="Tỉnh Tuyên Quang", kind=K.PROVINCE,
                             sector=S.GOVERNMENT, province_class=OrgUnit.ProvinceClass.TYPE_2_3)],
        **common).successors[0]
    new_departments = {}
    for order, (code, name, kind, divisions, services) in enumerate(DEPARTMENTS, start=1):
        spec = UnitSpec(code=f"TQ.{code}", name=name, kind=kind, sector=S.GOVERNMENT,
                        parent=province, sort_order=order)
        predecessors = old["departments"].get(code, [])
        if predecessors:
            kind_of_change = "merge" if len(predecessors) > 1 else "transfer"
            department = unit_reorganize(actor=None, kind=kind_of_change, predecessors=predecessors,
                                         successors=[spec], carry_children=False,
                                         **common).successors[0]
        else:
            department = _unit(spec.code, name, kind, S.GOVERNMENT, province, REFORM_DAY,
                               sort_order=order)
        new_departments[code] = department
        for number, division in enumerate(divisions, start=1):
            division_kind = K.OFFICE if division.startswith("Văn phòng") else K.DIVISION
            _unit(f"TQ.{code}.{number:02d}", division, division_kind, S.GOVERNMENT, department,
                  REFORM_DAY, sort_order=number)
        for number, service in enumerate(services, start=1):
            _unit(f"TQ.{code}.DV{number}", service, K.PUBLIC_SERVICE_UNIT, S.PUBLIC_SERVICE,
                  department, REFORM_DAY, sort_order=50 + number)
    for number, old_commune_pair in enumerate(zip(old["communes"][0::2], old["communes"][1::2],
                                                  strict=True)):
        name = NEW_COMMUNES[number]
        commune = unit_reorganize(
            actor=None, kind="merge", predecessors=list(old_commune_pair), carry_children=False,
            successors=[UnitSpec(code=f"TQ.X{number + 1:02d}", name=name, kind=K.COMMUNE,
                                 sector=S.COMMUNE, parent=province, sort_order=100 + number)],
            **common).successors[0]
        # A ward's economy division also has the urban infrastructure (a commune's does not).
        economy = ("Phòng Kinh tế, Hạ tầng và Đô thị" if name.startswith("Phường")
                   else "Phòng Kinh tế")
        for index, division in enumerate([COMMUNE_DIVISIONS[0], economy, *COMMUNE_DIVISIONS[1:]],
                                         start=1):
            kind = K.DIVISION
            if index == 1:
                kind = K.OFFICE
            elif division.startswith("Trung tâm"):
                kind = K.PUBLIC_SERVICE_UNIT
            _unit(f"TQ.X{number + 1:02d}.{index:02d}", division, kind, S.COMMUNE, commune,
                  REFORM_DAY, sort_order=index)
    for district in old["districts"]:
        unit_dissolve(actor=None, unit=district, **common)
    for order, (code, name, divisions) in enumerate(PARTY, start=1):
        organisation = _unit(f"TQ.{code}", name, K.PARTY_MASS_ORG, S.PARTY_MASS, province,
                             REFORM_DAY, sort_order=80 + order)
        for number, division in enumerate(divisions, start=1):
            _unit(f"TQ.{code}.{number:02d}", division, K.PARTY_MASS_ORG, S.PARTY_MASS, organisation,
                  REFORM_DAY, sort_order=number)
    return province


def load_units() -> bool:
    """Build the province once; returns False when it already exists."""
    if OrgUnit.objects.filter(code="TQ").exists():
        return False
    with transaction.atomic():
        _reform(_old_structure(random.Random(2025)))  # noqa: S311 - demo names, not security
    return True


def load_accounts() -> list[tuple[str, str, str]]:
    """One demo login per role; returns (username, password, role label) for printing."""
    from core.roles import ROLE_BY_CODE

    printed = []
    for username, full_name, role, unit_code, superuser in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, is_superuser=superuser,
                        is_staff=superuser,
                        account_type=User.AccountType.CANDIDATE if username == "thisinh"
                            else User.AccountType.STAFF)
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            unit = OrgUnit.objects.open().filter(code=unit_code).first() if unit_code else None
            if unit is not None and ROLE_BY_CODE[role].unit_level:
                unit_grant(actor=None, unit=unit, level=ROLE_BY_CODE[role].unit_level, user=user)
        label = "Quản trị hệ thống" if superuser else (str(ROLE_BY_CODE[role].label) if role
                                                           else "Thí sinh")
        printed.append((username, DEMO_PASSWORD, label))
    return printed
