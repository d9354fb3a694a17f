"""Files built to hurt: every importer refuses them with a Vietnamese reason, quickly, without the
memory, and turns every bad cell into a row error (never a traceback or a stuck job)."""
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from openpyxl import Workbook

from core.importing import Column, ImportFileError, read_table
from core.models import ImportJob, OrgUnit
from core.sheet_bounds import Limits, _letters_over, column_letters, column_number, inspect_file
from personnel.models import CivilServant
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db

# The file each command reads, by its first header.
COMMANDS = {
    "import_units": ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên"],
    "import_personnel": ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
                         "Mã đơn vị"],
    "import_positions": ["Mã đơn vị", "Mã vị trí", "Tên vị trí"],
    "import_recruitment": ["Mã đợt", "Tên đợt", "Ngày thông báo", "Hình thức vòng 2"],
    "import_questions": ["Ngân hàng", "Phần thi", "Nội dung câu hỏi", "Phương án A", "Phương án B",
                         "Đáp án"],
}


def run(command, path, capsys, *args):
    code = 0
    try:
        call_command(command, str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out), captured.err


def two_cell_workbook(path: Path, far: str = "XFD1048576", header: str = "Mã cán bộ") -> Path:
    workbook = Workbook()
    workbook.active["A1"] = header
    workbook.active[far] = "x"
    workbook.save(path)
    return path


def rewrite_sheet(path: Path, change) -> Path:
    """Rewrite the first worksheet's XML of ``path`` through ``change`` (bytes → bytes)."""
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(part.filename, data)
    source.close()
    path.write_bytes(buffer.getvalue())
    return path


def message_of(doc) -> str:
    return " ".join(e["message"] for e in doc["errors"])


@pytest.mark.parametrize("command", COMMANDS)
def test_two_cells_at_a1_and_xfd1048576_are_refused_by_every_importer(
        world, tmp_path, capsys, command):
    path = two_cell_workbook(tmp_path / "hai-o.xlsx", header=COMMANDS[command][0])
    assert path.stat().st_size < 10_000
    code, doc, _err = run(command, path, capsys)
    assert code == 1 and doc["rows"] == 0 and doc["created"] == 0
    assert "1.048.576" in message_of(doc) and "200.000" in message_of(doc)


