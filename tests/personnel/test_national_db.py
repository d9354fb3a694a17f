"""sync_national_db: the national CBCCVC database file (ND 27/2026) in full and as a change feed
read from the field history (DESIGN.md §4, issue 16 deliver 2)."""
import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AccessRecord
from personnel import national_db
from personnel.management.commands.sync_national_db import Command
from personnel.models import CareerEvent
from personnel.rules.discipline import REPRIMAND
from personnel.services.records import discipline_record
from personnel.services.servants import servant_assign, servant_leave, servant_update
from tests.factories import make_servant

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
README = Path(__file__).resolve().parents[2] / "README.md"


def at(day: int, hour: int, minute: int = 0):
    """A moment of July 2026 in Vietnam (the exchange starts on 1/7/2026)."""
    return time_machine.travel(datetime(2026, 7, day, hour, minute, tzinfo=VN), tick=False)


def sync(*args) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command("sync_national_db", *args, "--json", stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def read_jsonl(path) -> tuple[dict, list[dict]]:
    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert lines[0]["record"] == "header" and all(line["record"] == "person" for line in lines[1:])
    return lines[0], lines[1:]


def by_id(people: list[dict]) -> dict[str, dict]:
    return {line["data"]["so_dinh_danh_ca_nhan"]: line for line in people}


@pytest.fixture
def staff(world):
    with at(1, 8):
        return {
            "an": make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An",
                               date_of_birth=date(1980, 7, 5), ethnicity="Kinh"),
            "binh": make_servant(world.unit_a, code="A-02", full_name="Trần Thị Bình",
                                 sex="female"),
            "cuong": make_servant(world.unit_b, code="B-01", full_name="Lê Văn Cường"),
        }


def test_the_full_file_holds_every_working_servant_of_the_unit_with_their_values(staff, tmp_path):
    with at(2, 9):
        servant_leave(actor=None, servant=staff["binh"], kind=CareerEvent.Kind.RETIRED,
                      last_day=date(2026, 7, 1))
        code, summary = sync("--out", str(tmp_path / "a.jsonl"), "--unit", "A")
    assert code == 0
    assert (summary["mode"], summary["records"], summary["since"]) == ("full", 1, None)
    # ID numbers and health data: readable by the file's owner only
    assert (tmp_path / "a.jsonl").stat().st_mode & 0o077 == 0
    head, people = read_jsonl(tmp_path / "a.jsonl")
    assert (head["mode"], head["unit"], head["key"], head["fields"]) == (
        "full", "A", "so_dinh_danh_ca_nhan", list(national_db.FIELD_CODES))
    an = staff["an"]
    assert list(by_id(people)) == [an.national_id]  # Bình retired; Cường works in B
    line = people[0]
    assert (line["op"], line["changed_at"], line["changed_fields"]) == ("full", None, None)
    shown = ("ma_can_bo", "ho_va_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "ma_don_vi", "ma_ngach",
             "bac_luong", "he_so_luong", "trang_thai")
    assert {k: line["data"][k] for k in shown} == {
        "ma_can_bo": "A-01", "ho_va_ten": "Nguyễn Văn An", "ngay_sinh": "1980-07-05",
        "gioi_tinh": "male",
        "dan_toc": "Kinh", "ma_don_vi": "A1", "ma_ngach": "01.003", "bac_luong": 3,
        "he_so_luong": str(an.salary_coefficient), "trang_thai": "active"}
    assert set(line["data"]) == set(national_db.FIELD_CODES)

    with at(2, 10):
        # The province: An and Cường
        assert sync("--out", str(tmp_path / "all.jsonl"))[1]["records"] == 2


def test_a_change_after_since_is_in_the_feed_and_one_before_is_not(staff, tmp_path):
    with at(1, 10):
        servant_update(actor=None, servant=staff["an"], ethnicity="Tày")
    with at(1, 14):
        servant_update(actor=None, servant=staff["cuong"], religion="Phật giáo")
    with at(1, 15):
        discipline_record(actor=None, servant=staff["binh"], form=REPRIMAND,
                          violation="Đi muộn nhiều lần", effective_from=date(2026, 7, 1))
    with at(2, 9):
        code, summary = sync("--since", "01/07/2026 12:00", "--out", str(tmp_path / "feed.jsonl"))
    assert code == 0
    assert (summary["mode"], summary["records"], summary["updated"], summary["created"]) == (
        "changes", 2, 2, 0)
    assert summary["since"] == "2026-07-01T12:00:00+07:00"
    head, people = read_jsonl(tmp_path / "feed.jsonl")
    assert head["since"] == summary["since"]
    lines = by_id(people)
    # An changed at 10:00, before the feed's start
    assert set(lines) == {staff["cuong"].national_id, staff["binh"].national_id}
    cuong, binh = lines[staff["cuong"].national_id], lines[staff["binh"].national_id]
    assert (cuong["op"], cuong["changed_fields"], cuong["data"]["ton_giao"]) == (
        "update", ["ton_giao"], "Phật giáo")
    assert cuong["changed_at"] == "2026-07-01T07:00:00+00:00"
    assert binh["changed_fields"] == ["ky_luat_hinh_thuc", "ky_luat_tu_ngay", "ky_luat_den_ngay"]
    assert (binh["data"]["ky_luat_hinh_thuc"], binh["data"]["ky_luat_tu_ngay"]) == (
        "reprimand", "2026-07-01")

    with at(2, 9):  # the same day by ISO: An's change is in it, the creation at 8:00 is not
        sync("--since", "2026-07-01T09:00", "--out", str(tmp_path / "feed2.jsonl"))
    an = by_id(read_jsonl(tmp_path / "feed2.jsonl")[1])[staff["an"].national_id]
    assert (an["op"], an["changed_fields"], an["data"]["dan_toc"]) == ("update", ["dan_toc"], "Tày")


