"""Export of personnel lists to .xlsx with the import's own headers, so an export can be edited and
imported back (and re-importing an unchanged export changes nothing). Written with xlsxwriter's
constant-memory mode from a database iterator: memory stays flat for any size."""
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from core.exporting import write_xlsx
from personnel import privacy

SEX = {"male": "Nam", "female": "Nữ"}
CATEGORY = {"cadre": "Cán bộ", "civil_servant": "Công chức", "public_employee": "Viên chức",
            "contract": "Hợp đồng", "commune_part_time": "Không chuyên trách"}
STATUS = {"active": "Đang công tác", "retired": "Đã nghỉ hưu", "resigned": "Đã thôi việc",
          "streamlined": "Tinh giản biên chế", "transferred_out": "Chuyển công tác ngoài tỉnh",
          "dismissed": "Buộc thôi việc", "deceased": "Đã từ trần"}

# (header, values_list field) — the first 22 headers are those of import_personnel.
COLUMNS = [
    ("Mã cán bộ", "code"), ("Họ và tên", "full_name"), ("Ngày sinh", "date_of_birth"),
    ("Giới tính", "sex"), ("Số định danh cá nhân", "national_id"), ("Mã đơn vị", "unit__code"),
    ("Loại cán bộ", "category"), ("Mã ngạch", "rank__code"), ("Bậc lương", "salary_step"),
    ("Hệ số lương", "salary_coefficient"), ("Ngày hưởng bậc lương", "salary_step_date"),
    ("Ngày tuyển dụng", "recruitment_date"), ("Chức vụ", "title"),
    ("Mã vị trí việc làm", "job_position__code"), ("Dân tộc", "ethnicity"),
    ("Tôn giáo", "religion"), ("Quê quán", "home_town"), ("Trình độ chuyên môn", "qualification"),
    ("Lý luận chính trị", "political_theory"), ("Ngày vào Đảng", "party_admission_date"),
    ("Điện thoại", "phone"), ("Email", "email"), ("Tên đơn vị", "unit__name"),
    ("Trạng thái", "status"),
]
FIELDS = [field for _, field in COLUMNS] + ["birth_precision"]
WIDTHS = [12, 26, 12, 8, 16, 14, 12, 10, 8, 10, 12, 12,
          22, 12, 10, 10, 28, 26, 14, 12, 13, 28, 36, 16]
_INDEX = {field: i for i, field in enumerate(FIELDS)}
# The row of someone who left the reader's units (personnel.privacy): the columns it keeps, each
# from the assignment of the list's date where there is one.
_PAST_COLUMNS = {"code": "code", "full_name": "full_name", "unit__code": "unit_code_on_date",
                 "unit__name": "unit_on_date", "title": "title_on_date"}
_SENSITIVE = [(field, _INDEX[field]) for field in privacy.SENSITIVE_FIELDS if field in _INDEX]


def _row(values: tuple) -> list:
    row = list(values[:len(COLUMNS)])
    born: date = values[_INDEX["date_of_birth"]]
    precision = values[_INDEX["birth_precision"]]
    if precision == "year":
        row[_INDEX["date_of_birth"]] = str(born.year)
    elif precision == "month":
        row[_INDEX["date_of_birth"]] = f"{born.month:02d}/{born.year}"
    row[_INDEX["sex"]] = SEX.get(row[_INDEX["sex"]], "")
    row[_INDEX["category"]] = CATEGORY.get(row[_INDEX["category"]], "")
    row[_INDEX["status"]] = STATUS.get(row[_INDEX["status"]], "")
    coefficient = row[_INDEX["salary_coefficient"]]
    row[_INDEX["salary_coefficient"]] = float(coefficient) if coefficient is not None else None
    return row


def _past_row(values: dict) -> list:
    row: list = [None] * len(COLUMNS)
    for field, source in _PAST_COLUMNS.items():
        row[_INDEX[field]] = values.get(source)
    return row


def rows_of(people: QuerySet) -> Iterator[list]:
    """Rows of a list marked by ``servant_list``: sensitive columns masked and past rows cut to
    what the flags allow (a queryset without the flags fails here, not open)."""
    on_date = [name for name in privacy.ON_DATE_FIELDS if name in people.query.annotations]
    fields = [*FIELDS, "sees_private", "in_scope_now", *on_date]
    flags = len(FIELDS)
    for values in people.values_list(*fields).iterator(chunk_size=5000):
        sees_private, in_scope_now = values[flags], values[flags + 1]
        if not in_scope_now:
            yield _past_row(dict(zip(fields, values, strict=True)))
            continue
        row = _row(values)
        if not sees_private:
            for field, index in _SENSITIVE:
                row[index] = privacy.masked_value(field, row[index])
        yield row


def write_servants_xlsx(target, people: QuerySet) -> None:
    write_xlsx(target, [header for header, _ in COLUMNS], rows_of(people),
               sheet_name="Danh sách CBCCVC", widths=WIDTHS)


def export_filename() -> str:
    return f"danh-sach-cbccvc-{timezone.localdate():%Y%m%d}.xlsx"


def stream_servants_xlsx(people: QuerySet, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """Write to a temporary file (a zip needs seeking), then stream it and delete it."""
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_servants_xlsx(str(path), people)
        with path.open("rb") as stream:
            while block := stream.read(chunk):
                yield block
    finally:
        path.unlink(missing_ok=True)
