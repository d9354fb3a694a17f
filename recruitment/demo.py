"""Demo recruitment of the fictional province: a 2025 round with published results (a tie left to
the head of the authority included), a promotion round in marking with a double-marking conflict,
and a round open for applications where the demo candidate can apply. Written through the
services, so the demo exercises the same rules as real use."""
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from core.models import OrgUnit, User
from personnel.demo import ETHNICITIES, FAMILY_NAMES, GIVEN, MIDDLE, _pool
from positions.models import Rank
from recruitment import services
from recruitment.models import Application, RecruitmentRound

SEED = 2025
VN = ZoneInfo("Asia/Ho_Chi_Minh")
QUALIFICATIONS = [
    "Cử nhân Luật", "Cử nhân Quản lý nhà nước", "Cử nhân Kế toán", "Kỹ sư Công nghệ thông tin",
    "Cử nhân Kinh tế", "Kỹ sư Nông nghiệp", "Cử nhân Văn hóa học", "Thạc sĩ Quản lý công",
]

ROUND_2025 = ("TQ-TD2025", "Thi tuyển công chức các cơ quan hành chính tỉnh Tuyên Quang năm 2025")
VACANCIES_2025 = [  # code, title, unit, rank, quota, language, applicants
    ("TD25-NV01", "Chuyên viên tổ chức cán bộ", "TQ.SNV", "01.003", 2, "Tiếng Anh", 14),
    ("TD25-TC01", "Chuyên viên quản lý ngân sách", "TQ.STC", "01.003", 3, "", 18),
    ("TD25-TP01", "Chuyên viên hành chính tư pháp", "TQ.STP", "01.003", 1, "", 11),
    ("TD25-NN01", "Chuyên viên quản lý đất đai", "TQ.SNNMT", "01.003", 2, "", 15),
    ("TD25-YT01", "Chuyên viên quản lý dược", "TQ.SYT", "01.003", 1, "Tiếng Anh", 9),
    ("TD25-VT01", "Cán sự văn thư", "TQ.SVHTTDL", "01.004", 1, "", 8),
]
ROUND_OPEN = "TQ-TD-MOI"
VACANCIES_2026 = [
    ("TD26-XD01", "Chuyên viên quản lý xây dựng", "TQ.SXD", "01.003", 2, "", 6),
    ("TD26-CT01", "Chuyên viên quản lý thương mại", "TQ.SCT", "01.003", 2, "Tiếng Anh", 5),
    ("TD26-GD01", "Chuyên viên quản lý giáo dục", "TQ.SGDDT", "01.003", 1, "", 4),
]
PROMOTION = ("TQ-NN2026", "Thi nâng ngạch chuyên viên chính năm 2026")


def _name(rng: random.Random, sex: str, ethnicity: str) -> str:
    family = _pool(FAMILY_NAMES.get(ethnicity, FAMILY_NAMES["Kinh"]))
    return f"{rng.choice(family)} {rng.choice(_pool(MIDDLE[sex]))} {rng.choice(_pool(GIVEN[sex]))}"


def _fields(rng: random.Random, number: int, born: int) -> dict:
    sex = rng.choice(["male", "female", "female"])
    ethnicity = rng.choices([e for e, _ in ETHNICITIES], [w for _, w in ETHNICITIES])[0]
    codes = []
    if ethnicity != "Kinh":
        codes.append("DTTS")
    if rng.random() < 0.08:
        codes.append(rng.choice(["NVQS", "CLS", "CTB", "TNXP"]))
    day = date(born, 1, 1) + timedelta(days=rng.randrange(365))
    return {
        "full_name": _name(rng, sex, ethnicity),
        "sex": sex,
        "date_of_birth": day,
        "ethnicity": ethnicity,
        "national_id": f"008{'1' if sex == 'female' else '0'}{born % 100:02d}{number:06d}",
        "phone": f"09{rng.randrange(10**7, 10**8)}",
        "qualification": rng.choice(QUALIFICATIONS),
        "address": f"Phường {rng.choice(['Minh Xuân', 'Phan Thiết', 'Nông Tiến', 'Hà Giang 1'])}, "
                   "Tuyên Quang",
        "priority_codes": codes,
    }


def _mark(rng: random.Random, base: float) -> Decimal:
    return Decimal(max(0, min(100, round(rng.gauss(base, 12))))).quantize(Decimal("1"))


