"""An appraisal year end to end: opening it, the period scores imported, the results with their
levels, reasons and quota, the close; the commands' JSON exactly as the issue names it."""
import io
import json
from contextlib import redirect_stdout
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from appraisal import services
from appraisal.models import Appraisal, AppraisalCycle, PeriodScore
from appraisal.results import appraisals_of, compute
from personnel.models import CivilServant
from personnel.services.records import discipline_record
from personnel.services.servants import Decision
from tests.factories import make_servant

pytestmark = pytest.mark.django_db

HEADERS = ["Mã cán bộ", "Kỳ", "Nhóm nhiệm vụ", "Tiêu chí chung (điểm)", "Số lượng (%)",
           "Chất lượng (%)", "Tiến độ (%)", "Tổ chức triển khai (%)", "Tập hợp, đoàn kết (%)"]


def workbook(tmp_path, rows, name="diem.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    book.save(path)
    return path


def run(command, *args) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        with redirect_stdout(out):  # --json writes its one document to the process's stdout
            call_command(command, *args, "--json")
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def year_rows(code, points, quantity, quality, progress, periods=range(1, 13), leader=None):
    extra = leader or ("", "")
    return [(code, f"Tháng {p}", "", points, quantity, quality, progress, *extra) for p in periods]


@pytest.fixture
def unit(world):
    """Department A (its head) and its division A1 (four staff)."""
    people = {
        "head": make_servant(world.unit_a, code="A-HEAD", full_name="Trần Văn Trưởng"),
        "an": make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An"),
        "binh": make_servant(world.unit_a1, code="A-02", full_name="Lê Thị Bình", sex="female"),
        "chi": make_servant(world.unit_a1, code="A-03", full_name="Phạm Minh Chí"),
        "dung": make_servant(world.unit_a1, code="A-04", full_name="Hoàng Văn Dũng"),
    }
    CivilServant.objects.filter(code="A-HEAD").update(leadership="head")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    return cycle, people


def test_opening_a_year_enrols_everyone_with_their_rule_set_group_and_appraising_unit(unit, world):
    cycle, people = unit
    appraisals = {a.servant.code: a
                      for a in Appraisal.objects.filter(cycle=cycle).select_related("servant")}
    assert set(appraisals) == {"A-HEAD", "A-01", "A-02", "A-03", "A-04"}
    assert {a.rule_set for a in appraisals.values()} == {"APPR-ND335"}
    # The division's people are appraised by their department, within which the quota counts.
    assert appraisals["A-01"].unit == world.unit_a and appraisals["A-01"].work_unit == world.unit_a1
    assert appraisals["A-HEAD"].leader == "head"
    assert appraisals["A-HEAD"].task_group != appraisals["A-01"].task_group
    # Opening again enrols only who arrived since.
    make_servant(world.unit_a1, code="A-05", full_name="Vũ Thị Em", sex="female")
    services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    assert Appraisal.objects.filter(cycle=cycle).count() == 6


def test_a_public_employee_of_2026_and_anyone_in_2025_are_under_nd90(world):
    make_servant(world.unit_b, code="B-VC", category="public_employee")
    make_servant(world.unit_b, code="B-CC")
    services.cycle_open(actor=None, unit=world.unit_b, year=2026)
    services.cycle_open(actor=None, unit=world.unit_b, year=2025)
    found = {(a.cycle.year, a.servant.code): a.rule_set
             for a in Appraisal.objects.select_related("cycle", "servant")}
    assert found == {(2026, "B-VC"): "APPR-ND90", (2026, "B-CC"): "APPR-ND335",
                     (2025, "B-VC"): "APPR-ND90", (2025, "B-CC"): "APPR-ND90"}


def test_imported_scores_give_levels_by_the_bands_of_art_20(unit, tmp_path):
    _cycle, _people = unit
    path = workbook(tmp_path, [
        # 30 + 70 × 100 % = 100 → HTXS; 20 + 70 × 0.7143 ≈ 70 → HTT; 15 + 70 × 0.5 = 50 → HT
        # exactly.
        *year_rows("A-01", 30, 100, 100, 100),
        *year_rows("A-02", 20, 50, 50, 50),
        *year_rows("A-03", 15, 50, 50, 50),
        *year_rows("A-04", 10, 50, 50, 50),
        *year_rows("A-HEAD", 30, 100, 100, 100, leader=(100, 100)),
    ])
    summary, code = run("import_appraisal_scores", str(path), "--year", "2026")
    assert code == 0 and summary["errors"] == [] and summary["created"] == 60
    assert PeriodScore.objects.count() == 60
    document, code = run("appraisal_results", "--year", "2026")
    assert code == 0 and set(document) == {"year", "rule_set", "people"}
    assert (document["year"], document["rule_set"]) == (2026, "APPR-ND335")
    people = {p["code"]: p for p in document["people"]}
    assert set(people["A-01"]) >= {"code", "name", "unit", "task_group", "score", "level",
                                   "reasons"}
    assert people["A-01"]["name"] == "Nguyễn Văn An" and people["A-01"]["unit"] == "A"
    # 100 points is HTXS by its band, but alone at HTXS with no one at HTT in the group the quota
    # (≤ 20 % of HTT, counting those moved down) leaves no place: HTT, and the board says why.
    assert (people["A-01"]["score"], people["A-01"]["level"]) == (100.0, "HTT")
    assert people["A-01"]["moved_down"] and "90" in people["A-01"]["reasons"][0]
    assert (people["A-02"]["score"], people["A-02"]["level"]) == (55.0, "HT")
    assert (people["A-03"]["score"], people["A-03"]["level"]) == (50.0, "HT")  # exactly 50 is HT
    assert (people["A-04"]["score"], people["A-04"]["level"]) == (45.0, "KHT")
    assert all(p["reasons"] and all(isinstance(r, str) for r in p["reasons"])
               for p in people.values())
    # A-04 is below 50 every month: the head's component d is 50 %, ratio (100×3+50+100+100)/6.
    head = people["A-HEAD"]
    assert head["score"] == pytest.approx(float(30 + Decimal(70) * Decimal(550) / Decimal(600)),
                                          abs=0.005)


def test_a_reprimand_decided_within_the_year_makes_it_kht_but_not_one_of_the_year_before(
    unit, tmp_path):
    _cycle, people = unit
    run("import_appraisal_scores", str(workbook(tmp_path, [*year_rows("A-01", 30, 100, 100, 100),
                                                            *year_rows("A-02", 30, 100, 100,
                                                                       100)])),
        "--year", "2026")
    discipline_record(actor=None, servant=people["an"], form="reprimand",
                      violation="Vi phạm giờ giấc", effective_from=date(2026, 5, 4),
                      decision=Decision("12/QĐ", date(2026, 5, 4), "Giám đốc"))
    discipline_record(actor=None, servant=people["binh"], form="reprimand",
                      violation="Vi phạm giờ giấc", effective_from=date(2025, 11, 3),
                      decision=Decision("7/QĐ", date(2025, 11, 3), "Giám đốc"))
    document = run("appraisal_results", "--year", "2026", "--unit", "A")[0]
    people_out = {p["code"]: p for p in document["people"]}
    assert people_out["A-01"]["level"] == "KHT"
    assert any("kỷ luật" in reason.lower() for reason in people_out["A-01"]["reasons"])
    assert people_out["A-02"]["level"] in ("HTXS", "HTT")


def test_the_quota_counts_those_moved_down_as_htt_and_the_highest_scores_keep_it(world, tmp_path):
    scores = {"Q-1": 30, "Q-2": 29, "Q-3": 28, "Q-4": 20, "Q-5": 20, "Q-6": 20}
    for code in scores:
        make_servant(world.unit_b, code=code, full_name=f"Người {code}")
    services.cycle_open(actor=None, unit=world.unit_b, year=2026)
    rows = [r for code, points in scores.items() for r in year_rows(code, points, 100, 100, 100)]
    run("import_appraisal_scores", str(workbook(tmp_path, rows)), "--year", "2026")
    results = {r.appraisal.servant.code: r
                   for r in compute(appraisals_of(2026, world.unit_b)).results}
    # Scores 100, 99, 98 (HTXS) and three of 90 … no: 20 + 70 = 90 is HTXS too. Six at HTXS, none at
    # HTT: k ≤ 20 % × (6 − k) gives k = 1 — only the highest keeps it.
    assert [code for code, r in results.items() if r.level == "HTXS"] == ["Q-1"]
    assert all(results[c].moved_down and results[c].level == "HTT"
                   for c in ("Q-2", "Q-3", "Q-4", "Q-5", "Q-6"))
    assert any("tỷ lệ" in reason for reason in results["Q-2"].reasons)


def test_errors_are_reported_by_row_and_column_and_nothing_is_written(unit, tmp_path):
    path = workbook(tmp_path, [
        ("A-01", "Tháng 1", "", 27, 100, 90, 95, "", ""),
        ("A-99", "Tháng 1", "", 27, 100, 90, 95, "", ""),  # no such person
        ("A-02", "Quý II", "", 27, 100, 90, 95, "", ""),  # a quarter in a monthly year
        ("A-03", "Tháng 2", "", 35, 100, 90, 95, "", ""),  # over 30 points
        ("A-01", "T1", "", 27, 100, 90, 95, "", ""),  # the same person and month as row 2
        ("A-04", "Tháng 13", "", 27, 100, 90, 95, "", ""),
        ("A-HEAD", "Tháng 1", "", 27, 100, 90, 95, "", ""),  # a leader without đ and e
    ])
    summary, code = run("import_appraisal_scores", str(path), "--year", "2026")
    assert code == 1 and summary["created"] == 0 and PeriodScore.objects.count() == 0
    found = {(e["row"], e["column"]) for e in summary["errors"]}
    assert {(3, "Mã cán bộ"), (4, "Kỳ"), (5, "Tiêu chí chung (điểm)"), (6, "Kỳ"),
            (7, "Kỳ")} <= found
    assert any(e["row"] == 8 for e in summary["errors"])


def test_a_percent_formatted_column_is_read_as_percents(unit, tmp_path):
    path = workbook(tmp_path, [("A-01", 3, "Chuyên môn", 27, 1.0, 0.9, 0.95, "", "")])
    summary, _code = run("import_appraisal_scores", str(path), "--year", "2026")
    assert summary["errors"] == []
    row = PeriodScore.objects.get()
    assert (row.period, row.quantity, row.quality, row.progress) == (3, 100, 90, 95)
    assert row.appraisal.task_group == "Chuyên môn"


def test_closing_the_year_writes_the_levels_and_freezes_it(unit, tmp_path, officer_a):
    cycle, _people = unit
    run("import_appraisal_scores", str(workbook(tmp_path, year_rows("A-01", 30, 100, 100, 100))),
        "--year", "2026")
    services.cycle_close(actor=officer_a, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == AppraisalCycle.Status.CLOSED
    appraisal = Appraisal.objects.get(servant__code="A-01")
    # Alone in the group: HTXS by score, moved down by the quota (no one at HTT).
    assert (appraisal.level, appraisal.score, appraisal.status) == ("HTT", Decimal("100.0000"),
                                                                    "decided")
    assert appraisal.moved_down
    assert appraisal.reasons
    summary, code = run("import_appraisal_scores",
                        str(workbook(tmp_path, year_rows("A-01", 10, 10, 10, 10))), "--year",
                        "2026")
    assert code == 1 and "2026" in summary["errors"][0]["message"]


def test_a_score_at_the_band_edge_is_published_on_its_own_side_of_it(unit):
    """Months of 90,00 and 89,99: the exact mean 89,995 is HTT, and it is shown as 89,99 (two places
    half up would print 90,00 beside HTT) on the board, in the JSON and in the reason."""
    cycle, people = unit
    appraisal = Appraisal.objects.get(cycle=cycle, servant=people["an"])
    rows = [{"appraisal_id": appraisal.pk, "period": p, "general": general,
             "quantity": Decimal(100), "quality": Decimal(100), "progress": Decimal(100)}
            for p, general in ((1, Decimal(20)), (2, Decimal("19.99")))]
    services.period_scores_save(actor=None, rows=rows)
    document, code = run("appraisal_results", "--year", "2026")
    person = next(p for p in document["people"] if p["code"] == "A-01")
    assert (person["score"], person["level"]) == (89.99, "HTT")
    assert person["reasons"][0].startswith("Điểm 89,99 từ 70 đến dưới 90")