def test_people_recorded_after_since_are_created_in_the_feed(staff, world, tmp_path):
    with at(3, 9):
        new = make_servant(world.unit_b, code="B-02", full_name="Phạm Thị Dung", sex="female")
    with at(3, 10):
        code, summary = sync("--since", "2026-07-02", "--out", str(tmp_path / "feed.jsonl"))
    assert (summary["records"], summary["created"]) == (1, 1)
    line = read_jsonl(tmp_path / "feed.jsonl")[1][0]
    assert (line["op"], line["data"]["so_dinh_danh_ca_nhan"]) == ("create", new.national_id)
    assert line["changed_fields"] == list(national_db.FIELD_CODES)


def test_an_ended_servant_appears_as_ended_and_leaves_the_full_file(staff, tmp_path):
    with at(5, 9):
        servant_leave(actor=None, servant=staff["cuong"], kind=CareerEvent.Kind.RETIRED,
                      last_day=date(2026, 7, 31))
    with at(6, 9):
        code, summary = sync("--since", "04/07/2026", "--out", str(tmp_path / "feed.csv"),
                             "--unit", "B")
        sync("--out", str(tmp_path / "full.jsonl"), "--unit", "B")
    assert (code, summary["records"], summary["ended"], summary["format"]) == (0, 1, 1, "csv")
    with open(tmp_path / "feed.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 1
    row = rows[0]
    assert (row["thao_tac"], row["so_dinh_danh_ca_nhan"]) == ("end", staff["cuong"].national_id)
    assert (row["trang_thai"], row["ngay_trang_thai"]) == ("retired", "2026-08-01")
    assert "trang_thai" in rows[0]["truong_thay_doi"].split()
    assert read_jsonl(tmp_path / "full.jsonl")[1] == []  # no one works in B any more


def test_a_transfer_is_sent_with_the_receiving_units_people(staff, world, tmp_path):
    with at(3, 9):
        servant_assign(actor=None, servant=staff["an"], unit=world.unit_b, title="Phó Giám đốc",
                       start_date=date(2026, 7, 3))
    with at(4, 9):
        sync("--since", "02/07/2026", "--out", str(tmp_path / "b.jsonl"), "--unit", "B")
        sync("--since", "02/07/2026", "--out", str(tmp_path / "a.jsonl"), "--unit", "A")
    line = read_jsonl(tmp_path / "b.jsonl")[1][0]
    assert (line["op"], line["changed_fields"]) == (
        "update", ["ma_don_vi", "ten_don_vi", "chuc_vu", "cap_lanh_dao"])
    assert (line["data"]["ma_don_vi"], line["data"]["chuc_vu"], line["data"]["cap_lanh_dao"]) == (
        "B", "Phó Giám đốc", "deputy")
    assert read_jsonl(tmp_path / "a.jsonl")[1] == []  # a unit's file holds the people it has now


def test_the_csv_file_has_the_field_codes_as_headers_and_no_formula(staff, tmp_path):
    with at(2, 9):
        servant_update(actor=None, servant=staff["an"], strengths="x",
                       home_town="=HYPERLINK(\"x\")")
        sync("--out", str(tmp_path / "full.csv"))
    raw = (tmp_path / "full.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel opens Vietnamese text
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["thao_tac", "thoi_diem_thay_doi", "truong_thay_doi",
                       *national_db.FIELD_CODES]
    an = next(row for row in rows[1:] if row[3] == staff["an"].national_id)
    assert an[3 + national_db.FIELD_CODES.index("que_quan")] == "'=HYPERLINK(\"x\")"


@pytest.mark.parametrize("since", ["hôm qua", "31/02/2026", "2026-13-01", "1/7/2026 25:00", ""])
def test_a_bad_since_is_refused_in_vietnamese_with_a_nonzero_exit(staff, tmp_path, capsys, since):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "sync_national_db", "--since", since, "--out",
                                 str(tmp_path / "f.jsonl"), "--json"])
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert f"Thời điểm không hợp lệ: “{since}”" in captured.err and captured.out == ""
    assert not (tmp_path / "f.jsonl").exists()