def test_a_lying_dimension_does_not_hide_the_far_cell(tmp_path):
    def lie(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', xml)

    path = rewrite_sheet(two_cell_workbook(tmp_path / "f.xlsx"), lie)
    assert b'<dimension ref="A1"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(ImportFileError, match="1.048.576"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_a_cell_far_to_the_right_is_refused_by_its_column(tmp_path):
    path = rewrite_sheet(two_cell_workbook(tmp_path / "f.xlsx", far="XFD4000"),
                         lambda xml: re.sub(rb"<dimension [^>]+>", b"", xml))
    with pytest.raises(ImportFileError, match="XFD"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_cells_without_references_are_placed_by_counting(tmp_path):
    cells = "".join("<c t=\"inlineStr\"><is><t>x</t></is></c>" for _ in range(120))

    def drop_refs(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]+>", b"", xml)
        sheet_data = f"<sheetData><row>{cells}</row></sheetData>".encode()
        return re.sub(rb"<sheetData>.*</sheetData>", sheet_data, xml, flags=re.S)

    path = rewrite_sheet(two_cell_workbook(tmp_path / "f.xlsx", far="B2"), drop_refs)
    with pytest.raises(ImportFileError, match="“Sheet”.*CW"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_a_far_cell_written_with_its_reference_last_is_still_found(tmp_path):
    """Most writers start a cell's tag with its reference and the quick scan relies on it; a
    writer that puts the style first (<c s="0" r="…">) gets the exact scan, which finds the cell."""
    path = rewrite_sheet(two_cell_workbook(tmp_path / "f.xlsx", far="B300000"),
                         lambda xml: re.sub(rb'<c r="([A-Z]+[0-9]+)"', rb'<c s="0" r="\1"', xml))
    assert b'<c s="0" r="B300000"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(ImportFileError, match="300.000"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_formulas_are_counted_in_a_sheet_read_in_several_chunks(tmp_path, monkeypatch):
    """The quick scan reads a sheet in chunks cut between rows: a formula is noted once, with its
    cell, wherever the chunks end."""
    from core import sheet_bounds

    monkeypatch.setattr(sheet_bounds, "CHUNK", 4096)
    rows = [["Mã cán bộ", "Tổng"],
            *[[f"CB{i}", f"=1+{i}" if i % 100 == 7 else i] for i in range(3000)]]
    path = write_workbook(tmp_path / "formulas.xlsx", rows)
    inspection = inspect_file(path, Limits(10**8, 10**9, 200_000, 100, 6_000_000))
    assert inspection.formula_count == 30
    assert inspection.formula_cells[:2] == ["B9", "B109"]


def test_empty_formatted_cells_far_away_cost_nothing_and_are_accepted(tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", [["Mã cán bộ"], ["CB1"]])
    path = rewrite_sheet(path, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'))
    table = read_table(path, [Column("Mã cán bộ", "code", required=True)])
    assert [row.raw["code"] for row in table.rows] == ["CB1"]


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2_000_000
    def pad(xml: bytes) -> bytes:
        return xml.replace(b"</worksheet>", b" " * 3_000_000 + b"</worksheet>")

    path = rewrite_sheet(write_workbook(tmp_path / "bomb.xlsx", [["Mã cán bộ"]]), pad)
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportFileError, match="3 MB.*2 MB"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_a_part_whose_declared_size_lies_is_refused_as_damaged(tmp_path):
    path = rewrite_sheet(write_workbook(tmp_path / "lie.xlsx", [["Mã cán bộ"], ["CB1"]]),
                         lambda xml: xml.replace(b"</worksheet>", b" " * 500_000 + b"</worksheet>"))
    data = bytearray(path.read_bytes())
    # Make the sheet's uncompressed size (local header and central directory) claim 1,000 bytes.
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[start + offset:start + offset + 4] = (1000).to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="damaged|hỏng"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_too_many_rows_and_a_file_too_large_are_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 50
    path = write_workbook(tmp_path / "many.xlsx", [["Mã cán bộ"], *[[f"CB{i}"] for i in range(60)]])
    with pytest.raises(ImportFileError, match="61.*50"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])
    settings.IMPORT_MAX_ROWS = 200_000
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ImportFileError, match="MB"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_column_names_beyond_a_limit():
    for limit in (1, 25, 26, 27, 52, 100, 701):
        pattern = re.compile(_letters_over(limit).decode() + "$")
        for number in range(1, 800):
            assert bool(pattern.match(column_letters(number))) == (number > limit), (limit, number)
    assert column_number("XFD") == 16384 and column_letters(16384) == "XFD"


def personnel_workbook(path: Path, rows: list[list]) -> Path:
    """Written with xlsxwriter, which keeps control characters as _x0000_ escapes like Excel."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, COMMANDS["import_personnel"])
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str) and value.startswith("=") and col == 6:
                sheet.write_formula(index, col, value, None, "3,00")
            else:
                sheet.write_string(index, col, value)
    workbook.close()
    return path


def person(code, name, national_id="001085000001"):
    return [code, name, "01/02/1985", "Nam", national_id, "A"]


def test_nul_and_control_characters_are_row_errors_with_their_column(world, tmp_path, capsys):
    path = personnel_workbook(tmp_path / "nul.xlsx", [
        person("CB1", "Nguyễn\x00Văn An"), person("CB2\x07", "Trần Thị Bình", "001185000002")])
    assert b"_x0000_" in zipfile.ZipFile(path).read("xl/sharedStrings.xml")
    code, doc, _err = run("import_personnel", path, capsys)
    assert code == 1 and doc["created"] == 0 and not CivilServant.objects.exists()
    where = {(e["row"], e["column"]) for e in doc["errors"]}
    assert {(2, "Họ và tên"), (3, "Mã cán bộ")} <= where
    assert "U+0000" in message_of(doc) and "U+0007" in message_of(doc)


def test_formula_like_names_are_refused_and_formula_cells_reported(world, tmp_path, capsys):
    path = personnel_workbook(tmp_path / "f.xlsx", [
        person("CB1", '=HYPERLINK("http://x","Bấm")'), person("CB2", "@Sum(1,1)", "001185000002"),
        person("+CB3", "Lê Văn Cường", "001085000003"),
        person("CB4", "-Phạm Thị Dung", "001185000004"),
    ])
    code, doc, _err = run("import_personnel", path, capsys)
    assert code == 1 and not CivilServant.objects.exists()
    assert {(e["row"], e["column"]) for e in doc["errors"]} >= {
        (2, "Họ và tên"), (3, "Họ và tên"), (4, "Mã cán bộ"), (5, "Họ và tên")}
    assert "công thức" in message_of(doc)
    workbook = xlsxwriter.Workbook(str(tmp_path / "formula.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, COMMANDS["import_personnel"])
    sheet.write_row(1, 0, person("CB9", "Hoàng Văn Em"))
    sheet.write_formula(1, 0, '="CB"&"9"', None, "CB9")
    workbook.close()
    code, doc, err = run("import_personnel", tmp_path / "formula.xlsx", capsys)
    assert code == 0 and doc["created"] == 1
    assert "A2" in err and "công thức" in err


def test_bidirectional_overrides_are_stripped_from_names(world, tmp_path, capsys):
    path = personnel_workbook(tmp_path / "rtl.xlsx", [
        person("CB\u20661", "Nguyễn \u202eVăn\u200f An\u2069")])
    code, doc, _err = run("import_personnel", path, capsys)
    assert code == 0, doc
    servant = CivilServant.objects.get()
    assert (servant.code, servant.full_name) == ("CB1", "Nguyễn Văn An")


def test_a_csv_without_a_delimiter_or_with_nul_gives_json_not_a_traceback(world, tmp_path, capsys):
    plain = tmp_path / "plain.csv"
    plain.write_text("chỉ một dòng chữ không có dấu phân cách\nvà dòng thứ hai\n", encoding="utf-8")
    code, doc, _err = run("import_personnel", plain, capsys)
    assert code == 1 and "Mã cán bộ" in message_of(doc)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(("Mã cán bộ,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân,Mã đơn vị\n"
                     "CB1,Nguyễn\x00An,01/02/1985,Nam,001085000001,A\n").encode())
    code, doc, _err = run("import_personnel", nul, capsys)
    assert code == 1 and doc["errors"][0]["row"] == 2 and doc["errors"][0]["column"] == "Họ và tên"


LONG = "Dài " * 2500  # 10,000 characters


def test_ten_thousand_characters_are_a_row_error_in_positions_and_recruitment(
        world, tmp_path, capsys):
    path = write_workbook(tmp_path / "vt.xlsx", [COMMANDS["import_positions"], ["A", "VT1", LONG]])
    code, doc, _err = run("import_positions", path, capsys)
    assert code == 1 and doc["errors"][0]["column"] == "Tên vị trí" and "255" in message_of(doc)
    from tests.recruitment.test_import_results import CANDIDATES, QUOTA, ROUND

    path = write_workbook(tmp_path / "td.xlsx",
                          [ROUND, ["TD1", LONG, "15/03/2026", "Thi viết", 100, 0]],
                          title="Đợt tuyển dụng",
                          extra_sheets={"Chỉ tiêu": [QUOTA, ["VT1", "Chuyên viên", "", 1, ""]],
                                        "Thí sinh": [CANDIDATES]})
    code, doc, _err = run("import_recruitment", path, capsys)
    assert code == 1 and "Tên đợt" in {e["column"] for e in doc["errors"]}


def test_a_question_of_ten_thousand_characters_is_refused(tmp_path, capsys):
    path = write_workbook(tmp_path / "q.xlsx", [
        COMMANDS["import_questions"],
        ["KTC", "Kiến thức chung", "Câu " + LONG, "Có", "Không", "A"]])
    code, doc, _err = run("import_questions", path, capsys)
    assert code == 1 and doc["created"] == 0 and "4000" in message_of(doc).replace(".", "")
    aiken = tmp_path / "q.txt"
    aiken.write_text(f"{'Câu hỏi ' * 1300}?\nA. Có\nB. Không\nANSWER: A\n", encoding="utf-8")
    code, doc, _err = run("import_questions", aiken, capsys, "--bank", "KTC")
    assert code == 1 and "Nội dung câu hỏi" in {e["column"] for e in doc["errors"]}


def test_skip_invalid_with_every_row_bad_exits_non_zero(world, tmp_path, capsys):
    path = write_workbook(tmp_path / "bad.xlsx", [
        COMMANDS["import_personnel"],
        ["CB1", "=1+1", "01/02/1985", "Nam", "001085000001", "A"]])
    code, doc, _err = run("import_personnel", path, capsys, "--skip-invalid")
    assert code == 1 and doc["rejected"] == 1 and doc["created"] == 0


def test_inspecting_a_province_sized_sheet_passes(tmp_path):
    rows = [["Mã cán bộ", "Họ và tên", *[f"Cột {i}" for i in range(40)]],
            *[[f"CB{i}", "Nguyễn Văn An", *range(40)] for i in range(2000)]]
    path = write_workbook(tmp_path / "wide.xlsx", rows)
    assert inspect_file(path, Limits(10**8, 10**9, 200_000, 100, 6_000_000)).formula_count == 0


def test_a_long_sheet_is_refused_by_its_cells_only_when_a_value_lies_past_the_width(tmp_path):
    """2,000 rows may be 24 columns wide under a 50,000-cell limit: a narrow sheet passes (without
    counting its cells one by one), and one value far to the right refuses it by its cells."""
    from core.sheet_bounds import FileTooCostly

    limits = Limits(10**8, 10**9, 200_000, 100, 50_000)
    rows = [["Mã cán bộ", *[f"Cột {i}" for i in range(9)]],
            *[[f"CB{i}", *range(9)] for i in range(2000)]]
    assert inspect_file(write_workbook(tmp_path / "narrow.xlsx", rows), limits).formula_count == 0
    rows[1500] = [*rows[1500], *[None] * 20, "ghi chú lạc chỗ"]  # AE1501: 31 columns × 2,001 rows
    far = write_workbook(tmp_path / "far.xlsx", rows)
    # The sheet declares the narrow extent (a lying <dimension>): only the cells can tell.
    narrow = b'<dimension ref="A1:J2001"'
    rewrite_sheet(far, lambda xml: re.sub(rb'<dimension ref="[^"]+"', narrow, xml))
    with pytest.raises(FileTooCostly, match="31 cột"):
        inspect_file(far, limits)


# --- the upload page and its background job ---------------------------------------------------

def upload(client, path):
    with open(path, "rb") as handle:
        return client.post("/imports/personnel/new/", {"file": handle}, follow=True)


def test_the_two_cell_workbook_on_the_upload_page_fails_the_job_with_its_reason(
        client, officer_a, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, two_cell_workbook(tmp_path / "hai-o.xlsx"))
    assert response.status_code == 200
    job = ImportJob.objects.get()
    response = client.get(f"/imports/{job.pk}/")
    assert job.status == ImportJob.Status.INVALID
    assert "1.048.576" in job.errors[0]["message"]
    assert "1.048.576" in response.content.decode()


def test_a_job_redelivered_after_killing_its_workers_is_failed_with_the_reason(
        officer_a, tmp_path, settings):
    from django.core.files.base import ContentFile

    from core.tasks import validate_import

    job = ImportJob.objects.create(kind="personnel", created_by=officer_a, original_name="x.xlsx",
                                   status=ImportJob.Status.VALIDATING,
                                   attempts=settings.IMPORT_MAX_ATTEMPTS)
    job.file.save("x.xlsx", ContentFile(b"not read"), save=True)
    assert validate_import.delay(str(job.pk)).get() == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "3" in job.message and job.errors


def test_an_unforeseen_error_fails_the_job_instead_of_leaving_it_validating(officer_a, monkeypatch):
    from django.core.files.base import ContentFile

    from core.services.imports import import_job_validate
    from personnel.importers import PersonnelImporter

    def explode(self, path):
        raise RuntimeError("boom")

    monkeypatch.setattr(PersonnelImporter, "validate", explode)
    job = ImportJob.objects.create(kind="personnel", created_by=officer_a, original_name="x.xlsx")
    job.file.save("x.xlsx", ContentFile(b"x"), save=True)
    job = import_job_validate(job.pk)
    assert job.status == ImportJob.Status.FAILED and "RuntimeError" in job.message
    assert OrgUnit.objects.filter(code="A").exists()


def ods_file(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet>'
        f'<table:table table:name="Nhân sự">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
    return path


CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def test_an_opendocument_sheet_repeating_a_cell_over_the_grid_is_refused(tmp_path):
    repeated = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
                'table:number-columns-repeated="16384" office:value-type="string">'
                '<text:p>x</text:p>'
                "</table:table-cell></table:table-row>")
    path = ods_file(tmp_path / "bomb.ods",
                    f"<table:table-row>{CELL.format('Mã cán bộ')}</table:table-row>{repeated}")
    with pytest.raises(ImportFileError, match="16.384|1.048.577"):
        read_table(path, [Column("Mã cán bộ", "code", required=True)])


def test_an_opendocument_sheet_with_trailing_empty_rows_is_read(tmp_path):
    trailing = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
    rows = "".join(f"<table:table-row>{CELL.format(v)}</table:table-row>"
                   for v in ("Mã cán bộ", "CB1", "CB2"))
    # LibreOffice writes such rows: no refusal, and the reader skips them
    table = read_table(ods_file(tmp_path / "ok.ods", rows + trailing),
                       [Column("Mã cán bộ", "code", required=True)])
    assert [row.raw["code"] for row in table.rows] == ["CB1", "CB2"]
