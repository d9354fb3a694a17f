"""The appraisal API as another system uses it: period scores sent as JSON, checked as the file
import checks them and written all or nothing, for the people of the caller's units only; the
year's results as the ``appraisal_results`` document, narrowed to the caller's units."""
import io
import json
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import services
from appraisal.models import Appraisal, PeriodScore
from core.models import AccessRecord, AuditEntry
from personnel.models import CivilServant
from tests.factories import UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db

SCORES = reverse("api:appraisal-score-list")
RESULTS = reverse("api:appraisal-result-list")


def post(client, body):
    return client.post(SCORES, json.dumps(body), content_type="application/json")


def row(code, period, general=27, quantity=100, quality=90, progress=95, **extra):
    return {"code": code, "period": period, "general": general, "quantity": quantity,
            "quality": quality, "progress": progress, **extra}


@pytest.fixture
def year(world):
    """Department A: its head and three staff of division A1; department B: one person."""
    make_servant(world.unit_a, code="A-HEAD", full_name="Trần Văn Trưởng")
    CivilServant.objects.filter(code="A-HEAD").update(leadership="head")
    for i, name in enumerate(["Nguyễn Văn An", "Lê Thị Bình", "Phạm Minh Chí"], start=1):
        make_servant(world.unit_a1, code=f"A-0{i}", full_name=name)
    make_servant(world.unit_b, code="B-01", full_name="Lê Văn Bê")
    return (services.cycle_open(actor=None, unit=world.unit_a, year=2026),
            services.cycle_open(actor=None, unit=world.unit_b, year=2026))


def test_scores_sent_as_json_are_written_in_each_way_a_period_is_named(client, officer_a, year):
    client.force_login(officer_a)
    response = post(client, {"year": 2026, "rows": [
        row("A-01", "T3"), row("A-01", 4, task_group="Chuyên môn"),
        row("A-02", "Tháng 5", quantity=99.5),
        row("A-HEAD", "T3", organisation=100, solidarity=90)]})
    assert response.status_code == 200 and response.json() == {"written": 4}
    scores = PeriodScore.objects.select_related("appraisal__servant")
    found = {(s.appraisal.servant.code, s.period): s for s in scores}
    assert set(found) == {("A-01", 3), ("A-01", 4), ("A-02", 5), ("A-HEAD", 3)}
    first = found[("A-01", 3)]
    assert (first.general, first.quantity, first.quality, first.progress, first.source) == (
        Decimal(27), Decimal(100), Decimal(90), Decimal(95), PeriodScore.Source.IMPORT)
    assert found[("A-02", 5)].quantity == Decimal("99.50")
    assert (found[("A-HEAD", 3)].organisation, found[("A-HEAD", 3)].solidarity) == (100, 90)
    assert Appraisal.objects.get(servant__code="A-01").task_group == "Chuyên môn"
    # Audited as coming from the API, the request's rows under one batch.
    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 3 and {e.source for e in entries} == {AuditEntry.Source.API}
    assert len({e.batch for e in entries}) == 1 and entries[0].actor == officer_a
    # Sending the same period again replaces it.
    assert post(client,
                {"year": 2026, "rows": [row("A-01", 3, general=20)]}).json() == {"written": 1}
    assert PeriodScore.objects.get(appraisal__servant__code="A-01", period=3).general == 20


def test_a_json_fraction_is_a_percent_not_a_percent_formatted_cell(client, officer_a, year):
    client.force_login(officer_a)
    assert post(client,
                {"year": 2026, "rows": [row("A-01", 1, quantity=0.9, quality=0.8, progress=1.0)]}
                ).status_code == 200
    stored = PeriodScore.objects.get()
    assert (stored.quantity, stored.quality, stored.progress) == (Decimal("0.90"), Decimal("0.80"),
                                                                  Decimal(1))


