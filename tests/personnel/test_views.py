"""Personnel pages as an HR officer uses them: scoped lists, search, order, export, record,
reports."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from personnel.models import CareerEvent, CivilServant
from personnel.services.servants import servant_assign
from tests.factories import make_servant, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return [
        make_servant(world.unit_a1, full_name="Nguyễn Văn An", code="A-001"),
        make_servant(world.unit_a1, full_name="Trần Thị Ánh", sex="female", code="A-002",
                     title="Trưởng phòng"),
        make_servant(world.unit_a, full_name="Lê Văn Bình", code="A-003"),
        make_servant(world.unit_b, full_name="Phạm Văn An", code="B-001"),
    ]


def names(response) -> list[str]:
    return [row["servant"].full_name for row in response.context["rows"]]


def test_the_list_shows_only_people_of_the_officers_units_in_vietnamese_order(
    client, officer_a, people):
    client.force_login(officer_a)
    assert names(client.get(reverse("personnel:servant_list"))) == ["Nguyễn Văn An", "Trần Thị Ánh",
                                                                    "Lê Văn Bình"]


def test_search_without_diacritics(client, officer_a, people):
    client.force_login(officer_a)
    assert names(client.get(reverse("personnel:servant_list"),
                            {"q": "tran thi anh"})) == ["Trần Thị Ánh"]
    assert names(client.get(reverse("personnel:servant_list"),
                            {"q": "NGUYEN VAN"})) == ["Nguyễn Văn An"]
    # Someone outside the officer's units is never found.
    assert names(client.get(reverse("personnel:servant_list"), {"q": "pham van an"})) == []


def test_filters_by_unit_subtree_leader_and_age(client, officer_a, people, world):
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    assert names(client.get(url, {"unit": world.unit_a1.pk})) == ["Nguyễn Văn An", "Trần Thị Ánh"]
    assert names(client.get(url, {"leadership": "leader"})) == ["Trần Thị Ánh"]
    assert len(names(client.get(url, {"age_band": "40"}))) == 3  # all born in 1985
    assert names(client.get(url, {"age_band": "u30"})) == []


def test_as_of_a_past_date_reads_the_assignments(client, officer_a, people, world):
    servant_assign(actor=None, servant=people[0], start_date=date(2025, 7, 1), unit=world.unit_b)
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    assert "Nguyễn Văn An" not in names(client.get(url))
    assert "Nguyễn Văn An" in names(client.get(url, {"on": "30/06/2025"}))


@pytest.mark.parametrize("extra", [0, 60])
def test_the_list_query_count_does_not_grow_with_the_data(client, officer_a, people, world, extra,
                                                          django_assert_max_num_queries):
    for i in range(extra):
        make_servant(world.unit_a1 if i % 2 else world.unit_a, full_name=f"Người Thứ {i}")
    client.force_login(officer_a)
    client.get(reverse("personnel:servant_list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("personnel:servant_list"),
                              {"q": "van", "unit": world.unit_a.pk})
    assert response.status_code == 200


def test_the_filtered_table_reads_its_page_and_count_in_one_statement(
    client, officer_a, people, world):
    """Issue 17: an HTMX filter answer is session, user, both scopes, the unit, its subtree, the
    page with its count, and the access record — 7 queries whatever the data size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer_a)
    client.get(reverse("personnel:servant_list"))  # the session's first request writes it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("personnel:servant_list"),
                              {"q": "van", "unit": world.unit_a.pk}, HTTP_HX_REQUEST="true")
    people_queries = [q["sql"] for q in queries.captured_queries
                      if '"personnel_civilservant"' in q["sql"]]
    assert len(people_queries) == 1 and "COUNT(*)" in people_queries[0]
    assert len(queries.captured_queries) <= 7
    assert response.context["page_obj"].paginator.count == 2
    assert names(response) == ["Nguyễn Văn An", "Lê Văn Bình"]


def test_a_unit_outside_the_officers_units_shows_no_one_outside_them(officer_a, people, world):
    from core.access import unit_scope
    from personnel.selectors import ServantFilter, servant_list

    scope = unit_scope(officer_a)
    province = servant_list(scope=scope, filters=ServantFilter(unit=world.province))
    assert {p.code for p in province} == {"A-001", "A-002", "A-003"}
    assert not servant_list(scope=scope, filters=ServantFilter(unit=world.unit_b)).exists()
    past = servant_list(scope=scope,
                        filters=ServantFilter(unit=world.province, on=date(2026, 1, 1)))
    assert "B-001" not in {p.code for p in past}


