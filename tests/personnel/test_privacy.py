"""The field policy of personnel.privacy in each output, the "as of" list of people who left, and
the access records of personal-data reads."""
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import audit
from core.access import unit_scope
from core.models import AccessRecord
from personnel.models import FamilyMember
from personnel.privacy import SENSITIVE_FIELDS, FieldPolicy
from personnel.selectors import ServantFilter, servant_list
from personnel.services.servants import servant_assign
from tests.factories import VIEW, UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db

ID = "008185123456"
PHONE = "0912345678"
EMAIL = "hoa.do@example.gov.vn"


@pytest.fixture
def hoa(world):
    person = make_servant(world.unit_a1, full_name="Đỗ Thị Hoa", sex="female", code="A-101",
                          national_id=ID, phone=PHONE, email=EMAIL, health_status="Bệnh tim")
    FamilyMember.objects.create(servant=person, relation="Mẹ", full_name="Lê Thị Cúc",
                                birth_year=1960)
    return person


@pytest.fixture
def moved(hoa, world):
    """Hoa moves from A1 to B on 01/07/2025: officer_a no longer manages or sees her."""
    servant_assign(actor=None, servant=hoa, start_date=date(2025, 7, 1), unit=world.unit_b,
                   title="Phó Giám đốc")
    return hoa


def export_rows(client, **params) -> list[dict]:
    response = client.get(reverse("personnel:servant_export"), params)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def codes(response) -> list[str]:
    return [row["servant"].code for row in response.context["rows"]]


# --- sensitive fields ----------------------------------------------------------------------------

def test_the_export_masks_the_id_and_drops_phone_and_email_for_a_viewer(client, viewer_a, hoa):
    client.force_login(viewer_a)
    [row] = export_rows(client)
    assert row["Số định danh cá nhân"] == "008••••••456"
    assert not row["Điện thoại"] and not row["Email"]
    assert row["Họ và tên"] == "Đỗ Thị Hoa" and row["Mã đơn vị"] == "A1"


def test_the_export_gives_the_officer_who_manages_the_person_every_field(client, officer_a, hoa):
    client.force_login(officer_a)
    [row] = export_rows(client)
    assert (row["Số định danh cá nhân"], row["Điện thoại"], row["Email"]) == (ID, PHONE, EMAIL)


@pytest.mark.parametrize("digit", range(10))
def test_a_viewer_cannot_find_anyone_by_digits_of_the_id_number(client, viewer_a, hoa, digit):
    client.force_login(viewer_a)
    url = reverse("personnel:servant_list")
    # The probe that recovered a masked number: the code, then the ID's first digits and one more.
    assert codes(client.get(url, {"q": f"A-101 0081{digit}"})) == []
    assert codes(client.get(url, {"q": "185123"})) == []
    assert codes(client.get(url, {"q": "A-101"})) == ["A-101"]  # the code is still searched


def test_the_managing_officer_finds_the_person_by_part_of_the_id_number(client, officer_a, hoa):
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    assert codes(client.get(url, {"q": "185123"})) == ["A-101"]
    assert codes(client.get(url, {"q": f"A-101 {ID}"})) == ["A-101"]


def test_id_search_reaches_only_the_units_a_mixed_reader_manages(world, hoa):
    in_a = make_servant(world.unit_a, full_name="Lê Văn Bình", code="A-102",
                        national_id="008085999456")
    reader = grant(grant(UserFactory(username="mixed"), world.unit_a1), world.unit_a, VIEW)
    scope, policy = unit_scope(reader), FieldPolicy.of(reader)
    people = servant_list(scope=scope, filters=ServantFilter(q="456"), policy=policy)
    assert [p.code for p in people] == ["A-101"]
    everyone = servant_list(scope=scope, filters=ServantFilter(), policy=policy)
    everyone = {p.code: p for p in everyone}
    assert everyone["A-101"].national_id == ID
    assert everyone[in_a.code].national_id == "008••••••456"


def test_the_selector_hands_out_redacted_people_that_cannot_be_saved(viewer_a, hoa):
    scope = unit_scope(viewer_a)
    [person] = servant_list(scope=scope, filters=ServantFilter(), policy=FieldPolicy.of(viewer_a))
    assert person.national_id == "008••••••456"
    assert person.phone == person.email == person.health_status == ""
    with pytest.raises(ValueError, match="redacted"):
        person.save()
    # Without a policy the list masks too: deny by default.
    [unmarked] = servant_list(scope=scope, filters=ServantFilter())
    assert unmarked.national_id == "008••••••456"


