"""Candidate accounts that recover: a new confirmation link, a password reset by e-mail, a clear
message before confirming, no enumeration of registered addresses, phone numbers checked, and an
e-mail at each step of the application (once, after the decision commits)."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from core import audit
from core.models import User
from recruitment import services
from recruitment.models import Appeal, Application, RecruitmentRound
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db

PASSWORD = "Tuyen-Dung-2026"


def register(client, email="lan.ha@example.vn", password=PASSWORD, name="Hà Thị Lan"):
    return client.post(
        reverse("recruitment:register"),
        {"full_name": name, "email": email, "password": password, "password2": password},
    )


def page_without_addresses(response) -> str:
    """The page's main content with every e-mail address (plain or in a link) blanked out."""
    main = re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return re.sub(r"[\w.+-]+(@|%40)[\w.-]+", "@", main)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.fixture
def round_a(world):
    round_ = make_round(
        world.unit_a, code="TD-A", status="open", name="Tuyển dụng công chức Sở Tư pháp 2026",
        round2_form=RecruitmentRound.Round2Form.WRITTEN,
    )
    services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên pháp chế", quota=1,
        unit=world.unit_a1,
    )
    return round_


# --- the confirmation -----------------------------------------------------------------------------

def test_the_login_page_leads_to_a_new_confirmation_link(client):
    login = client.get(reverse("login")).content.decode()
    assert reverse("recruitment:resend_confirmation") in login
    register(client)
    mail.outbox.clear()
    page = client.post(reverse("recruitment:resend_confirmation"), {"email": "LAN.HA@example.vn"})
    assert page.status_code == 200 and len(mail.outbox) == 1
    assert client.get(link_in(mail.outbox[0])).status_code == 302
    assert User.objects.get(username="lan.ha@example.vn").is_active


def test_resending_tells_nothing_about_the_address(client, candidate):
    register(client)
    mail.outbox.clear()
    unknown = client.post(
        reverse("recruitment:resend_confirmation"), {"email": "nobody@example.vn"}
    )
    confirmed = client.post(reverse("recruitment:resend_confirmation"), {"email": candidate.email})
    pending = client.post(
        reverse("recruitment:resend_confirmation"), {"email": "lan.ha@example.vn"}
    )
    texts = [page_without_addresses(r) for r in (unknown, confirmed, pending)]
    assert texts[0] == texts[1] == texts[2]
    assert [m.to for m in mail.outbox] == [["lan.ha@example.vn"]]


def test_logging_in_before_confirming_says_so_but_a_wrong_password_does_not(client):
    register(client)
    resend = reverse("recruitment:resend_confirmation")
    page = client.post(
        reverse("login"), {"username": "lan.ha@example.vn", "password": PASSWORD}
    ).content.decode()
    assert "Tài khoản chưa được xác nhận thư điện tử" in page and resend in page
    wrong = client.post(
        reverse("login"), {"username": "lan.ha@example.vn", "password": "Sai-Mat-Khau-1"}
    )
    assert "chưa được xác nhận" not in wrong.content.decode()
    nobody = client.post(
        reverse("login"), {"username": "khong.co@example.vn", "password": "Sai-Mat-Khau-1"}
    )
    assert (
        wrong.content.decode().count("alert-danger")
        == nobody.content.decode().count("alert-danger")
        == 1
    )


def test_a_deactivated_account_is_not_called_unconfirmed(client, candidate):
    candidate.is_active = False
    candidate.save()
    audit.record(
        actor=candidate, obj=candidate, action="verify_email", changes={"is_active": [False, True]}
    )
    page = client.post(
        reverse("login"), {"username": candidate.username, "password": "Secret-Pass-2026"}
    )
    assert "chưa được xác nhận" not in page.content.decode()


# --- no enumeration -------------------------------------------------------------------------------

def test_registering_an_existing_address_shows_the_same_page_and_warns_its_owner(client, candidate):
    new = register(client, email="moi@example.vn")
    taken = register(client, email=candidate.email.upper())
    assert page_without_addresses(new) == page_without_addresses(taken)
    assert "đã có" not in taken.content.decode().lower()
    assert User.objects.filter(email__iexact=candidate.email).count() == 1
    notice = mail.outbox[-1]
    assert notice.to == [candidate.email] and reverse("core:password_reset") in notice.body
    assert "/verify/" not in notice.body


def test_registering_again_before_confirming_sends_the_link_again(client):
    register(client)
    register(client)
    assert len(mail.outbox) == 2 and all("/verify/" in m.body for m in mail.outbox)
    assert User.objects.filter(username="lan.ha@example.vn").count() == 1


def test_the_password_errors_are_in_vietnamese(client):
    page = register(client, password="abc").content.decode()
    assert "Mật khẩu này quá ngắn" in page and "too short" not in page


# --- password reset -------------------------------------------------------------------------------

