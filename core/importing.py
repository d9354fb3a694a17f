"""The import machinery shared by every spreadsheet import.

An importer declares its columns once (Vietnamese header, field, parser, whether the header and the
value are required); the same declaration reads the file, validates every row, writes the blank
template and the error sheet. Reading finds the header row itself (offices put titles above it),
matches headers ignoring case, diacritics, spacing and punctuation, and keeps Excel row numbers
(header = the row it is on; DESIGN.md §4 files have it on row 1). Validation reports every bad
cell as (row, column, Vietnamese reason); by default nothing is written if any row is bad.
"""
import io
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from core.audit import audit_context
from core.bulk import gc_paused
from core.models import AuditEntry
from core.sheet_bounds import FileTooCostly, Inspection, check_extent, csv_rows, inspect_file
from core.text import clean, header_key, unaccent

HEADER_SCAN_ROWS = 30
ALLOWED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class CellError(Exception):
    """A cell value that cannot be accepted; the message is shown to the user as the reason."""


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header row, missing required columns)."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or [{"row": 0, "column": "", "message": message}]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[Any], Any] | None = None
    required: bool = False  # the header must be present
    blank: bool = True  # an empty value is accepted
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""
    max_length: int | None = None  # characters; None: IMPORT_MAX_CELL_CHARS
    # Names and codes: a value starting like a formula (= + - @) is refused, not stored, so no
    # later export, copy or mail merge can run it (exports neutralise them too).
    refuse_formula: bool = False

    def header_keys(self) -> set[str]:
        return {header_key(self.header), *(header_key(a) for a in self.aliases)}


@dataclass
class Row:
    number: int  # the Excel row number
    values: dict[str, Any]
    raw: dict[str, Any]
    errors: list[dict] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"row": self.number, "column": column, "message": message})


@dataclass
class Table:
    sheet: str
    header_row: int
    columns: list[Column]  # columns found in the file
    rows: list[Row]
    unknown_headers: list[str]
    formula_cells: list[str] = field(default_factory=list)  # the first few, for the warning
    formula_count: int = 0
    # Excel rows of the signature footer skipped
    footer_rows: list[int] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text: NFC, trimmed; whole floats lose their '.0' (codes typed as numbers); a date
    cell reads as the user typed it, dd/mm/yyyy, in messages and text fields alike (not ISO)."""
    if type(value) is str:
        return clean(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y" if value.time() == time() else "%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean(value)


def display_text(value: Any) -> str:
    """A cell as the user reads it back (preview, error sheet): dates dd/mm/yyyy, not ISO."""
    return cell_text(value)


def is_blank(value: Any) -> bool:
    """``cell_text(value) == ""`` without building the text: only None and whitespace are blank."""
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(path: Path,
               sheet: str | None = None) -> tuple[dict[str, list[list[Any]]], Inspection]:
    """Every sheet (or the one named) as rows of cells, once the file's cost is known to be within
    the limits (core.sheet_bounds): nothing is read before that."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ImportFileError(_("Unsupported file type %(ext)s: upload an Excel (.xlsx) file.")
                              % {"ext": suffix})
    try:
        inspection = inspect_file(path)
        if suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            return {path.stem: csv_rows(text)}, inspection
        return _read_workbook(path, sheet), inspection
    except FileTooCostly as exc:
        raise ImportFileError(str(exc)) from None


