"""Each unit's own appraisal of the year (UnitResult): planned targets, those completed on time and
with quality, those exceeded, the level; entered on a page or imported (``import_unit_results``).

Under ND 335/2025 (Art 15) and ND 90/2020 (Art 3) a leader's result is tied
to the unit's: the board shows it beside the unit's leaders. Writes go
through :func:`appraisal.services.unit_result_save`, which keeps the history.
"""
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.models import Level, UnitResult
from appraisal.rules import LEVEL_NAMES
from core.access import UnitScope
from core.importing import CellError, Column, Importer, Row, cell_text
from core.models import OrgUnit
from core.text import clean, header_key

VALUE_FIELDS = ("targets_planned", "targets_on_time", "targets_exceeded", "level",
                "corruption_case", "note")
ON_TIME_HEADER = "Hoàn thành đúng hạn, bảo đảm chất lượng"
EXCEEDED_HEADER = "Vượt chỉ tiêu"


def target_errors(planned: int | None, on_time: int | None, exceeded: int | None) -> dict[str, str]:
    """The targets must nest: exceeded ⊆ completed on time and with quality ⊆ planned."""
    errors = {}
    if planned is not None and on_time is not None and on_time > planned:
        errors["targets_on_time"] = _(
            "More targets completed on time (%(on_time)s) than planned (%(planned)s).") % {
            "on_time": on_time, "planned": planned}
    # Exceeded targets are among those completed on time, so never more than them.
    if on_time is not None and exceeded is not None and exceeded > on_time:
        errors["targets_exceeded"] = _(
            "More targets exceeded (%(exceeded)s) than completed on time "
            "(%(on_time)s).") % {"exceeded": exceeded, "on_time": on_time}
    return errors


def unit_result_record(*, actor, unit: OrgUnit | None = None, year: int | None = None,
                       targets_planned: int, targets_on_time: int, targets_exceeded: int,
                       level: str = "", corruption_case: str = "", note: str = "",
                       unit_result: UnitResult | None = None) -> UnitResult:
    """Record a unit's result of the year from the page: a new one (refused if the unit already has
    one for that year: it is edited instead), or a correction of ``unit_result``."""
    from appraisal.services import unit_result_save

    errors = target_errors(targets_planned, targets_on_time, targets_exceeded)
    if errors:
        raise ValidationError(errors)
    if unit_result is not None:
        unit, year = unit_result.unit, unit_result.year
    # One result per unit and year: a second would leave the leaders' criteria two figures to choose
    # from.
    elif UnitResult.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {"unit": _("%(unit)s already has a result for %(year)s: edit it instead.")
             % {"unit": unit.name, "year": year}})
    return unit_result_save(actor=actor, unit=unit, year=year, targets_planned=targets_planned,
                            targets_on_time=targets_on_time, targets_exceeded=targets_exceeded,
                            level=level or "", corruption_case=corruption_case or "",
                            note=note or "")


def unit_results_of(year: int, scope: UnitScope) -> QuerySet[UnitResult]:
    """The results of ``year`` of the units in ``scope``, in tree order."""
    return scope.filter(UnitResult.objects.filter(year=year),
                        "unit").select_related("unit").order_by("unit__path")


# --- the import -----------------------------------------------------------------------------------

_LEVELS = ({header_key(code): code for code in Level.values}
           | {header_key(name): code for code, name in LEVEL_NAMES.items()})


def parse_level(raw) -> str:
    """HTXS, HTT, HT, KHT or the level's full name, however it is cased or accented."""
    level = _LEVELS.get(header_key(cell_text(raw)))
    if level is None:
        raise CellError(
            _("“%(value)s” is not a level: write HTXS, HTT, HT or KHT (or the level's full name).")
            % {"value": cell_text(raw)})
    return level


def parse_count(raw) -> int:
    """A whole number of targets, 0 or more."""
    text = cell_text(raw).replace(" ", "")
    try:
        value = float(raw) if isinstance(raw, int | float) else float(text.replace(",", "."))
    except ValueError:
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)}) from None
    # A bound, not a legal figure: it catches a date or an amount pasted into the column.
    if not value.is_integer() or value < 0 or value > 10**6:
        raise CellError(_("A whole number of targets, 0 or more, not %(value)s.")
                        % {"value": cell_text(raw)})
    return int(value)


def parse_year(raw) -> int:
    text = cell_text(raw)
    if not (text.isdigit() and 2020 <= int(text) <= 2100):
        raise CellError(_("“%(value)s” is not an appraisal year (2020 or later).")
                        % {"value": text})
    return int(text)