def test_a_candidate_resets_the_password_by_email(client):
    register(client)
    client.get(link_in(mail.outbox[0]))
    client.logout()
    mail.outbox.clear()
    assert reverse("core:password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("core:password_reset"), {"email": "Lan.Ha@example.vn"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Mat-Khau-Moi-2027",
                                                     "new_password2": "Mat-Khau-Moi-2027"})
    assert done.status_code == 302
    response = client.post(
        reverse("login"), {"username": "lan.ha@example.vn", "password": "Mat-Khau-Moi-2027"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:portal")


def test_a_reset_asked_before_confirming_sends_the_confirmation(client):
    register(client)
    mail.outbox.clear()
    client.post(reverse("core:password_reset"), {"email": "lan.ha@example.vn"})
    assert len(mail.outbox) == 1 and "/verify/" in mail.outbox[0].body


# --- phone ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("phone", "kept"), [
    ("0912345678", "0912345678"), ("0912 345 678", "0912345678"),
    ("+84 912.345.678", "+84912345678"), ("abc", None), ("091234567", None), ("1912345678", None),
    ("+8491234567", None), ("09123456789", None),
])
def test_the_phone_number_is_a_vietnamese_one(client, round_a, candidate, phone, kept):
    client.force_login(candidate)
    data = {
        "vacancy": round_a.vacancies.get().pk, "full_name": "Ngô Thị Mai",
        "date_of_birth": "04/05/1999", "sex": "female", "national_id": "008199000123",
        "phone": phone, "address": "Tuyên Quang", "ethnicity": "Tày",
        "qualification": "Cử nhân Luật", "commitment": "on",
    }
    response = client.post(reverse("recruitment:apply", args=[round_a.pk]), data)
    application = Application.objects.filter(candidate=candidate).first()
    if kept is None:
        assert response.status_code == 200 and application is None
        assert "10 chữ số" in response.content.decode()
    else:
        assert response.status_code == 302 and application.phone == kept


# --- e-mails at each step -------------------------------------------------------------------------

def test_each_step_mails_the_candidate_once_after_it_commits(round_a, candidate,
                                                             django_capture_on_commit_callbacks):
    application = make_application(
        round_a.vacancies.get(), candidate=candidate, email="mai@example.vn"
    )
    other = make_application(
        round_a.vacancies.get(), full_name="Trần Văn Bình", email="binh@example.vn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_review(actor=None, application=application, eligible=True)
        services.application_review(actor=None, application=other, eligible=False,
                                    reason="Thiếu bằng tốt nghiệp đại học")
    assert [m.to for m in mail.outbox] == [["mai@example.vn"], ["binh@example.vn"]]
    assert round_a.name in mail.outbox[0].subject and "/portal/applications/" in mail.outbox[0].body
    assert all(m.body.startswith("Kính gửi") for m in mail.outbox)
    assert "Thiếu bằng tốt nghiệp đại học" in mail.outbox[1].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.numbers_assign(
            actor=None, round_=round_a, prefix="TD", reason="Kiểm thử", today=date(2027, 1, 1)
        )
        services.numbers_assign(
            actor=None, round_=round_a, prefix="TD", reason="Kiểm thử", today=date(2027, 1, 1)
        )
    assert len(mail.outbox) == 1 and "TD0001" in mail.outbox[0].body
    assert reverse("recruitment:my_summons", args=[application.pk]) in mail.outbox[0].body
    mail.outbox.clear()

    services.round1_score_set(
        actor=None, application=application, part="general", correct=40, questions=60
    )
    for marker in (1, 2):
        services.mark_enter(actor=None, application=application, component="written", marker=marker,
                            score=Decimal(70))
    with django_capture_on_commit_callbacks(execute=True):
        services.results_publish(actor=None, round_=round_a)
        # nothing changed: nobody is told twice
        services.results_publish(actor=None, round_=round_a)
    assert [m.to for m in mail.outbox] == [["mai@example.vn"]]
    assert round_a.name in mail.outbox[0].subject
    mail.outbox.clear()

    appeal = Appeal.objects.create(
        application=application, component="written", reason="Xin phúc khảo"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_resolve(
            actor=None, appeal=appeal, answer="Chấm lại bài viết", new_score=Decimal("75.5")
        )
    assert (
        len(mail.outbox) == 1
        and "Chấm lại bài viết" in mail.outbox[0].body
        and "75,50" in mail.outbox[0].body
    )


def test_a_decision_rolled_back_sends_nothing(
    round_a, candidate, django_capture_on_commit_callbacks
):
    application = make_application(
        round_a.vacancies.get(), candidate=candidate, email="mai@example.vn"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_review(actor=None, application=application, eligible=True)
    assert len(callbacks) == 1 and not mail.outbox


def test_the_open_pages_cannot_flood_a_mailbox(client):
    register(client)
    for _ in range(10):
        client.post(reverse("recruitment:resend_confirmation"), {"email": "lan.ha@example.vn"})
    assert len(mail.outbox) == 5
