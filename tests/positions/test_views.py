"""Positions pages: scoped lists, create with a framework, place a person, see the gap."""
import pytest
from django.urls import reverse

from personnel.models import CompetencyAssessment
from positions import services
from positions.models import Competency, JobPosition, Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


def test_an_officer_edits_positions_only_in_their_units(client, world, officer_a):
    client.force_login(officer_a)
    data = {"code": "VT-9", "title": "Chuyên viên", "group": "professional", "posts": 2}
    assert client.post(reverse("positions:position_create"),
                       {**data, "unit": world.unit_b.pk}).status_code == 200
    assert not JobPosition.objects.filter(code="VT-9").exists()
    response = client.post(reverse("positions:position_create"), {**data, "unit": world.unit_a1.pk})
    position = JobPosition.objects.get(code="VT-9")
    assert response["Location"] == position.get_absolute_url()
    other = services.position_create(actor=None, unit=world.unit_b, code="VT-B",
                                     title="Vị trí Sở Y tế")
    assert client.get(reverse("positions:position_update", args=[other.pk])).status_code == 404


def test_framework_then_person_then_gap(client, world, officer_a):
    client.force_login(officer_a)
    position = services.position_create(actor=None, unit=world.unit_a1, code="VT-1",
                                        title="Chuyên viên", rank=Rank.objects.get(code="01.003"))
    nlc01, nlc06 = Competency.objects.get(code="NLC01"), Competency.objects.get(code="NLC06")
    client.post(reverse("positions:framework_update", args=[position.pk]),
                {f"c{nlc01.pk}": 3, f"c{nlc06.pk}": 4})
    person = make_servant(world.unit_a1, full_name="Hà Thị Gấm", job_position=None)
    client.post(reverse("personnel:servant_assign", args=[person.pk]), {
        "kind": "reassigned", "unit": world.unit_a1.pk, "job_position": position.pk,
        "title": "Chuyên viên", "start_date": "01/03/2026"})
    client.post(reverse("personnel:assessment_create", args=[person.pk]), {
        "assessed_on": "15/03/2026", f"c{nlc01.pk}": 3, f"c{nlc06.pk}": 2})
    assert CompetencyAssessment.objects.filter(servant=person).count() == 2
    page = client.get(person.get_absolute_url())
    gap = {row.competency.code: row.gap for row in page.context["gap"][1]}
    assert gap == {"NLC01": 0, "NLC06": 2}
    needs = client.get(reverse("personnel:training_needs")).context["needs"]
    assert [n["competency"].code for n in needs] == ["NLC06"]
    assert needs[0]["people"][0]["servant"] == person
    detail = client.get(position.get_absolute_url())
    assert [h.full_name for h in detail.context["holders"]] == ["Hà Thị Gấm"]


def test_position_print_sheet(client, world, viewer_a):
    position = services.position_create(actor=None, unit=world.unit_a1, code="VT-1",
                                        title="Chuyên viên")
    services.description_update(actor=None, description=services.latest_description(position),
                                tasks="Theo dõi hồ sơ công chức")
    client.force_login(viewer_a)
    page = client.get(reverse("positions:position_print", args=[position.pk])).content.decode()
    assert "Theo dõi hồ sơ công chức" in page and "Chuyên viên" in page


def test_only_provincial_hr_sets_quotas_and_appraises_dossiers(client, world, officer_a,
                                                               provincial_hr):
    client.force_login(officer_a)
    client.post(reverse("positions:quota_list"),
                {"unit": world.unit_a.pk, "year": 2026, "category": "civil_servant",
                                                  "number": 30})
    from positions.models import StaffingQuota

    assert not StaffingQuota.objects.exists()
    client.force_login(provincial_hr)
    client.post(reverse("positions:quota_list"),
                {"unit": world.unit_a.pk, "year": 2026, "category": "civil_servant",
                                                  "number": 30})
    assert StaffingQuota.objects.get().number == 30


def test_dossier_workflow_from_the_pages(client, world, officer_a, provincial_hr):
    services.position_create(actor=None, unit=world.unit_a1, code="VT-1", title="Chuyên viên")
    client.force_login(officer_a)
    client.post(reverse("positions:dossier_create"),
                {"unit": world.unit_a1.pk, "title": "Đề án 2026"})
    from positions.models import PositionDossier

    dossier = PositionDossier.objects.get()
    client.post(dossier.get_absolute_url(), {"action": "submit", "on": "02/03/2026"})
    assert client.post(dossier.get_absolute_url(),
                       {"action": "appraise", "on": "03/03/2026"}).status_code == 403
    client.force_login(provincial_hr)
    client.post(dossier.get_absolute_url(),
                {"action": "appraise", "on": "10/03/2026", "note": "Đạt"})
    client.post(dossier.get_absolute_url(),
                {"action": "approve", "on": "20/03/2026", "decision_number": "45/QĐ-UBND"})
    dossier.refresh_from_db()
    assert dossier.status == "approved" and dossier.decision_number == "45/QĐ-UBND"


def test_catalogue_marks_unconfirmed_descriptors_and_provincial_hr_edits_them(
    client, world, officer_a, provincial_hr):
    client.force_login(officer_a)
    page = client.get(reverse("positions:catalogue")).content.decode()
    assert "Đạo đức công vụ và liêm chính" in page
    competency = Competency.objects.get(code="NLC01")
    assert client.get(reverse("positions:competency_update",
                              args=[competency.pk])).status_code == 403
    client.force_login(provincial_hr)
    data = {"code": "NLC01", "name": competency.name, "group": "general", "confirmed": "on",
            "active": "on", **{f"level_{n}": f"Mô tả chính thức cấp {n}" for n in range(1, 6)},
            **{f"confirmed_{n}": "on" for n in range(1, 6)}}
    client.post(reverse("positions:competency_update", args=[competency.pk]), data)
    competency.refresh_from_db()
    assert competency.confirmed
    assert competency.levels.get(level=2).descriptor == "Mô tả chính thức cấp 2"


def test_staffing_page_flags(client, world, officer_a):
    from tests.factories import make_unit

    division = make_unit("Phòng Nhiều Phó", parent=world.unit_a)
    for title in ("Trưởng phòng", "Phó Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên"):
        make_servant(division, title=title)
    client.force_login(officer_a)
    response = client.get(reverse("personnel:staffing"), {"flagged": "1"})
    codes = {r.unit.code: r.flags for r in response.context["rows"]}
    assert "LEADERS_NOT_FEWER_THAN_STAFF" in codes[division.code]
