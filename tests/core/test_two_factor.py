"""Two-factor sign-in (TOTP) for HR officers and committee members (issue 16, Security): enrolment,
the code after the password, the axes throttle on wrong codes, enforcement for HR and not for
candidates, and the reset by provincial HR."""
import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEntry
from core.two_factor import two_factor_required
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-Pass-2026"


def code(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    valid = {code(device, offset=o) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Công vụ", confirmed=True)


def password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_an_officer_enrols_with_the_qr_code_and_a_code_from_the_app(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("core:two_factor")).content.decode()
    assert "<svg" in page and "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=officer_a, confirmed=False)
    # The secret stays the same between visits until it is confirmed.
    client.get(reverse("core:two_factor"))
    assert TOTPDevice.objects.filter(user=officer_a).count() == 1

    response = client.post(reverse("core:two_factor"), {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="otp_enrol", actor=officer_a,
                                     object_id=str(officer_a.pk)).exists()
    page = client.get(reverse("core:two_factor")).content.decode()
    assert "data-testid=\"two-factor-on\"" in page


def test_a_wrong_code_does_not_enrol(client, officer_a):
    client.force_login(officer_a)
    client.get(reverse("core:two_factor"))
    device = TOTPDevice.objects.get(user=officer_a)
    response = client.post(reverse("core:two_factor"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Sai mã" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer_a, confirmed=True).exists()


def test_an_enrolled_officer_gives_the_code_after_the_password(client, officer_a):
    device = enrolled(officer_a)
    response = password_step(client, "officer_a")
    assert response.status_code == 302 and response["Location"] == reverse("core:login_code")
    assert signed_in_as(client) is None  # the password alone signs no one in
    assert client.get(reverse("core:dashboard")).status_code == 302

    response = client.post(reverse("core:login_code"), {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert signed_in_as(client) == str(officer_a.pk)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_wrong_code_signs_no_one_in(client, officer_a):
    device = enrolled(officer_a)
    password_step(client, "officer_a")
    response = client.post(reverse("core:login_code"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Sai mã" in response.content.decode()
    assert signed_in_as(client) is None


def test_wrong_codes_count_as_failed_logins_for_the_throttle(client, officer_a, settings):
    device = enrolled(officer_a)
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only axes slows the guesses down in this test
    password_step(client, "officer_a")
    answers = [client.post(reverse("core:login_code"), {"code": wrong_code(device)})
               for _i in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[-1].status_code == 429
    # Locked: even the right code, even the right password, is refused for the cool-off.
    assert client.post(reverse("core:login_code"), {"code": code(device)}).status_code == 429
    assert signed_in_as(client) is None
    assert password_step(client, "officer_a").status_code == 429


def test_the_code_step_needs_the_password_first(client, officer_a):
    enrolled(officer_a)
    response = client.post(reverse("core:login_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_with_two_factor_required_an_officer_must_enrol_first(client, officer_a, settings):
    settings.OTP_REQUIRED_FOR_HR = True
    response = password_step(client, "officer_a")
    assert signed_in_as(client) == str(officer_a.pk)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:two_factor") + "?next=")
    client.get(reverse("core:two_factor"))
    device = TOTPDevice.objects.get(user=officer_a)
    response = client.post(reverse("core:two_factor"), {"code": code(device), "next": "/units/"})
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_candidates_and_readers_of_their_own_record_are_not_asked(client, candidate, no_grant,
                                                                  settings):
    settings.OTP_REQUIRED_FOR_HR = True
    assert not two_factor_required(candidate) and not two_factor_required(no_grant)
    client.force_login(candidate)
    assert client.get(reverse("recruitment:portal")).status_code == 200


def test_hr_roles_committee_and_admins_are_asked(officer_a, provincial_hr, superuser):
    committee = UserFactory(username="hoidong", role="appraisal_committee")
    assert all(two_factor_required(u) for u in (officer_a, provincial_hr, superuser, committee))


def test_provincial_hr_resets_a_lost_phone_and_the_owner_enrols_again(client, officer_a,
                                                                      provincial_hr, settings):
    settings.OTP_REQUIRED_FOR_HR = True
    device = enrolled(officer_a)
    owner = client.__class__()
    password_step(owner, "officer_a")
    owner.post(reverse("core:login_code"), {"code": code(device)})
    assert owner.get(reverse("core:dashboard")).status_code == 200

    settings.OTP_REQUIRED_FOR_HR = False  # provincial HR's own code is not this test's subject
    client.force_login(provincial_hr)
    page = client.get(reverse("core:access_user", kwargs={"pk": officer_a.pk})).content.decode()
    assert reverse("core:two_factor_reset", kwargs={"pk": officer_a.pk}) in page
    response = client.post(reverse("core:two_factor_reset", kwargs={"pk": officer_a.pk}),
                           {"reason": "Mất điện thoại"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer_a).exists()
    entry = AuditEntry.objects.get(action="otp_reset", object_id=str(officer_a.pk))
    assert entry.actor == provincial_hr and entry.reason == "Mất điện thoại"
    settings.OTP_REQUIRED_FOR_HR = True
    # The session the old phone verified is verified no more: the owner enrols the new phone.
    response = owner.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:two_factor"))


def test_only_provincial_hr_resets_a_device(client, officer_a, officer_b):
    enrolled(officer_a)
    client.force_login(officer_b)
    response = client.post(reverse("core:two_factor_reset", kwargs={"pk": officer_a.pk}))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=officer_a).exists()


def test_the_admin_login_page_leads_to_the_login_with_the_code(client, superuser):
    enrolled(superuser)
    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert signed_in_as(client) is None
