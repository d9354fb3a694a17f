"""What a spreadsheet may cost, checked before anything reads it.

A reader that builds the rectangular grid of a sheet (python-calamine does, in Rust) pays for the
area between A1 and the farthest cell, not for the cells that exist: a 1.6 KB workbook holding
A1 and XFD1048576 asks for 512 GiB and aborts the process. So before a file reaches the reader,
its zip directory, every part and every worksheet are scanned for what they would cost: the
declared and the real extent of each sheet, the uncompressed size of the parts, rows, columns and
cells, against the limits in settings (``IMPORT_MAX_*``). The scan streams and keeps no cell, so
refusing a hostile file takes well under a second and no memory; a refusal names the limit.

Formula cells are noted on the way: the reader imports a formula's cached value, and the user is
told which cells were formulas.
"""
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 8 * 1024 * 1024
MAX_PARTS = 10_000  # a workbook has tens of parts; thousands is a crafted file


class FileTooCostly(Exception):
    """The file would cost more than a limit allows; the message names the limit."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    uncompressed_bytes: int
    rows: int
    columns: int
    cells: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(file_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
                   uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
                   rows=settings.IMPORT_MAX_ROWS, columns=min(settings.IMPORT_MAX_COLUMNS, 702),
                   cells=settings.IMPORT_MAX_CELLS)


@dataclass
class Inspection:
    formula_cells: list[str] = field(default_factory=list)
    formula_count: int = 0

    def note_formula(self, ref: str) -> None:
        self.formula_count += 1
        if len(self.formula_cells) < 10:
            self.formula_cells.append(ref)


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.0f}".replace(",", ".")


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def inspect_file(path: Path, limits: Limits | None = None) -> Inspection:
    """Refuse ``path`` (FileTooCostly) if reading it would cost more than ``limits``."""
    limits = limits or Limits.from_settings()
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise FileTooCostly(_("The file is %(size)s MB; at most %(limit)s MB can be imported.")
                            % {"size": _mb(size), "limit": _mb(limits.file_bytes)})
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods"):
        return _inspect_zip(path, limits, ods=suffix == ".ods")
    if suffix == ".csv":
        return Inspection()  # bounded by size here, by rows and columns as it is read
    return Inspection()  # .xls: BIFF8 caps a sheet at 65,536 × 256; checked again once loaded


def check_extent(rows: int, columns: int, limits: Limits | None = None, *, sheet: str = "") -> None:
    """Refuse a sheet whose used area is beyond the row, column or cell limits."""
    limits = limits or Limits.from_settings()
    where = _("Sheet “%(sheet)s”") % {"sheet": sheet} if sheet else _("The file")
    if rows > limits.rows:
        raise FileTooCostly(
            _(
                "%(where)s has data down to row %(rows)s; at most %(limit)s rows can be "
                "imported at once (split the file, or delete the empty rows at the end)."
            )
            % {"where": where, "rows": _n(rows), "limit": _n(limits.rows)}
        )
    if columns > limits.columns:
        raise FileTooCostly(
            _(
                "%(where)s has data up to column %(column)s (%(columns)s columns); at most "
                "%(limit)s columns can be imported (delete the columns that are not needed)."
            )
            % {
                "where": where,
                "column": column_letters(columns),
                "columns": _n(columns),
                "limit": _n(limits.columns),
            }
        )
    if rows * columns > limits.cells:
        raise FileTooCostly(
            _(
                "%(where)s spans %(rows)s rows × %(columns)s columns; at most %(limit)s cells "
                "can be imported at once (split the file)."
            )
            % {"where": where, "rows": _n(rows), "columns": _n(columns), "limit": _n(limits.cells)}
        )


def _inspect_zip(path: Path, limits: Limits, *, ods: bool) -> Inspection:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileTooCostly(
            _(
                "The file is not a valid Excel workbook (it may be damaged, or an old "
                ".xls renamed): open it in Excel and save it again as .xlsx."
            )
        ) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise FileTooCostly(
                _("The workbook has %(n)s parts; a spreadsheet has far fewer.")
                % {"n": _n(len(parts))}
            )
        total = sum(part.file_size for part in parts)
        if total > limits.uncompressed_bytes:
            raise FileTooCostly(
                _("The workbook unpacks to %(size)s MB; at most %(limit)s MB can be imported.")
                % {"size": _mb(total), "limit": _mb(limits.uncompressed_bytes)}
            )
        inspection = Inspection()
        names = {} if ods else _sheet_names(archive)
        try:
            for part in parts:
                if ods and part.filename == "content.xml":
                    _scan_ods(archive, part, limits)
                elif not ods and re.fullmatch(r"xl/worksheets/[^/]+\.xml", part.filename):
                    _scan_worksheet(archive, part, limits, inspection, names.get(part.filename, ""))
                else:
                    _drain(archive, part)  # reading to the end checks the CRC: sizes cannot lie
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
            raise FileTooCostly(
                _(
                    "The workbook is damaged (a part does not unpack as declared): open it in "
                    "Excel and save it again."
                )
            ) from None
    return inspection


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name as the user sees it (xl/workbook.xml and its rels)."""
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return {}
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship\s[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets.update(
        {
            m.group(2): m.group(1)
            for m in re.finditer(r'<Relationship\s[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
        }
    )
    names = {}
    for match in re.finditer(r'<(?:\w+:)?sheet\s[^>]*?name="([^"]*)"[^>]*?\bid="([^"]+)"', book):
        target = targets.get(match.group(2), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        names[part] = match.group(1).replace("&amp;", "&")
    return names


def _drain(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    with archive.open(part) as stream:
        while stream.read(CHUNK):
            pass


# A cell's tag, with or without a namespace prefix; cells without a value are written
# self-closing (<c r="X9" s="1"/>) and cost the reader nothing, so only open tags count.
_CELL = rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*?(?<!/)>'
_FORMULA = re.compile(_CELL + rb"\s*<(?:\w+:)?f[\s>/]")
_VALUE_CELL = re.compile(_CELL)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]{1,3}[0-9]+:)?([A-Z]{1,3})([0-9]+)"')
_ROW_TAG = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]+)"[^>]*?(?<!/)>')
_CELL_WITHOUT_REF = re.compile(rb'<(?:\w+:)?c(?:\s(?![^>]*\br=")[^>]*?)?(?<!/)>')


