"""The demo question bank: general-knowledge questions on the civil service, approved, so that a
practice session (``make_exam_session``) works on a fresh ``make run``.

Most questions are generated from the product's own rule data (salary coefficients of ND 204,
the base salary by date, the retirement ages of ND 135), so their answers are right by
construction; a few are written out. Distractors are the neighbouring values."""
import random
from decimal import Decimal

from django.db import transaction

from recruitment.exam import services
from recruitment.models import Question, QuestionBank

BANK_CODE = "KTC-DEMO"
WRITTEN = [  # text, right answer, wrong answers, topic, difficulty
    (
        "Theo Luật Cán bộ, công chức năm 2025, công chức được tuyển dụng thông qua hình thức nào?",
        "Thi tuyển hoặc xét tuyển",
        ["Bầu cử", "Phê chuẩn", "Ký hợp đồng lao động"],
        "Luật Cán bộ, công chức",
        "easy",
    ),
    (
        "Từ ngày 01/7/2025, chính quyền địa phương được tổ chức theo mô hình nào?",
        "Hai cấp: tỉnh và xã",
        ["Ba cấp: tỉnh, huyện và xã", "Bốn cấp", "Một cấp"],
        "Tổ chức chính quyền địa phương",
        "easy",
    ),
    (
        "Nghị định nào quy định về tuyển dụng, sử dụng và quản lý công chức từ ngày 01/7/2025?",
        "Nghị định 170/2025/NĐ-CP",
        ["Nghị định 138/2020/NĐ-CP", "Nghị định 116/2024/NĐ-CP", "Nghị định 24/2010/NĐ-CP"],
        "Tuyển dụng công chức",
        "medium",
    ),
    (
        "Theo Nghị định 170/2025/NĐ-CP, vòng 1 thi tuyển công chức gồm phần thi nào?",
        "Kiến thức chung",
        ["Kiến thức chung và ngoại ngữ", "Tin học và ngoại ngữ", "Chuyên môn, nghiệp vụ"],
        "Tuyển dụng công chức",
        "medium",
    ),
    (
        "Theo Nghị định 170/2025/NĐ-CP, vòng 1 thi kiến "
        "thức chung có bao nhiêu câu hỏi trắc nghiệm?",
        "60 câu",
        ["30 câu", "90 câu", "100 câu"],
        "Tuyển dụng công chức",
        "medium",
    ),
    (
        "Thí sinh đạt vòng 1 khi trả lời đúng từ bao nhiêu "
        "phần trăm số câu hỏi của mỗi phần thi trở lên?",
        "50 %",
        ["40 %", "60 %", "70 %"],
        "Tuyển dụng công chức",
        "easy",
    ),
    (
        "Điểm ưu tiên của người dân tộc thiểu số trong thi tuyển công chức là bao nhiêu?",
        "5 điểm",
        ["2,5 điểm", "7,5 điểm", "10 điểm"],
        "Tuyển dụng công chức",
        "easy",
    ),
    (
        "Điểm ưu tiên của thương binh trong thi tuyển công chức là bao nhiêu?",
        "7,5 điểm",
        ["5 điểm", "2,5 điểm", "1,5 điểm"],
        "Tuyển dụng công chức",
        "easy",
    ),
    (
        "Người hoàn thành nghĩa vụ quân sự được cộng bao "
        "nhiêu điểm ưu tiên khi thi tuyển công chức?",
        "2,5 điểm",
        ["1,5 điểm", "5 điểm", "7,5 điểm"],
        "Tuyển dụng công chức",
        "easy",
    ),
    (
        "Người thuộc nhiều diện ưu tiên thì được cộng điểm ưu tiên thế nào?",
        "Chỉ được cộng điểm ưu tiên cao nhất",
        [
            "Được cộng tất cả các điểm ưu tiên", "Được cộng hai điểm ưu tiên cao nhất",
            "Không được cộng điểm ưu tiên",
        ],
        "Tuyển dụng công chức",
        "medium",
    ),
    (
        "Theo Nội quy thi ban hành kèm Thông tư 001/2025/TT-BNV, thí sinh "
        "dự bài thi 60 phút được vào phòng thi muộn tối đa bao nhiêu phút?",
        "10 phút",
        ["5 phút", "15 phút", "30 phút"],
        "Nội quy thi",
        "hard",
    ),
    (
        "Theo Nội quy thi ban hành kèm Thông tư 001/2025/TT-BNV, thí sinh "
        "dự bài thi 30 phút được vào phòng thi muộn tối đa bao nhiêu phút?",
        "5 phút",
        ["10 phút", "15 phút", "Không được vào muộn"],
        "Nội quy thi",
        "hard",
    ),
    (
        "Kết quả thi vòng 1 trên máy vi tính có được phúc khảo không?",
        "Không phúc khảo",
        [
            "Được phúc khảo trong 15 ngày", "Được phúc khảo trong 5 ngày làm việc",
            "Chỉ phúc khảo phần ngoại ngữ",
        ],
        "Tuyển dụng công chức",
        "medium",
    ),
    (
        "Thời gian nâng bậc lương thường xuyên của ngạch chuyên viên (loại A1) là bao lâu?",
        "3 năm (36 tháng)",
        ["2 năm (24 tháng)", "5 năm (60 tháng)", "4 năm (48 tháng)"],
        "Chế độ tiền lương",
        "medium",
    ),
    (
        "Thời gian nâng bậc lương thường xuyên của ngạch nhân viên (loại B, C) là bao lâu?",
        "2 năm (24 tháng)",
        ["3 năm (36 tháng)", "1 năm (12 tháng)", "5 năm (60 tháng)"],
        "Chế độ tiền lương",
        "medium",
    ),
    (
        "Công chức hoàn thành xuất sắc nhiệm vụ được nâng "
        "bậc lương trước thời hạn tối đa bao nhiêu tháng?",
        "12 tháng",
        ["6 tháng", "9 tháng", "24 tháng"],
        "Chế độ tiền lương",
        "hard",
    ),
    (
        "Tỷ lệ công chức được nâng bậc lương trước thời hạn do lập thành tích xuất sắc trong một "
        "năm không quá bao nhiêu phần trăm tổng số công chức của cơ quan?",
        "10 %",
        ["5 %", "15 %", "20 %"],
        "Chế độ tiền lương",
        "hard",
    ),
    (
        "Nghị định nào quy định về tuổi nghỉ hưu từ năm 2021?",
        "Nghị định 135/2020/NĐ-CP",
        ["Nghị định 115/2015/NĐ-CP", "Nghị định 178/2024/NĐ-CP", "Nghị định 29/2023/NĐ-CP"],
        "Nghỉ hưu",
        "medium",
    ),
    (
        "Ngày hưởng lương hưu là ngày nào?",
        "Ngày đầu tiên của tháng liền kề sau tháng đủ tuổi nghỉ hưu",
        [
            "Ngày sinh nhật đủ tuổi nghỉ hưu", "Ngày 01 tháng 01 năm sau",
            "Ngày ký quyết định nghỉ hưu",
        ],
        "Nghỉ hưu",
        "medium",
    ),
    (
        "Cơ quan thông báo bằng văn bản về thời điểm nghỉ hưu cho công chức trước bao lâu?",
        "6 tháng",
        ["3 tháng", "1 tháng", "12 tháng"],
        "Nghỉ hưu",
        "medium",
    ),
]


