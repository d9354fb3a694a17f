"""The year's summary as .xlsx: one row per person as the board computes them (as stored once the
year is closed), the header block, the level counts per appraising unit, the reader's units only,
the access record, and a bounded number of queries whatever the number of people."""
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal import services
from appraisal.exporters import PEOPLE_SHEET, UNITS_SHEET
from appraisal.models import Appraisal
from core.models import AccessRecord
from personnel.models import CivilServant
from personnel.services.records import discipline_record
from personnel.services.servants import Decision
from tests.factories import VIEW, UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db

HEADER_ROW = 7  # Excel row of the column headers, under the header block
FIXED = ["Mã cán bộ", "Họ và tên", "Đơn vị công tác", "Đơn vị đánh giá", "Nhóm nhiệm vụ",
         "Lãnh đạo", "Bộ quy tắc"]
TAIL = ["Điểm cả năm", "Mức xếp loại", "Bị hạ do tỷ lệ", "Lý do"]


def scores(appraisal, points, percent=100, periods=range(1, 13)):
    services.period_scores_save(actor=None, rows=[
        {"appraisal_id": appraisal.pk, "period": p, "general": Decimal(points),
         "quantity": Decimal(percent), "quality": Decimal(percent),
         "progress": Decimal(percent)} for p in periods])


@pytest.fixture
def year(world):
    """Department A (its head) and division A1; one staff member at HTXS by score (alone, so the
    quota moves them down), one at HTT, one at HT, one at KHT; department B apart."""
    make_servant(world.unit_a, code="A-HEAD", full_name="Trần Văn Trưởng")
    CivilServant.objects.filter(code="A-HEAD").update(leadership="head")
    for code, name in [("A-0", "Nguyễn Văn An"), ("A-1", "Lê Thị Bình"), ("A-2", "Phạm Minh Chí"),
                       ("A-3", "Hoàng Văn Dũng")]:
        make_servant(world.unit_a1, code=code, full_name=name)
    make_servant(world.unit_b, code="B-1", full_name="Lê Văn Bê")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    cycle_b = services.cycle_open(actor=None, unit=world.unit_b, year=2026)
    by_code = {a.servant.code: a for a in Appraisal.objects.select_related("servant")}
    scores(by_code["A-0"], 30)  # 30 + 70 = 100
    scores(by_code["A-3"], 25, 80)  # 25 + 56 = 81
    # 20 + 35 = 55 eleven months and 56 in December: 55.0833… for the year.
    scores(by_code["A-1"], 20, 50, periods=range(1, 12))
    scores(by_code["A-1"], 21, 50, periods=[12])
    scores(by_code["A-2"], 10, 50)  # 45
    services.period_scores_save(actor=None, rows=[
        {"appraisal_id": by_code["A-HEAD"].pk, "period": p, "general": Decimal(30),
         "quantity": Decimal(100), "quality": Decimal(100), "progress": Decimal(100),
         "organisation": Decimal(100), "solidarity": Decimal(100)} for p in range(1, 13)])
    scores(by_code["B-1"], 28)
    return cycle, cycle_b


def download(client, cycle):
    response = client.get(reverse("appraisal:cycle_export", args=[cycle.pk]))
    assert response.status_code == 200, response.status_code
    return response, load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def people_rows(book) -> dict[str, dict]:
    sheet = book[PEOPLE_SHEET]
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows}


