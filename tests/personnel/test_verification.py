"""Verified records for the national CBCCVC database (issue 17, deliverable 4): who verifies,
what un-verifies a record, the differences shown, and the readiness page with its download."""
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEntry, OrgUnit
from personnel.models import Category, CivilServant, Verification
from personnel.services import servants
from personnel.services.verification import (
    differences,
    servant_verify,
    servants_verify,
    verifying_unit,
)
from tests.factories import MANAGE, UserFactory, grant, make_servant, make_unit

pytestmark = pytest.mark.django_db

COMPLETE = {
    "id_issue_date": date(2021, 4, 10), "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
    "place_of_birth": "Xã Yên Sơn, tỉnh Tuyên Quang", "home_town": "Xã Yên Sơn, tỉnh Tuyên Quang",
    "ethnicity": "Kinh", "religion": "Không",
    "permanent_address": "Phường Minh Xuân, tỉnh Tuyên Quang", "recruiting_agency": "Sở Nội vụ",
    "general_education": "12/12", "qualification": "Cử nhân Luật",
}


def complete_person(unit, **extra):
    return make_servant(unit, **{**COMPLETE, **extra})


@pytest.fixture
def service_unit(world) -> OrgUnit:
    return make_unit("Trung tâm Lưu trữ lịch sử", code="A-DV1", parent=world.unit_a,
                     kind=OrgUnit.Kind.PUBLIC_SERVICE_UNIT, sector=OrgUnit.Sector.PUBLIC_SERVICE)


@pytest.fixture
def person(world):
    return complete_person(world.unit_a1, full_name="Lê Văn Kiểm")


# --- who verifies ---------------------------------------------------------------------------------

def test_the_level_above_the_persons_agency_verifies(world, service_unit):
    # A division belongs to its department: both are verified by the province.
    assert verifying_unit(world.unit_a1) == world.province
    assert verifying_unit(world.unit_a) == world.province
    # A public service unit is an agency of its own: its department verifies it.
    assert verifying_unit(service_unit) == world.unit_a
    assert verifying_unit(world.province) is None
    # A commune and its divisions: the province; a commune's centre: the commune.
    commune = make_unit("Xã Yên Sơn", parent=world.province, kind=OrgUnit.Kind.COMMUNE,
                        sector=OrgUnit.Sector.COMMUNE)
    division = make_unit("Phòng Kinh tế", parent=commune)
    centre = make_unit("Trung tâm Phục vụ hành chính công", parent=commune,
                       kind=OrgUnit.Kind.PUBLIC_SERVICE_UNIT)
    assert verifying_unit(division) == world.province and verifying_unit(centre) == commune


def test_provincial_hr_verifies_a_department_record_and_the_state_who_and_values_are_kept(
    person, provincial_hr):
    servant_verify(actor=provincial_hr, servant=person)

    person.refresh_from_db()
    assert person.verification == Verification.VERIFIED
    assert person.verified_by == provincial_hr and person.verified_at is not None
    assert person.verified_values["national_id"] == person.national_id
    assert person.verified_values["ethnicity"] == "Kinh"
    assert "phone" not in person.verified_values
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="verify").get()
    assert entry.actor == provincial_hr
    assert entry.changes == {"verification": ["entered", "verified"]}
    from core import audit
    from core.access import UnitScope

    shown = audit.for_display([entry], UnitScope(everything=True))[0]
    assert shown.display_action == "đã xác minh"


def test_an_officer_granted_on_the_parent_unit_verifies_too(person, officer_parent):
    servant_verify(actor=officer_parent, servant=person)
    assert CivilServant.objects.get(pk=person.pk).verification == Verification.VERIFIED


def test_the_hr_officer_of_the_persons_own_department_may_not_verify(person, officer_a):
    with pytest.raises(PermissionDenied):
        servant_verify(actor=officer_a, servant=person)
    assert CivilServant.objects.get(pk=person.pk).verification == Verification.ENTERED


def test_a_department_verifies_its_public_service_unit_but_the_unit_itself_does_not(
    world, service_unit, officer_a):
    employee = complete_person(service_unit, category=Category.PUBLIC_EMPLOYEE)
    own_officer = grant(UserFactory(username="hr_dv1", role="unit_hr"), service_unit, MANAGE)
    with pytest.raises(PermissionDenied):
        servant_verify(actor=own_officer, servant=employee)
    servant_verify(actor=officer_a, servant=employee)
    assert CivilServant.objects.get(pk=employee.pk).verification == Verification.VERIFIED


