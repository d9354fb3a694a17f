"""One validator for the forms and the import (issue 17): what the import refuses, the forms refuse
with the same words; and a whole career can be entered before the 2025 merger."""
import contextlib
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from personnel.forms import ServantProfileForm
from personnel.models import CivilServant, RewardRecord
from personnel.validation import person_errors
from tests.factories import make_servant
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)
HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị"]


def import_errors(tmp_path, capsys, extra: dict) -> list[tuple[str, str]]:
    """The errors of a one-person import file with ``extra`` columns."""
    row = ["N-1", "Vũ Minh Khang", date(1990, 3, 2), "Nam", "008090000777", "A1"]
    birth = extra.pop("Ngày sinh", None)
    if birth is not None:
        row[2] = birth
    path = write_workbook(tmp_path / "p.xlsx", [HEADER + list(extra), row + list(extra.values())])
    with contextlib.suppress(SystemExit):  # the command exits non-zero on a bad file
        call_command("import_personnel", str(path), "--json")
    doc = json.loads(capsys.readouterr().out)
    assert CivilServant.objects.filter(code="N-1").count() == 0
    return [(e["column"], e["message"]) for e in doc["errors"]]


def create_form_errors(client, world, **fields) -> dict:
    data = {"code": "N-1", "full_name": "Vũ Minh Khang", "date_of_birth": "02/03/1990",
            "birth_precision": "day", "sex": "male", "national_id": "008090000777",
            "category": "civil_servant", "unit": world.unit_a1.pk, **fields}
    response = client.post(reverse("personnel:servant_create"), data)
    assert response.status_code == 200 and not CivilServant.objects.filter(code="N-1").exists()
    return response.context["form"].errors


def profile_form_errors(client, person, **fields) -> dict:
    initial = ServantProfileForm(instance=person).initial
    data = {name: (value.strftime("%d/%m/%Y")
                   if isinstance(value, date) else ("" if value is None else value))
            for name, value in initial.items() if name in ServantProfileForm.Meta.fields}
    data.update(fields, reason="Bổ sung hồ sơ")
    response = client.post(reverse("personnel:servant_update", args=[person.pk]), data)
    assert response.status_code == 200
    return response.context["form"].errors


def test_a_birth_date_in_the_future_is_refused_by_the_form_and_the_import_alike(
    client, officer_a, world, tmp_path, capsys):
    client.force_login(officer_a)
    message = "Ngày sinh 12/05/2030 ở tương lai."
    errors = create_form_errors(client, world, date_of_birth="12/05/2030")
    assert errors["date_of_birth"] == [message]
    assert ("Ngày sinh", message) in import_errors(tmp_path, capsys, {"Ngày sinh": "12/05/2030"})
    person = make_servant(world.unit_a1)
    errors = profile_form_errors(client, person, date_of_birth="12/05/2030")
    assert errors["date_of_birth"] == [message]


def test_a_twelve_year_old_is_not_recruited(client, officer_a, world, tmp_path, capsys):
    client.force_login(officer_a)
    message = ("Ngày tuyển dụng 01/06/2002 khi người này chưa đủ 18 tuổi, tuổi tối thiểu để được "
               "tuyển dụng.")
    assert create_form_errors(client, world,
                              recruitment_date="01/06/2002")["recruitment_date"] == [message]
    assert ("Ngày tuyển dụng", message) in import_errors(tmp_path, capsys,
                                                         {"Ngày tuyển dụng": "01/06/2002"})


@pytest.mark.parametrize(("field", "value", "column", "message"), [
    ("id_issue_date", "01/01/1984", "Ngày cấp", "Ngày 01/01/1984 trước ngày sinh (02/03/1990)."),
    ("height_cm", "1700", "Chiều cao (cm)", "Chiều cao 1700 cm không hợp lý (50–250 cm)."),
    ("weight_kg", "5", "Cân nặng (kg)", "Cân nặng 5 kg không hợp lý (20–300 kg)."),
])
def test_profile_values_the_import_refuses_the_form_refuses(client, officer_a, world, tmp_path,
                                                            capsys, field, value, column, message):
    person = make_servant(world.unit_a1, date_of_birth=date(1990, 3, 2))
    client.force_login(officer_a)
    assert profile_form_errors(client, person, **{field: value})[field] == [message]
    assert (column, message) in import_errors(tmp_path, capsys, {column: value})
    person.refresh_from_db()
    assert getattr(person, field) is None


