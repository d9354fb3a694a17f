"""Recruitment pages as HR, the exam board and candidates use them."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import User
from personnel.models import CivilServant
from recruitment import services
from recruitment.models import Application, Mark, RecruitmentRound, RoundResult
from tests.factories import UserFactory, make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_a(world):
    round_ = make_round(world.unit_a, code="TD-A", status="open",
                        round2_form=RecruitmentRound.Round2Form.WRITTEN)
    services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên pháp chế", quota=1,
        unit=world.unit_a1,
    )
    return round_


@pytest.fixture
def round_b(world):
    return make_round(world.unit_b, code="TD-B", status="open")


@pytest.fixture
def board_member(world, round_a):
    member = UserFactory(username="giamkhao", role="exam_board")
    services.board_grant(actor=None, round_=round_a, user=member)
    return member


def scored(application, general=40, written=None):
    services.round1_score_set(
        actor=None, application=application, part="general", correct=general, questions=60
    )
    for marker, score in enumerate(written or [], start=1):
        services.mark_enter(actor=None, application=application, component="written", marker=marker,
                            score=Decimal(score))


# --- HR -------------------------------------------------------------------------------------------

def test_hr_creates_a_round_and_the_rule_set_follows_the_announcement(client, officer_a, world):
    client.force_login(officer_a)
    response = client.post(reverse("recruitment:round_create"), {
        "code": "TD-2024", "name": "Thi tuyển 2024", "kind": "recruitment", "method": "exam",
        "agency": world.unit_a.pk, "announced_on": "20/10/2024", "round2_form": "written_interview",
        "written_weight": "60", "interview_weight": "30", "fee": "0"})
    assert response.status_code == 200  # 60 + 30 ≠ 100
    assert "100" in response.content.decode()
    response = client.post(reverse("recruitment:round_create"), {
        "code": "TD-2024", "name": "Thi tuyển 2024", "kind": "recruitment", "method": "exam",
        "agency": world.unit_a.pk, "announced_on": "20/10/2024", "round2_form": "written_interview",
        "written_weight": "70", "interview_weight": "30", "fee": "0"})
    round_ = RecruitmentRound.objects.get(code="TD-2024")
    assert response.status_code == 302 and round_.rule_set == "REC-ND116"


def test_an_officer_cannot_create_a_round_for_a_unit_outside_their_grant(client, officer_a, world):
    client.force_login(officer_a)
    response = client.post(
        reverse("recruitment:round_create"),
        {
            "code": "TD-X", "name": "X", "kind": "recruitment", "method": "exam",
            "agency": world.unit_b.pk, "announced_on": "01/09/2026", "round2_form": "written",
            "written_weight": "100", "interview_weight": "0", "fee": "0",
        },
    )
    assert response.status_code == 200 and not RecruitmentRound.objects.filter(code="TD-X").exists()


def test_a_rejection_needs_its_reason_and_the_candidate_sees_it(
    client, officer_a, round_a, candidate
):
    application = make_application(round_a.vacancies.get(), candidate=candidate)
    client.force_login(officer_a)
    url = reverse("recruitment:application_review", args=[application.pk])
    client.post(url, {"decision": "rejected", "reason": ""})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    client.post(url, {"decision": "rejected", "reason": "Thiếu bằng tốt nghiệp đại học"})
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    client.force_login(candidate)
    page = client.get(reverse("recruitment:my_application", args=[application.pk])).content.decode()
    assert "Thiếu bằng tốt nghiệp đại học" in page


def test_application_list_filters_and_searches_without_diacritics(client, officer_a, round_a):
    vacancy = round_a.vacancies.get()
    make_application(vacancy, full_name="Nguyễn Thị Hằng", eligible=True)
    make_application(vacancy, full_name="Trần Văn Đức")
    client.force_login(officer_a)
    url = reverse("recruitment:application_list", args=[round_a.pk])
    page = client.get(url, {"q": "nguyen thi hang"}).content.decode()
    assert "Nguyễn Thị Hằng" in page and "Trần Văn Đức" not in page
    page = client.get(url, {"status": "submitted"}).content.decode()
    assert "Trần Văn Đức" in page and "Nguyễn Thị Hằng" not in page


def test_application_list_queries_do_not_grow_with_the_applications(client, officer_a, round_a,
                                                                     django_assert_max_num_queries):
    vacancy = round_a.vacancies.get()
    for i in range(30):
        make_application(vacancy, full_name=f"Thí sinh {i}", priority_codes=["DTTS"])
    client.force_login(officer_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("recruitment:application_list", args=[round_a.pk]))
    assert response.content.decode().count("Thí sinh ") == 30


def test_marks_far_apart_are_flagged_then_reconciled(client, officer_a, round_a):
    application = make_application(round_a.vacancies.get(), eligible=True)
    services.numbers_assign(actor=None, round_=round_a)
    scored(application)
    client.force_login(officer_a)
    url = reverse("recruitment:marks", args=[round_a.pk])
    client.post(
        url, {f"m-{application.pk}-written-1": "80", f"m-{application.pk}-written-2": "62,5"}
    )
    page = client.get(url).content.decode()
    assert 'data-conflict="1"' in page and 'data-testid="mark-conflicts"' in page
    publish = client.post(reverse("recruitment:results_publish", args=[round_a.pk]), follow=True)
    assert not RoundResult.objects.exists() and publish.status_code == 200
    client.post(url, {f"m-{application.pk}-written-3": "75"})
    assert 'data-conflict="1"' not in client.get(url).content.decode()
    assert list(
        Mark.objects.filter(application=application, replaced=False)
        .values_list("marker", "score")
        .order_by("marker")
    ) == [(1, Decimal(80)), (2, Decimal("62.5")), (3, Decimal(75))]


def test_a_bad_mark_is_refused_with_the_candidate_named(client, officer_a, round_a):
    application = make_application(round_a.vacancies.get(), eligible=True)
    services.numbers_assign(actor=None, round_=round_a, prefix="TD")
    client.force_login(officer_a)
    response = client.post(reverse("recruitment:marks", args=[round_a.pk]),
                            {f"m-{application.pk}-written-1": "120"}, follow=True)
    assert "TD0001" in response.content.decode() and not Mark.objects.exists()


def test_round1_counts_are_entered_and_checked(client, officer_a, round_a):
    application = make_application(round_a.vacancies.get(), eligible=True)
    client.force_login(officer_a)
    url = reverse("recruitment:round1", args=[round_a.pk])
    client.post(url, {f"r1-{application.pk}-general": "61"})
    assert not application.round1_scores.exists()
    client.post(url, {f"r1-{application.pk}-general": "30"})
    assert application.round1_scores.get().correct == 30
    assert "badge text-bg-success" in client.get(url).content.decode()  # passed: 30 of 60


def test_results_page_ranks_explains_ties_and_exports(client, officer_a, round_a):
    vacancy = round_a.vacancies.get()
    first = make_application(vacancy, full_name="Lê Văn Một", eligible=True)
    second = make_application(vacancy, full_name="Lê Văn Hai", eligible=True)
    services.numbers_assign(actor=None, round_=round_a)
    scored(first, written=[80, 80])
    scored(second, written=[80, 80])
    client.force_login(officer_a)
    page = client.get(reverse("recruitment:results", args=[round_a.pk])).content.decode()
    assert 'data-testid="ties"' in page and "người đứng đầu" in page.lower()
    assert 'id="chart-scores"' in page
    client.post(reverse("recruitment:results_publish", args=[round_a.pk]))
    assert set(RoundResult.objects.values_list("result", flat=True)) == {"HEAD_DECIDES"}
    export = client.get(reverse("recruitment:results_export", args=[round_a.pk]))
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Số báo danh", "Họ và tên", "Ngày sinh")
    assert {r[1] for r in rows[1:]} == {"Lê Văn Một", "Lê Văn Hai"}
    assert {r[-2] for r in rows[1:]} == {"Người đứng đầu quyết định"}


def test_a_winner_becomes_a_personnel_record(client, officer_a, round_a, world):
    from positions.models import Rank

    vacancy = round_a.vacancies.get()
    vacancy.rank = Rank.objects.get(code="01.003")
    vacancy.save()
    winner = make_application(vacancy, full_name="Đặng Thu Trang", sex="female", eligible=True)
    services.numbers_assign(actor=None, round_=round_a)
    scored(winner, written=[78, 80])
    services.results_publish(actor=None, round_=round_a)
    client.force_login(officer_a)
    detail = client.get(
        reverse("recruitment:application_detail", args=[winner.pk])
    ).content.decode()
    assert (
        "Đặng Thu Trang" in detail
        and reverse("recruitment:application_hire", args=[winner.pk]) in detail
    )
    response = client.post(
        reverse("recruitment:application_hire", args=[winner.pk]),
        {
            # Starts on the day the results were published (today), whatever the real date.
            "code": "A1-00001",
            "start_date": f"{timezone.localdate():%d/%m/%Y}",
            "unit": world.unit_a1.pk,
            "decision_number": "15/QĐ-SNV",
        },
    )
    servant = CivilServant.objects.get(code="A1-00001")
    assert response.status_code == 302 and servant.full_name == "Đặng Thu Trang"
    assert servant.events.filter(kind="recruited").exists()


def test_an_appeal_within_the_deadline_is_answered_and_changes_the_score(
    client, officer_a, round_a, candidate
):
    application = make_application(round_a.vacancies.get(), candidate=candidate, eligible=True)
    services.numbers_assign(actor=None, round_=round_a)
    scored(application, written=[48, 50])
    services.results_publish(actor=None, round_=round_a)
    client.force_login(candidate)
    page = client.get(reverse("recruitment:my_application", args=[application.pk])).content.decode()
    assert 'data-testid="my-result"' in page and "Không trúng tuyển" in page
    client.post(reverse("recruitment:my_appeal", args=[application.pk]),
                {"component": "written", "reason": "Em đề nghị chấm phúc khảo bài thi viết"})
    appeal = application.appeals.get()
    client.force_login(officer_a)
    client.post(reverse("recruitment:appeal_answer", args=[appeal.pk]),
                {"answer": "Chấm lại: tăng điểm", "new_score": "56"})
    services.results_publish(actor=None, round_=RecruitmentRound.objects.get(pk=round_a.pk))
    assert RoundResult.objects.get(application=application).result == "PASSED"


def test_an_appeal_after_the_deadline_is_refused(client, round_a, candidate):
    application = make_application(round_a.vacancies.get(), candidate=candidate, eligible=True)
    scored(application, written=[48, 50])
    services.results_publish(
        actor=None, round_=round_a, on=timezone.localdate() - timedelta(days=40)
    )
    client.force_login(candidate)
    page = client.get(reverse("recruitment:my_application", args=[application.pk])).content.decode()
    assert reverse("recruitment:my_appeal", args=[application.pk]) not in page
    client.post(
        reverse("recruitment:my_appeal", args=[application.pk]),
        {"component": "written", "reason": "x"},
    )
    assert not application.appeals.exists()


# --- the exam board -------------------------------------------------------------------------------

def test_an_exam_board_member_sees_only_their_rounds(client, board_member, round_a, round_b):
    client.force_login(board_member)
    page = client.get(reverse("recruitment:round_list")).content.decode()
    assert "TD-A" in page and "TD-B" not in page
    assert client.get(reverse("recruitment:round_detail", args=[round_b.pk])).status_code == 404
    assert client.get(reverse("recruitment:marks", args=[round_a.pk])).status_code == 200
    assert client.get(reverse("recruitment:round_update", args=[round_a.pk])).status_code == 403
    assert client.get(reverse("recruitment:round_create")).status_code == 403


def test_removing_a_member_from_the_board_closes_the_round_to_them(
    client, officer_a, board_member, round_a
):
    client.force_login(officer_a)
    client.post(reverse("recruitment:board_revoke", args=[round_a.pk, board_member.pk]))
    client.force_login(board_member)
    assert client.get(reverse("recruitment:round_detail", args=[round_a.pk])).status_code == 404


# --- candidates -----------------------------------------------------------------------------------

def test_registration_sends_a_link_that_activates_the_account(client):
    response = client.post(
        reverse("recruitment:register"),
        {
            "full_name": "Hà Thị Lan", "email": "Lan.Ha@Example.vn", "password": "Tuyen-Dung-2026",
            "password2": "Tuyen-Dung-2026",
        },
    )
    assert response.status_code == 200 and "lan.ha@example.vn" in response.content.decode()
    user = User.objects.get(username="lan.ha@example.vn")
    assert user.is_candidate and not user.is_active
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    response = client.get(link)
    user.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:portal")
    assert user.is_active
    assert client.get(reverse("recruitment:portal")).status_code == 200


def test_a_forged_or_expired_link_does_not_activate(client):
    user = services.candidate_register(
        full_name="A", email="a@example.vn", password="Tuyen-Dung-2026"
    )
    assert client.get(reverse("recruitment:verify", args=["forged"])).status_code == 400
    token = signing.dumps({"u": user.pk, "e": user.email}, salt="recruitment.candidate-email")
    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() + 4 * 24 * 3600
    ):
        assert client.get(reverse("recruitment:verify", args=[token])).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_registration_refuses_weak_passwords_and_an_existing_address_gets_no_second_account(
    client, candidate
):
    response = client.post(reverse("recruitment:register"), {
        "full_name": "B", "email": candidate.email.upper(), "password": "123", "password2": "123"})
    assert response.status_code == 200 and not mail.outbox
    assert User.objects.filter(account_type="candidate").count() == 1


def test_a_candidate_applies_once_per_round_and_sees_only_their_own(client, round_a, candidate):
    other = UserFactory(username="other", account_type=User.AccountType.CANDIDATE)
    theirs = make_application(round_a.vacancies.get(), candidate=other, full_name="Người Khác")
    client.force_login(candidate)
    portal = client.get(reverse("recruitment:portal")).content.decode()
    assert "TD-A" in portal or round_a.name in portal
    data = {
        "vacancy": round_a.vacancies.get().pk, "full_name": "Ngô Thị Mai",
        "date_of_birth": "04/05/1999", "sex": "female", "national_id": "008199000123",
        "phone": "0912345678", "address": "Tuyên Quang", "ethnicity": "Tày",
        "qualification": "Cử nhân Luật", "priority_codes": ["DTTS", "CDCS"], "commitment": "on",
    }
    response = client.post(reverse("recruitment:apply", args=[round_a.pk]), data)
    mine = Application.objects.get(candidate=candidate)
    assert response.status_code == 302 and mine.priority_codes == ["CDCS", "DTTS"]
    again = client.post(reverse("recruitment:apply", args=[round_a.pk]), data)
    assert again.status_code == 200 and Application.objects.filter(candidate=candidate).count() == 1
    assert client.get(reverse("recruitment:my_application", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("recruitment:my_receipt", args=[theirs.pk])).status_code == 404
    portal = client.get(reverse("recruitment:portal")).content.decode()
    assert "Người Khác" not in portal


# Run after the closing day (1/1/2026), whatever the real date.
@time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
def test_a_closed_round_takes_no_application(client, world, candidate):
    closed = make_round(
        world.unit_a, code="TD-C", status="open", applications_close_on=date(2026, 1, 1)
    )
    services.vacancy_save(actor=None, round_=closed, code="V", title="V", quota=1)
    client.force_login(candidate)
    assert client.get(reverse("recruitment:apply", args=[closed.pk])).status_code == 404


@pytest.mark.parametrize(("name", "content", "accepted"), [
    ("bang.pdf", b"%PDF-1.7 diploma", True), ("anh.png", b"\x89PNG\r\n\x1a\n....", True),
    ("bang.pdf", b"MZ\x90\x00 not a pdf", False), ("virus.exe", b"MZ\x90\x00", False),
    ("big.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024 + 1), False),
])
def test_documents_are_checked_for_type_content_and_size(
    client, round_a, candidate, name, content, accepted, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = make_application(round_a.vacancies.get(), candidate=candidate)
    client.force_login(candidate)
    client.post(reverse("recruitment:my_document_upload", args=[application.pk]),
                {"kind": "Bằng tốt nghiệp", "file": SimpleUploadedFile(name, content)})
    assert application.documents.exists() is accepted
    if accepted:
        document = application.documents.get()
        download = client.get(
            reverse("recruitment:my_document", args=[application.pk, document.pk])
        )
        assert b"".join(download.streaming_content) == content


def test_the_summons_waits_for_admission_then_prints_the_exam_number(client, round_a, candidate):
    application = make_application(round_a.vacancies.get(), candidate=candidate)
    client.force_login(candidate)
    url = reverse("recruitment:my_summons", args=[application.pk])
    assert client.get(url).status_code == 302
    services.application_review(actor=None, application=application, eligible=True)
    services.numbers_assign(actor=None, round_=round_a, prefix="TD")
    assert "TD0001" in client.get(url).content.decode()


def test_results_stay_hidden_from_the_candidate_until_published(client, round_a, candidate):
    application = make_application(round_a.vacancies.get(), candidate=candidate, eligible=True)
    scored(application, written=[70, 72])
    client.force_login(candidate)
    url = reverse("recruitment:my_application", args=[application.pk])
    assert 'data-testid="my-result"' not in client.get(url).content.decode()
    services.results_publish(actor=None, round_=round_a)
    assert "Trúng tuyển" in client.get(url).content.decode()
