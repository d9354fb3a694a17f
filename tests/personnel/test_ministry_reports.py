"""The Ministry's report on the number and quality of staff (BM01/BM02 of TT 11/2012, the public
employees' report of TT 07/2019): who is counted as of a date, the columns, the sheet and the
command."""
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.access import UnitScope
from core.models import OrgUnit
from personnel.ministry_reports import FORMS, ministry_report
from personnel.ministry_xlsx import ministry_report_xlsx
from personnel.models import CareerEvent
from personnel.selectors import ServantFilter, servant_list
from personnel.services.servants import servant_leave
from tests.factories import make_servant, make_unit

pytestmark = pytest.mark.django_db

ON = date(2025, 12, 31)
EVERYTHING = UnitScope(everything=True)


def list_count(unit, on, *categories) -> int:
    """What the people list shows for the unit on that date, one category at a time."""
    return sum(servant_list(scope=EVERYTHING,
                            filters=ServantFilter(unit=unit, on=on, category=c)).count()
               for c in categories)


@pytest.fixture
def staff(world):
    a1, a = world.unit_a1, world.unit_a
    people = {
        # 35 on the date, woman, Tày, Party member since 2015, principal specialist with a master's
        # degree.
        "lan": make_servant(a1, full_name="Hoàng Thị Lan", sex="female",
                            date_of_birth=date(1990, 6, 1), ethnicity="Tày",
                            party_admission_date=date(2015, 5, 19), rank_code="01.002",
                            qualification="Thạc sĩ Kinh tế", political_theory="Trung cấp",
                            foreign_language="Tiếng Anh B1", it_skill="Ứng dụng CNTT cơ bản"),
        # 26 on the date (born after 31/12 of the 30-year limit), Kinh.
        "minh": make_servant(a1, full_name="Lê Văn Minh", date_of_birth=date(1999, 1, 10),
                             ethnicity="Kinh", recruitment_date=date(2022, 3, 1),
                             qualification="Cử nhân Luật", state_management="Chuyên viên"),
        # 58 on the date: band 51–60 and "men 56–60". Admitted to the Party after the date.
        "hung": make_servant(a, full_name="Phạm Văn Hùng", date_of_birth=date(1967, 3, 1),
                             party_admission_date=date(2026, 2, 3),
                             qualification="Trung cấp Hành chính"),
        # Left after the date: counted (the list of that day shows him).
        "left_after": make_servant(a1, full_name="Đỗ Văn Khoa", date_of_birth=date(1980, 1, 1)),
        # Left before the date: not counted.
        "left_before": make_servant(a1, full_name="Vũ Thị Hoa", sex="female",
                                    date_of_birth=date(1982, 2, 2)),
        # Joined after the date: not counted.
        "joined_after": make_servant(a1, full_name="Ngô Văn Tân", date_of_birth=date(2000, 4, 4),
                                     recruitment_date=date(2026, 2, 1)),
        # A public employee of the same division: in the VC report, not in BM01.
        "teacher": make_servant(a1, full_name="Mai Thị Thu", sex="female",
                                category="public_employee", date_of_birth=date(1975, 7, 7),
                                rank_code="V.07.05.15"),
        # Another department: outside A's subtree.
        "b": make_servant(world.unit_b, full_name="Trịnh Văn Bình", date_of_birth=date(1985, 1, 1)),
    }
    servant_leave(actor=None, servant=people["left_after"], kind=CareerEvent.Kind.RESIGNED,
                  last_day=date(2026, 3, 31))
    servant_leave(actor=None, servant=people["left_before"], kind=CareerEvent.Kind.RESIGNED,
                  last_day=date(2025, 6, 30))
    return people


def test_total_equals_the_people_list_on_the_same_day(world, staff):
    report = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=ON)
    assert report.total.counts["total"] == list_count(world.unit_a, ON, "civil_servant") == 4
    # A day after the resignation and after the newcomer joined: one out, one in.
    later = date(2026, 4, 15)
    report = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=later)
    assert report.total.counts["total"] == list_count(world.unit_a, later, "civil_servant") == 4
    province = ministry_report(scope=EVERYTHING, form="BM01", root=world.province, on=ON)
    assert province.total.counts["total"] == list_count(world.province, ON, "civil_servant") == 5


