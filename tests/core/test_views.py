"""Pages of the core app as an HR officer uses them."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, ImportJob, OrgUnit, User
from tests.factories import make_unit
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db


def upload(client, tmp_path, rows, on_commit, skip_invalid=False):
    path = write_workbook(tmp_path / "units.xlsx", rows)
    data = {"file": SimpleUploadedFile("units.xlsx", path.read_bytes())}
    if skip_invalid:
        data["skip_invalid"] = "on"
    with on_commit(execute=True):  # the validation task runs when the upload commits
        response = client.post(reverse("core:import_create", args=["units"]), data)
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_the_language_switch_turns_the_interface_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_wrong_password_is_refused_and_repeated_failures_lock(client, officer_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    response = client.post(reverse("login"),
                           {"username": "officer_a", "password": "Secret-Pass-2026"})
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in response.content.decode()


def test_a_good_login_lands_on_the_dashboard(client, officer_a):
    response = client.post(reverse("login"),
                           {"username": "officer_a", "password": "Secret-Pass-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")


def test_dashboard_counts_only_the_officers_units(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="unit-count">2<' in page


def test_unit_tree_shows_only_granted_units_with_sub_unit_counts(client, world, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("core:unit_list")).content.decode()
    assert "Sở Nội vụ" in page and "Phòng Công chức, viên chức" in page
    assert "Sở Y tế" not in page and "Tỉnh Thử Nghiệm" not in page


def test_unit_tree_search_without_diacritics(client, world, provincial_hr):
    client.force_login(provincial_hr)
    page = client.get(reverse("core:unit_list"), {"q": "so y te"}).content.decode()
    assert "Sở Y tế" in page and "Phòng Công chức" not in page


def test_unit_tree_as_of_a_past_date(client, world, provincial_hr):
    from datetime import date

    make_unit("Phòng Mới Lập", parent=world.unit_a, valid_from=date(2026, 1, 1))
    client.force_login(provincial_hr)
    assert "Phòng Mới Lập" not in client.get(reverse("core:unit_list"),
                                             {"on": "31/12/2025"}).content.decode()
    assert "Phòng Mới Lập" in client.get(reverse("core:unit_list"),
                                         {"on": "01/01/2026"}).content.decode()


def test_unit_tree_is_an_htmx_partial_on_search(client, world, provincial_hr):
    client.force_login(provincial_hr)
    page = client.get(reverse("core:unit_list"), {"q": "noi vu"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page and "Sở Nội vụ" in page


def test_unit_tree_query_count_is_bounded(client, world, provincial_hr,
                                          django_assert_max_num_queries):
    client.force_login(provincial_hr)
    client.get(reverse("core:unit_list"))
    for i in range(30):
        make_unit(f"Phòng {i}", parent=world.unit_b)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:unit_list"))
    assert response.content.decode().count('class="tree-row"') == 34


def test_officer_creates_a_sub_unit_only_under_their_units(client, world, officer_a):
    client.force_login(officer_a)
    form = client.get(reverse("core:unit_create")).content.decode()
    assert "Sở Y tế" not in form  # the parent dropdown is narrowed to the officer's units
    data = {"code": "A2", "name": "Phòng Tiền lương", "kind": "division", "sector": "government",
            "valid_from": "01/01/2026"}
    response = client.post(reverse("core:unit_create"), {**data, "parent": world.unit_b.pk})
    assert response.status_code == 200 and not OrgUnit.objects.filter(code="A2").exists()
    response = client.post(reverse("core:unit_create"), {**data, "parent": world.unit_a.pk})
    unit = OrgUnit.objects.get(code="A2")
    assert response["Location"] == unit.get_absolute_url() and unit.parent == world.unit_a
    assert unit.valid_from.isoformat() == "2026-01-01"
    entry = AuditEntry.objects.get(action="create", object_id=str(unit.pk))
    assert entry.actor == officer_a and entry.source == AuditEntry.Source.WEB


def test_unit_edit_shows_dates_as_dd_mm_yyyy(client, world, officer_a):
    from datetime import date

    from core.services.units import unit_update

    unit_update(actor=None, unit=world.unit_a1, valid_from=date(2025, 7, 1))
    client.force_login(officer_a)
    assert 'value="01/07/2025"' in client.get(reverse("core:unit_update",
                                                      args=[world.unit_a1.pk])).content.decode()
    assert "01/07/2025" in client.get(reverse("core:unit_detail",
                                              args=[world.unit_a1.pk])).content.decode()


def test_reorganise_page_merges_units(client, world, provincial_hr):
    client.force_login(provincial_hr)
    response = client.post(reverse("core:unit_reorganize"), {
        "kind": "merge", "predecessors": [world.unit_a.pk, world.unit_b.pk],
        "parent": world.province.pk, "successors": "AB | Sở Nội vụ và Y tế",
        "effective_date": "01/01/2026", "decision_number": "01/NQ-HĐND"})
    merged = OrgUnit.objects.open().get(code="AB")
    assert response["Location"] == merged.get_absolute_url()
    assert OrgUnit.objects.get(code="A1", valid_to__isnull=True).parent == merged


def test_import_upload_preview_confirm(client, world, officer_a, tmp_path,
                                      django_capture_on_commit_callbacks):
    on_commit = django_capture_on_commit_callbacks
    client.force_login(officer_a)
    header = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"]
    bad = upload(client, tmp_path, on_commit=on_commit,
                 rows=[header, ["C1", "Phòng Một", "A"], ["C2", "Phòng Hai", "B"]])
    bad.refresh_from_db()
    assert bad.status == ImportJob.Status.INVALID
    page = client.get(reverse("core:import_detail", args=[bad.pk])).content.decode()
    assert "cell-error" in page and "Không có gì được lưu" in page
    sheet = client.get(reverse("core:import_errors", args=[bad.pk]))
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    with on_commit(execute=True):
        assert client.post(reverse("core:import_confirm", args=[bad.pk])).status_code == 302
    assert not OrgUnit.objects.filter(code="C1").exists()

    good = upload(client, tmp_path, on_commit=on_commit,
                  rows=[["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"],
                        ["C1", "Phòng Một", "A"]])
    good.refresh_from_db()
    assert good.status == ImportJob.Status.VALIDATED and good.summary["created"] == 1
    assert not OrgUnit.objects.filter(code="C1").exists()  # the preview writes nothing
    with on_commit(execute=True):
        client.post(reverse("core:import_confirm", args=[good.pk]))
    good.refresh_from_db()
    assert good.status == ImportJob.Status.DONE and OrgUnit.objects.filter(code="C1").exists()
    # Confirming twice does not import twice.
    with on_commit(execute=True):
        client.post(reverse("core:import_confirm", args=[good.pk]))
    assert OrgUnit.objects.filter(code="C1").count() == 1


def test_import_template_has_the_declared_headers(client, officer_a):
    from python_calamine import CalamineWorkbook

    client.force_login(officer_a)
    content = client.get(reverse("core:import_template", args=["units"])).content
    workbook = CalamineWorkbook.from_filelike(__import__("io").BytesIO(content))
    first = workbook.get_sheet_by_index(0).to_python()[0]
    assert first[:3] == ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"]


def test_provincial_hr_creates_an_account_with_a_unit_grant(client, world, provincial_hr):
    client.force_login(provincial_hr)
    response = client.post(reverse("core:account_create"), {
        "username": "tccb.syt", "full_name": "Lê Thị Hương", "role": "unit_hr",
        "password": "Dai-Mat-Khau-2026", "unit": world.unit_b.pk})
    account = User.objects.get(username="tccb.syt")
    assert response["Location"] == reverse("core:access_user", args=[account.pk])
    from core.access import MANAGE, unit_scope

    assert set(unit_scope(account, MANAGE).units().values_list("code", flat=True)) == {"B"}


def test_weak_passwords_are_refused_for_new_accounts(client, world, provincial_hr):
    client.force_login(provincial_hr)
    response = client.post(reverse("core:account_create"), {
        "username": "x", "full_name": "X", "role": "unit_hr", "password": "123456"})
    assert response.status_code == 200 and not User.objects.filter(username="x").exists()


def test_grant_and_revoke_from_the_access_page(client, world, provincial_hr, no_grant):
    client.force_login(provincial_hr)
    client.post(reverse("core:access_user", args=[no_grant.pk]),
                {"unit": world.unit_b.pk, "level": "view"})
    page = client.get(reverse("core:access_user", args=[no_grant.pk])).content.decode()
    assert "Sở Y tế" in page
    client.post(reverse("core:access_revoke", args=[no_grant.pk, world.unit_b.pk]))
    assert AuditEntry.objects.filter(action="revoke").exists()
    from core.access import unit_scope

    assert not unit_scope(User.objects.get(pk=no_grant.pk))


def test_change_log_lists_only_changes_in_scope(client, world, officer_a, officer_b):
    client.force_login(officer_b)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "Sở Y tế" in page and "Phòng Công chức" not in page


def test_api_lists_only_units_in_scope(client, world, officer_a):
    client.force_login(officer_a)
    data = client.get(reverse("api:unit-list")).json()
    assert sorted(u["code"] for u in data["results"]) == ["A", "A1"]


def test_healthz_answers_without_login(client, db):
    # Its checks: tests/core/test_health_and_request_id.py.
    assert client.get(reverse("healthz")).json()["status"] == "ok"
