"""The people list's unit filter (issue 17): the units of the user's scope in tree order, the
chosen one kept after a search, and a search box (hidden until app.js wires it) before it."""
import re

import pytest
from django.urls import reverse

from tests.factories import make_servant, make_unit

pytestmark = pytest.mark.django_db


def unit_options(response) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the unit select, in page order."""
    html = response.content.decode()
    select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    return [(value, label, bool(selected)) for value, selected, label
            in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)]


def test_a_unit_hr_officer_is_offered_only_their_own_units(client, officer_a, world):
    client.force_login(officer_a)
    options = unit_options(client.get(reverse("personnel:servant_list")))
    assert options == [("", "Mọi đơn vị của tôi", True),
                       (str(world.unit_a.pk), "— Sở Nội vụ (A)", False),
                       (str(world.unit_a1.pk), "— — Phòng Công chức, viên chức (A1)", False)]


def test_a_provincial_hr_officer_is_offered_every_open_unit_in_tree_order(
    client, provincial_hr, world):
    make_unit("Phòng Y tế dự phòng", code="B1", parent=world.unit_b)
    client.force_login(provincial_hr)
    page = client.get(reverse("personnel:servant_list"))
    labels = [label for _value, label, _selected in unit_options(page)]
    assert labels == ["Mọi đơn vị của tôi", "Tỉnh Thử Nghiệm (P)", "— Sở Nội vụ (A)",
                      "— — Phòng Công chức, viên chức (A1)", "— Sở Y tế (B)",
                      "— — Phòng Y tế dự phòng (B1)"]


def test_the_chosen_unit_stays_selected_after_a_search_and_the_export_follows_it(
    client, officer_a, world):
    make_servant(world.unit_a1, full_name="Nguyễn Văn An")
    client.force_login(officer_a)
    response = client.get(reverse("personnel:servant_list"), {"unit": world.unit_a1.pk, "q": "van"})
    selected = [label for _value, label, chosen in unit_options(response) if chosen]
    assert selected == ["— — Phòng Công chức, viên chức (A1)"]
    export = re.search(r'<a id="export-link"[^>]*href="([^"]*)"',
                       response.content.decode()).group(1)
    assert f"unit={world.unit_a1.pk}" in export and "q=van" in export


def test_a_unit_out_of_scope_in_the_address_is_neither_offered_nor_chosen(client, officer_a, world):
    make_servant(world.unit_b, full_name="Phạm Văn Bình")
    client.force_login(officer_a)
    response = client.get(reverse("personnel:servant_list"), {"unit": world.unit_b.pk})
    assert response.context["rows"] == []
    # the first one shows
    assert not [label for _value, label, chosen in unit_options(response) if chosen]
    assert str(world.unit_b.pk) not in [value for value, _label, _chosen in unit_options(response)]


def test_unit_names_are_escaped(client, provincial_hr, world):
    make_unit('Phòng <b>"Thử"</b> & Co', code="A2", parent=world.unit_a)
    client.force_login(provincial_hr)
    html = client.get(reverse("personnel:servant_list")).content.decode()
    assert "— — Phòng &lt;b&gt;&quot;Thử&quot;&lt;/b&gt; &amp; Co (A2)" in html
    assert "<b>" not in html


def test_the_unit_search_box_is_hidden_until_the_script_wires_it(client, officer_a):
    client.force_login(officer_a)
    html = client.get(reverse("personnel:servant_list")).content.decode()
    box = re.search(r'<input type="search"[^>]*data-unit-search="id_unit"[^>]*>', html).group(0)
    # never submitted
    assert 'aria-label="Tìm đơn vị"' in box and " hidden" in box and "name=" not in box


@pytest.mark.parametrize("extra_units", [0, 40])
def test_the_page_query_count_does_not_grow_with_the_units(
    client, provincial_hr, world, extra_units, django_assert_max_num_queries):
    for i in range(extra_units):
        make_unit(f"Phòng {i}", code=f"A1.{i}", parent=world.unit_a1)
    make_servant(world.unit_a1, full_name="Nguyễn Văn An")
    client.force_login(provincial_hr)
    client.get(reverse("personnel:servant_list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("personnel:servant_list"),
                              {"q": "van", "unit": world.unit_a.pk})
    assert len(unit_options(response)) == 5 + extra_units
