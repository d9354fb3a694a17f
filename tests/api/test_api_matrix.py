"""Every endpoint of /api/v1/ × role × token scope: a token reads what its owner reads in the pages
and no more (a token of unit A reads nothing of unit B), only through the scopes it was given (403
otherwise); an unknown, expired or revoked token is 401; the sensitive fields are redacted as on
the pages (tests/test_field_policy.py has the per-field matrix)."""
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import AccessRecord, ApiToken
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

# name → (scope, url kwargs from the province, the text of A's object, the text of B's object)
ENDPOINTS = {
    "api:unit-list": ("units:read", lambda p, w: {}, "A1", '"code":"B"'),
    "api:person-list": ("people:read", lambda p, w: {}, "Hoàng Thị Mai", "Phạm Văn Bình"),
    "api:position-list": ("positions:read", lambda p, w: {}, "VT-A", "VT-B"),
    "api:recruitment-round-list": ("recruitment:read", lambda p, w: {}, "TD-A", "TD-B"),
    "api:appraisal-result-list": ("appraisal:read", lambda p, w: {}, None, None),
}
DETAILS = {
    "api:unit-detail": ("units:read", lambda p, w, k: w.unit_a1 if k == "a" else w.unit_b),
    "api:person-detail": ("people:read", lambda p, w, k: p["people"][k]),
    "api:position-detail": ("positions:read", lambda p, w, k: p["positions"][k]),
    "api:recruitment-round-detail": ("recruitment:read", lambda p, w, k: p["rounds"][k]),
    "api:recruitment-round-results": ("recruitment:read", lambda p, w, k: p["rounds"][k]),
}
QUERY = {"api:appraisal-result-list": {"year": 2026}}


def _get(client, name, key, **kwargs):
    return client.get(reverse(name, kwargs=kwargs), QUERY.get(name, {}), **bearer(key))


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_token_of_unit_a_lists_a_and_nothing_of_b(client, world, province, officer_a, officer_b,
                                                    name):
    scope, kwargs, text_a, text_b = ENDPOINTS[name]
    for owner, mine, theirs in ((officer_a, text_a, text_b), (officer_b, text_b, text_a)):
        response = _get(client, name, make_token(owner), **kwargs(province, world))
        assert response.status_code == 200, (name, owner, response.content[:300])
        body = response.content.decode()
        if mine:
            assert mine in body and theirs not in body, (name, owner.username)


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_a_token_of_unit_a_opens_a_and_not_b(client, world, province, officer_a, name):
    scope, obj = DETAILS[name]
    key = make_token(officer_a)
    assert _get(client, name, key, pk=obj(province, world, "a").pk).status_code == 200
    assert _get(client, name, key, pk=obj(province, world, "b").pk).status_code == 404


@pytest.mark.parametrize("name", sorted({**ENDPOINTS, **DETAILS}))
def test_a_token_without_the_scope_is_refused(client, world, province, provincial_hr, name):
    scope = (ENDPOINTS.get(name) or DETAILS[name])[0]
    others = [s for s in ApiToken.Scope.values if s != scope]
    key = make_token(provincial_hr, scopes=others)
    kwargs = {} if name in ENDPOINTS else {"pk": DETAILS[name][1](province, world, "a").pk}
    assert _get(client, name, key, **kwargs).status_code == 403
    assert _get(client, name, make_token(provincial_hr, scopes=[scope]),
                **kwargs).status_code == 200


def test_appraisal_scores_need_the_write_scope(client, world, officer_a):
    url = reverse("api:appraisal-score-list")
    body = '{"year": 2026, "rows": []}'
    read_only = make_token(officer_a, scopes=["appraisal:read"])
    assert client.post(url, body, content_type="application/json",
                       **bearer(read_only)).status_code == 403
    writer = make_token(officer_a, scopes=["appraisal:write"])
    # Let in, then refused for its empty rows (400): no CSRF token is needed with a bearer token.
    assert client.post(url, body, content_type="application/json",
                       **bearer(writer)).status_code == 400


@pytest.mark.parametrize("persona", ["viewer_a", "officer_b", "no_grant"])
def test_tokens_of_other_roles_read_what_the_role_reads(client, world, province, persona, request):
    user = request.getfixturevalue(persona)
    if persona == "no_grant":
        with pytest.raises(PermissionDenied):  # nothing to give
            make_token(user)
        return
    key = make_token(user)  # every scope the role allows
    people = client.get(reverse("api:person-list"), **bearer(key)).json()["results"]
    names = {p["full_name"] for p in people}
    assert names == ({"Hoàng Thị Mai"} if persona == "viewer_a" else {"Phạm Văn Bình"})
    if persona == "viewer_a":  # a unit head: the ID number masked, no phone (as on the pages)
        assert people[0]["national_id"] == "001••••••456" and people[0]["phone"] == ""
        assert "recruitment:read" not in ApiToken.objects.get(prefix=key[:10]).scopes


