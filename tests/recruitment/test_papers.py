"""Papers for the board's file: the receipt, the summons, the room list and the results list each
carry the national header (motto, agency, number, place and date), the person's data and the
signature block, print from the browser and come as PDF."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from recruitment import services
from recruitment.exam import services as exam_services
from recruitment.models import RecruitmentRound
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def round_a(world):
    round_ = make_round(
        world.unit_a, code="TD-A", status="open", fee=500000, name="Tuyển dụng công chức 2026",
        round2_form=RecruitmentRound.Round2Form.WRITTEN,
        exam_notice="Trường Chính trị tỉnh, số 1 đường Tân Trào",
    )
    services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên pháp chế", quota=1,
        unit=world.unit_a1,
    )
    return round_


@pytest.fixture
def admitted(round_a, candidate):
    application = make_application(
        round_a.vacancies.get(), candidate=candidate, full_name="Ngô Thị Mai",
        date_of_birth=date(1999, 5, 4), eligible=True,
    )
    make_application(
        round_a.vacancies.get(), full_name="Trần Văn Bình", date_of_birth=date(1997, 1, 2),
        eligible=True,
    )
    services.numbers_assign(
        actor=None, round_=round_a, prefix="TD", reason="Kiểm thử", today=date(2027, 1, 1)
    )
    application.refresh_from_db()
    return application


def seat_in_room(round_):
    from tests.recruitment.test_exam_runtime import make_bank

    bank = make_bank()
    blueprint = exam_services.blueprint_create(actor=None, name="Đề", parts=[
        exam_services.PartSpec("general", 60, (exam_services.RuleSpec(bank, 10),))])
    session = exam_services.session_create(
        actor=None, name="Ca 1", blueprint=blueprint, round_=round_,
        starts_at=datetime(2027, 2, 20, 8, 0, tzinfo=HANOI), room="Phòng máy 2",
    )
    exam_services.attempts_from_round(actor=None, session=session)
    return session


def assert_paper(html: str, *data: str) -> None:
    assert 'data-testid="paper-header"' in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "Số: " in html and "ngày " in html and " tháng " in html and " năm " in html
    assert 'data-testid="paper-signature"' in html and "(Ký, ghi rõ họ tên" in html
    assert "css/paper.css" in html  # the print layout
    for value in data:
        assert value in html, value


def assert_pdf(response, *data: str) -> None:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for value in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", *data):
        assert value in text, (value, text[:400])


def test_the_receipt_has_the_header_the_candidate_and_the_signature(
    client, round_a, candidate, admitted
):
    client.force_login(candidate)
    url = reverse("recruitment:my_receipt", args=[admitted.pk])
    html = client.get(url).content.decode()
    assert_paper(
        html, "Giấy biên nhận hồ sơ dự tuyển", "Ngô Thị Mai", "04/05/1999", "Chuyên viên pháp chế",
        f"HS-{admitted.pk:06d}", "500.000 đ", "NGƯỜI NHẬN HỒ SƠ",
    )
    assert_pdf(client.get(url, {"format": "pdf"}), "Ngô Thị Mai", f"HS-{admitted.pk:06d}")


def test_the_summons_says_time_room_seat_place_and_what_to_bring(
    client, round_a, candidate, admitted
):
    seat_in_room(round_a)
    client.force_login(candidate)
    url = reverse("recruitment:my_summons", args=[admitted.pk])
    html = client.get(url).content.decode()
    assert_paper(
        html, "Thông báo triệu tập thí sinh dự thi", "Ngô Thị Mai", admitted.number,
        "08 giờ 00 ngày 20/02/2027", "Phòng máy 2", "Số 2 (theo số báo danh)",
        "Trường Chính trị tỉnh, số 1 đường Tân Trào", "Căn cước", f"{admitted.number}/TB-HĐTD",
    )
    assert_pdf(client.get(url, {"format": "pdf"}), "Ngô Thị Mai", "Phòng máy 2", admitted.number)


def test_a_summons_without_a_computer_session_points_to_the_notice(
    client, round_a, candidate, admitted
):
    client.force_login(candidate)
    html = client.get(reverse("recruitment:my_summons", args=[admitted.pk])).content.decode()
    assert_paper(html, admitted.number, "Trường Chính trị tỉnh, số 1 đường Tân Trào")


def test_the_room_list_has_each_candidate_and_a_column_to_sign(
    client, officer_a, round_a, admitted
):
    seat_in_room(round_a)
    client.force_login(officer_a)
    url = reverse("recruitment:room_list", args=[round_a.pk])
    admission = client.get(
        reverse("recruitment:admission_list", args=[round_a.pk])
    ).content.decode()
    assert url in admission
    html = client.get(url).content.decode()
    assert_paper(
        html, "Danh sách thí sinh dự thi", "Phòng thi: Phòng máy 2", "Ký tên", "Ngô Thị Mai",
        "04/05/1999", "Trần Văn Bình", "02/01/1997", admitted.number,
    )
    assert_pdf(client.get(url, {"format": "pdf"}), "Ngô Thị Mai", "Trần Văn Bình", "Ký tên")


def test_the_results_list_is_a_signed_paper(client, officer_a, round_a, admitted):
    for application in round_a.applications.all():
        services.round1_score_set(
            actor=None, application=application, part="general", correct=40, questions=60
        )
        for marker in (1, 2):
            services.mark_enter(
                actor=None, application=application, component="written", marker=marker,
                score=Decimal(70 if application == admitted else 60),
            )
    services.results_publish(actor=None, round_=round_a, on=date(2027, 3, 1))
    client.force_login(officer_a)
    url = reverse("recruitment:results_paper", args=[round_a.pk])
    assert url in client.get(reverse("recruitment:results", args=[round_a.pk])).content.decode()
    html = client.get(url).content.decode()
    assert_paper(html, "Danh sách kết quả tuyển dụng", "Ngô Thị Mai", "Trúng tuyển", "70,00",
                 "ngày 01 tháng 03 năm 2027", "Thứ hạng")
    assert_pdf(client.get(url, {"format": "pdf"}), "Ngô Thị Mai", "Trúng tuyển")


def test_another_candidates_paper_stays_closed(client, round_a, admitted):
    from core.models import User
    from tests.factories import UserFactory

    other = UserFactory(username="other", account_type=User.AccountType.CANDIDATE)
    client.force_login(other)
    assert (
        client.get(
            reverse("recruitment:my_receipt", args=[admitted.pk]), {"format": "pdf"}
        ).status_code
        == 404
    )


def test_the_old_printable_results_address_leads_to_the_paper(client, officer_a, round_a):
    client.force_login(officer_a)
    response = client.get(reverse("recruitment:results", args=[round_a.pk]), {"print": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:results_paper", args=[round_a.pk])


def test_the_admission_list_is_a_signed_paper_too(client, officer_a, round_a, admitted):
    make_application(round_a.vacancies.get(), full_name="Đỗ Văn Chung", eligible=False)
    client.force_login(officer_a)
    url = reverse("recruitment:admission_paper", args=[round_a.pk])
    assert (
        url in client.get(reverse("recruitment:admission_list", args=[round_a.pk])).content.decode()
    )
    html = client.get(url).content.decode()
    assert_paper(
        html, "Danh sách thí sinh đủ điều kiện dự thi", "Ngô Thị Mai", "04/05/1999",
        admitted.number, "Chuyên viên pháp chế (VT-01)", "Đỗ Văn Chung", "Không đúng chuyên ngành",
    )
    assert_pdf(client.get(url, {"format": "pdf"}), "Ngô Thị Mai", "Đỗ Văn Chung")