def test_the_person_page_shows_a_viewer_no_phone_e_mail_health_or_family(client, viewer_a,
                                                                         officer_a, hoa):
    client.force_login(viewer_a)
    page = client.get(hoa.get_absolute_url()).content.decode()
    private = (ID, PHONE, EMAIL, "Bệnh tim", "Lê Thị Cúc")
    assert "008••••••456" in page and [value for value in private if value in page] == []
    client.force_login(officer_a)
    page = client.get(hoa.get_absolute_url()).content.decode()
    assert [value for value in private if value in page] == list(private)


def test_the_change_log_gives_no_id_number_to_one_who_no_longer_manages_the_person(client, world,
                                                                                   hoa):
    # Manages A1 and views A: the record was created in A1, then the person moved up to A.
    reader = grant(grant(UserFactory(username="mixed"), world.unit_a1), world.unit_a, VIEW)
    servant_assign(actor=None, servant=hoa, start_date=date(2026, 1, 1), unit=world.unit_a)
    client.force_login(reader)
    page = client.get(hoa.get_absolute_url()).content.decode()
    assert "008••••••456" in page and ID not in page and PHONE not in page


def test_a_resume_without_the_policys_leave_masks_the_id_and_leaves_the_family_out(hoa):
    from personnel.resume import resume_context

    context = resume_context(hoa, private=False)
    values = [field.value for line in context["items"] for field in line.fields]
    assert "008••••••456" in values and ID not in values and "Bệnh tim" not in values
    assert all(not table.rows for table in context["family"])


def test_the_audit_trail_hides_the_same_fields_as_the_policy():
    assert audit.PRIVATE_FIELDS["personnel.civilservant"] == set(SENSITIVE_FIELDS)


# --- "as of" lists of people who left -----------------------------------------------------------

def test_the_as_of_list_shows_someone_who_left_only_as_they_were_that_day(client, officer_a, moved,
                                                                          world):
    client.force_login(officer_a)
    response = client.get(reverse("personnel:servant_list"), {"on": "30/06/2025"})
    [row] = response.context["rows"]
    shown = row["servant"]
    assert (shown.code, shown.full_name) == ("A-101", "Đỗ Thị Hoa")
    assert shown.unit_on_date == world.unit_a1.name
    assert shown.unit_id is None and shown.rank_id is None and shown.salary_step is None
    table = response.content.decode().split('data-testid="servant-table"', 1)[1]
    assert world.unit_a1.name in table and "Đỗ Thị Hoa" in table
    assert world.unit_b.name not in table and "Phó Giám đốc" not in table
    assert "20/05/1985" not in table
    assert moved.get_absolute_url() not in table  # the page is 404 for them now


def test_the_as_of_export_gives_no_current_data_of_someone_who_left(client, officer_a, moved,
                                                                    world):
    client.force_login(officer_a)
    [row] = export_rows(client, on="30/06/2025", status="all")
    assert (row["Mã cán bộ"], row["Họ và tên"], row["Mã đơn vị"], row["Tên đơn vị"]) == \
        ("A-101", "Đỗ Thị Hoa", "A1", world.unit_a1.name)
    assert (row["Số định danh cá nhân"], row["Điện thoại"], row["Email"]) == (None, None, None)
    assert row["Mã ngạch"] is None and row["Bậc lương"] is None and row["Hệ số lương"] is None
    assert row["Chức vụ"] != "Phó Giám đốc" and row["Trạng thái"] is None


def test_filters_on_current_data_do_not_reach_someone_who_left(client, officer_a, moved):
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    assert codes(client.get(url, {"on": "30/06/2025"})) == ["A-101"]
    # Matching today's rank, age or title, or digits of the ID, would tell them one by one.
    for probe in ({"rank": "01.003"}, {"age_band": "40"}, {"sex": "female"},
                  {"leadership": "deputy"}, {"q": "185123"}):
        assert codes(client.get(url, {"on": "30/06/2025", **probe})) == [], probe
    assert codes(client.get(url, {"on": "30/06/2025", "q": "A-101"})) == ["A-101"]


def test_someone_who_moved_within_the_readers_units_keeps_a_full_row(client, officer_a, hoa, world):
    servant_assign(actor=None, servant=hoa, start_date=date(2025, 7, 1), unit=world.unit_a)
    client.force_login(officer_a)
    [row] = export_rows(client, on="30/06/2025", unit=world.unit_a1.pk)
    assert row["Số định danh cá nhân"] == ID and row["Mã ngạch"] == "01.003"