def test_rows_are_the_units_under_the_root_with_a_total(world, staff):
    report = ministry_report(scope=EVERYTHING, form="BM01", root=world.province, on=ON)
    by_code = {row.code: row.counts["total"] for row in report.rows}
    assert by_code == {"A": 4, "B": 1}
    own = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=ON)
    # Hùng works in the department itself: its own row beside the division's.
    assert {row.code: row.counts["total"] for row in own.rows} == {"A": 1, "A1": 3}
    assert sum(row.counts["total"] for row in own.rows) == own.total.counts["total"]


def test_female_party_minority_and_age_bands(world, staff):
    total = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=ON).total.counts
    assert total["female"] == 1  # Lan; Hoa left before the date
    assert total["party"] == 1  # Hùng joined the Party after the date
    assert total["ethnic_minority"] == 1
    assert (total["age_30_or_less"], total["age_31_40"], total["age_41_50"],
            total["age_51_60"]) == (1, 1, 1, 1)
    assert (total["age_male_56_60"], total["age_female_51_55"],
            total["age_over_retirement"]) == (1, 0, 0)
    bands = ("age_30_or_less", "age_31_40", "age_41_50", "age_51_60", "age_over_retirement")
    assert sum(total[key] for key in bands) == total["total"]
    assert (total["rank_principal"], total["rank_specialist"]) == (1, 3)
    assert (total["degree_master"], total["degree_university"],
            total["degree_intermediate"]) == (1, 1, 1)
    assert (total["theory_intermediate"], total["english_certificate"],
            total["it_certificate"]) == (1, 1, 1)
    assert total["management_specialist"] == 1


def test_someone_working_past_the_retirement_age_is_counted_so(world):
    make_servant(world.unit_a1, full_name="Cao Văn Lão", date_of_birth=date(1960, 1, 15))
    total = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=ON).total.counts
    assert (total["age_over_retirement"], total["age_51_60"]) == (1, 0)


def test_public_employees_report(world, staff):
    report = ministry_report(scope=EVERYTHING, form="VC", root=world.unit_a, on=ON)
    assert report.total.counts["total"] == list_count(world.unit_a, ON, "public_employee") == 1
    assert (report.total.counts["female"], report.total.counts["grade_3"]) == (1, 1)


def test_commune_form_counts_commune_cadres_and_civil_servants(world, staff):
    commune = make_unit("Xã Minh Quang", code="XMQ", parent=world.province,
                        kind=OrgUnit.Kind.COMMUNE)
    office = make_unit("Văn phòng HĐND và UBND xã", code="XMQ-VP", parent=commune)
    make_servant(commune, full_name="Chẩu Văn Sình", category="cadre", ethnicity="Nùng",
                 title="Chủ tịch UBND xã", date_of_birth=date(1978, 8, 8),
                 general_education="12/12")
    make_servant(office, full_name="Nông Thị Mai", sex="female", date_of_birth=date(1994, 4, 4),
                 general_education="9/12", recruitment_date=date(2018, 1, 2))
    make_servant(office, full_name="La Văn Tư", category="public_employee",
                 date_of_birth=date(1990, 1, 1))
    report = ministry_report(scope=EVERYTHING, form="BM02", root=commune, on=ON)
    total = report.total.counts
    assert total["total"] == list_count(commune, ON, "cadre", "civil_servant") == 2
    assert (total["commune_cadres"], total["commune_civil_servants"]) == (1, 1)
    assert (total["schooling_upper"], total["schooling_lower"],
            total["ethnic_minority"]) == (1, 1, 1)
    assert [row.code for row in report.rows] == ["XMQ"]
    # The province's BM01 leaves commune staff to BM02; BM02 for the province lists the commune.
    province = ministry_report(scope=EVERYTHING, form="BM01", root=world.province, on=ON)
    assert province.total.counts["total"] == 5
    assert [r.code for r in ministry_report(scope=EVERYTHING, form="BM02", root=world.province,
                                            on=ON).rows] == \
        ["XMQ"]


def test_an_officer_sees_only_the_units_of_their_scope(world, staff, officer_a):
    from core.access import unit_scope

    report = ministry_report(scope=unit_scope(officer_a), form="BM01", root=world.province, on=ON)
    assert [row.code for row in report.rows] == ["A"]
    assert report.total.counts["total"] == 4


