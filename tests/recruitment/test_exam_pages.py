"""Staff pages of the exam engine: banks and review, blueprints, sessions and room lists, the
proctor console, item analysis."""
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recruitment import services as recruitment_services
from recruitment.exam import analysis, services
from recruitment.models import Attempt, ExamEvent, ItemStatistic, Question, QuestionBank
from tests.factories import UserFactory, make_application, make_round
from tests.recruitment.test_exam_runtime import make_bank, make_session
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db

HEADER = [
    "Ngân hàng", "Phần thi", "Mã câu hỏi", "Nội dung câu hỏi", "Phương án A", "Phương án B",
    "Đáp án",
]


def test_a_question_file_uploaded_with_a_bad_row_writes_nothing_then_imports(
    client, provincial_hr, tmp_path
):
    client.force_login(provincial_hr)
    row = ["KTC", "Kiến thức chung", "Q1", "Câu một?", "Có", "Không"]
    bad = write_workbook(tmp_path / "q.xlsx", [HEADER, [*row, "C"]])
    page = client.post(reverse("recruitment:bank_list"), {
        "file": SimpleUploadedFile("q.xlsx", bad.read_bytes()), "part": "general"}).content.decode()
    assert (
        'data-testid="import-summary"' in page
        and "Đáp án" in page
        and not Question.objects.exists()
    )
    good = write_workbook(tmp_path / "q2.xlsx", [HEADER, [*row, "A"]])
    response = client.post(reverse("recruitment:bank_list"), {
        "file": SimpleUploadedFile("q2.xlsx", good.read_bytes()), "part": "general"})
    assert response.status_code == 302 and Question.objects.get().status == "draft"


def test_drafts_are_approved_from_the_bank_page_but_not_by_their_author(client, provincial_hr):
    other = UserFactory(role="provincial_hr")
    bank = services.bank_create(actor=provincial_hr, code="KTC", name="KTC", part="general")
    services.question_save(
        actor=provincial_hr, bank=bank, family="Q1", text="Mine?", options=["a", "b"], correct=0
    )
    services.question_save(
        actor=other, bank=bank, family="Q2", text="Theirs?", options=["a", "b"], correct=1
    )
    client.force_login(provincial_hr)
    client.post(reverse("recruitment:bank_detail", args=[bank.pk]),
                {"question": [str(q.pk) for q in Question.objects.all()]})
    assert dict(Question.objects.values_list("family", "status")) == {
        "Q1": "draft",
        "Q2": "approved",
    }


def test_editing_an_approved_question_keeps_it_in_use_until_the_new_version_is_approved(
    client, provincial_hr
):
    bank = make_bank(questions=1)
    question = bank.questions.get()
    client.force_login(provincial_hr)
    client.post(
        reverse("recruitment:question_detail", args=[question.pk]),
        {
            "text": "Câu hỏi đã sửa?", "option_a": "Một", "option_b": "Hai", "option_c": "Ba",
            "correct": "2", "difficulty": "hard",
        },
    )
    question.refresh_from_db()
    new = bank.questions.get(version=2)
    assert question.status == "approved" and question.text == "Câu hỏi số 0?"
    assert (new.status, new.options, new.correct) == ("draft", ["Một", "Hai", "Ba"], 2)


def test_a_blueprint_shows_when_the_bank_is_short(client, provincial_hr):
    bank = make_bank(questions=5)
    client.force_login(provincial_hr)
    client.post(
        reverse("recruitment:blueprint_list"),
        {
            "name": "Vòng 1", "part_0": "general", "minutes_0": "60", "bank_0": bank.pk,
            "count_0": "8",
        },
    )
    page = client.get(reverse("recruitment:blueprint_list")).content.decode()
    assert "Vòng 1" in page and "8" in page and "5" in page and "text-danger" in page