def load_recruitment(stdout=None) -> bool:
    if RecruitmentRound.objects.filter(code=ROUND_2025[0]).exists():
        return False
    snv = OrgUnit.objects.open().filter(code="TQ.SNV").first()
    if snv is None:
        return False
    rng = random.Random(SEED)
    units = {u.code: u for u in OrgUnit.objects.open().filter(code__startswith="TQ.S")}
    ranks = {r.code: r for r in Rank.objects.all()}
    board = User.objects.filter(username="hoidongthi").first()
    candidate = User.objects.filter(username="thisinh").first()
    with transaction.atomic():
        published = _round_2025(rng, snv, units, ranks, candidate)
        marking = _promotion(rng, snv, ranks)
        _round_open(rng, snv, units, ranks)
        if board is not None:
            for round_ in (published, marking):
                services.board_grant(actor=None, round_=round_, user=board)
    if stdout is not None:
        stdout.write(
            "  recruitment: 3 rounds (published results, marking, open for applications)\n"
        )
    return True


def _round_2025(rng, snv, units, ranks, candidate) -> RecruitmentRound:
    round_ = services.round_create(
        actor=None, agency=snv, code=ROUND_2025[0], name=ROUND_2025[1],
        announced_on=date(2025, 8, 20), applications_close_on=date(2025, 9, 19),
        round1_completed_on=date(2025, 10, 18),
        round2_form=RecruitmentRound.Round2Form.WRITTEN_INTERVIEW, written_weight=Decimal(70),
        interview_weight=Decimal(30), fee=500000,
        exam_notice="Vòng 1 thi trên máy tính ngày 18/10/2025; vòng 2 thi viết ngày 15/11/2025 "
        "tại Trường Chính trị tỉnh, số 2 đường Chiến Thắng Sông Lô, phường Minh Xuân.",
    )
    number = 0
    for code, title, unit, rank, quota, language, applicants in VACANCIES_2025:
        vacancy = services.vacancy_save(
            actor=None, round_=round_, code=code, title=title, quota=quota, rank=ranks.get(rank),
            unit=units.get(unit), foreign_language=language,
        )
        for i in range(applicants):
            number += 1
            fields = _fields(rng, number, rng.randrange(1993, 2003))
            owner = candidate if candidate is not None and code == "TD25-TC01" and i == 0 else None
            if owner is not None:
                fields.update(full_name=candidate.full_name, sex="female", email=candidate.email)
            fields["language_exempt"] = bool(language) and rng.random() < 0.3
            if fields["language_exempt"]:
                fields["exemption_reason"] = "Có bằng tốt nghiệp đại học ngành ngôn ngữ Anh"
            application = services.application_submit(
                actor=None, vacancy=vacancy, candidate=None, **fields
            )
            applied = datetime(
                2025, 8, 25 + rng.randrange(6), 8 + rng.randrange(9), rng.randrange(60), tzinfo=VN
            )
            Application.objects.filter(pk=application.pk).update(
                candidate=owner, submitted_at=applied
            )
            services.fee_record(actor=None, application=application, receipt=f"BL25-{number:05d}")
            eligible = rng.random() > 0.08
            services.application_review(
                actor=None, application=application, eligible=eligible,
                reason="" if eligible else "Bằng tốt nghiệp không đúng chuyên ngành của vị trí "
                                           "đăng ký dự tuyển",
            )
    services.numbers_assign(actor=None, round_=round_, prefix="TD")
    applications = list(
        round_.applications.filter(status=Application.Status.ELIGIBLE)
        .select_related("vacancy")
        .order_by("number")
    )
    tie = [a for a in applications if a.vacancy.code == "TD25-TP01"][:2]
    for application in applications:
        skill = rng.gauss(66, 10)
        general = max(10, min(60, round(rng.gauss(40, 8))))
        # the demo candidate passes
        if candidate is not None and application.candidate_id == candidate.pk:
            skill, general = 92, max(general, 48)
        if application in tie:
            general = max(general, 40)
        services.round1_score_set(
            actor=None, application=application, part="general", correct=general, questions=60,
            source="import",
        )
        if general < 30:
            continue
        written = _mark(rng, skill)
        second = written + Decimal(rng.choice([-4, -2, 0, 2, 4]))
        interview = _mark(rng, skill + 5)
        if application in tie:  # the same scores at the last place: the head decides
            written, second, interview = Decimal(82), Decimal(82), Decimal(80)
            application.priority_codes = []
            Application.objects.filter(pk=application.pk).update(priority_codes=[])
        services.mark_enter(
            actor=None, application=application, component="written", marker=1, score=written,
            examiner="Giám khảo 1",
        )
        services.mark_enter(
            actor=None, application=application, component="written", marker=2,
            score=max(Decimal(0), min(Decimal(100), second)), examiner="Giám khảo 2",
        )
        services.mark_enter(actor=None, application=application, component="interview", marker=0,
                            score=interview, examiner="Ban phỏng vấn")
    if tie:  # both best in their position so that the quota of 1 ends in a tie
        for other in [a for a in applications if a.vacancy.code == "TD25-TP01" and a not in tie]:
            for marker in (1, 2):
                services.mark_enter(
                    actor=None, application=other, component="written", marker=marker,
                    score=Decimal(60), examiner=f"Giám khảo {marker}",
                )
    services.results_publish(actor=None, round_=round_, on=date(2025, 11, 28))
    return round_