def test_xlsx_opens_with_the_header_block_and_the_total(world, staff):
    report = ministry_report(scope=EVERYTHING, form="BM01", root=world.unit_a, on=ON)
    sheet = load_workbook(io.BytesIO(ministry_report_xlsx(report, place="Tuyên Quang"))).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    for expected in ("Biểu mẫu: BM01/BNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc",
                     "BÁO CÁO SỐ LƯỢNG, CHẤT LƯỢNG CÔNG CHỨC TỪ CẤP HUYỆN TRỞ LÊN NĂM 2025",
                     "Đơn vị báo cáo: Sở Nội vụ", "Tính đến ngày 31 tháng 12 năm 2025",
                     "Chia theo ngạch công chức", "Chuyên viên chính & TĐ", "Trên tuổi nghỉ hưu",
                     "NGƯỜI LẬP BẢNG", "THỦ TRƯỞNG ĐƠN VỊ", "Tuyên Quang, ngày …… tháng …… năm ……"):
        assert expected in texts, expected
    assert any("Ban hành kèm theo Thông tư số 11/2012/TT-BNV" in t for t in texts)
    assert any(t.startswith("– TT 18/2025/TT-BNV") for t in texts)  # the note on the text in force
    assert any(t.startswith("– Cột “Từ 51 đến 60 (*) – Tổng số”") for t in texts)
    # The form code sits in the left block, the reporting unit in the right one.
    assert sheet["A1"].value == "Biểu mẫu: BM01/BNV"
    total_row = next(row for row in sheet.iter_rows() if row[0].value == "Tổng số")
    assert total_row[3].value == 4  # "Tổng số công chức hiện có"
    assert any(str(r) == "A1:C1" for r in sheet.merged_cells.ranges)


def test_command_writes_the_sheet_and_prints_the_documented_keys(world, staff, tmp_path, capsys):
    out = tmp_path / "bm01.xlsx"
    call_command("ministry_report", str(out), "--form", "BM01", "--unit", "A", "--date",
                 "31/12/2025", "--json")
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"form", "unit", "date", "rows", "total"}
    assert (document["form"], document["unit"], document["date"]) == ("BM01", "A", "2025-12-31")
    assert document["total"]["total"] == 4
    assert {"code", "name", "total", "female", "party", "ethnic_minority",
            "age_30_or_less"} <= set(document["rows"][0])
    assert set(document["total"]) == set(document["rows"][0]) - {"code", "name"}
    assert load_workbook(out).active["A1"].value == "Biểu mẫu: BM01/BNV"


def test_command_refuses_an_unknown_unit(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("ministry_report", str(tmp_path / "x.xlsx"), "--form", "BM02", "--unit", "ZZ",
                     "--json")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_renders_on_an_empty_unit(world, form):
    report = ministry_report(scope=EVERYTHING, form=form, root=world.unit_b, on=ON)
    assert report.total.counts["total"] == 0
    sheet = load_workbook(io.BytesIO(ministry_report_xlsx(report))).active
    assert sheet["A1"].value.startswith("Biểu mẫu")


def test_page_previews_and_downloads_within_the_readers_units(client, world, staff, officer_a):
    from django.urls import reverse

    client.force_login(officer_a)
    url = reverse("personnel:ministry_report")
    page = client.get(url, {"form": "BM01", "unit": world.unit_a.pk, "on": "31/12/2025"})
    assert page.status_code == 200
    assert page.context["report"].total.counts["total"] == 4
    assert "BM01/BNV" in page.content.decode()
    # Department B is not officer A's: the page falls back to A's own units.
    outside = client.get(url, {"form": "BM01", "unit": world.unit_b.pk, "on": "31/12/2025"})
    assert outside.context["unit"] == world.unit_a
    assert world.unit_b not in list(outside.context["units"])
    download = client.get(url,
                          {"form": "BM01", "unit": world.unit_a.pk, "on": "31/12/2025",
                           "download": "xlsx"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(download.content)).active["A1"].value == "Biểu mẫu: BM01/BNV"


def test_queries_do_not_grow_with_people_or_units(world, staff, django_assert_max_num_queries):
    for number in range(6):
        division = make_unit(f"Phòng {number}", parent=world.unit_a)
        make_servant(division, full_name=f"Người Thứ {number}",
                     date_of_birth=date(1980 + number, 1, 1))
    with django_assert_max_num_queries(4):
        report = ministry_report(scope=EVERYTHING, form="BM01", root=world.province, on=ON)
    assert report.total.counts["total"] == 11


def test_a_closed_unit_is_reported_empty_with_a_warning(world, tmp_path, capsys):
    from core.models import OrgUnit as Unit

    Unit.objects.filter(pk=world.unit_b.pk).update(valid_to=date(2025, 6, 30))
    call_command("ministry_report", str(tmp_path / "b.xlsx"), "--form", "BM01", "--unit", "B",
                 "--date", "2025-12-31", "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"]["total"] == 0
    assert "không tồn tại vào ngày 31/12/2025" in captured.err