def _over(limit: int) -> bytes:
    """A regex matching the decimal numbers above ``limit`` (a prefilter: verified in Python)."""
    digits = str(limit)
    return rb"[1-9][0-9]{%d,}|[%d-9][0-9]{%d}" % (len(digits), int(digits[0]), len(digits) - 1)


def _letters_over(limit: int) -> bytes:
    """A regex matching the column names beyond column ``limit`` (≤ 702, ZZ)."""
    if limit < 26:
        return rb"[A-Z]{2,3}|[%s-Z]" % column_letters(limit + 1).encode()
    first, second = divmod(limit - 1, 26)  # limit = 26 * first + second + 1
    options = [rb"[A-Z]{3}"]
    if first < 26:
        # a first letter past the limit's
        options.append(rb"[%s-Z][A-Z]" % chr(65 + first).encode())
    if second < 25:
        options.append(rb"%s[%s-Z]" % (chr(64 + first).encode(), chr(66 + second).encode()))
    return b"|".join(options)


def _scan_worksheet(archive, part, limits: Limits, inspection: Inspection, sheet: str) -> None:
    """Find the real extent of a worksheet without building it: only references beyond a limit
    can match the prefilters, so a sheet within them costs one pass of C-speed regex search."""
    sheet = sheet or part.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    if _within_limits_quickly(archive, part, limits, inspection, sheet):
        return
    far_row = re.compile(
        rb'<(?:\w+:)?c\s[^>]*?\br="[A-Z]{1,3}(' + _over(limits.rows) + rb')"[^>]*?(?<!/)>'
    )
    far_column = re.compile(
        rb'<(?:\w+:)?c\s[^>]*?\br="(' + _letters_over(limits.columns) + rb')[0-9]+"[^>]*?(?<!/)>'
    )
    max_row = max_column = last_row_tag = 0
    unreferenced = False
    for index, chunk in enumerate(_segments(archive, part)):
        if index == 0:
            _check_dimension(chunk, limits, sheet)
        for match in far_row.finditer(chunk):
            max_row = max(max_row, int(match.group(1)))
        for match in far_column.finditer(chunk):
            max_column = max(max_column, column_number(match.group(1).decode()))
        for match in _FORMULA.finditer(chunk):
            inspection.note_formula(match.group(1).decode() + match.group(2).decode())
        unreferenced = unreferenced or bool(_CELL_WITHOUT_REF.search(chunk))
        for match in _ROW_TAG.finditer(chunk):
            last_row_tag = max(last_row_tag, int(match.group(1)))
        if max_row > limits.rows or max_column > limits.columns:
            break
    check_extent(max_row, max_column, limits, sheet=sheet)
    if unreferenced:
        _scan_positions(archive, part, limits, sheet)
    elif last_row_tag * limits.columns > limits.cells:
        # A long sheet: its width decides. Only a value cell past the width the cell limit allows
        # at this length can refuse it, and a regex finds one at C speed; counting every cell in
        # Python (100,000 rows × 22 columns: seconds of an import's read) only when there is one.
        wide = min(limits.cells // last_row_tag, limits.columns)
        if wide < 1 or _has_value_beyond(archive, part, wide):
            _scan_cells(archive, part, limits, sheet)


_PREFIXED_CELL = re.compile(rb":c[\s>]")  # <x:c …>: a namespace prefix, for the exact scan
_FORMULA_START = re.compile(rb"<f")
MAX_CARRY = 1024 * 1024  # bytes without a ">" carried over: no regular sheet has a tag that long


def _segments(archive, part):
    """The part's bytes in chunks cut after a row's end (or at least a tag's), so that no tag, and
    no cell with its formula, is split between two."""
    carry = b""
    with archive.open(part) as stream:
        while data := stream.read(CHUNK):
            data = carry + data
            row_end = data.rfind(b"</row>")
            cut = row_end + 6 if row_end >= 0 else data.rfind(b">") + 1
            if cut == 0 and len(data) > MAX_CARRY:
                cut = len(data)  # no tag at all: the counts below find nothing regular in it
            carry = data[cut:]
            if cut:
                yield data[:cut]
    if carry:
        yield carry


def _within_limits_quickly(archive, part, limits: Limits, inspection: Inspection,
                           sheet: str) -> bool:
    """Whether a regularly written sheet is surely within the limits, decided by one C-speed regex
    search per chunk (an import of 100,000 rows × 22 columns: well under a second, against seven
    for the exact scan below, which counts cells in Python).

    Every common writer (Excel, LibreOffice, xlsxwriter, openpyxl) starts a cell's tag with its
    reference, ``<c r="B7"``. When no cell tag is written otherwise, and no cell lies past the
    row limit or right of the widest column that the cell limit allows at the row limit, the
    sheet is within every limit whatever its real extent. Anything else returns False and the
    exact scan decides: another attribute order, a namespace prefix, a cell without a
    reference, or a cell far out."""
    wide = min(limits.columns, limits.cells // limits.rows)
    if wide < 1:
        return False
    doubtful = re.compile(
        rb'<c(?: (?!r=")|[>\t\n\r]| r="(?:(?:' + _letters_over(wide) + rb')[0-9]|[A-Z]{1,3}(?:'
        + _over(limits.rows) + rb')"))')
    formulas = Inspection()
    for index, segment in enumerate(_segments(archive, part)):
        if index == 0:
            _check_dimension(segment, limits, sheet)
        # Two searches, each with a literal start the engine skips to: faster than one alternation.
        if doubtful.search(segment) or _PREFIXED_CELL.search(segment):
            return False
        # A formula's tag (or <filterColumn>): the exact pattern tells.
        if _FORMULA_START.search(segment):
            for match in _FORMULA.finditer(segment):
                formulas.note_formula(match.group(1).decode() + match.group(2).decode())
    for ref in formulas.formula_cells:
        inspection.note_formula(ref)
    inspection.formula_count += formulas.formula_count - len(formulas.formula_cells)
    return True


def _has_value_beyond(archive, part, column: int) -> bool:
    """Whether a cell holding a value lies right of ``column``."""
    beyond = re.compile(
        rb'<(?:\w+:)?c\s[^>]*?\br="(?:' + _letters_over(column) + rb')[0-9]+"[^>]*?(?<!/)>'
    )
    return any(beyond.search(chunk) for chunk in _segments(archive, part))


def _scan_cells(archive, part, limits: Limits, sheet: str) -> None:
    """The exact extent of every cell holding a value (one regex match per cell)."""
    max_row = max_column = 0
    for chunk in _segments(archive, part):
        for match in _VALUE_CELL.finditer(chunk):
            max_column = max(max_column, column_number(match.group(1).decode()))
            max_row = max(max_row, int(match.group(2)))
    check_extent(max_row, max_column, limits, sheet=sheet)


def _check_dimension(head: bytes, limits: Limits, sheet: str) -> None:
    """The extent the sheet declares (<dimension ref="A1:XFD1048576"/>), which readers trust to
    size their grid before the first cell."""
    match = _DIMENSION.search(head[:4096])
    if match:
        rows, columns = int(match.group(2)), column_number(match.group(1).decode())
        check_extent(rows, columns, limits, sheet=sheet)


def _scan_positions(archive, part, limits: Limits, sheet: str) -> None:
    """A sheet whose cells carry no reference (some generators omit it) is placed by counting:
    walk it as XML, rows and cells in order, the way the reader will."""
    row = column = max_row = max_column = 0
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream, events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "row":
                ref = element.get("r")
                row = int(ref) if ref and ref.isdigit() else row + 1
                column = 0
            elif tag == "c":
                ref = element.get("r")
                match = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", ref or "")
                column = column_number(match.group(1)) if match else column + 1
                max_row, max_column = max(max_row, row), max(max_column, column)
                if max_row > limits.rows or max_column > limits.columns:
                    break
            element.clear()
    check_extent(max_row, max_column, limits, sheet=sheet)


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _scan_ods(archive, part, limits: Limits) -> None:
    """OpenDocument sheets repeat rows and cells by count (number-rows-repeated): add them up,
    counting repeats of empty rows and cells only when content follows them."""
    rows = columns = row_cells = 0
    pending_rows = 0
    row_has_content = False
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == f"{_ODS}table" and event == "start":
                rows = pending_rows = 0
            elif tag == f"{_ODS}table-row" and event == "start":
                row_cells, row_has_content = 0, False
            elif tag == f"{_ODS}table-cell" and event == "end":
                repeat = int(element.get(f"{_ODS}number-columns-repeated", "1"))
                if len(element) or element.text:
                    row_cells += repeat
                    columns = max(columns, row_cells)
                    row_has_content = True
                else:
                    row_cells += repeat
                element.clear()
            elif tag == f"{_ODS}table-row" and event == "end":
                repeat = int(element.get(f"{_ODS}number-rows-repeated", "1"))
                if row_has_content:
                    rows += pending_rows + repeat
                    pending_rows = 0
                else:
                    pending_rows += repeat
                element.clear()
                check_extent(rows, columns, limits)


def csv_rows(text: str, limits: Limits | None = None) -> list[list[str]]:
    """Rows of a CSV text: the delimiter sniffed from the start (one column when none is found, so
    the header check explains what is missing), every row and column within the limits. NUL,
    which the csv module refuses outright, is kept as U+FFFE for the cell check to report."""
    limits = limits or Limits.from_settings()
    lines = text.count("\n") + 1
    if lines > limits.rows:
        check_extent(lines, 1, limits)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = []
    reader = csv.reader(io.StringIO(text.replace("\x00", "\ufffe")), dialect)
    try:
        for row in reader:
            if len(row) > limits.columns:
                check_extent(len(rows) + 1, len(row), limits)
            rows.append(row)
    except csv.Error as exc:
        raise FileTooCostly(
            _(
                "The CSV file cannot be read at line %(line)s (%(error)s): save it again "
                "from Excel as “CSV UTF-8”."
            )
            % {"line": reader.line_num, "error": exc}
        ) from None
    return rows