def test_one_bad_row_writes_nothing_and_every_error_names_its_row_and_field(
    client, officer_a, year):
    client.force_login(officer_a)
    response = post(client, {"year": 2026, "rows": [
        row("A-01", "T1"),  # good
        row("A-02", "T1", quantity=120),
        row("A-03", "Tháng 13"),
        row("A-01", 2, general=35),
        row("A-01", "Tháng 1"),  # the same person and month as row 1
        row("A-HEAD", "T1"),  # a head without đ and e
        row("A-02", "Quý II"),  # a quarter in a monthly year
        {**row("A-03", 3), "quantiy": 100},  # a field the API does not know
        {**row("A-03", 4), "general": True, "quality": [90]},
        "A-03",
        {k: v for k, v in row("A-03", 5).items() if k != "progress"},
    ]})
    assert response.status_code == 400 and PeriodScore.objects.count() == 0
    errors = response.json()["errors"]
    assert all(set(e) == {"row", "field", "message"} and e["message"] for e in errors)
    found = {(e["row"], e["field"]) for e in errors}
    assert found == {(2, "quantity"), (3, "period"), (4, "general"), (5, "period"),
                     (6, "organisation"), (6, "solidarity"), (7, "period"), (8, "quantiy"),
                     (9, "general"), (9, "quality"), (10, ""), (11, "progress")}
    messages = {(e["row"], e["field"]): e["message"] for e in errors}
    # The reasons of the file import, in Vietnamese.
    assert messages[(2, "quantity")] == "Tỷ lệ phần trăm từ 0 đến 100, không phải 120."
    assert "dòng 1" in messages[(5, "period")]
    assert [e["row"] for e in errors] == sorted(e["row"] for e in errors)


def test_a_person_outside_the_callers_units_reads_like_one_that_does_not_exist(
    client, officer_b, year):
    client.force_login(officer_b)
    response = post(client,
                    {"year": 2026, "rows": [row("A-01", 1), row("NO-SUCH", 1), row("B-01", 1)]})
    assert response.status_code == 400 and PeriodScore.objects.count() == 0
    errors = {e["row"]: e for e in response.json()["errors"]}
    assert set(errors) == {1, 2} and {e["field"] for e in errors.values()} == {"code"}
    outside, unknown = errors[1]["message"], errors[2]["message"]
    assert outside.replace("A-01", "X") == unknown.replace("NO-SUCH", "X")
    assert "đơn vị bạn quản lý" in outside


def test_a_closed_year_takes_no_more_scores(client, officer_a, year):
    cycle_a, _cycle_b = year
    services.cycle_close(actor=officer_a, cycle=cycle_a)
    client.force_login(officer_a)
    response = post(client, {"year": 2026, "rows": [row("A-01", 1)]})
    assert response.status_code == 400 and "2026" in response.json()["errors"][0]["message"]
    assert PeriodScore.objects.count() == 0


@pytest.mark.parametrize(("body", "field"), [
    ([], ""), ({"rows": [row("A-01", 1)]}, "year"),
    ({"year": "2026", "rows": [row("A-01", 1)]}, "year"),
    ({"year": 1999, "rows": [row("A-01", 1)]}, "year"), ({"year": 2026}, "rows"),
    ({"year": 2026, "rows": []}, "rows"), ({"year": 2026, "rows": {"code": "A-01"}}, "rows"),
])
def test_a_body_without_a_year_and_rows_is_refused_before_any_row(client, officer_a, year, body,
                                                                  field):
    client.force_login(officer_a)
    response = post(client, body)
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(0, field)]


def test_malformed_or_oversized_bodies_are_a_400_and_forms_are_not_taken(
    client, officer_a, year, settings):
    client.force_login(officer_a)
    assert client.post(SCORES, "{", content_type="application/json").status_code == 400
    assert client.post(SCORES, "[" * 100_000, content_type="application/json").status_code == 400
    assert client.post(SCORES, {"year": 2026}).status_code == 415
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, {"year": 2026, "rows": [row("A-01", p) for p in range(1, 13)]})
    assert response.status_code == 400 and PeriodScore.objects.count() == 0


def test_candidates_view_only_callers_and_anonymous_callers_cannot_send_scores(
    client, candidate, viewer_a, year):
    body = {"year": 2026, "rows": [row("A-01", 1)]}
    # no credentials: 401 with WWW-Authenticate: Bearer
    assert post(client, body).status_code == 401
    for user in (candidate, viewer_a):
        client.force_login(user)
        assert post(client, body).status_code == 403
    assert PeriodScore.objects.count() == 0


def run_results(*args) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("appraisal_results", *args, "--json")
    return json.loads(out.getvalue())


def scored(year_fixture):
    for a in Appraisal.objects.all():
        services.period_scores_save(actor=None, rows=[
            {"appraisal_id": a.pk, "period": p, "general": Decimal(20 + a.pk % 10),
             "quantity": Decimal(100), "quality": Decimal(100), "progress": Decimal(100),
             "organisation": Decimal(100), "solidarity": Decimal(100)} for p in range(1, 13)])
    return year_fixture