def test_a_long_list_counts_up_to_a_cap_and_pages_stay_valid(
    client, officer_a, people, monkeypatch):
    from personnel.views import lists

    monkeypatch.setattr(lists.CappedPaginator, "cap", 2)
    monkeypatch.setattr(lists, "PAGE_SIZE", 1)
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    paginator = client.get(url).context["page_obj"].paginator
    assert paginator.capped and paginator.count == 2 and paginator.num_pages == 2
    last = client.get(url, {"page": 99})
    assert last.status_code == 200 and last.context["page_obj"].number == 2
    exact = client.get(url, {"unit": people[0].unit_id}).context["page_obj"].paginator
    assert not exact.capped and exact.count == 2


def test_export_has_the_import_headers_and_neutralises_formulas(client, officer_a, world):
    make_servant(world.unit_a1, full_name="Lê Văn Công", home_town='=HYPERLINK("http://x")')
    client.force_login(officer_a)
    response = client.get(reverse("personnel:servant_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính",
                          "Số định danh cá nhân", "Mã đơn vị"]
    row = [c for c in sheet[2]]
    hometown = row[header.index("Quê quán")]
    assert hometown.data_type != "f" and hometown.value.startswith("'=")


def test_the_export_link_follows_filters_set_without_a_reload(client, officer_a, people, world):
    """Issue 17: "Xuất Excel" exported 480 rows for a 103-row view after filtering by HTMX."""
    import html
    import re

    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    page = client.get(url).content.decode()
    assert re.search(rf'id="export-link"[^>]*href="{reverse("personnel:servant_export")}"', page)
    # The filter form answers with the table alone; the link comes with it, swapped out of band.
    partial = client.get(url, {"unit": world.unit_a1.pk, "leadership": "staff", "page": 1},
                         HTTP_HX_REQUEST="true")
    link = re.search(r'<a id="export-link"[^>]*href="([^"]+)"[^>]*hx-swap-oob="true"',
                     partial.content.decode())
    assert link, "the table's answer carries the export link"
    href = html.unescape(link.group(1))
    assert "page=" not in href
    listed = [row["servant"].code for row in partial.context["rows"]]
    assert listed == ["A-001"]
    response = client.get(href)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == listed


def test_detail_shows_the_timeline_and_masks_the_id_for_viewers(client, officer_a, viewer_a, world):
    person = make_servant(world.unit_a1, full_name="Đỗ Thị Hoa", sex="female",
                          national_id="008185123456")
    servant_assign(actor=None, servant=person, start_date=date(2026, 1, 1), unit=world.unit_a,
                   title="Phó Giám đốc Sở")
    client.force_login(officer_a)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "008185123456" in page and "Phó Giám đốc Sở" in page and 'data-testid="timeline"' in page
    client.force_login(viewer_a)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "008185123456" not in page and "008••••••456" in page
    assert reverse("personnel:servant_update", args=[person.pk]) not in page


def test_recording_a_transfer_from_the_page(client, officer_a, world):
    person = make_servant(world.unit_a1)
    client.force_login(officer_a)
    response = client.post(reverse("personnel:servant_assign", args=[person.pk]), {
        "kind": "transferred", "unit": world.unit_a.pk, "title": "Chuyên viên",
        "start_date": "01/02/2026", "decision_number": "15/QĐ-SNV", "decision_date": "20/01/2026"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit == world.unit_a
    event = person.events.get(kind=CareerEvent.Kind.TRANSFERRED)
    assert event.decision_number == "15/QĐ-SNV" and event.created_by == officer_a


def test_an_officer_cannot_transfer_someone_into_a_unit_outside_their_grant(
    client, officer_a, world):
    person = make_servant(world.unit_a1)
    client.force_login(officer_a)
    response = client.post(reverse("personnel:servant_assign", args=[person.pk]), {
        "kind": "transferred", "unit": world.unit_b.pk, "start_date": "01/02/2026"})
    assert response.status_code == 200  # the dropdown never offered B: the form refuses it
    person.refresh_from_db()
    assert person.unit == world.unit_a1


def test_creating_a_record_from_the_page(client, officer_a, world):
    client.force_login(officer_a)
    response = client.post(reverse("personnel:servant_create"), {
        "code": "N-1", "full_name": "Vũ Minh Khang", "date_of_birth": "02/09/1992",
        "birth_precision": "day", "sex": "male", "national_id": "008092000777",
        "category": "civil_servant", "unit": world.unit_a1.pk, "recruitment_date": "01/03/2020",
        "rank": "", "salary_step": ""})
    person = CivilServant.objects.get(code="N-1")
    assert response["Location"] == person.get_absolute_url()
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="create",
                                     actor=officer_a).exists()


def test_editing_the_resume_requires_a_reason_and_is_logged(client, officer_a, world):
    person = make_servant(world.unit_a1, ethnicity="Kinh")
    client.force_login(officer_a)
    form = client.get(reverse("personnel:servant_update", args=[person.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(ethnicity="Tày", date_of_birth="20/05/1985", reason="")
    assert client.post(reverse("personnel:servant_update", args=[person.pk]),
                       data).status_code == 200
    data["reason"] = "Theo giấy khai sinh"
    assert client.post(reverse("personnel:servant_update", args=[person.pk]),
                       data).status_code == 302
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="update").get()
    assert entry.changes == {"ethnicity": ["Kinh", "Tày"]} and entry.reason == "Theo giấy khai sinh"


@time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
def test_retirement_page_lists_people_due_a_notice(client, officer_a, world):
    # On 1/6/2026 a retirement on 30/09/2026 is four months away: inside the notice period.
    # 30/09/2026
    soon = make_servant(world.unit_a1, full_name="Sắp Nghỉ Hưu", date_of_birth=date(1965, 3, 10))
    client.force_login(officer_a)
    response = client.get(reverse("personnel:retirement"), {"from": 2026, "years": 3})
    assert response.context["forecast"]["totals"][0] == 1
    assert any(r.servant == soon for r, _ in response.context["notices"]["notice"])


def test_stats_flag_divisions_with_as_many_leaders_as_staff(client, officer_a, world):
    division = make_unit("Phòng Nhiều Lãnh Đạo", parent=world.unit_a)
    make_servant(division, title="Trưởng phòng")
    make_servant(division, title="Phó Trưởng phòng")
    make_servant(division, title="Chuyên viên")
    client.force_login(officer_a)
    response = client.get(reverse("personnel:stats"))
    assert [d["unit"] for d in response.context["flagged"]] == ["Phòng Nhiều Lãnh Đạo"]


def test_raises_due_page_lists_people_by_month(client, officer_a, world):
    # due 01/05/2026
    make_servant(world.unit_a1, full_name="Đến Hạn Nâng Lương", step=3, step_date=date(2023, 5, 1))
    client.force_login(officer_a)
    response = client.get(reverse("personnel:raises"), {"month": "2026-05"})
    assert [r.servant.full_name for r in response.context["rows"]] == ["Đến Hạn Nâng Lương"]


def test_unit_tree_counts_people_with_their_sub_units(client, officer_a, people, world):
    client.force_login(officer_a)
    response = client.get(reverse("core:unit_list"))
    people_column = response.context["extra_columns"][0]
    assert people_column["values"][world.unit_a.pk] == 3
    assert people_column["values"][world.unit_a1.pk] == 2


def test_raises_page_lists_early_raise_candidates_with_the_quota(client, officer_a, world):
    for i in range(12):
        # due 06/2026
        make_servant(world.unit_a1, full_name=f"Người {i}", step=3, step_date=date(2023, 6, 1 + i))
    client.force_login(officer_a)
    response = client.get(reverse("personnel:raises"), {"month": "2025-12"})
    group = response.context["early"][0]
    assert group.unit == world.unit_a and group.payroll == 12 and group.quota == 1
    # all within 12 months of 31/12/2025: more eligible than the quota
    assert len(group.candidates) == 12


def test_a_discipline_caps_that_years_appraisal(world):
    from personnel.selectors import disciplined_in_year
    from personnel.services.records import discipline_record

    person = make_servant(world.unit_a1)
    discipline_record(actor=None, servant=person, form="reprimand", violation="Đi muộn nhiều lần",
                      effective_from=date(2026, 3, 1))
    assert disciplined_in_year(person, 2026) and not disciplined_in_year(person, 2025)