def _generated(rng: random.Random) -> list[tuple[str, str, list[str], str, str]]:
    from personnel.rules.retirement import required_age_months
    from positions.models import BaseSalary, Rank, SalaryCoefficient

    questions = []
    for code in ("01.002", "01.003", "01.004"):
        rank = Rank.objects.filter(code=code).first()
        if rank is None or rank.salary_group is None:
            continue
        steps = dict(
            SalaryCoefficient.objects.filter(group=rank.salary_group).values_list(
                "step", "coefficient"
            )
        )
        for step, value in steps.items():
            others = sorted(
                {v for v in steps.values() if v != value}, key=lambda v: abs(v - value)
            )[:3]
            if len(others) < 3:
                continue
            questions.append(
                (
                    f"Hệ số lương bậc {step} của ngạch "
                    f"{rank.name.lower()} (mã {code}) là bao nhiêu?",
                    _num(value),
                    [_num(v) for v in others],
                    "Chế độ tiền lương",
                    "hard",
                )
            )
    amounts = list(BaseSalary.objects.order_by("valid_from").values_list("valid_from", "amount"))
    for day, amount in amounts:
        wrong = [a for _d, a in amounts if a != amount][:3]
        while len(wrong) < 3:
            wrong.append(amount + 110000 * (len(wrong) + 1))
        questions.append(
            (
                f"Mức lương cơ sở áp dụng từ ngày {day:%d/%m/%Y} là bao nhiêu?",
                _vnd(amount),
                [_vnd(w) for w in wrong],
                "Chế độ tiền lương",
                "medium",
            )
        )
    for year in range(2022, 2036, 2):
        for sex, label in (("male", "nam"), ("female", "nữ")):
            months, _rule = required_age_months(sex, year)
            right = _age(months)
            wrong = [_age(months + d) for d in rng.sample([-9, -6, -3, 3, 6, 9], 3)]
            questions.append(("Theo Nghị định 135/2020/NĐ-CP, tuổi nghỉ hưu của lao động "
                              f"{label} trong điều kiện lao động bình thường năm {year} "
                              "là bao nhiêu?", right, wrong, "Nghỉ hưu", "medium"))
    return questions