def test_the_summary_has_a_row_per_person_with_each_period_the_year_the_level_and_why(
    client, officer_a, year, time_machine
):
    # The file and its "Ngày lập" carry the day it was made: made on a fixed day, read against it.
    time_machine.move_to(datetime(2026, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                         tick=False)
    cycle, _cycle_b = year
    client.force_login(officer_a)
    response, book = download(client, cycle)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "ket-qua-danh-gia-2026-A-20261215.xlsx" in response["Content-Disposition"]
    assert book.sheetnames == [PEOPLE_SHEET, UNITS_SHEET]
    sheet = book[PEOPLE_SHEET]
    # The header block: the year, the unit and the date.
    assert sheet["A1"].value == "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026"
    assert (sheet["A2"].value, sheet["B2"].value) == ("Năm", 2026)
    assert (sheet["A3"].value, sheet["B3"].value) == ("Đơn vị", "Sở Nội vụ (A)")
    assert sheet["A4"].value == "Ngày lập" and sheet["B4"].value.date() == date(2026, 12, 15)
    assert [c.value for c in sheet[HEADER_ROW]] == [*FIXED, *(f"Tháng {p}" for p in range(1, 13)),
                                                    *TAIL]
    rows = people_rows(book)
    # The board's order (Vietnamese name order within the appraising unit); B is another cycle.
    assert list(rows) == ["A-0", "A-1", "A-2", "A-3", "A-HEAD"]
    an = rows["A-0"]
    assert (an["Họ và tên"], an["Đơn vị công tác"], an["Đơn vị đánh giá"]) == (
        "Nguyễn Văn An", "Phòng Công chức, viên chức", "Sở Nội vụ")
    assert (an["Lãnh đạo"], an["Bộ quy tắc"], an["Tháng 1"],
            an["Điểm cả năm"]) == (None, "APPR-ND335", 100, 100)
    # HTXS by its score, alone at HTXS with one at HTT: the quota leaves no place.
    assert (an["Mức xếp loại"], an["Bị hạ do tỷ lệ"]) == ("HTT", "Có") and "tỷ lệ" in an["Lý do"]
    binh = rows["A-1"]
    assert (binh["Tháng 11"], binh["Tháng 12"], binh["Điểm cả năm"]) == (55, 56, 55.08)
    assert (binh["Mức xếp loại"], binh["Bị hạ do tỷ lệ"]) == ("HT", "Không")
    assert (rows["A-2"]["Mức xếp loại"], rows["A-3"]["Mức xếp loại"]) == ("KHT", "HTT")
    # The head alone at HTXS in the leaders' group is moved down too.
    assert (rows["A-HEAD"]["Lãnh đạo"], rows["A-HEAD"]["Bị hạ do tỷ lệ"]) == ("Cấp trưởng", "Có")
    score_column = FIXED.index("Bộ quy tắc") + 12 + 2  # 1-based: after the twelve months
    assert sheet.cell(row=HEADER_ROW + 3, column=score_column).number_format == "0.00"


def test_the_second_sheet_counts_the_levels_per_appraising_unit(client, officer_a, year):
    cycle, _cycle_b = year
    client.force_login(officer_a)
    _response, book = download(client, cycle)
    sheet = book[UNITS_SHEET]
    assert sheet["A1"].value.endswith("NĂM 2026") and sheet["B3"].value == "Sở Nội vụ (A)"
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    assert rows[0] == ("Mã đơn vị", "Đơn vị đánh giá", "Số người", "HTXS", "HTT", "HT", "KHT",
                       "Chưa xếp loại", "Bị hạ do tỷ lệ")
    # Everyone in A and A1 is appraised by A, where the quota counts: no HTXS left, three HTT (two
    # of them moved down), one HT, one KHT.
    assert rows[1:] == [("A", "Sở Nội vụ", 5, 0, 3, 1, 1, 0, 2),
                        (None, "Tổng cộng", 5, 0, 3, 1, 1, 0, 2)]


def test_a_quarterly_year_has_a_column_per_quarter_and_a_person_without_scores_is_not_classified(
    client, world, officer_b
):
    make_servant(world.unit_b, code="B-Q", full_name="Đỗ Thị Quý", sex="female")
    cycle = services.cycle_open(actor=None, unit=world.unit_b, year=2026, period_kind="quarter")
    client.force_login(officer_b)
    _response, book = download(client, cycle)
    assert [c.value for c in book[PEOPLE_SHEET][HEADER_ROW]] == [*FIXED, "Quý I", "Quý II",
                                                                 "Quý III", "Quý IV", *TAIL]
    row = people_rows(book)["B-Q"]
    assert (row["Quý I"], row["Điểm cả năm"], row["Mức xếp loại"]) == (None, None, None)
    assert row["Lý do"].startswith("Chưa có điểm")
    first_unit = next(book[UNITS_SHEET].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert first_unit == ("B", "Sở Y tế", 1, 0, 0, 0, 0, 1, 0)


def test_a_closed_year_shows_the_results_written_when_it_was_closed(client, officer_a, year):
    cycle, _cycle_b = year
    services.cycle_close(actor=officer_a, cycle=cycle)
    # A reprimand recorded after the close would make the computed level KHT: the closed year keeps
    # the level it was decided with.
    binh = CivilServant.objects.get(code="A-1")
    discipline_record(actor=None, servant=binh, form="reprimand", violation="Vi phạm giờ giấc",
                      effective_from=date(2026, 5, 4),
                      decision=Decision("12/QĐ", date(2026, 5, 4), "Giám đốc"))
    client.force_login(officer_a)
    _response, book = download(client, cycle)
    row = people_rows(book)["A-1"]
    stored = Appraisal.objects.get(servant=binh)
    assert (row["Mức xếp loại"], row["Điểm cả năm"]) == (stored.level, 55.08) == ("HT", 55.08)
    assert row["Lý do"] == "\n".join(stored.reasons)
    assert book[PEOPLE_SHEET]["B5"].value.startswith("Đã khóa sổ")


def test_only_the_people_appraised_in_the_readers_units_are_exported(client, world):
    # People are shown by the unit they work in: a reader granted the division sees its people
    # (appraised, and counted in the quota, by the department), one granted the department too;
    # another department's reader sees none of them.
    make_servant(world.unit_a1, code="A1-1", full_name="Vũ Văn Một")
    make_servant(world.unit_a, code="A-9", full_name="Lê Văn Chín")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    client.force_login(grant(UserFactory(username="xem.a1"), world.unit_a1, VIEW))
    assert list(people_rows(download(client, cycle)[1])) == ["A1-1"]
    client.force_login(grant(UserFactory(username="xem.a"), world.unit_a, VIEW))
    assert sorted(people_rows(download(client, cycle)[1])) == ["A-9", "A1-1"]


def test_a_year_outside_the_readers_units_is_not_found(client, officer_b, year):
    cycle, _cycle_b = year
    client.force_login(officer_b)
    assert client.get(reverse("appraisal:cycle_export", args=[cycle.pk])).status_code == 404


def test_the_export_is_recorded_in_the_access_records(client, viewer_a, year):
    cycle, _cycle_b = year
    client.force_login(viewer_a)
    download(client, cycle)
    record = AccessRecord.objects.get(user=viewer_a)
    assert (record.action, record.count) == (AccessRecord.Action.EXPORT, 5)
    assert record.filters == {"appraisal_cycle": cycle.pk, "year": 2026, "unit": "A"}
    assert record.path == reverse("appraisal:cycle_export", args=[cycle.pk])


def test_text_cells_that_look_like_formulas_are_neutralised(client, officer_a, year):
    cycle, _cycle_b = year
    Appraisal.objects.filter(servant__code="A-0").update(task_group="=HYPERLINK(\"http://x\")")
    client.force_login(officer_a)
    _response, book = download(client, cycle)
    assert people_rows(book)["A-0"]["Nhóm nhiệm vụ"] == "'=HYPERLINK(\"http://x\")"


def test_the_board_links_to_the_export(client, viewer_a, year):
    cycle, _cycle_b = year
    client.force_login(viewer_a)
    board = client.get(reverse("appraisal:board", args=[cycle.pk])).content.decode()
    assert reverse("appraisal:cycle_export", args=[cycle.pk]) in board


def _export_queries(client, cycle) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("appraisal:cycle_export", args=[cycle.pk]))
        content = b"".join(response.streaming_content)
    assert content.startswith(b"PK")
    return len(queries)


def test_the_export_reads_the_same_number_of_queries_for_4_and_40_people(client, officer_a, world):
    counts = []
    for size, unit in ((4, world.unit_a), (40, world.unit_b)):
        for i in range(size):
            make_servant(unit, code=f"{unit.code}-{i:02d}", full_name=f"Trần Văn {i}")
        cycle = services.cycle_open(actor=None, unit=unit, year=2026)
        for a in Appraisal.objects.filter(cycle=cycle):
            scores(a, 20 + a.pk % 10)
        client.force_login(grant(UserFactory(username=f"hr.{unit.code}"), unit))
        counts.append(_export_queries(client, cycle))
    assert counts[0] == counts[1] and counts[1] <= 25