def test_party_membership_is_not_official_before_admission(
    client, officer_a, world, tmp_path, capsys):
    person = make_servant(world.unit_a1)
    client.force_login(officer_a)
    message = "Ngày chính thức vào Đảng 01/02/2015 không thể trước ngày vào Đảng (01/03/2016)."
    errors = profile_form_errors(client, person, party_admission_date="01/03/2016",
                                 party_official_date="01/02/2015")
    assert errors["party_official_date"] == [message]
    assert ("Ngày chính thức vào Đảng", message) in import_errors(
        tmp_path, capsys, {"Ngày vào Đảng": "01/03/2016", "Ngày chính thức vào Đảng": "01/02/2015"})


def test_a_reward_in_a_future_year_is_refused(client, officer_a, world):
    person = make_servant(world.unit_a1)
    client.force_login(officer_a)
    response = client.post(reverse("personnel:reward_create", args=[person.pk]),
                           {"year": 2099, "title": "Chiến sĩ thi đua cơ sở"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["Năm 2099 ở tương lai."]
    assert not RewardRecord.objects.exists()


def test_an_edit_is_not_blocked_by_an_old_doubtful_value_it_does_not_touch(
    client, officer_a, world):
    person = make_servant(world.unit_a1)
    CivilServant.objects.filter(pk=person.pk).update(height_cm=1700)  # imported long ago
    person.refresh_from_db()
    client.force_login(officer_a)
    initial = ServantProfileForm(instance=person).initial
    data = {name: (value.strftime("%d/%m/%Y")
                   if isinstance(value, date) else ("" if value is None else value))
            for name, value in initial.items() if name in ServantProfileForm.Meta.fields}
    response = client.post(reverse("personnel:servant_update", args=[person.pk]),
                           {**data, "phone": "0912345678", "reason": "Số điện thoại mới"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0912345678"


def test_the_checks_on_their_own():
    born = date(1990, 3, 2)
    assert person_errors({"date_of_birth": born, "recruitment_date": date(2012, 9, 1),
                          "height_cm": 165, "party_admission_date": date(2015, 1, 1),
                          "party_official_date": date(2016, 1, 1),
                          "enlistment_date": date(2008, 9, 1), "discharge_date": date(2010, 9, 1)},
                         today=TODAY) == {}
    assert set(person_errors({"date_of_birth": born, "enlistment_date": date(2010, 9, 1),
                              "discharge_date": date(2008, 9, 1),
                              "id_issue_date": date(2030, 1, 1)},
                             today=TODAY)) == {"discharge_date", "id_issue_date"}
    assert set(person_errors({"date_of_birth": date(2014, 1, 1)}, today=TODAY)) == {"date_of_birth"}


# --- a whole career, back before the 2025 merger --------------------------------------------------

@pytest.fixture
def merged(world):
    """Two former departments (2008 – 30/06/2025), one merged into a division of A (officer_a's) on
    1/7/2025, the other into B's."""
    from core.models import OrgUnit
    from core.services.units import UnitSpec, unit_reorganize
    from tests.factories import make_unit

    def old_and_new(code, name, parent):
        old = make_unit(name, code=f"OLD.{code}", parent=world.province,
                        kind=OrgUnit.Kind.DEPARTMENT, valid_from=date(2008, 1, 1))
        new = unit_reorganize(actor=None, kind="transfer", predecessors=[old], carry_children=False,
                              effective_date=date(2025, 7, 1),
                              successors=[UnitSpec(code=code, name=f"Phòng {name}",
                                                   parent=parent)]).successors[0]
        return old, new

    labour_old, labour_new = old_and_new("A2", "Lao động - Thương binh và Xã hội", world.unit_a)
    health_old, _ = old_and_new("B2", "Dân số", world.unit_b)
    return {"old": labour_old, "new": labour_new, "other_old": health_old}


def assign_url(person):
    return reverse("personnel:servant_assign", args=[person.pk])


def test_the_units_of_a_past_date_are_offered_within_the_officers_lineage(
    client, officer_a, world, merged):
    person = make_servant(merged["new"], recruitment_date=date(2010, 9, 1))
    client.force_login(officer_a)
    today = client.get(assign_url(person)).context["form"].fields["unit"].queryset
    assert merged["new"] in today and merged["old"] not in today
    then = client.get(assign_url(person),
                      {"start_date": "01/06/2015"}).context["form"].fields["unit"].queryset
    # The former department merged into officer_a's division counts as theirs; B's former one does
    # not, nor a unit that did not exist yet.
    assert merged["old"] in then and world.unit_a1 in then
    assert merged["other_old"] not in then
    assert merged["new"] not in then
    assert world.unit_b not in then


def test_a_2015_period_in_a_unit_that_existed_in_2015_goes_into_item_28(
    client, officer_a, world, merged):
    person = make_servant(merged["new"], recruitment_date=date(2010, 9, 1))
    # the record starts at the merger
    assert person.assignments.get().start_date == date(2025, 7, 1)
    client.force_login(officer_a)
    response = client.post(assign_url(person), {
        "kind": "transferred", "unit": merged["old"].pk, "title": "Chuyên viên",
        "start_date": "01/06/2015", "end_date": "30/06/2025", "decision_number": "88/QĐ-SLĐTBXH",
        "decision_date": "25/05/2015"})
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.unit == merged["new"]  # the current assignment stays
    period = person.assignments.get(unit=merged["old"])
    assert (period.start_date, period.end_date, period.title) == (date(2015, 6, 1),
                                                                  date(2025, 6, 30), "Chuyên viên")
    assert period.event.decision_number == "88/QĐ-SLĐTBXH"
    assert person.assignments.get(end_date__isnull=True).unit == merged["new"]
    page = client.get(reverse("personnel:servant_resume", args=[person.pk])).content.decode()
    assert "06/2015 - 06/2025" in page and "Lao động - Thương binh và Xã hội" in page
    rows = client.get(reverse("personnel:servant_resume",
                              args=[person.pk])).context["work_history"].rows
    assert rows[0][0].startswith("06/2015") and "Chuyên viên" in rows[0][1]


def test_a_past_period_that_overlaps_or_predates_its_unit_is_refused(
    client, officer_a, world, merged):
    from django.core.exceptions import ValidationError

    from personnel.services.servants import assignment_record_past

    person = make_servant(merged["new"], recruitment_date=date(2005, 9, 1))
    assignment_record_past(actor=None, servant=person, unit=merged["old"],
                           start_date=date(2015, 6, 1), end_date=date(2020, 5, 31),
                           title="Chuyên viên")
    client.force_login(officer_a)
    response = client.post(assign_url(person), {"kind": "transferred", "unit": merged["old"].pk,
                                                "start_date": "01/01/2019",
                                                "end_date": "31/12/2019"})
    assert response.status_code == 200
    assert "01/06/2015" in str(response.context["form"].errors["start_date"])
    response = client.post(assign_url(person), {"kind": "transferred", "unit": merged["old"].pk,
                                                # no end date: not a past period
                                                "start_date": "01/06/2012"})
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "Đơn vị không còn tồn tại chỉ nhận một giai đoạn đã qua: hãy nhập ngày kết thúc."]
    with pytest.raises(ValidationError):  # the former department opened in 2008
        assignment_record_past(actor=None, servant=person, unit=merged["old"],
                               start_date=date(2005, 9, 1), end_date=date(2007, 12, 31))
    with pytest.raises(ValidationError):  # nor into the current period
        assignment_record_past(actor=None, servant=person, unit=merged["old"],
                               start_date=date(2020, 6, 1), end_date=date(2025, 12, 31))
    assert person.assignments.count() == 2


def test_the_new_person_form_takes_a_recruitment_before_the_unit_existed(
    client, officer_a, world, merged):
    from personnel.models import CareerEvent

    client.force_login(officer_a)
    response = client.post(reverse("personnel:servant_create"), {
        "code": "N-2", "full_name": "Hà Thị Lan", "date_of_birth": "02/09/1992",
        "birth_precision": "day", "sex": "female", "national_id": "008192000778",
        "category": "civil_servant", "unit": merged["new"].pk, "recruitment_date": "01/03/2020"})
    assert response.status_code == 302, response.context["form"].errors
    person = CivilServant.objects.get(code="N-2")
    assert person.recruitment_date == date(2020, 3, 1)
    assert person.assignments.get().start_date == date(2025, 7, 1)
    assert person.events.get(kind=CareerEvent.Kind.RECRUITED).effective_date == date(2020, 3, 1)


# --- import_career --------------------------------------------------------------------------------
CAREER = ["Mã cán bộ", "Từ ngày", "Đến ngày", "Mã đơn vị", "Chức vụ", "Số quyết định",
          "Ngày quyết định"]
SUMMARY_KEYS = ["rows", "created", "updated", "unchanged", "rejected", "errors"]


def run_career(path, *args, capsys):
    code = 0
    try:
        call_command("import_career", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_import_career_writes_past_periods_in_the_units_of_their_dates(
    world, merged, officer_a, tmp_path, capsys):
    person = make_servant(merged["new"], code="CB001", recruitment_date=date(2008, 9, 1))
    rows = [CAREER,
            ["CB001", date(2008, 9, 1), date(2015, 5, 31), "OLD.A2", "", "12/QĐ-UBND",
             date(2008, 8, 25)],
            ["CB001", "01/06/2015", "30/06/2025", "OLD.A2", "Phó Trưởng phòng", "88/QĐ-SLĐTBXH",
             ""]]
    path = write_workbook(tmp_path / "c.xlsx", rows)
    code, doc = run_career(path, "--user", "officer_a", capsys=capsys)
    assert code == 0, doc
    assert list(doc) == SUMMARY_KEYS
    assert doc == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0,
                   "errors": []}
    history = list(person.assignments.order_by("start_date").values_list("unit__code", "start_date",
                                                                         "end_date", "title"))
    assert history == [("OLD.A2", date(2008, 9, 1), date(2015, 5, 31), ""),
                       ("OLD.A2", date(2015, 6, 1), date(2025, 6, 30), "Phó Trưởng phòng"),
                       ("A2", date(2025, 7, 1), None, "")]
    assert person.events.get(decision_number="88/QĐ-SLĐTBXH").kind == "appointed"
    code, doc = run_career(path, "--user", "officer_a", capsys=capsys)  # again: nothing new
    assert code == 0 and (doc["created"], doc["unchanged"]) == (0, 2)


def test_import_career_is_all_or_nothing_with_the_reason_of_each_bad_row(world, merged, officer_a,
                                                                         tmp_path, capsys):
    make_servant(merged["new"], code="CB001", recruitment_date=date(2008, 9, 1))
    make_servant(world.unit_b, code="CB900")
    rows = [CAREER,
            ["CB001", "01/06/2015", "30/06/2020", "OLD.A2", "Chuyên viên", "", ""],  # good
            ["CB001", "01/01/2019", "31/12/2019", "OLD.A2", "", "", ""],  # overlaps row 2
            ["CB001", "01/01/2005", "31/12/2007", "OLD.A2", "", "", ""],  # the unit opened in 2008
            # merged into B's, not officer_a's
            ["CB001", "01/01/2021", "31/12/2021", "OLD.B2", "", "", ""],
            ["CB900", "01/01/2010", "31/12/2012", "OLD.B2", "", "", ""],  # a person of B
            ["CB001", "01/07/2021", "01/01/2030", "OLD.A2", "", "", ""]]  # not a past period
    code, doc = run_career(write_workbook(tmp_path / "c.xlsx", rows), "--user", "officer_a",
                           capsys=capsys)
    assert code != 0 and list(doc) == SUMMARY_KEYS
    assert (doc["rows"], doc["created"], doc["rejected"]) == (6, 0, 5)
    errors = {}
    for error in doc["errors"]:
        errors.setdefault(error["row"], []).append((error["column"], error["message"]))
    assert errors[3] == [("Từ ngày", "Giai đoạn này trùng với giai đoạn ở dòng 2.")]
    assert [column for column, _ in errors[4]] == ["Mã đơn vị"]
    assert "không tồn tại" in errors[4][0][1]
    assert [column for column, _ in errors[5]] == ["Mã đơn vị"]
    assert ("Mã cán bộ", "CB900 thuộc đơn vị bạn không được giao quản lý.") in errors[6]
    assert [column for column, _ in errors[7]] == ["Đến ngày"]
    assert CivilServant.objects.get(code="CB001").assignments.count() == 1  # nothing written


def test_import_career_is_offered_on_the_import_page(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("core:import_list")).content.decode()
    assert reverse("core:import_create", args=["career"]) in page


def test_an_import_is_not_blocked_by_an_old_doubtful_value_it_does_not_touch(
    world, tmp_path, capsys):
    person = make_servant(world.unit_a1, code="N-1", full_name="Vũ Minh Khang",
                          date_of_birth=date(1990, 3, 2), national_id="008090000777")
    CivilServant.objects.filter(pk=person.pk).update(height_cm=1700)  # imported long ago
    path = write_workbook(tmp_path / "p.xlsx", [HEADER + ["Dân tộc"],
                                                ["N-1", "Vũ Minh Khang", date(1990, 3, 2), "Nam",
                                                 "008090000777", "A1", "Tày"]])
    with contextlib.suppress(SystemExit):
        call_command("import_personnel", str(path), "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == [] and doc["updated"] == 1
    person.refresh_from_db()
    assert person.ethnicity == "Tày"