def test_an_officer_of_another_department_may_not_verify(person, officer_b):
    with pytest.raises(PermissionDenied):
        servant_verify(actor=officer_b, servant=person)


def test_a_verified_record_is_not_verified_twice(person, provincial_hr):
    servant_verify(actor=provincial_hr, servant=person)
    with pytest.raises(ValidationError):
        servant_verify(actor=provincial_hr, servant=person)


# --- what returns a record to "entered" -----------------------------------------------------------

def test_an_edit_of_a_key_field_returns_the_record_to_entered_with_the_difference(
    person, provincial_hr, officer_a):
    servant_verify(actor=provincial_hr, servant=person)

    servants.servant_update(actor=officer_a, servant=person, ethnicity="Tày",
                            reason="Theo giấy khai sinh")

    person.refresh_from_db()
    assert person.verification == Verification.ENTERED
    assert person.verified_by == provincial_hr  # who verified last stays on record
    assert [(d["field"], d["verified"], d["current"])
            for d in differences(person)] == [("ethnicity", "Kinh", "Tày")]
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="unverify").count() == 1


def test_an_edit_of_a_field_outside_the_national_database_keeps_it_verified(
    person, provincial_hr, officer_a):
    servant_verify(actor=provincial_hr, servant=person)

    servants.servant_update(actor=officer_a, servant=person, phone="0912345678",
                            strengths="Soạn thảo văn bản")

    person.refresh_from_db()
    assert person.verification == Verification.VERIFIED
    assert differences(person) == []


def test_a_transfer_returns_the_record_to_entered_and_the_caller_object_follows(
    world, person, provincial_hr, officer_parent):
    servant_verify(actor=provincial_hr, servant=person)

    servants.servant_assign(actor=officer_parent, servant=person, start_date=date(2026, 1, 5),
                            unit=world.unit_a)
    assert person.verification == Verification.ENTERED
    # A later edit through the same object must not write the old state back.
    servants.servant_update(actor=officer_parent, servant=person, phone="0912345678")

    person.refresh_from_db()
    assert person.verification == Verification.ENTERED
    assert [d["field"] for d in differences(person)] == ["unit"]


def test_a_corrected_salary_step_returns_the_record_to_entered(world, provincial_hr, officer_a):
    from personnel.models import CareerEvent, SalaryRecord
    from positions.models import Rank

    person = complete_person(world.unit_a1, step=7, step_date=date(2020, 1, 1))
    servants.servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"),
                                step=9, start_date=date(2023, 1, 1),
                                kind=SalaryRecord.Kind.IMPORTED)
    servant_verify(actor=provincial_hr, servant=person)

    event = person.events.get(kind=CareerEvent.Kind.SALARY_STEP)
    servants.event_correct(actor=officer_a, event=event, reason="Quyết định ghi bậc 8", step=8)

    person.refresh_from_db()
    assert person.verification == Verification.ENTERED
    assert {d["field"]: (d["verified"], d["current"]) for d in differences(person)} == {
        "salary_step": (9, 8), "salary_coefficient": ("4.98", "4.65")}


