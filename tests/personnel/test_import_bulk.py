"""The import's bulk path (issue 17): one declaration of a new record shared with servant_create,
every reference checked before the COPY, and the database's own foreign-key checks back on for
every other write."""
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from core.bulk import lock_references, references_checked
from core.models import OrgUnit
from personnel.importers import PersonnelImporter
from personnel.models import Assignment, CivilServant
from tests.factories import make_servant
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã đơn vị",
          "Chức vụ", "Mã ngạch", "Bậc lương", "Ngày hưởng bậc lương", "Ngày tuyển dụng", "Quê quán"]
STORED = ("full_name", "date_of_birth", "sex", "category", "unit_id", "title", "leadership",
          "rank_id", "salary_step", "salary_coefficient", "salary_step_date", "status",
          "search_text", "sort_key", "home_town", "recruitment_date", "verification")


def test_an_imported_person_is_stored_as_the_form_stores_them(world, tmp_path):
    by_form = make_servant(world.unit_a1, code="F-1", full_name="Đỗ  Thị Hoa", sex="female",
                           title=" Trưởng phòng", date_of_birth=date(1985, 5, 20),
                           national_id="008185000777", step_date=date(2023, 4, 1),
                           recruitment_date=date(2008, 9, 1), home_town="Xã Yên Sơn")
    path = write_workbook(tmp_path / "p.xlsx", [HEADER, [
        "I-1", "Đỗ  Thị Hoa", date(1985, 5, 20), "Nữ", "008185000778", world.unit_a1.code,
        " Trưởng phòng", "01.003", 3, date(2023, 4, 1), date(2008, 9, 1), "Xã Yên Sơn"]])
    summary = PersonnelImporter(actor=None).run(path)
    assert summary["created"] == 1, summary
    imported = CivilServant.objects.get(code="I-1")
    for name in STORED:
        expected = getattr(by_form, name)
        if name in ("search_text",):
            expected = expected.replace("f-1", "i-1").replace("008185000777", "008185000778")
        assert getattr(imported, name) == expected, name
    assert imported.leadership == "head" and imported.full_name == "Đỗ Thị Hoa"


def test_a_unit_gone_before_the_write_writes_nothing(world, tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "p.xlsx", [HEADER, [
        "I-2", "Lê Văn Cường", date(1990, 3, 1), "Nam", "008090000002", world.unit_a1.code, "", "",
        "", "", "", ""]])
    importer = PersonnelImporter(actor=None)
    prepare = importer.prepare

    def stale(rows):  # the unit as read when the file was checked, then gone from the database
        prepare(rows)
        importer.ref.units[world.unit_a1.code] = OrgUnit(pk=987654, code=world.unit_a1.code,
                                                         name="Gone", path=world.unit_a1.path,
                                                         sector=world.unit_a1.sector)
    monkeypatch.setattr(importer, "prepare", stale)
    summary = importer.run(path)
    assert summary["created"] == 0 and "987654" in summary["errors"][-1]["message"]
    assert not CivilServant.objects.filter(code="I-2").exists()


def test_lock_references_finds_only_rows_that_exist(world):
    assert lock_references(OrgUnit, [world.unit_a.pk, 987654, None]) == {world.unit_a.pk}


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL's own foreign-key triggers")
@pytest.mark.django_db(transaction=True)
def test_after_the_bulk_copy_the_database_checks_foreign_keys_again(world):
    person = make_servant(world.unit_a1)
    # The IntegrityError comes when the atomic block ends, after the whole write: one block, on
    # purpose.
    with pytest.raises(IntegrityError), transaction.atomic():  # noqa: PT012
        with references_checked([Assignment]) as skipped:
            assert skipped  # the test database's role may set it
        Assignment.objects.create(servant=person, unit_id=987654, start_date=date(2026, 1, 1))