def parse_text(raw) -> str:
    return clean(raw)


COLUMNS = [
    Column("Mã đơn vị", "code", required=True, blank=False, max_length=32, refuse_formula=True,
           example="SNV"),
    Column("Năm", "year", parse_year, required=True, blank=False, aliases=("Năm đánh giá",),
           example="2026"),
    Column("Chỉ tiêu kế hoạch", "targets_planned", parse_count, required=True, blank=False,
           aliases=("Số chỉ tiêu kế hoạch",), example="20",
           help=gettext_lazy("Targets and tasks planned for the year.")),
    Column(ON_TIME_HEADER, "targets_on_time", parse_count, required=True, blank=False,
           aliases=("Hoàn thành đúng hạn",), example="18",
           help=gettext_lazy("Of the planned targets, those completed on time and with quality.")),
    Column(EXCEEDED_HEADER, "targets_exceeded", parse_count, required=True, blank=False,
           example="3", help=gettext_lazy("Of those completed on time, those exceeded.")),
    Column("Mức xếp loại", "level", parse_level, required=True, aliases=("Xếp loại",),
           example="HTT",
           help=gettext_lazy(
               "HTXS, HTT, HT or KHT, or the level's full name; empty: not yet classified.")),
    Column("Xử lý tham nhũng, lãng phí", "corruption_case", parse_text, max_length=200,
           help=gettext_lazy(
               "A case of corruption or waste the unit was handled for in the year, if any.")),
    Column("Ghi chú", "note", parse_text, max_length=2000),
]


class UnitResultImporter(Importer):
    """One row per unit and year, matched by the unit's code (the open unit of that code, else the
    latest one) and the year; a row that changes nothing is left alone."""

    kind = "unit_results"
    title = gettext_lazy("Unit results of the year")
    columns = COLUMNS

    def prepare(self, rows: list[Row]) -> None:
        codes = sorted({r.values["code"] for r in rows if r.values.get("code")})
        self.units: dict[str, OrgUnit] = {}
        for start in range(0, len(codes), 900):
            # The open unit of a code first; else the one
            # founded last (a unit merged away keeps its code).
            chunk = codes[start:start + 900]
            for unit in OrgUnit.objects.filter(code__in=chunk).order_by("code", "valid_from"):
                known = self.units.get(unit.code)
                if known is None or not known.is_open or unit.is_open:
                    self.units[unit.code] = unit
        unit_ids = [u.pk for u in self.units.values()]
        self.existing = {(r.unit_id, r.year): r
                         for r in UnitResult.objects.filter(unit_id__in=unit_ids)}

    def check(self, rows: list[Row]) -> None:
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            code, year = row.values.get("code"), row.values.get("year")
            unit = self.units.get(code) if code else None
            if code and unit is None:
                row.error("Mã đơn vị", _("No unit has the code %(code)s.") % {"code": code})
                continue
            if unit is not None and self.scope is not None and not self.scope.contains(unit):
                row.error("Mã đơn vị",
                          _("%(code)s is not in the units you manage.") % {"code": code})
                continue
            values = row.values
            for name, message in target_errors(values.get("targets_planned"),
                                               values.get("targets_on_time"),
                                               values.get("targets_exceeded")).items():
                row.error(ON_TIME_HEADER if name == "targets_on_time" else EXCEEDED_HEADER, message)
            if unit is None or year is None:
                continue
            key = (unit.pk, year)
            if key in seen:
                row.error("Mã đơn vị",
                          _("The same unit and year as row %(row)s.") % {"row": seen[key]})
                continue
            seen[key] = row.number
            row.values["unit"] = unit

    @staticmethod
    def _values(row: Row) -> dict:
        return {name: row.values.get(name)
                or ("" if name in ("level", "corruption_case", "note") else 0)
                for name in VALUE_FIELDS}

    def _state(self, row: Row) -> str:
        current = self.existing.get((row.values["unit"].pk, row.values["year"]))
        if current is None:
            return "created"
        same = all(getattr(current, name) == value for name, value in self._values(row).items())
        return "unchanged" if same else "updated"

    def classify(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            counts[self._state(row)] += 1
        return counts

    def write(self, rows: list[Row]) -> dict[str, int]:
        from appraisal.services import unit_result_save

        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for index, row in enumerate(rows):
            state = self._state(row)
            counts[state] += 1
            if state != "unchanged":
                unit_result_save(actor=self.actor, unit=row.values["unit"], year=row.values["year"],
                                 **self._values(row))
            if index % 200 == 0:
                self.progress(50 + int(50 * index / max(len(rows), 1)))
        self.progress(100)
        return counts
