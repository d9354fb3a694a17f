"""Demo job positions for the demo province: each division, office and commune division gets its
leadership positions and one or two professional positions with a job description and a
competency framework; people are placed on the position matching their title; departments get
staffing quotas for the year; Sở Nội vụ has an approval dossier waiting for appraisal and some
of its people have assessed competency levels. Idempotent; runs after the demo people."""
import random
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.models import OrgUnit
from personnel.models import Assignment, Category, CivilServant, CompetencyAssessment
from positions import services
from positions.models import Competency, JobPosition

K = OrgUnit.Kind
GENERAL = {"NLC01": 3, "NLC02": 3, "NLC03": 3, "NLC04": 3, "NLC05": 2, "NLC06": 3}
LEADER = {"NLQL02": 3, "NLQL03": 3, "NLQL05": 3}
PROFESSIONAL_OF = {"SNV": "CM-NV02", "STP": "CM-TP01", "STC": "CM-TC01", "TTR": "CM-TTr01",
                   "SNNMT": "CM-MT01", "SYT": "CM-YT01", "SGDDT": "CM-GD01", "VP": "CM-VP01"}
TASKS = ("Tham mưu, đề xuất các văn bản thuộc lĩnh vực được phân công; theo dõi, tổng hợp, báo cáo "
         "kết quả thực hiện; phối hợp với các phòng, đơn vị liên quan; thực hiện nhiệm vụ khác do "
         "lãnh đạo giao.")


def _department_code(unit: OrgUnit, units: dict[int, OrgUnit]) -> str:
    ids = unit.ancestor_ids()
    top = units.get(ids[1]) if len(ids) > 1 else None
    return top.code.split(".")[-1] if top else ""


def _framework(unit: OrgUnit, units: dict[int, OrgUnit], leader: bool,
               competencies: dict[str, Competency]):
    levels = dict(GENERAL)
    if leader:
        levels.update(LEADER)
    professional = PROFESSIONAL_OF.get(_department_code(unit, units), "CM-VP01")
    levels[professional] = 4 if leader else 3
    return {competencies[code].pk: level for code, level in levels.items() if code in competencies}


def _describe(position: JobPosition, unit: OrgUnit, units, competencies, leader: bool) -> None:
    draft = services.latest_description(position)
    if position.group == "support":
        qualifications = "Tốt nghiệp trung cấp trở lên."
    else:
        qualifications = "Tốt nghiệp đại học trở lên chuyên ngành phù hợp."
    services.description_update(
        actor=None, description=draft,
        objectives=f"Thực hiện nhiệm vụ {position.title.lower()} của {unit.name}.", tasks=TASKS,
        outputs="Báo cáo, văn bản tham mưu, hồ sơ công việc được lưu trữ đầy đủ.",
        evaluation_criteria="Số lượng, chất lượng, tiến độ sản phẩm theo kế hoạch tháng, quý.",
        relationships="Lãnh đạo đơn vị; các phòng, đơn vị liên quan.",
        qualifications=qualifications, experience="Có ít nhất 2 năm kinh nghiệm trong lĩnh vực.")
    services.framework_set(actor=None, description=draft,
                           levels=_framework(unit, units, leader, competencies))


LEVEL_TITLES = {"senior": "Chuyên viên cao cấp", "principal": "Chuyên viên chính",
                "specialist": "Chuyên viên", "officer": "Cán sự", "staff": "Nhân viên"}


def _positions_for(unit: OrgUnit, people: list[CivilServant], units,
                   competencies) -> dict[int, JobPosition]:
    """One position per leadership level and per rank held by the unit's staff, with as many posts
    as holders (one spare for the professional ones); returns person id → position."""
    groups: dict[tuple, list[CivilServant]] = {}
    for person in people:
        if person.leadership:
            key = ("LD-01" if person.leadership == "head" else "LD-02", person.title, "leadership",
                   person.rank_id)
        else:
            level = person.rank.level if person.rank else "specialist"
            code = {"principal": "CVC-01", "specialist": "CV-01", "officer": "CS-01",
                    "staff": "NV-01", "senior": "CVCC-01"}.get(level, "CV-01")
            title = f"{LEVEL_TITLES.get(level, 'Chuyên viên')} theo dõi lĩnh vực"
            key = (code, title, "support" if level == "staff" else "professional", person.rank_id)
        groups.setdefault(key[:3], []).append(person)
    placement = {}
    for (code, title, group), holders in groups.items():
        rank = holders[0].rank
        posts = len(holders) + (0 if group == "leadership" else 1)
        position = services.position_create(actor=None, unit=unit, code=code, title=title,
                                            group=group, rank=rank, posts=posts,
                                            valid_from=unit.valid_from)
        _describe(position, unit, units, competencies, leader=group == "leadership")
        placement.update({person.pk: position for person in holders})
    return placement


