"""Crafted POSTs on core's write screens: an officer of unit A cannot reach unit B (grants, units,
reorganisation), nor another person's own records (tokens, notifications, import jobs). Each
refusal changes nothing."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.access import MANAGE, unit_scope
from core.api_tokens import token_create
from core.models import ApiToken, ImportJob, Notification, OrgUnit, User
from core.services.accounts import account_create
from core.services.notifications import notify
from core.views.access import AccountCreateView
from core.views.tokens import ApiTokenListView

pytestmark = pytest.mark.django_db


def allow(user: User, *codenames: str) -> User:
    """Give an officer of unit A a province-wide right (grants, reorganisation) but keep their unit
    grant on A only: what they may do is then bounded by A, which is what these tests probe."""
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="core",
                                                         codename__in=codenames))
    return User.objects.get(pk=user.pk)


def manages(user: User) -> set[str]:
    scope = unit_scope(User.objects.get(pk=user.pk), MANAGE)
    return set(scope.units().values_list("code", flat=True))


def a_token(owner: User) -> ApiToken:
    token, _key = token_create(actor=owner, name="HRM", scopes=["units:read"],
                               expires_on=timezone.localdate() + timedelta(days=30))
    return token


# --- grants and accounts --------------------------------------------------------------------------


def test_an_officer_of_a_cannot_grant_access_on_unit_b(client, world, officer_a, no_grant):
    client.force_login(allow(officer_a, "manage_grants"))
    response = client.post(f"/access/{no_grant.pk}/", {"unit": world.unit_b.pk, "level": "manage"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not unit_scope(User.objects.get(pk=no_grant.pk))


def test_an_officer_of_a_cannot_revoke_a_grant_on_unit_b(client, world, officer_a, officer_b):
    client.force_login(allow(officer_a, "manage_grants"))
    assert client.post(f"/access/{officer_b.pk}/revoke/{world.unit_b.pk}/").status_code == 404
    assert manages(officer_b) == {"B"}


def test_an_officer_of_a_revokes_a_grant_within_a(client, world, officer_a, no_grant):
    from tests.factories import grant

    grant(no_grant, world.unit_a1)
    client.force_login(allow(officer_a, "manage_grants"))
    response = client.post(f"/access/{no_grant.pk}/revoke/{world.unit_a1.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/access/{no_grant.pk}/"
    assert manages(no_grant) == set()


def test_a_new_account_cannot_be_given_unit_b(client, world, officer_a):
    client.force_login(allow(officer_a, "manage_grants"))
    response = client.post("/access/new/",
                           {"username": "tccb.syt", "full_name": "Lê Thị Hương", "role": "unit_hr",
                                            "password": "Dai-Mat-Khau-2026",
                            "unit": world.unit_b.pk})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not User.objects.filter(username="tccb.syt").exists()


def test_an_account_the_service_grants_outside_the_scope_is_rolled_back(
    client, world, officer_a, monkeypatch):
    def grant_b_instead(*, actor, unit, **fields):
        # What a buggy or abused service could do: the new account lands in a unit the officer
        # does not manage. The base reads the account's grants back and refuses the whole write.
        return account_create(actor=actor, unit=world.unit_b, **fields)

    monkeypatch.setattr(AccountCreateView, "service", staticmethod(grant_b_instead))
    client.force_login(allow(officer_a, "manage_grants"))
    response = client.post("/access/new/",
                           {"username": "tccb.a1", "full_name": "Lê Thị Hương", "role": "unit_hr",
                                            "password": "Dai-Mat-Khau-2026",
                            "unit": world.unit_a1.pk})
    assert response.status_code == 403
    assert not User.objects.filter(username="tccb.a1").exists()


def test_an_officer_cannot_disable_their_own_account(client, world, officer_a):
    client.force_login(allow(officer_a, "manage_grants"))
    assert client.post(f"/access/{officer_a.pk}/active/", {"active": "0"}).status_code == 403
    assert User.objects.get(pk=officer_a.pk).is_active


# --- units ----------------------------------------------------------------------------------------


def test_an_officer_of_a_cannot_edit_unit_b(client, world, officer_a):
    client.force_login(officer_a)
    response = client.post(f"/units/{world.unit_b.pk}/edit/", {
        "code": "B", "name": "Sở bị sửa", "kind": "department", "sector": "government",
        "sort_order": "0"})
    assert response.status_code == 404
    assert OrgUnit.objects.get(pk=world.unit_b.pk).name == world.unit_b.name


def test_a_reorganisation_cannot_take_in_unit_b(client, world, officer_a):
    client.force_login(allow(officer_a, "reorganize_units"))
    before = OrgUnit.objects.count()
    response = client.post("/units/reorganize/", {
        "kind": "merge", "predecessors": [world.unit_a.pk, world.unit_b.pk],
        "parent": world.unit_a.pk, "successors": "AB | Sở gộp", "effective_date": "01/01/2026",
        "decision_number": "01/NQ"})
    assert response.status_code == 200 and "predecessors" in response.context["form"].errors
    assert OrgUnit.objects.count() == before and OrgUnit.objects.get(pk=world.unit_b.pk).is_open


# --- one's own records ----------------------------------------------------------------------------


def test_an_officer_cannot_revoke_another_persons_token(client, world, officer_a, officer_b):
    token = a_token(officer_b)
    client.force_login(officer_a)
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_the_service_hands_to_someone_else_is_rolled_back(client, world, officer_a,
                                                                  officer_b,
                                                                     monkeypatch):
    def for_someone_else(*, actor, **fields):
        return token_create(actor=officer_b, **fields)

    monkeypatch.setattr(ApiTokenListView, "service", staticmethod(for_someone_else))
    client.force_login(officer_a)
    # A month ahead of whatever day it is: a fixed date is refused once past or beyond a year away.
    expires_on = f"{timezone.localdate() + timedelta(days=30):%d/%m/%Y}"
    response = client.post("/api-tokens/",
                           {"name": "X", "scopes": ["units:read"], "expires_on": expires_on})
    assert response.status_code == 403 and not ApiToken.objects.exists()


def test_an_officer_cannot_mark_another_persons_notification(client, world, officer_a, officer_b):
    notify(recipients=[officer_a, officer_b], kind="test", key="x", title="X")
    theirs = Notification.objects.get(recipient=officer_b)
    client.force_login(officer_a)
    assert client.post("/notifications/read/", {"id": theirs.pk}).status_code == 404
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # neither theirs nor mine


def test_an_officer_cannot_confirm_another_persons_import(client, world, officer_a, officer_b):
    job = ImportJob.objects.create(kind="units", created_by=officer_b, original_name="u.csv",
                                   status=ImportJob.Status.VALIDATED)
    client.force_login(officer_a)
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED
