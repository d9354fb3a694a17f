"""The texts of issue 12 as a Vietnamese reader meets them: minutes, the ranking column, the
application form's title, money, the history of an application, screen-reader labels, and the exam
API's refusals (JSON, in Vietnamese, 4xx for every bad body)."""
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import gettext, override

from recruitment import services
from recruitment.models import RecruitmentRound
from tests.factories import make_application, make_round
from tests.recruitment.test_exam_runtime import login, make_bank, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_a(world):
    round_ = make_round(world.unit_a, code="TD-A", status="open", fee=500000,
                        round2_form=RecruitmentRound.Round2Form.WRITTEN)
    services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên pháp chế", quota=1,
        unit=world.unit_a1,
    )
    return round_


def test_minutes_after_a_number_read_phut():
    with override("vi"):
        assert f"10 {gettext('minutes')}" == "10 phút"


def test_money_is_grouped_with_dots(client, round_a, candidate):
    assert (
        Template("{% load recruitment_tags %}{{ v|vnd }}").render(Context({"v": 500000}))
        == "500.000 đ"
    )
    client.force_login(candidate)
    portal = client.get(reverse("recruitment:portal")).content.decode()
    assert "500.000 đ" in portal and "500000 đ" not in portal


def test_the_round_page_shows_the_fee_grouped(client, officer_a, round_a):
    client.force_login(officer_a)
    page = client.get(reverse("recruitment:round_detail", args=[round_a.pk])).content.decode()
    assert "500.000 đ" in page and "500000 đ" not in page


def test_the_application_form_names_itself_once(client, round_a, candidate):
    client.force_login(candidate)
    page = client.get(reverse("recruitment:apply", args=[round_a.pk])).content.decode()
    assert "Phiếu đăng ký dự tuyển (Phiếu đăng ký dự tuyển)" not in page
    assert "(Phiếu đăng ký dự tuyển)" not in page


def test_the_ranking_column_is_the_place_not_the_civil_service_rank(client, officer_a, round_a):
    application = make_application(round_a.vacancies.get(), eligible=True)
    services.round1_score_set(
        actor=None, application=application, part="general", correct=40, questions=60
    )
    client.force_login(officer_a)
    page = client.get(reverse("recruitment:results", args=[round_a.pk])).content.decode()
    start = page.index("<thead>", page.index("Số báo danh") - 200)
    head = page[start:page.index("</thead>", start)]
    assert "Thứ hạng" in head and "Ngạch" not in head


def test_the_history_names_the_attached_document(
    client, officer_a, round_a, candidate, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = make_application(round_a.vacancies.get(), candidate=candidate)
    client.force_login(candidate)
    client.post(
        reverse("recruitment:my_document_upload", args=[application.pk]),
        {"kind": "Bằng tốt nghiệp", "file": SimpleUploadedFile("bang.pdf", b"%PDF-1.7 diploma")},
    )
    client.force_login(officer_a)
    page = client.get(
        reverse("recruitment:application_detail", args=[application.pk])
    ).content.decode()
    assert "Bằng tốt nghiệp (bang.pdf)" in page
    assert "Document" not in page and "∅ → Bằng" not in page


def test_the_marks_inputs_are_labelled_in_vietnamese(client, officer_a, round_a):
    application = make_application(round_a.vacancies.get(), eligible=True, full_name="Lê Văn Cường")
    services.mark_enter(
        actor=None, application=application, component="written", marker=1, score=Decimal(70)
    )
    client.force_login(officer_a)
    marks = client.get(reverse("recruitment:marks", args=[round_a.pk])).content.decode()
    assert 'aria-label="Lê Văn Cường, Thi viết, người chấm 1"' in marks
    assert 'aria-label="Lê Văn Cường written' not in marks
    round1 = client.get(reverse("recruitment:round1", args=[round_a.pk])).content.decode()
    assert (
        'aria-label="Lê Văn Cường, Kiến thức chung"' in round1
        and 'aria-label="Lê Văn Cường general"' not in round1
    )


# --- the exam API's refusals ----------------------------------------------------------------------

@pytest.fixture
def signed_in(client):
    _session, [(attempt, password), _] = make_session(make_bank())
    return attempt, login(client, attempt, password)


def test_an_api_call_without_a_login_is_refused_in_vietnamese(client, signed_in):
    attempt, _token = signed_in
    client.cookies.clear()
    response = client.get(reverse("exam:api_attempt", args=[attempt.pk]))
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "credentials" not in detail and "đăng nhập" in detail.lower()


@pytest.mark.parametrize("body", ['{"choice": 0, "seq": '
                                  '9223372036854775808}', '{"choice": 0, "seq": ',
                                  '{"choice": 0 "seq": '
                                  '1}', "not json at all", '{"choice": 0, "seq": 1e400}'])
def test_every_bad_answer_body_is_a_400_json_refusal(client, signed_in, body):
    attempt, token = signed_in
    response = client.put(reverse("exam:api_answer", args=[attempt.pk, 1]), body,
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "code"}


def test_seq_two_to_the_63_is_refused_not_a_server_error(client, signed_in):
    attempt, token = signed_in
    response = client.put(
        reverse("exam:api_answer", args=[attempt.pk, 1]), json.dumps({"choice": 0, "seq": 2**63}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_item_statistics_name_the_options_by_letter_and_blank_in_vietnamese(client, provincial_hr):
    import re

    from recruitment.exam import services as exam_services

    session, seated = make_session(make_bank(questions=2), count=2, candidates=3)
    for attempt, password in seated:
        attempt, _token = exam_services.attempt_login(number=attempt.number, password=password)
        for item in attempt.items.select_related("question"):
            exam_services.answer_save(
                attempt=attempt, n=item.n, choice=item.option_order.index(0), seq=item.n
            )
        exam_services.attempt_submit(attempt=attempt, reason="candidate")
    client.force_login(provincial_hr)
    client.post(reverse("recruitment:analysis", args=[session.pk]))
    page = client.get(reverse("recruitment:analysis", args=[session.pk])).content.decode()
    table = page[page.index('data-testid="item-table"'):]
    assert "A✓: 3" in table and "bỏ trống: 0" in table
    assert not re.search(r">\s*0: \d", table) and "blank" not in table