def test_provincial_hr_sees_everyone_in_full_in_an_as_of_list(client, provincial_hr, moved):
    client.force_login(provincial_hr)
    [row] = export_rows(client, on="30/06/2025")
    assert row["Số định danh cá nhân"] == ID and row["Mã đơn vị"] == "B"


# --- access records ------------------------------------------------------------------------------

def test_a_persons_page_is_recorded_with_whether_private_fields_were_shown(client, officer_a,
                                                                           viewer_a, hoa):
    for reader, sensitive in ((officer_a, True), (viewer_a, False)):
        client.force_login(reader)
        client.get(hoa.get_absolute_url())
        record = AccessRecord.objects.get(user=reader)
        assert (record.action, record.subject_ids) == ("view", [hoa.pk])
        assert record.sensitive is sensitive
        assert record.path == hoa.get_absolute_url()


def test_the_resume_page_and_spreadsheet_are_recorded(client, officer_a, hoa):
    client.force_login(officer_a)
    client.get(reverse("personnel:servant_resume", args=[hoa.pk]))
    client.get(reverse("personnel:servant_resume_xlsx", args=[hoa.pk]))
    records = AccessRecord.objects.filter(user=officer_a, action="resume")
    assert [(r.subject_ids, r.sensitive) for r in records] == [([hoa.pk], True)] * 2


def test_an_export_is_recorded_with_its_filters_and_row_count(client, viewer_a, officer_a, hoa,
                                                               world):
    make_servant(world.unit_a, full_name="Lê Văn Bình")
    client.force_login(viewer_a)
    export_rows(client, on="30/06/2026", category="civil_servant")
    record = AccessRecord.objects.get(user=viewer_a)
    assert (record.action, record.count, record.sensitive) == ("export", 2, False)
    assert record.filters == {"on": "2026-06-30", "category": "civil_servant", "status": "active"}
    client.force_login(officer_a)
    export_rows(client, unit=world.unit_a1.pk)
    record = AccessRecord.objects.get(user=officer_a)
    assert (record.action, record.count, record.sensitive) == ("export", 1, True)
    assert record.filters["unit"] == world.unit_a1.pk


def test_a_search_is_recorded_with_the_query_and_the_people_shown(client, officer_a, hoa):
    client.force_login(officer_a)
    url = reverse("personnel:servant_list")
    client.get(url, {"q": "do thi hoa"})
    client.get(url, {"q": "no one"})
    found, nothing = AccessRecord.objects.filter(user=officer_a).order_by("id")
    assert (found.action, found.filters["q"]) == ("search", "do thi hoa")
    assert (found.subject_ids, found.count) == ([hoa.pk], 1)
    assert (nothing.action, nothing.subject_ids, nothing.count) == ("search", [], 0)


def test_a_list_is_recorded_when_it_shows_people(client, officer_a, hoa, world):
    client.force_login(officer_a)
    client.get(reverse("personnel:servant_list"), {"unit": world.unit_a1.pk})
    client.get(reverse("personnel:servant_list"), {"sex": "male"})  # no one: nothing read
    [record] = AccessRecord.objects.filter(user=officer_a)
    assert (record.action, record.subject_ids) == ("list", [hoa.pk])
    assert record.filters["unit"] == world.unit_a1.pk


def test_provincial_hr_reads_who_read_a_person_and_finds_them_by_code(client, officer_a, viewer_a,
                                                                      provincial_hr, hoa, world):
    other = make_servant(world.unit_a, full_name="Lê Văn Bình", code="A-102")
    for reader, person in ((officer_a, hoa), (viewer_a, other)):
        client.force_login(reader)
        client.get(person.get_absolute_url())
    client.force_login(provincial_hr)
    url = reverse("core:access_record_list")
    page = client.get(url).content.decode()
    assert "Đỗ Thị Hoa (A-101)" in page and "Lê Văn Bình (A-102)" in page
    found = client.get(url, {"person": "A-101"})
    assert [r.user for r in found.context["records"]] == [officer_a]
    assert [r.user for r in client.get(url, {"user": "viewer_a"}).context["records"]] == [viewer_a]
    refused = client.get(url, {"date_from": "02/01/2026", "date_to": "01/01/2026"})
    assert refused.status_code == 200 and refused.context["form"].errors["date_to"]