def test_a_since_after_now_a_bad_file_type_and_a_foreign_unit_are_refused(staff, officer_b,
                                                                           tmp_path):
    with at(2, 9):
        with pytest.raises(CommandError, match="không trước thời điểm xuất"):
            call_command("sync_national_db", "--since", "03/07/2026",
                         "--out", str(tmp_path / "f.jsonl"))
        with pytest.raises(CommandError, match="dùng .jsonl hoặc .csv"):
            call_command("sync_national_db", "--out", str(tmp_path / "f.xlsx"))
        with pytest.raises(CommandError, match="không quản lý đơn vị A"):
            call_command("sync_national_db", "--out", str(tmp_path / "f.jsonl"), "--unit", "A",
                         "--user", "officer_b")
    assert not list(tmp_path.iterdir())


def test_a_user_exports_the_units_they_manage_and_the_export_is_recorded(staff, officer_b,
                                                                          tmp_path):
    with at(2, 9):
        code, summary = sync("--out", str(tmp_path / "b.jsonl"), "--user", "officer_b")
    assert [line["data"]["ma_can_bo"] for line in read_jsonl(tmp_path / "b.jsonl")[1]] == ["B-01"]
    record = AccessRecord.objects.get(user=officer_b)
    assert (record.action, record.count, record.sensitive) == (AccessRecord.Action.EXPORT, 1, True)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-07-01", datetime(2026, 7, 1, 0, 0, tzinfo=VN)),
    ("2026-07-01T08:30", datetime(2026, 7, 1, 8, 30, tzinfo=VN)),
    ("2026-07-01T08:30:00+00:00", datetime(2026, 7, 1, 15, 30, tzinfo=VN)),
    ("1/7/2026", datetime(2026, 7, 1, 0, 0, tzinfo=VN)),
    ("01/07/2026 08:30", datetime(2026, 7, 1, 8, 30, tzinfo=VN)),
])
def test_since_is_iso_or_day_month_year_in_vietnam_time(raw, expected):
    assert national_db.parse_moment(raw) == expected


def test_the_json_summary_names_the_file_and_where_the_next_feed_starts(staff, tmp_path):
    with at(2, 9):
        code, summary = sync("--since", "2026-07-01", "--out", str(tmp_path / "f.jsonl"))
    assert code == 0
    assert summary == {"file": str(tmp_path / "f.jsonl"), "format": "jsonl", "mode": "changes",
                       "since": "2026-07-01T00:00:00+07:00", "as_of": "2026-07-02T02:00:00+00:00",
                       "next_since": "2026-07-02T01:45:00+00:00", "records": 3, "created": 3,
                       "updated": 0, "ended": 0}


def _add_people(world, count: int) -> None:
    """``count`` more people of A1, each recorded at 8:00 and changed at 9:00; every other one
    disciplined."""
    for number in range(count):
        with at(1, 8):
            person = make_servant(world.unit_a1, full_name=f"Người Thứ {number}")
        with at(1, 9):
            servant_update(actor=None, servant=person, religion="Không")
            if number % 2:
                discipline_record(actor=None, servant=person, form=REPRIMAND, violation="Đi muộn",
                                  effective_from=date(2026, 7, 1))


def _queries(tmp_path, mode: str, people: int) -> int:
    args = ["--since", "2026-07-01T08:30"] if mode == "changes" else []
    with at(2, 9), CaptureQueriesContext(connection) as queries:
        code, summary = sync(*args, "--out", str(tmp_path / f"{mode}-{people}.jsonl"),
                             "--unit", "A")
    assert code == 0 and summary["records"] == people
    return len(queries)


@pytest.mark.parametrize("mode", ["full", "changes"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_people(world, tmp_path, mode):
    _add_people(world, 3)
    small = _queries(tmp_path, mode, 3)
    _add_people(world, 12)
    assert _queries(tmp_path, mode, 15) == small
    assert small <= 5  # the unit, its subtree, the people, their disciplines, their history


def test_the_queries_grow_by_chunk_not_by_person(world, tmp_path):
    with at(1, 8):
        for number in range(7):
            make_servant(world.unit_a1, full_name=f"Người Thứ {number}")
    counts = []
    for chunk_size in (100, 3):  # 1 chunk, then 3 chunks
        with at(2, 9), CaptureQueriesContext(connection) as queries:
            national_db.export(out=tmp_path / f"{chunk_size}.jsonl",
                               since=national_db.parse_moment("2026-07-01"), chunk_size=chunk_size)
        counts.append(len(queries))
    assert counts[1] - counts[0] <= 2 * 2  # two queries per further chunk: disciplines and history


def test_the_readme_names_every_field_whose_official_format_is_unconfirmed():
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("### Exchange with the national CBCCVC database"):]
    section = section[:section.index("\n## ")]
    named = set(re.findall(r"`([a-z_]+)`", section))
    unconfirmed = {f.code for f in national_db.FIELDS if f.unconfirmed}
    assert unconfirmed and not unconfirmed - named
    assert "so_dinh_danh_ca_nhan" in named
