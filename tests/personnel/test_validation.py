"""One validator for the forms and the import (issue 17): what the import refuses, the forms refuse
with the same words; and a whole career can be entered before the 2025 merger."""
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
    try:
        call_command("import_personnel", str(path), "--json")
    except SystemExit:
        pass
    doc = json.loads(capsys.readouterr().out)
    assert CivilServant.objects.filter(code="N-1").count() == 0
    return [(e["column"], e["message"]) for e in doc["errors"]]


def create_form_errors(client, world, **fields) -> dict:
    data = {"code": "N-1", "full_name": "Vũ Minh Khang", "date_of_birth": "02/03/1990", "birth_precision": "day",
            "sex": "male", "national_id": "008090000777", "category": "civil_servant", "unit": world.unit_a1.pk,
            **fields}
    response = client.post(reverse("personnel:servant_create"), data)
    assert response.status_code == 200 and not CivilServant.objects.filter(code="N-1").exists()
    return response.context["form"].errors


def profile_form_errors(client, person, **fields) -> dict:
    initial = ServantProfileForm(instance=person).initial
    data = {name: (value.strftime("%d/%m/%Y") if isinstance(value, date) else ("" if value is None else value))
            for name, value in initial.items() if name in ServantProfileForm.Meta.fields}
    data.update(fields, reason="Bổ sung hồ sơ")
    response = client.post(reverse("personnel:servant_update", args=[person.pk]), data)
    assert response.status_code == 200
    return response.context["form"].errors


def test_a_birth_date_in_the_future_is_refused_by_the_form_and_the_import_alike(client, officer_a, world, tmp_path,
                                                                                  capsys):
    client.force_login(officer_a)
    message = "Ngày sinh 12/05/2030 ở tương lai."
    assert create_form_errors(client, world, date_of_birth="12/05/2030")["date_of_birth"] == [message]
    assert ("Ngày sinh", message) in import_errors(tmp_path, capsys, {"Ngày sinh": "12/05/2030"})
    person = make_servant(world.unit_a1)
    assert profile_form_errors(client, person, date_of_birth="12/05/2030")["date_of_birth"] == [message]


def test_a_twelve_year_old_is_not_recruited(client, officer_a, world, tmp_path, capsys):
    client.force_login(officer_a)
    message = "Ngày tuyển dụng 01/06/2002 khi người này chưa đủ 18 tuổi, tuổi tối thiểu để được tuyển dụng."
    assert create_form_errors(client, world, recruitment_date="01/06/2002")["recruitment_date"] == [message]
    assert ("Ngày tuyển dụng", message) in import_errors(tmp_path, capsys, {"Ngày tuyển dụng": "01/06/2002"})


@pytest.mark.parametrize(("field", "value", "column", "message"), [
    ("id_issue_date", "01/01/1984", "Ngày cấp", "Ngày 01/01/1984 trước ngày sinh (02/03/1990)."),
    ("height_cm", "1700", "Chiều cao (cm)", "Chiều cao 1700 cm không hợp lý (50–250 cm)."),
    ("weight_kg", "5", "Cân nặng (kg)", "Cân nặng 5 kg không hợp lý (20–300 kg)."),
])
def test_profile_values_the_import_refuses_the_form_refuses(client, officer_a, world, tmp_path, capsys, field, value,
                                                            column, message):
    person = make_servant(world.unit_a1, date_of_birth=date(1990, 3, 2))
    client.force_login(officer_a)
    assert profile_form_errors(client, person, **{field: value})[field] == [message]
    assert (column, message) in import_errors(tmp_path, capsys, {column: value})
    person.refresh_from_db()
    assert getattr(person, field) is None


def test_party_membership_is_not_official_before_admission(client, officer_a, world, tmp_path, capsys):
    person = make_servant(world.unit_a1)
    client.force_login(officer_a)
    message = "Ngày chính thức vào Đảng 01/02/2015 không thể trước ngày vào Đảng (01/03/2016)."
    errors = profile_form_errors(client, person, party_admission_date="01/03/2016", party_official_date="01/02/2015")
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


def test_an_edit_is_not_blocked_by_an_old_doubtful_value_it_does_not_touch(client, officer_a, world):
    person = make_servant(world.unit_a1)
    CivilServant.objects.filter(pk=person.pk).update(height_cm=1700)  # imported long ago
    person.refresh_from_db()
    client.force_login(officer_a)
    initial = ServantProfileForm(instance=person).initial
    data = {name: (value.strftime("%d/%m/%Y") if isinstance(value, date) else ("" if value is None else value))
            for name, value in initial.items() if name in ServantProfileForm.Meta.fields}
    response = client.post(reverse("personnel:servant_update", args=[person.pk]),
                           {**data, "phone": "0912345678", "reason": "Số điện thoại mới"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0912345678"


def test_the_checks_on_their_own():
    born = date(1990, 3, 2)
    assert person_errors({"date_of_birth": born, "recruitment_date": date(2012, 9, 1), "height_cm": 165,
                          "party_admission_date": date(2015, 1, 1), "party_official_date": date(2016, 1, 1),
                          "enlistment_date": date(2008, 9, 1), "discharge_date": date(2010, 9, 1)},
                         today=TODAY) == {}
    assert set(person_errors({"date_of_birth": born, "enlistment_date": date(2010, 9, 1),
                              "discharge_date": date(2008, 9, 1), "id_issue_date": date(2030, 1, 1)},
                             today=TODAY)) == {"discharge_date", "id_issue_date"}
    assert set(person_errors({"date_of_birth": date(2014, 1, 1)}, today=TODAY)) == {"date_of_birth"}