def _place(placement: dict[int, JobPosition]) -> int:
    """Put each person on their position (the current assignment too)."""
    for servant_id, position in placement.items():
        CivilServant.objects.filter(pk=servant_id).update(job_position=position)
        Assignment.objects.filter(servant_id=servant_id, end_date__isnull=True,
                                  kind=Assignment.Kind.PRIMARY).update(job_position=position)
    return len(placement)


def _quotas(province: OrgUnit, year: int, rng: random.Random) -> None:
    agencies = OrgUnit.objects.open().filter(parent=province) \
        .exclude(sector=OrgUnit.Sector.PARTY_MASS)
    for agency in agencies:
        headcount = CivilServant.objects.active().filter(
            unit__path__startswith=agency.path,
            category__in=[Category.CIVIL_SERVANT, Category.CADRE]).count()
        if headcount:
            services.quota_set(actor=None, unit=agency, year=year, category=Category.CIVIL_SERVANT,
                               number=max(headcount + rng.randint(-3, 4), 1),
                               decision=f"Quyết định giao biên chế {year}")


def _assessments(unit: OrgUnit, rng: random.Random, today: date) -> None:
    rows = []
    for servant in CivilServant.objects.active().filter(unit__path__startswith=unit.path,
                                                        job_position__isnull=False)[:60]:
        for requirement in services.latest_description(servant.job_position).requirements.all():
            level = max(1, min(5, requirement.level + rng.choice([-2, -1, -1, 0, 0, 0, 1])))
            rows.append(CompetencyAssessment(servant=servant,
                                             competency_id=requirement.competency_id, level=level,
                                             assessed_on=today.replace(month=1, day=15)))
    CompetencyAssessment.objects.bulk_create(rows)


def load_positions(stdout=None) -> bool:
    province = OrgUnit.objects.open().filter(code="TQ").first()
    if province is None:
        return False
    # Loaded once: positions already in the province mean the demo ran before.
    if JobPosition.objects.filter(unit__path__startswith=province.path).exists():
        return False
    rng, today = random.Random(361), timezone.localdate()
    competencies = {c.code: c for c in Competency.objects.all()}
    units = {u.pk: u for u in OrgUnit.objects.open().filter(path__startswith=province.path)}
    staffed = OrgUnit.objects.open().filter(path__startswith=province.path,
                                            kind__in=[K.DIVISION, K.OFFICE]) \
        .annotate(people=Count("servants")).filter(people__gt=0).exclude(parent=province)
    placed = 0
    with transaction.atomic():
        for unit in staffed:
            people = list(CivilServant.objects.active().filter(unit=unit).select_related("rank"))
            placed += _place(_positions_for(unit, people, units, competencies))
        _quotas(province, today.year, rng)
        home_affairs = units_by_code(units, "TQ.SNV")
        if home_affairs is not None:
            _assessments(home_affairs, rng, today)
            for division in OrgUnit.objects.open().filter(parent=home_affairs)[:1]:
                title = f"Đề án vị trí việc làm {today.year}"
                dossier = services.dossier_create(actor=None, unit=division, title=title)
                services.dossier_transition(actor=None, dossier=dossier, action="submit",
                                            on=today.replace(day=1))
    if stdout is not None:
        stdout.write(f"Đã thêm vị trí việc làm cho {staffed.count()} phòng, bố trí {placed} người, "
                     f"giao biên chế năm {today.year}.")
    return True


def units_by_code(units: dict[int, OrgUnit], code: str) -> OrgUnit | None:
    return next((u for u in units.values() if u.code == code), None)
