"""The audit log (issue 16, Security): who saw, who exported and who changed whose data, searched by
the person concerned and by the acting account, by kind and by dates, within the reader's units."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core import audit
from core.models import AccessRecord
from core.services.access_log import access_record
from tests.factories import make_servant

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def mai(world):
    return make_servant(world.unit_a1, code="A1-MAI", full_name="Hoàng Thị Mai", sex="female")


@pytest.fixture
def binh(world):
    return make_servant(world.unit_b, code="B-BINH", full_name="Lê Văn Bình")


def log(client, **params):
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> int:
    return page.count("<tr data-kind=")


def test_a_person_is_found_by_name_without_diacritics_with_who_saw_and_who_changed(
        client, provincial_hr, officer_a, mai, binh):
    access_record(actor=officer_a, action=AccessRecord.Action.VIEW, subjects=[mai])
    access_record(actor=officer_a, action=AccessRecord.Action.VIEW, subjects=[binh])
    audit.record(actor=officer_a, obj=mai, action="update", unit=mai.unit,
                 changes={"title": ["", "Chuyên viên"]})
    client.force_login(provincial_hr)
    page = log(client, person="hoang thi mai")
    assert 'data-kind="viewed"' in page and 'data-kind="changed"' in page
    assert "Chuyên viên" in page and "Lê Văn Bình" not in page
    # Her creation, the change and the read: three rows; by employee code the same.
    assert rows(page) == 3 == rows(log(client, person="A1-MAI"))


def test_the_acting_account_and_the_kind_narrow_the_log(client, provincial_hr, officer_a, officer_b,
                                                        mai, binh):
    access_record(actor=officer_a, action=AccessRecord.Action.EXPORT, filters={"unit": "A"},
                  count=12)
    access_record(actor=officer_b, action=AccessRecord.Action.EXPORT, filters={"unit": "B"},
                  count=7)
    access_record(actor=officer_a, action=AccessRecord.Action.VIEW, subjects=[mai])
    client.force_login(provincial_hr)
    page = log(client, user="officer_a", kind="exported")
    assert rows(page) == 1 and "unit=A" in page and "12 dòng" in page
    assert rows(log(client, user="officer_a")) == 2
    changed = log(client, kind="changed")
    assert rows(changed) == changed.count('data-kind="changed"') and "Lê Văn Bình" in changed


def test_dates_are_given_dd_mm_yyyy_and_both_ends_count(client, provincial_hr, officer_a, mai):
    for day in (3, 10, 20):
        with time_machine.travel(datetime(2026, 3, day, 23, 30, tzinfo=HANOI)):
            access_record(actor=officer_a, action=AccessRecord.Action.VIEW, subjects=[mai])
    client.force_login(provincial_hr)
    page = log(client, kind="viewed", date_from="10/03/2026", date_to="20/03/2026")
    assert rows(page) == 2 and "20/03/2026 23:30" in page and "03/03/2026" not in page
    assert "Ngày kết thúc trước ngày bắt đầu" in log(client, date_from="20/03/2026",
                                                     date_to="10/03/2026")


def test_an_officer_sees_the_changes_of_their_units_and_only_their_own_reads(
        client, provincial_hr, officer_a, officer_b, mai, binh):
    access_record(actor=provincial_hr, action=AccessRecord.Action.VIEW, subjects=[mai])
    access_record(actor=officer_b, action=AccessRecord.Action.VIEW, subjects=[binh])
    access_record(actor=officer_a, action=AccessRecord.Action.EXPORT, count=1)
    client.force_login(officer_a)
    page = log(client)
    assert "Hoàng Thị Mai" in page and "Lê Văn Bình" not in page
    assert 'data-kind="exported"' in page and 'data-kind="viewed"' not in page
    # A person of another department is not found at all.
    assert rows(log(client, person="B-BINH")) == 0 and rows(log(client, person="le van binh")) == 0


def test_an_id_number_is_not_searchable_digit_by_digit(client, provincial_hr, mai):
    client.force_login(provincial_hr)
    assert rows(log(client, person=mai.national_id[:6])) == 0


def test_an_export_of_the_people_list_is_in_the_log_with_its_address(client, officer_a, mai):
    client.force_login(officer_a)
    response = client.get(reverse("personnel:servant_export"), {"q": "mai"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    page = log(client, user="officer_a", kind="exported")
    assert rows(page) == 1 and reverse("personnel:servant_export") in page



@pytest.mark.parametrize("name", ["personnel:retirement_export", "personnel:raises_export"])
def test_the_retirement_and_raises_lists_exported_are_in_the_log(client, officer_a, mai, name):
    client.force_login(officer_a)
    assert client.get(reverse(name),
                      {"years": "3"} if "retirement" in name else {}).status_code == 200
    record = AccessRecord.objects.get(user=officer_a, action=AccessRecord.Action.EXPORT)
    assert record.path.startswith(reverse(name)) and record.count is not None
    assert reverse(name) in log(client, user="officer_a", kind="exported")

def _fill(officer, servant, n: int) -> None:
    for i in range(n):
        access_record(actor=officer, action=AccessRecord.Action.VIEW, subjects=[servant])
        access_record(actor=officer, action=AccessRecord.Action.EXPORT, count=i)
        audit.record(actor=officer, obj=servant, action="update", unit=servant.unit,
                     changes={"title": [str(i), "x"]})


@pytest.mark.parametrize("person", ["", "hoang thi mai"])
def test_the_log_takes_a_bounded_number_of_queries(client, provincial_hr, officer_a, mai,
                                                   django_assert_max_num_queries, person):
    client.force_login(provincial_hr)
    _fill(officer_a, mai, 5)
    log(client, person=person)  # warm the content-type cache
    with django_assert_max_num_queries(14) as small:
        log(client, person=person)
    _fill(officer_a, mai, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = log(client, person=person)
    assert rows(page) == 50 and "page=2" in page
