"""Each unit's own result of the year: listed for the units in scope, entered and corrected on the
generic edit page, imported all-or-nothing with row/column/reason errors in Vietnamese."""
import io
import json
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from appraisal import services
from appraisal.models import UnitResult
from appraisal.unit_results import UnitResultImporter, parse_level
from core.importing import CellError, importer_class
from core.models import AuditEntry
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

HEADERS = ["Mã đơn vị", "Năm", "Chỉ tiêu kế hoạch", "Hoàn thành đúng hạn, bảo đảm chất lượng",
           "Vượt chỉ tiêu", "Mức xếp loại", "Xử lý tham nhũng, lãng phí", "Ghi chú"]


def workbook(tmp_path, rows, headers=HEADERS, name="ket-qua-don-vi.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    book.save(path)
    return path


def run(*args) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            call_command("import_unit_results", *args, "--json")
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def record(unit, year=2026, planned=20, on_time=18, exceeded=3, level="HTT"):
    return services.unit_result_save(actor=None, unit=unit, year=year, targets_planned=planned,
                                     targets_on_time=on_time, targets_exceeded=exceeded,
                                     level=level)


# --- the list -------------------------------------------------------------------------------------

def test_the_list_shows_the_years_results_of_the_units_in_scope(client, officer_a, world):
    record(world.unit_a)
    record(world.unit_a1, level="HTXS")
    record(world.unit_b)
    record(world.unit_a, year=2025, level="HT")
    client.force_login(officer_a)
    page = client.get(reverse("appraisal:unit_results"), {"year": 2026})
    assert [r.unit.code for r in page.context["results"]] == ["A", "A1"]
    assert all(r.editable for r in page.context["results"])
    assert page.context["years"] == [2026, 2025]
    html = page.content.decode()
    assert 'data-testid="level-count-HTXS">HTXS: 1<' in html
    assert reverse("appraisal:unit_result_edit", args=[page.context["results"][0].pk]) in html
    older = client.get(reverse("appraisal:unit_results"), {"year": 2025})
    assert [r.level for r in older.context["results"]] == ["HT"]


def test_a_viewer_reads_but_may_not_edit(client, viewer_a, world):
    result = record(world.unit_a1)
    client.force_login(viewer_a)
    page = client.get(reverse("appraisal:unit_results"), {"year": 2026})
    assert [r.editable for r in page.context["results"]] == [False]
    assert reverse("appraisal:unit_result_edit", args=[result.pk]) not in page.content.decode()
    assert client.get(reverse("appraisal:unit_result_edit", args=[result.pk])).status_code == 403
    assert client.get(reverse("appraisal:unit_result_edit")).status_code == 403


@pytest.mark.parametrize(("persona", "status"),
                         [("officer_a", 200), ("viewer_a", 403), ("no_grant", 403),
                                                 ("candidate", 403), ("provincial_hr", 200)])
def test_who_may_record_a_new_result(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("appraisal:unit_result_edit")).status_code == status


def test_the_list_reads_a_bounded_number_of_queries(client, officer_a, world,
                                                    django_assert_max_num_queries):
    for size in (2, 20):
        UnitResult.objects.all().update(year=2000)  # out of the way
        for i in range(size):
            record(make_unit(f"Phòng {size}-{i}", parent=world.unit_a))
        client.force_login(officer_a)
        with django_assert_max_num_queries(14):
            page = client.get(reverse("appraisal:unit_results"), {"year": 2026})
        assert len(page.context["results"]) == size


# --- the form -------------------------------------------------------------------------------------

def test_the_hr_officer_records_then_corrects_a_units_result(client, officer_a, world):
    client.force_login(officer_a)
    url = reverse("appraisal:unit_result_edit")
    response = client.post(url, {"unit": world.unit_a1.pk, "year": 2026, "targets_planned": 12,
                                 "targets_on_time": 10, "targets_exceeded": 2, "level": "HTT",
                                 "corruption_case": "", "note": "Biên bản 5"})
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal:unit_results") + "?year=2026"
    result = UnitResult.objects.get()
    assert (result.unit, result.targets_on_time, result.level,
            result.note) == (world.unit_a1, 10, "HTT", "Biên bản 5")
    edit = reverse("appraisal:unit_result_edit", args=[result.pk])
    assert client.get(edit).context["form"].fields["unit"].disabled
    response = client.post(edit, {"unit": world.unit_b.pk, "year": 2030, "targets_planned": 12,
                                  "targets_on_time": 12, "targets_exceeded": 4, "level": "HTXS"})
    assert response.status_code == 302, response.context["form"].errors
    result.refresh_from_db()
    # The unit and the year stay whatever is posted.
    assert (result.unit, result.year, result.targets_on_time,
            result.level) == (world.unit_a1, 2026, 12, "HTXS")
    changes = AuditEntry.objects.filter(object_id=str(result.pk),
                                        content_type__model="unitresult").order_by("pk")
    assert [e.action for e in changes] == ["create", "update"] and changes.last().actor == officer_a


def test_targets_must_nest_and_a_second_result_is_refused(client, officer_a, world):
    client.force_login(officer_a)
    url = reverse("appraisal:unit_result_edit")
    data = {"unit": world.unit_a1.pk, "year": 2026, "targets_planned": 5, "targets_on_time": 6,
            "targets_exceeded": 7}
    form = client.post(url, data).context["form"]
    assert set(form.errors) == {"targets_on_time", "targets_exceeded"}
    record(world.unit_a1)
    form = client.post(url, {**data, "targets_on_time": 5, "targets_exceeded": 1}).context["form"]
    assert "unit" in form.errors and UnitResult.objects.count() == 1
    refused = client.post(url, {**data, "unit": world.unit_b.pk, "targets_on_time": 1,
                                "targets_exceeded": 0})
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors


# --- the import -----------------------------------------------------------------------------------

def test_the_import_creates_updates_and_leaves_unchanged_rows(tmp_path, world, officer_a):
    record(world.unit_b, planned=10, on_time=9, exceeded=1, level="HT")
    record(world.unit_a, planned=30, on_time=30, exceeded=5, level="HTXS")
    path = workbook(tmp_path, [
        ("A1", 2026, 12, 10, 2, "Hoàn thành tốt nhiệm vụ", "", "Theo biên bản số 5"),
        ("B", "2026", "10", "10", "0", "hoàn thành xuất sắc nhiệm vụ", "Kỷ luật 1 trường hợp", ""),
        ("A", 2026.0, 30, 30, 5, "HTXS", "", ""),
        ("P", 2025, 100, 80, 0, "", "", ""),  # not yet classified
    ])
    assert importer_class("unit_results") is UnitResultImporter
    summary, code = run(str(path))
    assert code == 0, summary["errors"]
    assert summary == {"rows": 4, "created": 2, "updated": 1, "unchanged": 1, "rejected": 0,
                       "errors": []}
    results = {(r.unit.code, r.year): r for r in UnitResult.objects.select_related("unit")}
    assert (results[("A1", 2026)].level,
            results[("A1", 2026)].note) == ("HTT", "Theo biên bản số 5")
    assert (results[("B", 2026)].targets_on_time, results[("B", 2026)].level) == (10, "HTXS")
    assert results[("B", 2026)].corruption_case == "Kỷ luật 1 trường hợp"
    assert results[("P", 2025)].level == ""
    imported = AuditEntry.objects.filter(content_type__model="unitresult",
                                         source=AuditEntry.Source.IMPORT)
    assert imported.count() == 3
    again, _code = run(str(path))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tmp_path, world):
    path = workbook(tmp_path, [
        ("A1", 2026, 12, 13, 2, "HTT", "", ""),  # more on time than planned
        ("A", 2026, 12, 10, 11, "HTT", "", ""),  # more exceeded than on time
        ("ZZ", 2026, 1, 1, 0, "HTT", "", ""),  # no such unit
        ("B", 2019, 1, 1, 0, "HTT", "", ""),  # not an appraisal year
        ("P", 2026, "mười", 1, 0, "Giỏi", "", ""),  # not a number, not a level
        ("P", 2026, 2.5, -1, 0, "HT", "", ""),  # not whole, negative
        ("A1", 2026, 12, 10, 2, "HTT", "", ""),  # the same unit and year as row 2
    ])
    summary, code = run(str(path))
    assert code == 1 and summary["created"] == 0 and UnitResult.objects.count() == 0
    found = {(e["row"], e["column"]) for e in summary["errors"]}
    assert {(2, "Hoàn thành đúng hạn, bảo đảm chất lượng"), (3, "Vượt chỉ tiêu"), (4, "Mã đơn vị"),
            (5, "Năm"), (6, "Chỉ tiêu kế hoạch"), (6, "Mức xếp loại"), (7, "Chỉ tiêu kế hoạch"),
            (7, "Hoàn thành đúng hạn, bảo đảm chất lượng"), (8, "Mã đơn vị")} <= found
    messages = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert "ZZ" in messages[(4, "Mã đơn vị")]
    assert "13" in messages[(2, "Hoàn thành đúng hạn, bảo đảm chất lượng")]
    message = messages[(8, "Mã đơn vị")].lower()
    assert "hàng 2" in message or "dòng 2" in message


