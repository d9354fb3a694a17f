"""Crafted POSTs to the positions screens (issue 14): an HR officer of department A cannot write
to an object of department B, nor name a unit of B in a form of their own units; nothing changes."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import AuditEntry
from positions import services
from positions.models import Competency, JobDescription, JobPosition, PositionDossier, StaffingQuota

pytestmark = pytest.mark.django_db

POSITION = {"code": "VT-9", "title": "Chuyên viên", "group": "professional", "posts": "2"}


@pytest.fixture
def position_b(world):
    return services.position_create(
        actor=None, unit=world.unit_b, code="VT-B", title="Vị trí Sở Y tế"
    )


def _position_posts(position):
    competency = Competency.objects.filter(active=True).first()
    return {
        "positions:position_update": {**POSITION, "title": "Đã sửa"},
        "positions:description_update": {"tasks": "Nhiệm vụ chen vào"},
        "positions:framework_update": {f"c{competency.pk}": "3"},
        "positions:description_new_version": {},
    }


@pytest.mark.parametrize(
    "name",
    [
        "positions:position_update",
        "positions:description_update",
        "positions:framework_update",
        "positions:description_new_version",
    ],
)
def test_a_position_of_another_department_is_not_found_and_unchanged(
    client, world, officer_a, position_b, name
):
    data = _position_posts(position_b)[name]
    audit_before = AuditEntry.objects.count()
    client.force_login(officer_a)
    assert client.post(reverse(name, args=[position_b.pk]), data).status_code == 404
    position = JobPosition.objects.get(pk=position_b.pk)
    assert (position.title, position.unit_id) == ("Vị trí Sở Y tế", world.unit_b.pk)
    description = services.latest_description(position)
    assert (description.version, description.tasks) == (1, "")
    assert not description.requirements.exists()
    assert AuditEntry.objects.count() == audit_before


def test_the_same_posts_to_a_position_of_their_own_are_written(client, world, officer_a):
    # The control of the test above: the same data, on a position of A, goes through.
    position = services.position_create(
        actor=None, unit=world.unit_a1, code="VT-A", title="Vị trí A"
    )
    client.force_login(officer_a)
    for name, data in _position_posts(position).items():
        if name != "positions:description_new_version":
            assert client.post(reverse(name, args=[position.pk]), data).status_code == 302, name
    position.refresh_from_db()
    assert (
        position.title == "Đã sửa"
        and services.latest_description(position).tasks == "Nhiệm vụ chen vào"
    )


def test_a_position_cannot_be_created_in_another_department(client, world, officer_a):
    client.force_login(officer_a)
    response = client.post(
        reverse("positions:position_create"), {**POSITION, "unit": world.unit_b.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not JobPosition.objects.filter(code="VT-9").exists()


def test_a_crafted_unit_on_the_edit_form_does_not_move_the_position(client, world, officer_a):
    position = services.position_create(
        actor=None, unit=world.unit_a1, code="VT-A", title="Vị trí A"
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("positions:position_update", args=[position.pk]),
        {**POSITION, "code": "VT-A", "unit": world.unit_b.pk},
    )
    assert response.status_code in (200, 302, 403)
    assert JobPosition.objects.get(pk=position.pk).unit_id == world.unit_a1.pk


def test_a_dossier_cannot_be_opened_for_another_department(client, world, officer_a, position_b):
    client.force_login(officer_a)
    response = client.post(
        reverse("positions:dossier_create"), {"unit": world.unit_b.pk, "title": "Đề án lạ"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("positions:dossier_list")
    assert not PositionDossier.objects.exists()
    assert JobDescription.objects.get(position=position_b).dossier_id is None


def test_a_dossier_of_another_department_cannot_be_submitted(client, world, officer_a, position_b):
    dossier = services.dossier_create(actor=None, unit=world.unit_b, title="Đề án Sở Y tế")
    client.force_login(officer_a)
    response = client.post(dossier.get_absolute_url(), {"action": "submit", "on": "02/03/2026"})
    assert response.status_code == 404
    assert PositionDossier.objects.get(pk=dossier.pk).status == PositionDossier.Status.DRAFT


def test_a_quota_cannot_be_set_for_a_unit_outside_the_scope(client, world, officer_a):
    # Even holding the right to set quotas, an officer of A sets none for B.
    officer_a.user_permissions.add(Permission.objects.get(codename="add_staffingquota"))
    client.force_login(officer_a)
    data = {"year": "2026", "category": "civil_servant", "number": "30"}
    response = client.post(reverse("positions:quota_list"), {**data, "unit": world.unit_b.pk})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not StaffingQuota.objects.exists()
    assert (
        client.post(reverse("positions:quota_list"), {**data, "unit": world.unit_a1.pk}).status_code
        == 302
    )
    assert StaffingQuota.objects.get().unit == world.unit_a1
