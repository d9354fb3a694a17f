"""The transfer form names each job position with its unit and offers the chosen unit's only."""
import re

import pytest
from django.urls import reverse

from positions.services import position_create
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def test_positions_are_named_with_their_unit_and_follow_the_unit_chosen(client, world, officer_a):
    servant = make_servant(world.unit_a1)
    in_a = position_create(actor=None, unit=world.unit_a, code="VT-A", title="Chuyên viên")
    in_a1 = position_create(actor=None, unit=world.unit_a1, code="VT-A1", title="Chuyên viên")
    client.force_login(officer_a)
    page = client.get(reverse("personnel:servant_assign", args=[servant.pk])).content.decode()
    assert f"Chuyên viên (VT-A) — {world.unit_a.name}" in page
    assert f"Chuyên viên (VT-A1) — {world.unit_a1.name}" in page
    select = re.search(r'<select name="job_position"[^>]*>', page).group(0)
    assert 'data-follows="unit"' in select
    assert re.search(rf'<option value="{in_a1.pk}" data-unit="{world.unit_a1.pk}"', page)
    # A position of another unit than the one chosen is refused by the server as well.
    response = client.post(reverse("personnel:servant_assign", args=[servant.pk]), {
        "kind": "transferred", "unit": world.unit_a.pk, "job_position": in_a1.pk,
        "start_date": "01/12/2026"})
    assert response.status_code == 200 and "thuộc đơn vị khác" in response.content.decode()
    assert in_a.unit_id == world.unit_a.pk
