"""The demo streamlining: what a visitor of ``make run`` sees (a plan under way, candidates, decided
cases)."""
import pytest
from django.utils import timezone

from appraisal.demo import load_appraisal
from core.access import UnitScope
from core.demo import load_accounts, load_units
from core.models import OrgUnit
from personnel.demo import load_people
from streamlining import selectors
from streamlining.demo import load_streamlining
from streamlining.models import Case, Plan

pytestmark = pytest.mark.django_db


def test_the_demo_province_has_a_plan_under_way_candidates_and_decided_cases(client):
    load_units()
    load_accounts()
    load_people()
    load_appraisal()
    assert load_streamlining() is True
    assert load_streamlining() is False  # once only
    plan = Plan.objects.get()
    assert plan.status == Plan.Status.APPROVED
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Case.Status.DECIDED, Case.Status.PAID, Case.Status.PROPOSED} <= statuses
    assert 10 <= Case.objects.count() <= 40
    progress = selectors.plan_progress(plan)
    assert 0 < progress["done"] < progress["target"]
    province = OrgUnit.objects.open().get(code="TQ")
    assert selectors.screen(scope=UnitScope(everything=True), unit=province,
                            day=timezone.localdate())
    # Every page renders over the demo province for a provincial HR officer.
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="demo_hr", role="provincial_hr"))
    for name in ("dashboard", "screen", "reorganisation", "case_list", "report", "refund_watch"):
        assert client.get(reverse(f"streamlining:{name}")).status_code == 200, name
    assert client.get(plan.get_absolute_url()).status_code == 200
    paid = Case.objects.filter(status=Case.Status.PAID).first()
    assert client.get(paid.get_absolute_url()).status_code == 200