def _promotion(rng, snv, ranks) -> RecruitmentRound:
    round_ = services.round_create(
        actor=None,
        agency=snv,
        code=PROMOTION[0],
        name=PROMOTION[1],
        kind=RecruitmentRound.Kind.PROMOTION,
        announced_on=date(2026, 9, 10),
        applications_close_on=date(2026, 10, 10),
        round1_completed_on=date(2026, 11, 7),
        round2_form=RecruitmentRound.Round2Form.WRITTEN,
        fee=0,
        exam_notice="Thi viết đề án ngày 21/11/2026 tại Sở Nội vụ.",
    )
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="NN26-CVC", title="Chuyên viên chính", quota=6,
        rank=ranks.get("01.002"), unit=snv,
    )
    for i in range(12):
        fields = _fields(rng, 500 + i, rng.randrange(1978, 1990))
        application = services.application_submit(actor=None, vacancy=vacancy, **fields)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=datetime(2026, 9, 20 + rng.randrange(10), 9, rng.randrange(60), tzinfo=VN))
        services.fee_record(actor=None, application=application, receipt="", waived=True)
        services.application_review(actor=None, application=application, eligible=True)
    services.numbers_assign(actor=None, round_=round_, prefix="NN")
    for i, application in enumerate(round_.applications.order_by("number")):
        services.round1_score_set(actor=None, application=application, part="general",
                                  correct=rng.randrange(32, 58), questions=60, source="import")
        if i >= 8:
            continue  # the markers have not finished
        first = _mark(rng, 70)
        second = first + Decimal(rng.choice([-3, 0, 3]))
        if i == 2:  # one paper to reconcile: the markers are 15 points apart
            second = first - 15 if first > 50 else first + 15
        services.mark_enter(
            actor=None, application=application, component="written", marker=1, score=first
        )
        services.mark_enter(actor=None, application=application, component="written", marker=2,
                            score=min(Decimal(100), second))
    services.round_update(actor=None, round_=round_, status=RecruitmentRound.Status.EXAMS)
    return round_


def _round_open(rng, snv, units, ranks) -> RecruitmentRound:
    """Open whenever the demo is loaded: announced three weeks ago, closing in six weeks."""
    today = timezone.localdate()
    round_ = services.round_create(
        actor=None,
        agency=snv,
        code=ROUND_OPEN,
        name=f"Thi tuyển công chức tỉnh Tuyên Quang năm {today.year}",
        announced_on=today - timedelta(days=21),
        applications_close_on=today + timedelta(days=42),
        round2_form=RecruitmentRound.Round2Form.WRITTEN,
        fee=500000,
        exam_notice="Thời gian, địa điểm thi sẽ thông báo trên "
                    "Cổng thông tin điện tử của Sở Nội vụ.",
    )
    number = 800
    for code, title, unit, rank, quota, language, applicants in VACANCIES_2026:
        vacancy = services.vacancy_save(
            actor=None, round_=round_, code=code, title=title, quota=quota, rank=ranks.get(rank),
            unit=units.get(unit), foreign_language=language,
        )
        for i in range(applicants):
            number += 1
            application = services.application_submit(
                actor=None, vacancy=vacancy, **_fields(rng, number, rng.randrange(1995, 2004))
            )
            if i % 3 == 0:
                services.fee_record(
                    actor=None, application=application, receipt=f"BL26-{number:05d}"
                )
            if i == 1:
                services.application_review(actor=None, application=application, eligible=True)
    services.round_update(actor=None, round_=round_, status=RecruitmentRound.Status.OPEN)
    return round_