def test_an_import_of_updates_returns_the_changed_record_to_entered_only(
    world, provincial_hr, tmp_path, capsys):
    import json

    from django.core.management import call_command

    from tests.xlsx import write_workbook

    header = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
              "Mã đơn vị", "Dân tộc"]
    changed = complete_person(world.unit_a1, code="NV-1", full_name="Lê Văn Một",
                              date_of_birth=date(1985, 5, 20), national_id="008085000101")
    same = complete_person(world.unit_a1, code="NV-2", full_name="Lê Văn Hai",
                           date_of_birth=date(1985, 5, 20), national_id="008085000102")
    servants_verify(actor=provincial_hr, servants=[changed, same])
    path = write_workbook(tmp_path / "cap-nhat.xlsx", [
        header,
        ["NV-1", "Lê Văn Một", "20/05/1985", "Nam", "008085000101", "A1", "Tày"],
        ["NV-2", "Lê Văn Hai", "20/05/1985", "Nam", "008085000102", "A1", "Kinh"],
    ])
    call_command("import_personnel", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["updated"] == 1

    imported = CivilServant.objects.filter(code__in=["NV-1", "NV-2"])
    states = dict(imported.values_list("code", "verification"))
    assert states == {"NV-1": Verification.ENTERED, "NV-2": Verification.VERIFIED}
    changed.refresh_from_db()
    assert [(d["field"], d["verified"], d["current"])
            for d in differences(changed)] == [("ethnicity", "Kinh", "Tày")]


def test_verifying_again_clears_the_difference(person, provincial_hr, officer_a):
    servant_verify(actor=provincial_hr, servant=person)
    servants.servant_update(actor=officer_a, servant=person, qualification="Thạc sĩ Luật")
    servant_verify(actor=provincial_hr, servant=person)
    person.refresh_from_db()
    assert person.verification == Verification.VERIFIED and differences(person) == []


def test_verify_selected_verifies_only_whom_the_actor_may(world, service_unit, officer_a):
    in_division = complete_person(world.unit_a1)
    in_service_unit = complete_person(service_unit, category=Category.PUBLIC_EMPLOYEE)
    assert servants_verify(actor=officer_a, servants=[in_division, in_service_unit]) == 1
    assert CivilServant.objects.get(pk=in_service_unit.pk).verification == Verification.VERIFIED
    assert CivilServant.objects.get(pk=in_division.pk).verification == Verification.ENTERED


# --- the person's page ----------------------------------------------------------------------------

def test_the_page_shows_the_difference_and_the_verify_button_to_the_level_above(
    client, person, provincial_hr, officer_a):
    client.force_login(officer_a)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Chưa xác minh" in page
    # not officer_a's to verify
    assert reverse("personnel:servant_verify", args=[person.pk]) not in page

    servant_verify(actor=provincial_hr, servant=person)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Đã xác minh bởi" in page

    servants.servant_update(actor=officer_a, servant=person,
                            home_town="Xã Hàm Yên, tỉnh Tuyên Quang")
    client.force_login(provincial_hr)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Chưa xác minh" in page and "Quê quán" in page
    assert "Xã Yên Sơn, tỉnh Tuyên Quang" in page and "Xã Hàm Yên, tỉnh Tuyên Quang" in page
    assert reverse("personnel:servant_verify", args=[person.pk]) in page

    response = client.post(reverse("personnel:servant_verify", args=[person.pk]))
    assert response.status_code == 302
    assert CivilServant.objects.get(pk=person.pk).verification == Verification.VERIFIED


def test_the_verify_url_refuses_the_persons_own_department(client, person, officer_a):
    client.force_login(officer_a)
    assert client.post(reverse("personnel:servant_verify", args=[person.pk])).status_code == 403
    assert CivilServant.objects.get(pk=person.pk).verification == Verification.ENTERED


# --- readiness ------------------------------------------------------------------------------------

@pytest.fixture
def mixed(world, provincial_hr):
    ready = complete_person(world.unit_a1, full_name="Nguyễn Thị Sẵn Sàng", sex="female")
    servant_verify(actor=provincial_hr, servant=ready)
    unverified = complete_person(world.unit_a, full_name="Trần Văn Chưa Xác Minh")
    gaps = make_servant(world.unit_a1, full_name="Phạm Văn Thiếu", ethnicity="Kinh")
    # Digits 4–6 say a man born in 1990; the record says a woman born in 1985.
    wrong_id = complete_person(world.unit_a1, full_name="Hoàng Thị Sai Số", sex="female",
                               national_id="008090123456")
    # not in the database
    complete_person(world.unit_a1, full_name="Đỗ Văn Hợp Đồng", category=Category.CONTRACT)
    complete_person(world.unit_b, full_name="Vũ Văn Sở Khác")
    return {"ready": ready, "unverified": unverified, "gaps": gaps, "wrong_id": wrong_id}


def test_readiness_counts_complete_valid_verified_and_ready(client, officer_a, mixed, world):
    client.force_login(officer_a)
    response = client.get(reverse("personnel:readiness"), {"unit": world.unit_a.pk})
    assert response.status_code == 200
    assert response.context["counts"] == {"total": 4, "complete": 3, "valid": 3, "verified": 1,
                                          "ready": 1}
    rows = {row["servant"].full_name: row for row in response.context["rows"]}
    # Listed: who is not ready; the ready one is not.
    assert set(rows) == {"Trần Văn Chưa Xác Minh", "Phạm Văn Thiếu", "Hoàng Thị Sai Số"}
    missing = [p["label"] for p in rows["Phạm Văn Thiếu"]["missing"]]
    assert missing == ["Ngày cấp", "Nơi sinh", "Quê quán", "Tôn giáo", "Nơi thường trú",
                       "Cơ quan tuyển dụng", "Giáo dục phổ thông", "Trình độ chuyên môn"]
    assert [p["field"] for p in rows["Hoàng Thị Sai Số"]["invalid"]] == ["national_id"]
    assert rows["Trần Văn Chưa Xác Minh"]["missing"] == []
    assert rows["Trần Văn Chưa Xác Minh"]["invalid"] == []


def test_readiness_of_a_subtree_and_everyone(client, provincial_hr, mixed, world):
    client.force_login(provincial_hr)
    counts = client.get(reverse("personnel:readiness"), {"unit": world.unit_b.pk}).context["counts"]
    assert counts == {"total": 1, "complete": 1, "valid": 1, "verified": 0, "ready": 0}
    everyone = client.get(reverse("personnel:readiness"), {"show": "all"}).context
    assert everyone["counts"]["total"] == 5 and len(everyone["rows"]) == 5
    for show, listed in (("todo", 4), ("unverified", 4), ("all", 5)):
        page = client.get(reverse("personnel:readiness"), {"show": show}).context["page_obj"]
        assert page.paginator.count == len(page.object_list) == listed, show


def test_readiness_flags_invalid_dates_of_records_saved_before_the_checks(world, client, officer_a):
    person = complete_person(world.unit_a1, full_name="Ngô Văn Ngày",
                             date_of_birth=date(1985, 5, 20))
    # Records written before the forms checked dates (issue 17): the services refuse these today.
    CivilServant.objects.filter(pk=person.pk).update(
        recruitment_date=date(1997, 9, 1), party_admission_date=date(2012, 3, 1),
        party_official_date=date(2011, 3, 1), salary_step_date=date(2099, 1, 1))
    client.force_login(officer_a)
    row = client.get(reverse("personnel:readiness")).context["rows"][0]
    assert [(p["field"], p["message"]) for p in row["invalid"]] == [
        ("recruitment_date", "ở tương lai hoặc trước khi đủ 18 tuổi"),
        ("salary_step_date", "bậc lương tương lai được ghi là bậc đang hưởng"),
        ("party_official_date", "trước ngày vào Đảng")]


@pytest.mark.parametrize("extra", [0, 30])
def test_readiness_query_count_does_not_grow_with_the_data(client, provincial_hr, mixed, world,
                                                           extra, django_assert_max_num_queries):
    for i in range(extra):
        make_servant(world.unit_a1 if i % 2 else world.unit_a, full_name=f"Người Thứ {i}")
    client.force_login(provincial_hr)
    client.get(reverse("personnel:readiness"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("personnel:readiness"),
                              {"unit": world.unit_a.pk, "show": "all"})
    assert response.status_code == 200


def test_the_download_has_the_same_people_and_what_they_lack(client, officer_a, mixed, world):
    from openpyxl import load_workbook

    client.force_login(officer_a)
    response = client.get(reverse("personnel:readiness_export"), {"unit": world.unit_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã cán bộ", "Họ và tên")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Trần Văn Chưa Xác Minh", "Phạm Văn Thiếu", "Hoàng Thị Sai Số"}
    assert "Quê quán" in by_name["Phạm Văn Thiếu"][6]
    assert "Số định danh cá nhân" in by_name["Hoàng Thị Sai Số"][7]


def test_verify_selected_from_the_readiness_page(client, provincial_hr, mixed):
    client.force_login(provincial_hr)
    response = client.post(reverse("personnel:readiness_verify"),
                           {"servant": [mixed["unverified"].pk, mixed["gaps"].pk],
                            "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("personnel:readiness")
    states = dict(CivilServant.objects.filter(pk__in=[mixed["unverified"].pk, mixed["gaps"].pk])
                  .values_list("full_name", "verification"))
    assert set(states.values()) == {Verification.VERIFIED}
