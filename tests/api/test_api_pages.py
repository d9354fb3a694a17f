"""The API's people list in a constant number of queries, the token page (the key shown once, the
scopes at most the owner's rights, revocation), and the documentation page served without a CDN."""
import pytest
from django.urls import reverse

from core.models import ApiToken, AuditEntry
from tests.api.conftest import bearer, make_token
from tests.factories import make_servant

pytestmark = pytest.mark.django_db
# The list's own queries (token, rights, unit ids, rank choices, count, page, access record): the
# throttles' counters are off here, in production they are in Redis, not SQL.
PEOPLE_LIST_QUERIES = 11  # with the token's last-used stamp


@pytest.mark.parametrize("size", [3, 40])
def test_the_people_list_takes_the_same_queries_at_any_size(client, world, officer_a, size,
                                                            settings,
                                                            django_assert_max_num_queries):
    settings.API_THROTTLE_RATES = {}
    for i in range(size):
        make_servant(world.unit_a1 if i % 2 else world.unit_a, full_name=f"Nguyễn Văn {i:03d}")
    key = make_token(officer_a)
    with django_assert_max_num_queries(PEOPLE_LIST_QUERIES):
        body = client.get(reverse("api:person-list"), {"limit": 200}, **bearer(key)).json()
    assert body["count"] == size
    with django_assert_max_num_queries(PEOPLE_LIST_QUERIES):  # as of a date, searched
        client.get(reverse("api:person-list"), {"on": "2026-01-01", "q": "nguyen"}, **bearer(key))


def test_the_people_list_pages_in_name_order_and_counts_past_the_end(client, world, officer_a,
                                                                     settings):
    """The page's plan (ids first, the count beside them): pages follow one another in the
    Vietnamese name order without overlap, and an offset past the end still says how many."""
    settings.API_THROTTLE_RATES = {}
    names = ["Đỗ Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Thị Ngọc", "Bùi Minh Châu"]
    for name in names:
        make_servant(world.unit_a1, full_name=name)
    key = make_token(officer_a)
    url = reverse("api:person-list")
    pages = [client.get(url, {"limit": 2, "offset": offset}, **bearer(key)).json()
             for offset in (0, 2, 4, 10)]
    assert [p["count"] for p in pages] == [5, 5, 5, 5]
    read = [row["full_name"] for p in pages for row in p["results"]]
    # Vietnamese order: by given name first (An, Ánh, Bình, Châu, Ngọc).
    assert read == ["Lê Văn An", "Nguyễn Thị Ánh", "Đỗ Văn Bình", "Bùi Minh Châu", "Phạm Thị Ngọc"]
    assert pages[3]["results"] == [] and pages[0]["next"] and pages[2]["next"] is None


def test_the_token_page_shows_the_key_once_and_it_works(client, world, officer_a):
    client.force_login(officer_a)
    page = reverse("core:api_tokens")
    response = client.post(page, {"name": "Phần mềm kế toán", "scopes": ["people:read"],
                                  "expires_on": "01/02/2027"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("cv_") and key in response.content.decode()
    token = ApiToken.objects.get(owner=officer_a)
    assert token.key_hash != key and key not in str(token.__dict__)
    assert key not in client.get(page).content.decode()  # never shown again
    client.logout()
    assert client.get(reverse("api:person-list"), **bearer(key)).status_code == 200
    assert client.get(reverse("api:unit-list"), **bearer(key)).status_code == 403  # not its scope
    assert AuditEntry.objects.filter(action="create", object_id=str(token.pk)).exists()


def test_the_page_refuses_scopes_beyond_ones_rights_and_revokes(client, world, viewer_a, officer_a):
    client.force_login(viewer_a)
    page = reverse("core:api_tokens")
    response = client.post(page,
                           {"name": "X", "scopes": ["appraisal:write"], "expires_on": "01/02/2027"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    key = make_token(viewer_a)
    token = ApiToken.objects.get(owner=viewer_a)
    client.force_login(officer_a)  # another's token: not found
    assert client.post(reverse("core:api_token_revoke", args=[token.pk])).status_code == 404
    client.force_login(viewer_a)
    assert client.post(reverse("core:api_token_revoke", args=[token.pk])).status_code == 302
    client.logout()
    assert client.get(reverse("api:unit-list"), **bearer(key)).status_code == 401


def test_the_docs_page_uses_local_files_only(client, world, officer_a):
    client.force_login(officer_a)
    response = client.get(reverse("api_docs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "<style>" not in html and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get(reverse("api_docs"), {"script": ""})
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()
    schema = client.get(reverse("api_schema"))
    assert schema.status_code == 200 and b"/api/v1/people/" in schema.content