def test_a_missing_required_column_is_named(tmp_path, world):
    summary, code = run(str(workbook(tmp_path, [("A", 2026, 1, 1, 0)], headers=HEADERS[:5])))
    assert code == 1 and summary["errors"][0]["column"] == "Mức xếp loại"


def test_an_officer_imports_only_for_the_units_they_manage(tmp_path, world, officer_a):
    path = workbook(tmp_path,
                    [("A1", 2026, 1, 1, 0, "HT", "", ""), ("B", 2026, 1, 1, 0, "HT", "", "")])
    summary, code = run(str(path), "--user", "officer_a")
    assert code == 1 and [(e["row"], e["column"]) for e in summary["errors"]] == [(3, "Mã đơn vị")]


def test_the_upload_page_offers_the_unit_results_template(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("core:import_create", args=["unit_results"])).status_code == 200
    template = client.get(reverse("core:import_template", args=["unit_results"]))
    assert template.status_code == 200
    assert template["Content-Disposition"].endswith('mau-nhap-unit_results.xlsx"')


@pytest.mark.parametrize(("raw", "level"),
                         [("HTXS", "HTXS"), ("htt", "HTT"), (" HT ", "HT"), ("KHT", "KHT"),
                                            ("Hoàn thành xuất sắc nhiệm vụ", "HTXS"),
                                            ("HOAN THANH TOT NHIEM VU", "HTT"),
                          ("Hoàn thành nhiệm vụ", "HT"),
                                            ("Không hoàn thành nhiệm vụ", "KHT")])
def test_levels_are_read_as_offices_write_them(raw, level):
    assert parse_level(raw) == level


def test_an_unknown_level_is_refused():
    with pytest.raises(CellError):
        parse_level("Xuất sắc")
