"""The one write path (core.views.edit): scope before, scope re-checked inside the transaction,
service errors on the form, nothing half-written."""
import pytest
from django.core.exceptions import ValidationError

from core.models import OrgUnit
from core.views.units import UnitUpdateView

pytestmark = pytest.mark.django_db

EDIT = {"code": "A1", "name": "Phòng Công chức", "kind": "division", "sector": "government",
        "valid_from": "01/01/2020", "sort_order": "0"}


def test_a_service_that_moves_the_record_out_of_scope_is_rolled_back(client, officer_a, world,
                                                                     monkeypatch):
    def move_away(*, actor, unit, **changes):
        # What a buggy or abused form could do: the record lands in a unit the officer cannot edit.
        OrgUnit.objects.filter(pk=unit.pk).update(name="Đã chuyển", path=world.unit_b.path + "999/")
        return unit

    monkeypatch.setattr(UnitUpdateView, "service", staticmethod(move_away))
    client.force_login(officer_a)
    response = client.post(f"/units/{world.unit_a1.pk}/edit/", EDIT)
    assert response.status_code == 403
    unit = OrgUnit.objects.get(pk=world.unit_a1.pk)
    assert (unit.name, unit.path) == (world.unit_a1.name, world.unit_a1.path)


def test_a_unit_outside_the_scope_is_404_and_only_viewable_is_403(client, officer_a, viewer_a,
                                                                  world):
    client.force_login(officer_a)
    assert client.post(f"/units/{world.unit_b.pk}/edit/", {**EDIT, "code": "B"}).status_code == 404
    client.force_login(viewer_a)
    assert client.post(f"/units/{world.unit_a1.pk}/edit/", EDIT).status_code == 403
    assert OrgUnit.objects.get(pk=world.unit_b.pk).name == world.unit_b.name


def test_a_crafted_parent_outside_the_scope_creates_nothing(client, officer_a, world):
    client.force_login(officer_a)
    before = OrgUnit.objects.count()
    response = client.post("/units/new/",
                           {**EDIT, "code": "X1", "name": "Phòng lạ", "parent": world.unit_b.pk})
    assert response.status_code in (200, 403, 404)
    assert OrgUnit.objects.count() == before


def test_a_service_error_lands_on_its_field_and_nothing_is_written(client, officer_a, world,
                                                                   monkeypatch):
    def refuse(*, actor, unit, **changes):
        OrgUnit.objects.filter(pk=unit.pk).update(name="Ghi dở")
        raise ValidationError({"code": "Mã đã dùng cho đơn vị khác."})

    monkeypatch.setattr(UnitUpdateView, "service", staticmethod(refuse))
    client.force_login(officer_a)
    response = client.post(f"/units/{world.unit_a1.pk}/edit/", EDIT)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Mã đã dùng cho đơn vị khác."]
    assert OrgUnit.objects.get(pk=world.unit_a1.pk).name == world.unit_a1.name


def test_a_good_edit_saves_and_redirects_to_the_record(client, officer_a, world):
    client.force_login(officer_a)
    response = client.post(f"/units/{world.unit_a1.pk}/edit/",
                           {**EDIT, "name": "Phòng Công chức, viên chức mới"})
    assert response.status_code == 302 and response.url == world.unit_a1.get_absolute_url()
    assert OrgUnit.objects.get(pk=world.unit_a1.pk).name == "Phòng Công chức, viên chức mới"