def _num(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _vnd(amount: int) -> str:
    return f"{amount:,} đồng".replace(",", ".")


def _age(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} tuổi" + (f" {rest} tháng" if rest else "")


def load_demo_bank() -> QuestionBank:
    """The approved demo bank (idempotent)."""
    bank = QuestionBank.objects.filter(code=BANK_CODE).first()
    if bank is not None and bank.questions.filter(status=Question.Status.APPROVED).exists():
        return bank
    rng = random.Random(2026)
    with transaction.atomic():
        if bank is None:
            bank = services.bank_create(
                actor=None, code=BANK_CODE, name="Kiến thức chung (ngân hàng mẫu)",
                part=QuestionBank.Part.GENERAL,
            )
        for index, (text, right, wrong, topic, difficulty) in enumerate(
            WRITTEN + _generated(rng), start=1
        ):
            options = [right, *wrong]
            rng.shuffle(options)
            services.question_save(
                actor=None, bank=bank, family=f"KTC-{index:03d}", text=text, options=options,
                correct=options.index(right), topic=topic, difficulty=difficulty,
            )
        for question in bank.questions.filter(status=Question.Status.DRAFT):
            services.question_approve(actor=None, question=question)
    return bank


def load_demo_session(stdout=None) -> bool:
    """A practice session held last week: 40 candidates, 35 handed in, analysed — so that the
    proctor console, the results and the item analysis have something to show."""
    import math
    from datetime import timedelta

    from django.utils import timezone

    from recruitment.exam import analysis
    from recruitment.models import Attempt, ExamSession

    if ExamSession.objects.filter(name__startswith="Thi thử kiến thức chung").exists():
        return False
    bank = load_demo_bank()
    rng = random.Random(7)
    starts = (timezone.localtime() - timedelta(days=7)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    blueprint = services.blueprint_create(
        actor=None,
        name="Thi thử kiến thức chung 30 câu, 30 phút",
        parts=[services.PartSpec(QuestionBank.Part.GENERAL, 30, (services.RuleSpec(bank, 30),))],
    )
    session = services.session_create(
        actor=None, name="Thi thử kiến thức chung (Sở Nội vụ)", blueprint=blueprint,
        starts_at=starts, room="Phòng máy 1, Trường Chính trị tỉnh", practice=True,
    )
    seated = services.attempts_add(actor=None, session=session, candidates=[
        {"number": f"TT{i:04d}", "full_name": f"Học viên {i:02d}"} for i in range(1, 41)])
    services.papers_generate(session)
    difficulty = {q.pk: {"easy": -1.0, "medium": 0.0, "hard": 1.0}[q.difficulty] + rng.gauss(0, 0.5)
                  for q in bank.questions.all()}
    for index, (attempt, password) in enumerate(seated):
        if index >= 35:
            continue  # five never came
        attempt, _token = services.attempt_login(
            number=attempt.number, password=password, now=starts
        )
        ability = rng.gauss(0.3, 1.0)
        for item in attempt.items.select_related("question"):
            right = item.option_order.index(item.question.correct)
            p_right = 1 / (1 + math.exp(-(ability - difficulty[item.question_id]) * 1.7))
            choice = (
                right
                if rng.random() < p_right
                else rng.choice([i for i in range(len(item.option_order)) if i != right])
            )
            services.answer_save(attempt=attempt, n=item.n, choice=choice, seq=item.n,
                                 now=starts + timedelta(minutes=1))
        services.attempt_submit(
            attempt=attempt, reason="candidate", now=starts + timedelta(minutes=25)
        )
    for attempt, _password in seated[35:]:
        services.mark_absent(actor=None, attempt=attempt)
    Attempt.objects.filter(session=session).update(token_digest="")
    ExamSession.objects.filter(pk=session.pk).update(status=ExamSession.Status.FINISHED)
    analysis.analyse(session)
    _board_session(bank, blueprint, starts)
    if stdout is not None:
        stdout.write("  exams: the demo question bank, an analysed practice session and the "
                     "promotion round's session for the exam board (hoidongthi)\n")
    return True


def _board_session(bank, blueprint, practice_starts) -> None:
    """The promotion round's computer-based test, a week after the practice, run by the exam board
    (hoidongthi, who also writes the round's bank): the console shows the seated candidates."""
    from datetime import timedelta

    from core.models import User
    from recruitment import services as recruitment_services
    from recruitment.models import RecruitmentRound

    promotion = (
        RecruitmentRound.objects.filter(kind=RecruitmentRound.Kind.PROMOTION).order_by("pk").first()
    )
    if promotion is None:
        return
    recruitment_services.round_banks_set(actor=None, round_=promotion, banks=[bank])
    board = User.objects.filter(username="hoidongthi").first()
    if board is not None:
        recruitment_services.board_grant(
            actor=None, round_=promotion, user=board, edit_questions=True
        )
    session = services.session_create(
        actor=None, name=f"{promotion.code}: kiến thức chung trên máy tính", blueprint=blueprint,
        round_=promotion, starts_at=practice_starts + timedelta(days=8),
        room="Phòng máy 2, Trường Chính trị tỉnh",
    )
    services.attempts_from_round(actor=None, session=session)
    services.papers_generate(session)
