"""retirement_forecast and export_personnel as DESIGN.md §4 names them."""
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from personnel.models import CivilServant
from tests.factories import make_servant, make_unit

pytestmark = pytest.mark.django_db


def run_json(*args, capsys) -> tuple[int, object]:
    code = 0
    try:
        call_command(*args, "--json")
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def people(world):
    return {
        "man_1965": make_servant(world.unit_a1, code="M65", full_name="Nguyễn Văn Nam",
                                 date_of_birth=date(1965, 3, 10)),
        "woman_1969": make_servant(world.unit_a1, code="F69", full_name="Trần Thị Nữ", sex="female",
                                   date_of_birth=date(1969, 11, 2)),
        "year_only": make_servant(world.unit_b, code="Y64", full_name="Lê Văn Năm",
                                  date_of_birth=date(1964, 1, 1), birth_precision="year"),
        "young": make_servant(world.unit_b, code="Y90", full_name="Phạm Văn Trẻ",
                              date_of_birth=date(1990, 1, 1)),
    }


def test_retirement_forecast_lists_exactly_the_people_retiring_in_the_range(people, capsys):
    code, rows = run_json("retirement_forecast", "--from", "2025-01-01", "--to", "31/12/2026",
                          capsys=capsys)
    assert code == 0
    assert rows == [
        {"code": "Y64", "name": "Lê Văn Năm", "sex": "male", "date_of_birth": "1964-01-01",
         "retirement_date": "2025-04-30", "pension_start_date": "2025-05-01"},
        {"code": "M65", "name": "Nguyễn Văn Nam", "sex": "male", "date_of_birth": "1965-03-10",
         "retirement_date": "2026-09-30", "pension_start_date": "2026-10-01"},
        # Born 11/1969: Appendix I gives 57 years, reached in 11/2026.
        {"code": "F69", "name": "Trần Thị Nữ", "sex": "female", "date_of_birth": "1969-11-02",
         "retirement_date": "2026-11-30", "pension_start_date": "2026-12-01"},
    ]


def test_retirement_forecast_by_unit_subtree(people, world, capsys):
    _, rows = run_json("retirement_forecast", "--from", "2025-01-01", "--to", "2035-12-31",
                       "--unit", "A", capsys=capsys)
    assert [r["code"] for r in rows] == ["M65", "F69"]
    assert rows[1]["retirement_date"] == "2026-11-30"


def test_retirement_forecast_rejects_an_unknown_unit(people):
    with pytest.raises(Exception, match="Không tìm thấy đơn vị"):
        call_command("retirement_forecast", "--from", "2025-01-01", "--to", "2026-01-01", "--unit",
                     "ZZ", "--json")


def test_export_personnel_writes_the_units_people(people, tmp_path, capsys):
    target = tmp_path / "out.xlsx"
    code, doc = run_json("export_personnel", str(target), "--unit", "B", capsys=capsys)
    assert code == 0 and doc == {"file": str(target), "rows": 2}
    sheet = load_workbook(target).active
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(codes) == ["Y64", "Y90"]
    year_only = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Y64")
    assert year_only[2].value == "1964"


def test_an_export_imports_back_unchanged(people, tmp_path, capsys):
    target = tmp_path / "round.xlsx"
    run_json("export_personnel", str(target), capsys=capsys)
    code, doc = run_json("import_personnel", str(target), capsys=capsys)
    assert code == 0, doc
    assert (doc["rows"], doc["created"], doc["updated"], doc["unchanged"]) == (4, 0, 0, 4)


def test_unit_tree_of_a_big_province_is_not_needed_for_the_forecast(world, capsys):
    make_unit("Phòng trống", parent=world.unit_a)
    code, rows = run_json("retirement_forecast", "--from", "2030-01-01", "--to", "2030-12-31",
                          capsys=capsys)
    assert code == 0 and rows == []


@pytest.mark.parametrize("loaded", [False, True])
def test_retirement_forecast_over_the_whole_century(loaded, request, capsys):
    """Who retires, ever: 1900–2100 on an empty and on a filled database, every key as
    documented."""
    if loaded:
        request.getfixturevalue("people")
    else:
        request.getfixturevalue("world")
    code, rows = run_json("retirement_forecast", "--from", "1900-01-01", "--to", "2100-12-31",
                          capsys=capsys)
    assert code == 0
    assert [r["code"] for r in rows] == (["Y64", "M65", "F69", "Y90"] if loaded else [])
    for row in rows:
        assert set(row) == {"code", "name", "sex", "date_of_birth", "retirement_date",
                            "pension_start_date"}
    if loaded:  # born 1/1990: 62 years (the roadmap's end), reached in 1/2052
        assert rows[-1]["retirement_date"] == "2052-01-31"


def test_retirement_forecast_before_1900_is_a_clear_error(world):
    with pytest.raises(Exception, match="trước ngày 01/01/1900"):
        call_command("retirement_forecast", "--from", "1850-01-01", "--to", "1950-01-01", "--json")


def test_someone_who_retired_in_1990_retired_at_60_under_the_rule_then(world, capsys):
    old = make_servant(world.unit_a1, code="OLD", full_name="Đỗ Văn Cụ",
                       date_of_birth=date(1930, 5, 2))
    CivilServant.objects.filter(pk=old.pk).update(status=CivilServant.Status.RETIRED)
    _, rows = run_json("retirement_forecast", "--from", "1990-01-01", "--to", "1990-12-31",
                       capsys=capsys)
    assert rows == [{"code": "OLD", "name": "Đỗ Văn Cụ", "sex": "male",
                     "date_of_birth": "1930-05-02", "retirement_date": "1990-05-31",
                     "pension_start_date": "1990-06-01"}]