def test_a_manager_reads_the_sensitive_fields_in_full(client, world, province, officer_a):
    key = make_token(officer_a)
    [row] = client.get(reverse("api:person-list"), **bearer(key)).json()["results"]
    assert row["national_id"] == "001190123456" and row["phone"] == "0987654321"
    assert AccessRecord.objects.filter(user=officer_a, action=AccessRecord.Action.LIST).exists()


def test_scopes_beyond_the_owners_rights_cannot_be_given(world, viewer_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(viewer_a, scopes=["appraisal:write"])


def test_expired_revoked_unknown_and_missing_tokens_are_401(client, world, province, officer_a):
    from core.api_tokens import token_revoke

    url = reverse("api:unit-list")
    key = make_token(officer_a, days=1)
    assert client.get(url, **bearer(key)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = client.get(url, **bearer(key))
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    other = make_token(officer_a)
    token_revoke(actor=officer_a, token=ApiToken.objects.get(prefix=other[:10]))
    assert client.get(url, **bearer(other)).status_code == 401
    assert client.get(url, **bearer("cv_not-a-key")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get(url).status_code == 401


def test_a_token_of_a_deactivated_owner_is_401(client, world, officer_a):
    key = make_token(officer_a)
    officer_a.is_active = False
    officer_a.save()
    assert client.get(reverse("api:unit-list"), **bearer(key)).status_code == 401


def test_a_token_loses_what_its_owner_loses(client, world, province, officer_a):
    from core.services.units import unit_revoke

    key = make_token(officer_a)
    unit_revoke(actor=None, unit=world.unit_a, user=officer_a)
    assert client.get(reverse("api:person-list"), **bearer(key)).status_code == 403


def test_the_person_as_of_a_date(client, world, province, officer_a):
    person = province["people"]["a"]
    key = make_token(officer_a)
    url = reverse("api:person-detail", kwargs={"pk": person.pk})
    today = client.get(url, **bearer(key)).json()
    assert [a["unit"] for a in today["assignments"]] == ["A1"] and today["salary"]
    before = client.get(url, {"on": "2000-01-01"}, **bearer(key)).json()
    assert before["as_of"] == "2000-01-01"
    assert before["assignments"] == []
    assert before["salary"] == []
    assert client.get(url, {"on": "01/13/2020"}, **bearer(key)).status_code == 400


def test_list_filters_ordering_and_pagination(client, world, province, provincial_hr):
    key = make_token(provincial_hr)
    url = reverse("api:person-list")
    both = client.get(url, {"ordering": "-code"}, **bearer(key)).json()
    assert [p["code"] for p in both["results"]] == ["B-01", "A1-01"] and both["count"] == 2
    assert client.get(url, {"unit": world.unit_b.pk}, **bearer(key)).json()["count"] == 1
    assert client.get(url, {"q": "hoang thi"}, **bearer(key)).json()["count"] == 1
    page = client.get(url, {"limit": 1, "offset": 1, "ordering": "code"}, **bearer(key)).json()
    assert [p["code"] for p in page["results"]] == ["B-01"] and page["previous"]
    assert client.get(url, {"limit": 10_000}, **bearer(key)).status_code == 200  # capped at 200
    assert client.get(url, {"ordering": "national_id"}, **bearer(key)).status_code == 400
    assert client.get(url, {"status": "nope"}, **bearer(key)).status_code == 400


def test_results_of_a_published_round(client, world, province, officer_a):
    key = make_token(officer_a)
    url = reverse("api:recruitment-round-results", kwargs={"pk": province["rounds"]["a"].pk})
    body = client.get(url, **bearer(key)).json()
    assert body["round"] == "TD-A" and [c["name"] for c in body["candidates"]] == ["Thí Sinh A"]


def test_throttled_per_token(client, world, officer_a, settings):
    settings.API_THROTTLE_RATES = {"user": None, "token": "2/min"}
    key, other = make_token(officer_a), make_token(officer_a)
    url = reverse("api:unit-list")
    assert [client.get(url, **bearer(key)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, **bearer(other)).status_code == 200  # each token its own count
    settings.API_THROTTLE_RATES = {"user": "1/min", "token": None}
    client.force_login(officer_a)
    # The user's count: their session and their tokens together.
    assert [client.get(url).status_code, client.get(url, **bearer(key)).status_code] == [200, 429]
