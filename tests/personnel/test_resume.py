"""Mẫu 2C résumé: what a reader of the printed form checks, on the page and in the spreadsheet."""
import io
from datetime import date

import openpyxl
import pytest
from django.template.loader import render_to_string

from core.models import OrgUnit
from personnel.models import FamilyMember
from personnel.resume import resume_context, resume_xlsx
from personnel.services.records import reward_record, training_record
from personnel.services.servants import servant_assign, servant_create, servant_set_salary
from positions.models import Rank
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","x")'


@pytest.fixture
def person():
    province = make_unit("Tỉnh Thử Nghiệm", kind=OrgUnit.Kind.PROVINCE)
    home = make_unit("Sở Nội vụ", parent=province, kind=OrgUnit.Kind.DEPARTMENT)
    first = make_unit("Phòng Công chức, viên chức", parent=home)
    second = make_unit("Phòng Tổ chức biên chế", parent=home)
    rank = Rank.objects.get(code="01.003")
    servant = servant_create(
        actor=None, code="CB-2C-01", national_id="001085000123", full_name="Trần Thị Bình",
        date_of_birth=date(1985, 1, 1), birth_precision="year", sex="female", unit=first,
        title="Chuyên viên", rank=rank, salary_step=1, salary_step_date=date(2012, 3, 1),
        start_date=date(2012, 3, 1), recruitment_date=date(2012, 3, 1), strengths=FORMULA,
        ethnicity="Kinh")
    servant_assign(actor=None, servant=servant, start_date=date(2018, 7, 1), unit=second,
                   title="Phó Trưởng phòng")
    servant_set_salary(actor=None, servant=servant, rank=rank, step=2, start_date=date(2015, 3, 1))
    training_record(actor=None, servant=servant, kind="degree",
                    institution="Học viện Hành chính Quốc gia", major="Quản lý công",
                    start_date=date(2014, 9, 1), end_date=date(2016, 6, 30), mode="Vừa làm vừa học",
                    diploma="Thạc sĩ")
    reward_record(actor=None, servant=servant, year=2023, title="Bằng khen của Chủ tịch UBND tỉnh",
                  level="Tỉnh")
    FamilyMember.objects.create(servant=servant, relation="Mẹ", full_name="Lê Thị Cúc",
                                birth_year=1960, details="Hưu trí, Hà Nội")
    FamilyMember.objects.create(servant=servant, side=FamilyMember.Side.SPOUSE, relation="Bố chồng",
                                full_name="Phạm Văn Dũng", birth_year=1955)
    servant.refresh_from_db()
    return servant


def _field(context, label_start):
    return next(f for line in context["items"] for f in line.fields
                if f.label.startswith(label_start))


def test_name_is_in_capitals_and_year_only_birth_shows_only_the_year(person):
    context = resume_context(person, private=True)
    assert _field(context, "1)").value == "TRẦN THỊ BÌNH"
    birth = _field(context, "3)")
    assert (birth.label, birth.value) == ("3) Sinh năm", "1985")
    assert _field(context, "Giới tính").value == "Nữ"


def test_header_names_the_employing_and_managing_agencies(person):
    header = {field.label: field.value for field in resume_context(person, private=True)["header"]}
    assert header["Cơ quan, đơn vị sử dụng CBCC"] == "Sở Nội vụ"
    assert header["Cơ quan, đơn vị có thẩm quyền quản lý CBCC"] == "Tỉnh Thử Nghiệm"
    assert header["Số hiệu cán bộ, công chức"] == "CB-2C-01"


def test_work_history_is_oldest_first_with_both_units(person):
    rows = resume_context(person, private=True)["work_history"].rows
    assert rows == (("03/2012 - 06/2018", "Chuyên viên, Phòng Công chức, viên chức"),
                    ("07/2018 - nay", "Phó Trưởng phòng, Phòng Tổ chức biên chế"))


def test_salary_history_lists_each_step_oldest_first(person):
    context = resume_context(person, private=True)
    assert context["salary_history"].rows == (("03/2012", "01.003/1", "2,34"),
                                              ("03/2015", "01.003/2", "2,67"))
    assert context["salary_blocks"][0][0] == ("Tháng/năm", "03/2012", "03/2015")
    assert _field(context, "Hệ số").value == "2,67"


def test_training_reward_and_family_are_on_the_form(person):
    context = resume_context(person, private=True)
    assert context["training"].rows == (("Học viện Hành chính Quốc gia", "Quản lý công",
                                         "09/2014 - 06/2016", "Vừa làm vừa học", "Thạc sĩ"),)
    assert _field(context, "21)").value == "Bằng khen của Chủ tịch UBND tỉnh (Tỉnh, 2023)"
    own, spouse = context["family"]
    assert own.rows == (("Mẹ", "Lê Thị Cúc", "1960", "Hưu trí, Hà Nội"),)
    assert spouse.rows == (("Bố chồng", "Phạm Văn Dũng", "1955", ""),)


def test_xlsx_writes_a_typed_formula_as_text(person):
    workbook = openpyxl.load_workbook(io.BytesIO(resume_xlsx(person, private=True)))
    sheet = workbook.active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)}
    assert "TRẦN THỊ BÌNH" in cells and "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC" in cells
    # the form's own text is intact
    assert [text for text in cells if text.startswith("'")] == ["'" + FORMULA]
    typed = cells["'" + FORMULA]
    assert typed.data_type != "f"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert "01.003/2" in cells and "Phó Trưởng phòng, Phòng Tổ chức biên chế" in cells


def test_xlsx_prints_portrait_a4_fitted_to_width(person):
    sheet = openpyxl.load_workbook(io.BytesIO(resume_xlsx(person, private=True))).active
    assert sheet.page_setup.orientation == "portrait"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1"  # the form-code line repeats on every page


def test_page_renders_the_form(person):
    context = {**resume_context(person, private=True), "servant": person, "request": None}
    html = render_to_string("personnel/servant_resume.html", context)
    assert "TRẦN THỊ BÌNH" in html and "3) Sinh năm" in html
    assert "01/01/1985" not in html
    assert "Phòng Tổ chức biên chế" in html and "Lê Thị Cúc" in html
    assert "data-print" in html and "css/print-forms.css" in html
    assert "style=" not in html.split('<main id="main"', 1)[1]
