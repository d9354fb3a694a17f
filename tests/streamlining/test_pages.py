"""The pages as an HR officer and a reader use them: amounts only for who manages the person's
unit, the breakdown, the report's totals and its .xlsx."""
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.access import UnitScope
from streamlining import selectors, services
from streamlining.models import Case, Ground, Option
from tests.streamlining.conftest import merge, rate

pytestmark = pytest.mark.django_db


def _case(servant, **kwargs):
    return services.case_open(actor=None, servant=servant, ground=Ground.ND154, case_number=6,
                              option=Option.EARLY_RETIREMENT, leaving_date=date(2027, 1, 1),
                              **kwargs)


def _decided(servant, officer, reviewer, paid: bool = False):
    case = _case(servant)
    services.case_propose(actor=officer, case=case)
    services.case_review(actor=reviewer, case=case)
    case = services.case_decide(actor=officer, case=case, decision_number="9/QĐ",
                                decision_date=date(2026, 12, 1), signer="Chủ tịch")
    if paid:
        case = services.case_pay(actor=officer, case=case, paid_on=date(2027, 1, 2),
                                 paid_amount=case.total)
    return case


def test_the_officer_sees_the_breakdown_and_the_reader_does_not_see_amounts(
    client, near_retirement, officer_a, viewer_a
):
    case = _case(near_retirement)
    client.force_login(officer_a)
    page = client.get(reverse("streamlining:case_detail", args=[case.pk])).content.decode()
    assert "STREAM-ND154" in page
    assert f"{case.total:,}".replace(",", ".") in page
    assert "40 tháng" in page
    client.force_login(viewer_a)
    page = client.get(reverse("streamlining:case_detail", args=[case.pk])).content.decode()
    assert f"{case.total:,}".replace(",", ".") not in page
    assert 'data-testid="amounts-hidden"' in page


def test_screening_page_offers_to_open_a_case_only_to_managers(client, world, near_retirement,
                                                               officer_a, viewer_a):
    rate(near_retirement, 2025)
    url = reverse("streamlining:screen") + f"?unit={world.unit_a.pk}"
    client.force_login(officer_a)
    assert 'data-testid="open-case"' in client.get(url).content.decode()
    client.force_login(viewer_a)
    page = client.get(url).content.decode()
    assert near_retirement.full_name in page and 'data-testid="open-case"' not in page


def test_opening_a_case_from_the_form(client, world, near_retirement, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("streamlining:case_create"), {
        "servant": near_retirement.pk, "ground_case": "ND154:6", "option": "early_retirement",
        "leaving_date": "01/01/2027"})
    case = Case.objects.get(servant=near_retirement)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.unit == world.unit_a1 and case.total > 0


def test_report_totals_and_xlsx(client, world, near_retirement, officer_a, reviewer):
    from tests.factories import make_servant, make_unit

    second = make_servant(world.unit_a1, full_name="Trịnh Văn Hai", date_of_birth=date(1967, 2, 1),
                          recruitment_date=date(1990, 1, 1))
    one, two = _decided(near_retirement, officer_a, reviewer,
                        paid=True), _decided(second, officer_a, reviewer)
    division = make_unit("Phòng giải thể", parent=world.unit_a)
    merge(division, on=date(2027, 3, 1))
    report = selectors.report(scope=UnitScope(everything=True), unit=world.unit_a, year=2027)
    assert report["totals"] == {"n": 2, "decided": one.total + two.total, "paid": one.total}
    assert report["by_case"][("ND154", 6)]["n"] == 2 and report["divisions_removed"] == 1
    client.force_login(officer_a)
    response = client.get(reverse("streamlining:report"),
                          {"unit": world.unit_a.pk, "year": 2027, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tổng số người đã có quyết định: 2" in text
    assert f"{one.total + two.total:,}".replace(",", ".") in text


def test_the_plan_page_counts_decided_cases_against_targets(client, world, near_retirement,
                                                            officer_a, reviewer):
    plan = services.plan_save(actor=officer_a, unit=world.unit_a, year=2027, title="Kế hoạch 2027",
                              targets=[(Ground.ND154, "civil_servant", "government", 3)])
    _decided(near_retirement, officer_a, reviewer)
    progress = selectors.plan_progress(plan)
    assert (progress["target"], progress["done"], progress["rows"][0]["done"]) == (3, 1, 1)
    client.force_login(officer_a)
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_plan_is_made_and_approved_through_its_pages(client, world, officer_a):
    from streamlining.models import Plan

    client.force_login(officer_a)
    response = client.post(reverse("streamlining:plan_create"), {
        "unit": world.unit_a.pk, "year": 2027, "title": "Kế hoạch tinh giản 2027",
        "ground_0": "ND154", "category_0": "civil_servant", "sector_0": "government",
        "target_0": "4", "ground_1": "ND178", "category_1": "public_employee",
        "sector_1": "public_service", "target_1": ""})
    plan = Plan.objects.get(unit=world.unit_a, year=2027)
    assert response.status_code == 302 and [t.target for t in plan.targets.all()] == [4]
    client.post(reverse("streamlining:plan_approve", args=[plan.pk]), {
        "decision_number": "33/QĐ-SNV", "decision_date": "15/01/2027", "signer": "Giám đốc Sở"})
    plan.refresh_from_db()
    assert (plan.status, plan.decision_date) == (Plan.Status.APPROVED, date(2027, 1, 15))
    assert "33/QĐ-SNV" in client.get(plan.get_absolute_url()).content.decode()


def test_the_chain_through_its_pages_ends_in_the_career_record(client, near_retirement, officer_a,
                                                               reviewer):
    from personnel.models import CivilServant

    case = _case(near_retirement)
    client.force_login(officer_a)
    client.post(reverse("streamlining:case_propose", args=[case.pk]), {"reason": ""})
    client.force_login(reviewer)
    client.post(reverse("streamlining:case_review", args=[case.pk]), {"reason": ""})
    client.force_login(officer_a)
    client.post(reverse("streamlining:case_decide", args=[case.pk]), {
        "decision_number": "77/QĐ-UBND", "decision_date": "10/12/2026",
        "signer": "Chủ tịch UBND tỉnh"})
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED and case.decision_number == "77/QĐ-UBND"
    assert CivilServant.objects.get(pk=near_retirement.pk).status == CivilServant.Status.RETIRED
    client.post(reverse("streamlining:case_pay", args=[case.pk]), {
        "paid_on": "05/01/2027", "paid_amount": case.total, "payment_reference": "UNC-7"})
    case.refresh_from_db()
    assert case.status == Case.Status.PAID
    page = client.get(case.get_absolute_url()).content.decode()
    assert "77/QĐ-UBND" in page and "UNC-7" in page