def _read_workbook(path: Path, sheet: str | None) -> dict[str, list[list[Any]]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {}
        for name in workbook.sheet_names:
            if sheet is not None and header_key(name) != header_key(sheet):
                continue
            loaded = workbook.get_sheet_by_name(name)
            # .xls and .ods are only bounded by their format: check again
            if loaded.end is not None:
                check_extent(loaded.end[0] + 1, loaded.end[1] + 1, sheet=name)
            sheets[name] = loaded.to_python(skip_empty_area=False)
        return sheets
    except FileTooCostly:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ImportFileError(_("The file cannot be read as a spreadsheet (%(error)s).")
                              % {"error": exc}) from exc


def _match_header(cells: list[Any], columns: Iterable[Column]) -> dict[int, Column]:
    by_key = {}
    for column in columns:
        for key in column.header_keys():
            by_key[key] = column
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        column = by_key.get(header_key(cell_text(cell)))
        if column is not None and column not in found.values():
            found[index] = column
    return found


@dataclass
class _HeaderCell:
    """One column of the header as the file shows it: its own label and the group cell over it."""

    label: str
    group: str = ""

    def candidates(self) -> list[str]:
        """The texts to match against the declared headers, best first: the lower label wins, then
        "group label" and "label group" ("LƯƠNG" over "Bậc" is "Bậc lương")."""
        if not self.group:
            return [self.label] if self.label else []
        if not self.label:
            return [self.group]
        return [self.label, f"{self.group} {self.label}", f"{self.label} {self.group}"]

    @property
    def name(self) -> str:
        return self.label or self.group


def _two_level(upper: list[Any], lower: list[Any]) -> list[_HeaderCell]:
    """The columns of a header over two rows. A cell of the upper row with nothing under it is
    merged vertically ("Họ và tên" over two rows); one with labels under it is a group merged
    across them ("LƯƠNG" over "Mã ngạch / Bậc / Hệ số / Ngày hưởng"). Merged cells hold their
    text in their first cell only, so a group runs until the next upper cell or a blank label."""
    cells, group = [], ""
    for index in range(max(len(upper), len(lower))):
        top = cell_text(upper[index]) if index < len(upper) else ""
        label = cell_text(lower[index]) if index < len(lower) else ""
        if top:
            group = top
        elif not label:
            group = ""
        if top and not label:
            cells.append(_HeaderCell(top))
        else:
            cells.append(_HeaderCell(label, group if label else ""))
    return cells


def _place(cells: list[_HeaderCell], columns: Iterable[Column]) -> dict[int, Column]:
    by_key = {}
    for column in columns:
        for key in column.header_keys():
            by_key[key] = column
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        for text in cell.candidates():
            column = by_key.get(header_key(text))
            if column is not None and column not in found.values():
                found[index] = column
                break
    return found


def _read_header(rows: list[list[Any]], index: int, found: dict[int, Column], columns: list[Column]
                 ) -> tuple[int, int, dict[int, Column], list[_HeaderCell]]:
    """The header around row ``index``: (first row, last row, placed columns, header cells).

    The row under it is a second header level when it places more declared columns and the
    row's key columns are blank there (a data row has its code); the row over it is a first
    level when reading the two together places more."""
    single = [_HeaderCell(cell_text(c)) for c in rows[index]]
    best = (index, index, found, single)
    for first in (index, index - 1):
        if first < 0 or first + 1 >= len(rows) or first + 1 > HEADER_SCAN_ROWS:
            continue
        upper, lower = rows[first], rows[first + 1]
        if first == index and any(
                col.required and i < len(lower) and not is_blank(lower[i])
                and header_key(cell_text(lower[i])) not in col.header_keys()
                for i, col in found.items()):
            continue  # the row under the header holds data
        cells = _two_level(upper, lower)
        placed = _place(cells, columns)
        # Labels under a group cell, and nothing under the columns
        # already found: the second level of a header even when none of
        # its labels is known (so they are reported, not read as data).
        grouped = first == index and all(
            i >= len(lower) or is_blank(lower[i])
            or header_key(cell_text(lower[i])) in col.header_keys()
            for i, col in found.items()) and any(
            i not in found and cell.label and cell.group for i, cell in enumerate(cells))
        if set(found.values()) <= set(placed.values()) and (
                len(placed) > len(best[2]) or (grouped and len(placed) == len(best[2]))):
            best = (first, first + 1, placed, cells)
    return best


def _words(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-z%]+", unaccent(text)))


def _looks_like(cell: _HeaderCell, columns: Iterable[Column]) -> Column | None:
    """The optional column a header that matched nothing seems to mean: its words are all words of
    that column's header ("Ngạch" of "Mã ngạch"), or it contains that header ("Hệ số lương
    hiện hưởng"). Only the declared header counts here, not the aliases."""
    for column in columns:
        expected_words, expected_key = _words(column.header), header_key(column.header)
        for text in cell.candidates():
            words = _words(text)
            if not words or all(w.isdigit() for w in words):
                continue
            if words <= expected_words or expected_key in header_key(text):
                return column
    return None


# The signature block offices put under a list (the words start a cell, diacritics ignored):
# "Người lập biểu", "Thủ trưởng đơn vị", "KT. GIÁM ĐỐC", "Kế toán", "Nơi nhận:", "(Ký, ghi rõ họ
# tên)", and the place and date line "Tuyên Quang, ngày 30 tháng 11 năm 2026".
_FOOTER = re.compile(
    r"^(?:nguoi lap|nguoi ky|thu truong|ke toan|noi nhan|xac nhan|(?:tm|kt|q|tl|tuq)\.\s?"
    r"|(?:pho\s)?(?:giam doc|chu tich|truong phong|truong ban|vien truong|hieu truong))"
    r"|\bngay\b[\s.…/_\d-]*\bthang\b[\s.…/_\d-]*\bnam\b"
    r"|^\(\s*ky\b")


# A totals line closing the table ("Tổng cộng: 25 người", "Cộng", "Tổng số") in its first cell.
_TOTAL = re.compile(r"^(?:tong cong|tong so|cong)(?:$|[\s:])")


def is_footer_text(value: Any) -> bool:
    return isinstance(value, str) and bool(_FOOTER.search(unaccent(value)))


def _has_figures(value: Any) -> bool:
    """A number, a date or digits: what data rows hold and a signature block does not (its date
    line is footer text itself)."""
    return not isinstance(value, str) or any(ch.isdigit() for ch in value)


def _footer_start(cells_of: Callable[[int], list[Any]], rows: list[Row],
                  key: int | None) -> int | None:
    """Where the signature footer under the table begins in ``rows``, or None.

    Only the last rows can be a footer: from the first row with footer words ("Người lập biểu",
    "ngày … tháng … năm …") to the end, every row must hold only footer words, or words without
    any figure and nothing in the key column (the signers' names), or a single filled cell. A row
    with a key value, a date or a number before that is data, and stays an error if it is wrong
    (a row without its code whose "Chức vụ" is "Trưởng phòng" still has a birth date)."""
    start = None
    for position in range(len(rows) - 1, -1, -1):
        cells = cells_of(rows[position].number)
        texts = [c for c in cells if not is_blank(c)]
        key_cell = cells[key] if key is not None and key < len(cells) else None
        footer = [c for c in texts if is_footer_text(c)]
        others = [c for c in texts if not is_footer_text(c)]
        # A bullet ("- Như trên;", "- Lưu: VT.") of the "Nơi nhận" list is no code either.
        key_free = is_blank(key_cell) or is_footer_text(key_cell) or (
            isinstance(key_cell, str) and key_cell.lstrip().startswith(("- ", "+ ", "• ", "* ")))
        if footer and key_free and not any(_has_figures(c) for c in others):
            start = position
        elif texts and isinstance(texts[0], str) and _TOTAL.match(unaccent(texts[0])) and (
                key_free or texts[0] is key_cell):
            start = position  # the totals line may carry sums: its first cell says what it is
        elif not (len(texts) <= 1
                  or (is_blank(key_cell) and not any(_has_figures(c) for c in texts))):
            break
    return start


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")


def _is_column_numbers(cells: list[Any]) -> bool:
    """A row numbering the columns (1, 2, 3 … or (1),
    (2) …), as official forms put under the header."""
    numbers = []
    for cell in cells:
        if is_blank(cell):
            continue
        match = _COLUMN_NUMBER.match(cell_text(cell))
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and numbers == sorted(set(numbers)) and numbers[0] <= 2


def read_table(path: Path, columns: list[Column], sheet: str | None = None) -> Table:
    """Find the sheet and header row holding the required columns and return the data rows."""
    sheets, inspection = _read_rows(Path(path), sheet)
    required = [c for c in columns if c.required]
    best: tuple[int, str, int, dict[int, Column]] | None = None
    for name, rows in sheets.items():
        if sheet is not None and header_key(name) != header_key(sheet):
            continue
        for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
            found = _match_header(cells, columns)
            score = sum(1 for c in found.values() if c.required) * 100 + len(found)
            if found and (best is None or score > best[0]):
                best = (score, name, index, found)
    if best is None:
        where = _("sheet %(sheet)s") % {"sheet": sheet} if sheet else _("the file")
        raise ImportFileError(
            _("No header row found in %(where)s: the first row must hold the column names "
              "(%(names)s).")
            % {"where": where, "names": ", ".join(c.header for c in required)})
    _score, name, header_index, found = best
    sheet_rows = sheets[name]
    first_header, last_header, found, header_cells = _read_header(sheet_rows, header_index, found,
                                                                  columns)
    missing = [c for c in required if c not in found.values()]
    if missing:
        raise ImportFileError(
            _("Missing required columns: %(names)s.")
            % {"names": ", ".join(c.header for c in missing)},
            [{"row": first_header + 1, "column": c.header,
              "message": _("Required column is missing.")} for c in missing],
        )
    unplaced = [cell for i, cell in enumerate(header_cells) if i not in found and cell.name]
    optional = [c for c in columns if not c.required and c not in found.values()]
    dropped = [(cell, column) for cell in unplaced if (column := _looks_like(cell, optional))]
    if dropped:
        # Silently dropping a column the importer reads (salary step, coefficient …) would import
        # people without it: refuse, naming the columns, rather than guess.
        raise ImportFileError(
            _("These columns would not be imported: %(names)s. Rename their headers as in the "
              "template (%(expected)s) or delete the columns.")
            % {"names": ", ".join(f"“{cell.name}”" for cell, _c in dropped),
               "expected": ", ".join(dict.fromkeys(f"“{column.header}”"
                                                   for _c, column in dropped))},
            [{"row": last_header + 1, "column": cell.name,
              "message": _(
                  "The column looks like “%(header)s” but its header is not one the import "
                  "reads: rename it “%(header)s”.") % {"header": column.header}}
             for cell, column in dropped],
        )
    unknown = [cell.name for cell in unplaced]
    data = []
    first_data = last_header + 1
    if first_data < len(sheet_rows) and _is_column_numbers(sheet_rows[first_data]):
        first_data += 1  # "(1) (2) (3) …" under the header of an official form: not a person
    # The key column: the first declared column a row cannot do without (the code, for people).
    index_of = {col: i for i, col in found.items()}
    keys = [index_of[c] for c in columns if c in index_of and c.required and not c.blank] or \
        [index_of[c] for c in columns if c in index_of and c.required]
    # A row's cells picked by one C call (rows of a sheet are as wide as its widest row).
    fields, indexes = [col.field for col in found.values()], list(found)
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    width, key = max(indexes) + 1, keys[0] if keys else indexes[0]
    for offset, cells in enumerate(sheet_rows[first_data:], start=first_data + 1):
        values = pick(cells) if len(cells) >= width else [
            cells[i] if i < len(cells) else None for i in indexes]
        # Most rows have their key; only a row without it is looked at cell by cell.
        if is_blank(cells[key] if key < len(cells) else None) and all(is_blank(v) for v in values):
            continue  # blank rows and trailing formatting are not data
        data.append(Row(number=offset, values={}, raw=dict(zip(fields, values, strict=True))))
    footer = _footer_start(lambda number: sheet_rows[number - 1], data, keys[0] if keys else None)
    footer_rows = data[footer:] if footer is not None else []
    if footer is not None:
        data = data[:footer]
    return Table(sheet=name, header_row=last_header + 1, columns=list(found.values()), rows=data,
                 unknown_headers=unknown, formula_cells=inspection.formula_cells,
                 formula_count=inspection.formula_count,
                 footer_rows=[row.number for row in footer_rows])


def parse_row(row: Row, columns: list[Column]) -> None:
    """Parse every cell of ``row`` with its column's parser; collect the errors on the row.

    Parsers get the cell as read (some keep its line breaks) and clean it themselves, so a cell
    is cleaned once, not once more here. Before a parser sees a text cell, :func:`cell_problem`
    refuses what no column accepts (control characters, too long, formula-like names)."""
    default_limit = settings.IMPORT_MAX_CELL_CHARS  # read once per row, not once per cell
    for column in columns:
        raw = row.raw.get(column.field)
        if is_blank(raw):
            if not column.blank:
                row.error(column.header, _("This value is required."))
            row.values[column.field] = None
            continue
        # The common case decided by C calls: printable, short, not formula-like.
        problem = None if type(raw) is not str or (
            raw.isprintable() and len(raw) <= (column.max_length or default_limit)
            and not (column.refuse_formula and raw.lstrip().startswith(FORMULA_START))
        ) else cell_problem(raw, column)
        if problem:
            row.error(column.header, problem)
            row.values[column.field] = None
            continue
        try:
            row.values[column.field] = column.parse(raw) if column.parse else cell_text(raw)
        except CellError as exc:
            row.error(column.header, str(exc))
            row.values[column.field] = None


# C0 and C1 control characters but tab and line breaks, and the two noncharacters (U+FFFE stands
# for a NUL of a CSV file, which the csv module cannot carry).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@")


def cell_problem(raw: str, column: Column) -> str | None:
    """Why a text cell cannot be accepted in ``column``, in Vietnamese, or None."""
    return text_problem(raw, max_length=column.max_length, refuse_formula=column.refuse_formula)


def text_problem(raw: str, *, max_length: int | None = None,
                 refuse_formula: bool = False) -> str | None:
    """Why a text value of a file cannot be accepted, in Vietnamese, or None: a control character,
    more than ``max_length`` characters (default IMPORT_MAX_CELL_CHARS), a formula-like start."""
    bad = None if raw.isprintable() else _CONTROL.search(raw)  # printable: no control character
    if bad:
        code = ord(bad.group()) if bad.group() != "\ufffe" else 0
        return (
            _("Contains an invisible control character (U+%(code)04X) at position %(pos)s: delete "
              "it and type the value again.") % {"code": code, "pos": bad.start() + 1})
    limit = max_length or settings.IMPORT_MAX_CELL_CHARS
    if len(raw) > limit and len(clean(raw)) > limit:
        return _("Too long: %(n)s characters, at most %(limit)s.") % {"n": len(clean(raw)),
                                                                      "limit": limit}
    if refuse_formula and clean(raw).startswith(FORMULA_START):
        return _(
            "Starts with “%(char)s” like a spreadsheet formula; a name or code cannot start with "
            "= + - @.") % {"char": clean(raw)[0]}
    return None


def summary_document(*, rows: int, created: int = 0, updated: int = 0, unchanged: int = 0,
                     rejected: int = 0, errors: list[dict] | None = None) -> dict:
    """The result of an import exactly as DESIGN.md §4 names it."""
    return {"rows": rows, "created": created, "updated": updated, "unchanged": unchanged,
            "rejected": rejected, "errors": sorted(errors or [], key=lambda e: e["row"])}


class Importer:
    """Base class: subclasses declare ``columns`` and
    implement ``prepare``, ``check`` and ``write``."""

    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    sheet: str | None = None
    # validate() keeps each row's cells as read for the
    # upload preview; run() drops them once parsed.
    keep_raw: bool = True

    def __init__(self, *, actor=None, scope=None, skip_invalid: bool = False, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None):
        self.actor = actor
        # a core.access.UnitScope limiting what may be written, or None for everything
        self.scope = scope
        self.skip_invalid = skip_invalid
        self.dry_run = dry_run
        self.progress = progress or (lambda percent: None)
        self.warnings: list[str] = []
        self.batch = uuid.uuid4()

    # --- hooks ------------------------------------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        """Prefetch the reference data every row needs, in bulk."""

    def check(self, rows: list[Row]) -> None:
        """Cross-field, cross-row and database checks; add errors to the rows."""

    def classify(self, rows: list[Row]) -> dict[str, int]:
        """Count what writing would do: {"created": n, "updated": n, "unchanged": n}."""
        return {"created": len(rows), "updated": 0, "unchanged": 0}

    def write(self, rows: list[Row]) -> dict[str, int]:
        raise NotImplementedError

    # --- the run ----------------------------------------------------------------------------------
    def note_table(self, table: Table, *, sheet: bool = False) -> None:
        """Warn of what reading ``table`` left out: columns no one declared, the signature footer
        (prefixed with the sheet's name when the import reads several sheets)."""
        where = _("Sheet “%(sheet)s”: ") % {"sheet": table.sheet} if sheet else ""
        for header in table.unknown_headers:
            self.warnings.append(where + _("Column “%(name)s” is not imported.") % {"name": header})
        if table.footer_rows:
            self.warnings.append(where + (
                _("%(n)s rows under the table (rows %(first)s–%(last)s) were read as its "
                  "signature footer and skipped.")
                % {"n": len(table.footer_rows), "first": table.footer_rows[0],
                   "last": table.footer_rows[-1]}))

    def validate(self, path: Path) -> tuple[Table, list[Row], list[dict]]:
        table = read_table(Path(path), self.columns, self.sheet)
        self.note_table(table)
        if table.formula_count:
            self.warnings.append(
                _("%(n)s cells hold formulas (for example %(cells)s): their values as Excel "
                  "last computed them were imported; check them.")
                % {"n": table.formula_count, "cells": ", ".join(table.formula_cells[:5])})
        for index, row in enumerate(table.rows):
            parse_row(row, table.columns)
            if not self.keep_raw:
                row.raw = {}  # the error sheet reads the file again; nothing else needs the cells
            if index % 5000 == 0:
                self.progress(int(40 * index / max(len(table.rows), 1)))
        self.prepare(table.rows)
        self.check(table.rows)
        errors = [e for row in table.rows for e in row.errors]
        return table, [row for row in table.rows if not row.errors], errors

    def run(self, path: Path) -> dict:
        """Validate everything, then write all good rows in one transaction (or nothing)."""
        self.keep_raw = False
        # Hundreds of thousands of small objects and no reference cycles worth collecting: the
        # cyclic GC would otherwise rescan them all again and again.
        with gc_paused():
            try:
                table, good, errors = self.validate(path)
            except ImportFileError as exc:
                return summary_document(rows=0, errors=exc.errors)
            rejected = len(table.rows) - len(good)
            if errors and not self.skip_invalid:
                return summary_document(rows=len(table.rows), rejected=rejected, errors=errors)
            self.progress(50)
            if self.dry_run:
                counts = self.classify(good)
            else:
                try:
                    with audit_context(source=AuditEntry.Source.IMPORT,
                                       batch=self.batch), transaction.atomic():
                        counts = self.write(good)
                except ValidationError as exc:
                    # A rule a service enforces that the checks
                    # did not foresee: nothing was written.
                    return summary_document(rows=len(table.rows), rejected=len(table.rows), errors=[
                        *errors,
                        *({"row": 0, "column": "",
                           "message": _("Nothing was written: %(reason)s") % {"reason": message}}
                          for message in exc.messages)])
        self.progress(100)
        return summary_document(rows=len(table.rows), rejected=rejected, errors=errors, **counts)

    # --- files for the user -----------------------------------------------------------------------
    @classmethod
    def template_bytes(cls) -> bytes:
        """A blank workbook with the headers and a sheet explaining each column."""
        import xlsxwriter

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        sheet = workbook.add_worksheet(str(cls.title)[:31] or "Data")
        for index, column in enumerate(cls.columns):
            sheet.write(0, index, column.header, bold)
            sheet.write(1, index, column.example)
            sheet.set_column(index, index, max(14, len(column.header) + 4))
        guide = workbook.add_worksheet(_("Guide")[:31])
        guide.write_row(0, 0, [_("Column"), _("Required"), _("Description")], bold)
        for index, column in enumerate(cls.columns, start=1):
            guide.write_row(index, 0,
                            [column.header, _("yes") if not column.blank else _("no"),
                             str(column.help)])
        guide.set_column(0, 0, 30)
        guide.set_column(2, 2, 80)
        workbook.close()
        return buffer.getvalue()


def error_sheet_bytes(path: Path, columns: list[Column], errors: list[dict],
                      sheet: str | None = None) -> bytes:
    """The rejected rows with their original values and one column of reasons, as .xlsx."""
    import xlsxwriter

    from core.exporting import safe_cell

    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(
            f"{error['column']}: {error['message']}" if error["column"] else error["message"])
    try:
        table = read_table(Path(path), columns, sheet)
        rows = [r for r in table.rows if r.number in by_row]
        headers = [c.header for c in table.columns]
        fields = [c.field for c in table.columns]
    except ImportFileError:
        rows, headers, fields = [], [], []
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    sheet_out = workbook.add_worksheet(_("Errors")[:31])
    sheet_out.write_row(0, 0, [_("Row"), _("Errors"), *headers], bold)
    line = 1
    listed = set()
    for row in rows:
        sheet_out.write_row(line, 0, [row.number, "\n".join(by_row[row.number]),
                                      *(safe_cell(display_text(row.raw.get(f))) for f in fields)])
        listed.add(row.number)
        line += 1
    for number, messages in sorted(by_row.items()):
        if number not in listed:
            sheet_out.write_row(line, 0, [number, "\n".join(messages)])
            line += 1
    sheet_out.set_column(1, 1, 60)
    workbook.close()
    return buffer.getvalue()


_IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(cls: type[Importer]) -> type[Importer]:
    """Make an importer available to the upload pages and
    background jobs (called from AppConfig.ready)."""
    _IMPORTERS[cls.kind] = cls
    return cls


def importer_class(kind: str) -> type[Importer]:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer of kind {kind!r}") from None


def importer_kinds() -> list[type[Importer]]:
    return list(_IMPORTERS.values())
