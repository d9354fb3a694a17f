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
from core.text import clean, header_key

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


def cell_text(value: Any) -> str:
    """A cell as text: NFC, trimmed; whole floats lose their '.0' (codes typed as numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def is_blank(value: Any) -> bool:
    """``cell_text(value) == ""`` without building the text: only None and whitespace are blank."""
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(path: Path, sheet: str | None = None) -> tuple[dict[str, list[list[Any]]], Inspection]:
    """Every sheet (or the one named) as rows of cells, once the file's cost is known to be within
    the limits (core.sheet_bounds): nothing is read before that."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ImportFileError(_("Unsupported file type %(ext)s: upload an Excel (.xlsx) file.") % {"ext": suffix})
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
            if loaded.end is not None:  # .xls and .ods are only bounded by their format: check again
                check_extent(loaded.end[0] + 1, loaded.end[1] + 1, sheet=name)
            sheets[name] = loaded.to_python(skip_empty_area=False)
        return sheets
    except FileTooCostly:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ImportFileError(_("The file cannot be read as a spreadsheet (%(error)s).") % {"error": exc}) from exc


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
            _("No header row found in %(where)s: the first row must hold the column names (%(names)s).")
            % {"where": where, "names": ", ".join(c.header for c in required)})
    _score, name, header_index, found = best
    missing = [c for c in required if c not in found.values()]
    if missing:
        raise ImportFileError(
            _("Missing required columns: %(names)s.") % {"names": ", ".join(c.header for c in missing)},
            [{"row": header_index + 1, "column": c.header, "message": _("Required column is missing.")}
             for c in missing],
        )
    header_cells = sheets[name][header_index]
    unknown = [cell_text(c) for i, c in enumerate(header_cells) if i not in found and cell_text(c)]
    data = []
    for offset, cells in enumerate(sheets[name][header_index + 1:], start=header_index + 2):
        raw = {col.field: (cells[i] if i < len(cells) else None) for i, col in found.items()}
        if all(is_blank(v) for v in raw.values()):
            continue  # blank rows and trailing formatting are not data
        data.append(Row(number=offset, values={}, raw=raw))
    return Table(sheet=name, header_row=header_index + 1, columns=list(found.values()), rows=data,
                 unknown_headers=unknown, formula_cells=inspection.formula_cells,
                 formula_count=inspection.formula_count)


def parse_row(row: Row, columns: list[Column]) -> None:
    """Parse every cell of ``row`` with its column's parser; collect the errors on the row.

    Parsers get the cell as read (some keep its line breaks) and clean it themselves, so a cell
    is cleaned once, not once more here. Before a parser sees a text cell, :func:`cell_problem`
    refuses what no column accepts (control characters, too long, formula-like names)."""
    for column in columns:
        raw = row.raw.get(column.field)
        if is_blank(raw):
            if not column.blank:
                row.error(column.header, _("This value is required."))
            row.values[column.field] = None
            continue
        problem = cell_problem(raw, column) if isinstance(raw, str) else None
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


def text_problem(raw: str, *, max_length: int | None = None, refuse_formula: bool = False) -> str | None:
    """Why a text value of a file cannot be accepted, in Vietnamese, or None: a control character,
    more than ``max_length`` characters (default IMPORT_MAX_CELL_CHARS), a formula-like start."""
    bad = _CONTROL.search(raw)
    if bad:
        code = ord(bad.group()) if bad.group() != "\ufffe" else 0
        return (_("Contains an invisible control character (U+%(code)04X) at position %(pos)s: delete "
                  "it and type the value again.") % {"code": code, "pos": bad.start() + 1})
    limit = max_length or settings.IMPORT_MAX_CELL_CHARS
    if len(raw) > limit and len(clean(raw)) > limit:
        return _("Too long: %(n)s characters, at most %(limit)s.") % {"n": len(clean(raw)), "limit": limit}
    if refuse_formula and clean(raw).startswith(FORMULA_START):
        return _("Starts with “%(char)s” like a spreadsheet formula; a name or code cannot start with "
                 "= + - @.") % {"char": clean(raw)[0]}
    return None


def summary_document(*, rows: int, created: int = 0, updated: int = 0, unchanged: int = 0, rejected: int = 0,
                     errors: list[dict] | None = None) -> dict:
    """The result of an import exactly as DESIGN.md §4 names it."""
    return {"rows": rows, "created": created, "updated": updated, "unchanged": unchanged,
            "rejected": rejected, "errors": sorted(errors or [], key=lambda e: e["row"])}


class Importer:
    """Base class: subclasses declare ``columns`` and implement ``prepare``, ``check`` and ``write``."""

    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    sheet: str | None = None
    # validate() keeps each row's cells as read for the upload preview; run() drops them once parsed.
    keep_raw: bool = True

    def __init__(self, *, actor=None, scope=None, skip_invalid: bool = False, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None):
        self.actor = actor
        self.scope = scope  # a core.access.UnitScope limiting what may be written, or None for everything
        self.skip_invalid = skip_invalid
        self.dry_run = dry_run
        self.progress = progress or (lambda percent: None)
        self.warnings: list[str] = []
        self.batch = uuid.uuid4()

    # --- hooks -------------------------------------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        """Prefetch the reference data every row needs, in bulk."""

    def check(self, rows: list[Row]) -> None:
        """Cross-field, cross-row and database checks; add errors to the rows."""

    def classify(self, rows: list[Row]) -> dict[str, int]:
        """Count what writing would do: {"created": n, "updated": n, "unchanged": n}."""
        return {"created": len(rows), "updated": 0, "unchanged": 0}

    def write(self, rows: list[Row]) -> dict[str, int]:
        raise NotImplementedError

    # --- the run -----------------------------------------------------------------------------------
    def validate(self, path: Path) -> tuple[Table, list[Row], list[dict]]:
        table = read_table(Path(path), self.columns, self.sheet)
        if table.unknown_headers:
            self.warnings.append(_("Ignored columns: %(names)s") % {"names": ", ".join(table.unknown_headers)})
        if table.formula_count:
            self.warnings.append(
                _("%(n)s cells hold formulas (for example %(cells)s): their values as Excel last computed "
                  "them were imported; check them.")
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
                    with audit_context(source=AuditEntry.Source.IMPORT, batch=self.batch), transaction.atomic():
                        counts = self.write(good)
                except ValidationError as exc:
                    # A rule a service enforces that the checks did not foresee: nothing was written.
                    return summary_document(rows=len(table.rows), rejected=len(table.rows), errors=[
                        *errors, *({"row": 0, "column": "", "message": _("Nothing was written: %(reason)s")
                                    % {"reason": message}} for message in exc.messages)])
        self.progress(100)
        return summary_document(rows=len(table.rows), rejected=rejected, errors=errors, **counts)

    # --- files for the user --------------------------------------------------------------------------
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
            guide.write_row(index, 0, [column.header, _("yes") if not column.blank else _("no"), str(column.help)])
        guide.set_column(0, 0, 30)
        guide.set_column(2, 2, 80)
        workbook.close()
        return buffer.getvalue()


def error_sheet_bytes(path: Path, columns: list[Column], errors: list[dict], sheet: str | None = None) -> bytes:
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
                                      *(safe_cell(cell_text(row.raw.get(f))) for f in fields)])
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
    """Make an importer available to the upload pages and background jobs (called from AppConfig.ready)."""
    _IMPORTERS[cls.kind] = cls
    return cls


def importer_class(kind: str) -> type[Importer]:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer of kind {kind!r}") from None


def importer_kinds() -> list[type[Importer]]:
    return list(_IMPORTERS.values())