def test_a_round_session_seats_the_admitted_makes_papers_and_prints_working_passwords(
    client, officer_a, world
):
    round_ = make_round(world.unit_a, code="TD-S", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="V", quota=1
    )
    for name in ("Lê Văn A", "Trần Thị B"):
        make_application(vacancy, full_name=name, eligible=True)
    make_application(vacancy, full_name="Không đủ", eligible=False)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TD")
    bank = make_bank()
    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(bank, 10),))])
    client.force_login(officer_a)
    client.post(reverse("recruitment:session_list"), {
        "name": "Ca sáng", "blueprint": blueprint.pk, "round": round_.pk,
        "starts_at": (timezone.localtime() + timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M")})
    session = round_.sessions.get()
    client.post(reverse("recruitment:session_seat", args=[session.pk]))
    client.post(reverse("recruitment:session_papers", args=[session.pk]))
    assert sorted(session.attempts.values_list("full_name", flat=True)) == [
        "Lê Văn A",
        "Trần Thị B",
    ]
    assert all(len(a.option_counts) == 10 for a in session.attempts.all())
    page = client.post(reverse("recruitment:session_passwords", args=[session.pk])).content.decode()
    number, password = re.search(
        r"<td>(TD\d+)</td><td>[^<]+</td><td class=\"font-monospace fs-5\">(\w+)</td>", page
    ).groups()
    login = client.post(reverse("exam:api_login"), {"number": number, "password": password},
                        content_type="application/json")
    assert login.status_code == 200


def test_the_proctor_sees_each_state_and_acts(client, officer_a, world, settings):
    settings.EXAM_PRESENCE_TIMEOUT = 30
    round_ = make_round(world.unit_a, code="TD-P", status="exams")
    vacancy = recruitment_services.vacancy_save(
        actor=None, round_=round_, code="V", title="V", quota=3
    )
    for name in ("An", "Bình", "Cường", "Dũng"):
        make_application(vacancy, full_name=name, eligible=True)
    recruitment_services.numbers_assign(actor=None, round_=round_, prefix="TD")
    session, seated = make_session(make_bank(), round_=round_)
    passwords = {a.number: p for a, p in seated}
    answering, gone, done = (services.attempt_login(number=n, password=passwords[n])[0]
                             for n in ("TD0001", "TD0002", "TD0003"))
    services.touch(answering)  # a request a moment ago
    cache.set(services.PRESENCE_KEY.format(gone.pk), timezone.now().timestamp() - 120)
    services.attempt_submit(attempt=done, reason="candidate")
    client.force_login(officer_a)
    page = client.get(reverse("recruitment:proctor", args=[session.pk])).content.decode()
    states = dict(re.findall(r'data-testid="state-(TD\d+)">([^<]+)<', page))
    assert states == {"TD0001": "Đang làm bài", "TD0002": "Mất kết nối", "TD0003": "Đã nộp bài",
                      "TD0004": "Chưa bắt đầu"}
    client.post(reverse("recruitment:attempt_action", args=[answering.pk, "extra_time"]),
                {"minutes": "5", "reason": "Máy treo 5 phút"})
    before = answering.deadline
    answering.refresh_from_db()
    assert answering.deadline - before == timedelta(minutes=5) and answering.extra_minutes == 5
    client.post(reverse("recruitment:attempt_action", args=[gone.pk, "readmit"]))
    client.post(reverse("recruitment:attempt_action", args=[seated[3][0].pk, "absent"]))
    assert Attempt.objects.get(number="TD0004", session=session).status == "absent"
    kinds = set(
        ExamEvent.objects.filter(session=session, by=officer_a).values_list("kind", flat=True)
    )
    assert kinds == {"extra_time", "readmit", "absent"}


def test_the_proctor_console_queries_do_not_grow_with_the_room(
    client, provincial_hr, django_assert_max_num_queries
):
    session, _seated = make_session(make_bank(), candidates=40)
    client.force_login(provincial_hr)
    # 13: one of them looks for attempts past their deadline to hand in (exam day without beat).
    with django_assert_max_num_queries(13):
        page = client.get(reverse("recruitment:proctor", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert page.content.decode().count("data-number=") == 40


def test_an_exam_board_member_sees_only_the_sessions_of_their_rounds(client, world):
    mine = make_round(world.unit_a, code="TD-M", status="exams")
    theirs = make_round(world.unit_b, code="TD-T", status="exams")
    member = UserFactory(role="exam_board")
    recruitment_services.board_grant(actor=None, round_=mine, user=member)
    bank = make_bank()
    session_mine, _ = make_session(bank, round_=mine)
    session_theirs, _ = make_session(bank, round_=theirs)
    client.force_login(member)
    assert client.get(reverse("recruitment:proctor", args=[session_mine.pk])).status_code == 200
    assert client.get(reverse("recruitment:proctor", args=[session_theirs.pk])).status_code == 404
    # Banks are secret but for the banks of the member's rounds
    # (tests/recruitment/test_exam_board.py).
    secret = make_bank(code="BIMAT")
    banks = client.get(reverse("recruitment:bank_list")).content.decode()
    assert bank.code in banks and secret.code not in banks


# --- item analysis --------------------------------------------------------------------------------

def test_item_analysis_of_a_fixed_form_matches_the_formulas(db):
    """Six candidates, the same four questions: facility, corrected point-biserial and KR-20 as the
    textbook formulas give them on the same matrix."""
    bank = make_bank(questions=4)
    session, seated = make_session(bank, count=4, candidates=6)
    matrix = [[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 1, 1], [1, 1, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0]]
    for (attempt, password), row in zip(seated, matrix, strict=True):
        attempt, _token = services.attempt_login(number=attempt.number, password=password)
        for item in attempt.items.select_related("question"):
            right = item.option_order.index(item.question.correct)
            services.answer_save(
                attempt=attempt, n=item.n, choice=right if row[_column(item)] else (right + 1) % 4,
                seq=item.n,
            )
        services.attempt_submit(attempt=attempt, reason="candidate")
    summary = analysis.analyse(session)["general"]
    totals = [sum(r) for r in matrix]
    p = [sum(r[i] for r in matrix) / 6 for i in range(4)]
    mean = sum(totals) / 6
    variance = sum((t - mean) ** 2 for t in totals) / 6
    expected_kr20 = 4 / 3 * (1 - sum(x * (1 - x) for x in p) / variance)
    assert summary.exact and summary.kr20 == pytest.approx(expected_kr20)
    by_family = {s.question.family: s for s in ItemStatistic.objects.select_related("question")}
    assert by_family["Q00"].facility == pytest.approx(p[0]) and by_family[
        "Q03"
    ].facility == pytest.approx(p[3])
    distractors = by_family["Q00"].distractors
    assert (
        distractors["0"] == 5
        and sum(distractors[k] for k in ("1", "2", "3")) == 1
        and distractors["blank"] == 0
    )
    assert by_family["Q03"].discrimination < 0 < by_family["Q01"].discrimination


def _column(item) -> int:
    return int(item.question.family[1:])


def test_bad_questions_are_flagged_in_the_bank(client, provincial_hr):
    bank = make_bank(questions=3)
    session, seated = make_session(bank, count=3, candidates=12)
    for attempt, password in seated:
        attempt, _token = services.attempt_login(number=attempt.number, password=password)
        for item in attempt.items.select_related("question"):
            right = item.option_order.index(item.question.correct)
            choice = (right + 1) % 4 if item.question.family == "Q02" else right  # nobody gets Q02
            services.answer_save(attempt=attempt, n=item.n, choice=choice, seq=item.n)
        services.attempt_submit(attempt=attempt, reason="candidate")
    client.force_login(provincial_hr)
    client.post(reverse("recruitment:analysis", args=[session.pk]))
    hard = Question.objects.get(family="Q02")
    assert "quá khó" in hard.flagged and "quá dễ" in Question.objects.get(family="Q00").flagged
    page = client.get(reverse("recruitment:analysis", args=[session.pk])).content.decode()
    assert 'data-testid="item-table"' in page and "quá khó" in page
    assert QuestionBank.objects.get().questions.exclude(flagged="").exists()
