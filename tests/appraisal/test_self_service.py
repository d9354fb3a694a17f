"""A civil servant signed in as themselves: accounts created in bulk by HR, the person's own ledger,
report, scores and self-assessment, and nothing of anyone else (every URL of the project walked)."""
# ruff: noqa: F811 - the permission matrix's ``objects`` fixture is imported and used as a parameter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal import ledger
from appraisal.models import Appraisal, PeriodScore, WorkAssignment
from personnel.accounts import accounts_create
from personnel.models import CivilServant
from tests.factories import make_servant

# The matrix's fixtures: its objects, built once for this module too and rolled back after it.
from tests.test_permission_matrix import LOGIN, MATRIX, matrix_objects, objects  # noqa: F401

pytestmark = pytest.mark.django_db

# What a person reaches with their own account, besides what an account without grants reaches.
OWN_PAGES = {"appraisal:me", "appraisal:my_report", "appraisal:my_score",
             "appraisal:my_self_assess", "appraisal:my_petition",
             "appraisal:appraisal_form", "appraisal:work_file"}


@pytest.fixture
def own(objects, client):
    """The matrix's person (in A1, with an appraisal and a reported product) signed in as
    themselves."""
    person = objects["person"]
    accounts_create(actor=objects["officer_a"], unit=objects["a1"])
    person.refresh_from_db()
    client.force_login(person.account)
    return person


# First in the file, so it runs before the matrix objects of this module exist (its own world).
def test_hr_creates_accounts_for_a_unit_once_and_people_sign_in_with_their_code(
    client, world, officer_a):
    make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    make_servant(world.unit_a1, code="A-02", full_name="Lê Thị Bình", sex="female")
    client.force_login(officer_a)
    response = client.post(reverse("personnel:accounts_create"), {"unit": world.unit_a.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = response.context["rows"]
    assert {r["code"] for r in rows} == {"A-01", "A-02"}
    row = next(r for r in rows if r["code"] == "A-01")
    assert row["username"] == "a-01" and row["password"] in response.content.decode()
    client.logout()
    response = client.post(reverse("login"), {"username": "a-01", "password": row["password"]},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("appraisal:me")
    assert "Nguyễn Văn An" in response.content.decode()
    with pytest.raises(ValidationError):  # everyone has one now
        accounts_create(actor=officer_a, unit=world.unit_a)
    account = CivilServant.objects.get(code="A-02").account
    assert account.groups.filter(name="civil_servant").exists()


def test_a_person_reports_a_product_scores_and_self_assesses_their_own_year(client, own, objects):
    assignment = WorkAssignment.objects.get(appraisal__servant=own)
    page = client.get(reverse("appraisal:me"))
    assert page.status_code == 200
    assert reverse("appraisal:my_report", args=[assignment.pk]) in page.content.decode()
    response = client.post(reverse("appraisal:my_report", args=[assignment.pk]), {
        "completed": "1", "completed_on": "30/03/2026", "report_note": "Đã trình Giám đốc",
        "attachment": SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4 ...")})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == WorkAssignment.Status.REPORTED
    assert assignment.report_note == "Đã trình Giám đốc"
    appraisal = assignment.appraisal
    assert client.post(reverse("appraisal:my_score", args=[appraisal.pk]),
                       {"period": "3", "general_self": "28"}).status_code == 302
    assert PeriodScore.objects.get(appraisal=appraisal, period=3).general_self == 28
    response = client.post(reverse("appraisal:my_self_assess", args=[appraisal.pk]), {
        "self_level": "HTT", "self_assessment": "Hoàn thành đầy đủ các sản phẩm được giao."})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.SELF_ASSESSED and appraisal.self_level == "HTT"
    form = client.get(reverse("appraisal:appraisal_form", args=[appraisal.pk])).content.decode()
    assert "Hoàn thành đầy đủ các sản phẩm được giao." in form and "Mẫu số 02" in form


def test_a_file_that_is_not_a_document_is_refused(client, own):
    assignment = WorkAssignment.objects.get(appraisal__servant=own)
    response = client.post(reverse("appraisal:my_report", args=[assignment.pk]), {
        "completed": "1", "completed_on": "30/03/2026",
        "attachment": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200 and "PDF" in response.content.decode()


def test_nothing_of_a_colleague_is_reachable(client, own, objects):
    # The matrix's province: its objects are built once for the module, so the conftest's world
    # would be a second province with the same codes.
    world = objects["world"]
    colleague = make_servant(world.unit_a1, code="A-09", full_name="Đỗ Thị Hoa", sex="female")
    appraisal = Appraisal.objects.create(cycle=objects["cycle"], servant=colleague,
                                         unit=world.unit_a, work_unit=world.unit_a1,
                                         rule_set="APPR-ND335", category="civil_servant")
    theirs = ledger.work_assign(actor=None, appraisal=appraisal, item=objects["work_item"],
                                due_date=date(2026, 4, 1))
    for url in (reverse("appraisal:my_report", args=[theirs.pk]),
                reverse("appraisal:my_score", args=[appraisal.pk]),
                reverse("appraisal:my_self_assess", args=[appraisal.pk]),
                reverse("appraisal:appraisal_form", args=[appraisal.pk]),
                reverse("appraisal:work_file", args=[theirs.pk])):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("appraisal:my_report", args=[theirs.pk]), {
        "completed": "1", "completed_on": "01/04/2026", "link": "https://example.gov.vn/x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.completed is None
    assert "Đỗ Thị Hoa" not in client.get(reverse("appraisal:me")).content.decode()


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_other_page_answers_as_for_an_account_without_grants(client, own, objects, name):
    case = MATRIX[name]
    data = case.data(objects) if callable(case.data) else case.data
    response = getattr(client, case.method)(reverse(name, kwargs=case.kwargs(objects)), data)
    if name in OWN_PAGES:
        assert response.status_code in (200, 302), f"{name}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
        return
    if name == "core:dashboard":
        assert response.status_code == 302 and response["Location"] == reverse("appraisal:me")
        return
    expected = case.expected("no_grant")
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, (f"{name}: {response.status_code}, expected "
                                                  f"{expected}")