def test_the_results_are_the_appraisal_results_document_of_the_callers_units(
    client, officer_a, year):
    scored(year)
    client.force_login(officer_a)
    response = client.get(RESULTS, {"year": 2026})
    assert response.status_code == 200
    document = response.json()
    assert document == run_results("--year", "2026", "--user", officer_a.username)
    assert (document["year"], document["rule_set"]) == (2026, "APPR-ND335")
    assert {p["code"] for p in document["people"]} == {"A-HEAD", "A-01", "A-02", "A-03"}
    assert set(document["people"][0]) == {"code", "name", "unit", "task_group", "score", "level",
                                          "reasons", "rule_set", "moved_down", "tied"}


def test_the_results_of_one_unit_and_a_unit_outside_the_callers_units(client, officer_a,
                                                                      provincial_hr, year):
    scored(year)
    client.force_login(provincial_hr)
    listed = client.get(RESULTS, {"year": 2026, "unit": "B"}).json()["people"]
    assert {p["code"] for p in listed} == {"B-01"}
    client.force_login(officer_a)
    outside = client.get(RESULTS, {"year": 2026, "unit": "B"})
    unknown = client.get(RESULTS, {"year": 2026, "unit": "ZZ"})
    assert outside.status_code == unknown.status_code == 404
    assert outside.json()["detail"].replace("B", "X") == unknown.json()["detail"].replace("ZZ", "X")


def test_a_closed_year_is_read_as_it_was_decided(client, officer_a, year):
    cycle_a, _cycle_b = scored(year)
    services.cycle_close(actor=officer_a, cycle=cycle_a)
    Appraisal.objects.filter(servant__code="A-01").update(level="HT", reasons=["Quyết định số 5."])
    client.force_login(officer_a)
    people = {p["code"]: p for p in client.get(RESULTS, {"year": 2026}).json()["people"]}
    assert (people["A-01"]["level"], people["A-01"]["reasons"]) == ("HT", ["Quyết định số 5."])


def test_the_results_need_a_year_and_refuse_candidates(client, officer_a, candidate, no_grant,
                                                       year):
    assert client.get(RESULTS, {"year": 2026}).status_code == 401  # no credentials
    client.force_login(officer_a)
    assert client.get(RESULTS).status_code == 400
    assert client.get(RESULTS, {"year": "abc"}).status_code == 400
    client.force_login(candidate)
    assert client.get(RESULTS, {"year": 2026}).status_code == 403
    client.force_login(no_grant)
    assert client.get(RESULTS, {"year": 2026}).json()["people"] == []


def test_a_read_of_the_results_is_recorded(client, viewer_a, year):
    scored(year)
    client.force_login(viewer_a)
    client.get(RESULTS, {"year": 2026, "unit": "A"})
    record = AccessRecord.objects.get(user=viewer_a)
    assert (record.action, record.count, record.filters) == (AccessRecord.Action.API, 4,
                                                             {"year": 2026, "unit": "A"})


def test_the_results_and_the_scores_read_the_same_number_of_queries_for_4_and_40_people(
    client, world):
    counts = []
    for size, unit in ((4, world.unit_a), (40, world.unit_b)):
        for i in range(size):
            make_servant(unit, code=f"{unit.code}-{i:02d}", full_name=f"Trần Văn {i}")
        services.cycle_open(actor=None, unit=unit, year=2026)
        client.force_login(grant(UserFactory(username=f"hr.{unit.code}"), unit))
        # One period each: SQLite splits a bulk insert past 999 variables (about 75 period rows),
        # the only thing here that grows with the rows sent.
        body = {"year": 2026, "rows": [row(f"{unit.code}-{i:02d}", 1) for i in range(size)]}
        with CaptureQueriesContext(connection) as writes:
            assert post(client, body).json() == {"written": size}
        with CaptureQueriesContext(connection) as reads:
            listed = client.get(RESULTS, {"year": 2026, "unit": unit.code}).json()["people"]
            assert len(listed) == size
        counts.append((len(writes), len(reads)))
    assert counts[0] == counts[1], counts


def test_a_row_with_a_bad_cell_is_still_checked_against_the_callers_units(client, officer_b, year):
    client.force_login(officer_b)
    errors = post(client, {"year": 2026, "rows": [row("A-01", 1, quantity=120)]}).json()["errors"]
    assert {e["field"] for e in errors} == {"quantity", "code"}
