"""Import of past work history (``import_career``): one row per period of a person's career before
their current assignment, in the unit as it was then (Mẫu 2C item 28).

Every row is checked before anything is written: the employee code (a person of the importer's
units), the dates (the end after the start and before today), the unit by its code as it was on
those dates (a code closed by a reorganisation and reused by its successor names the unit of the
row's dates; it must have existed from the first day to the last, and be the importer's own through
the reorganisations, core.access.through_predecessors), the job position of that unit, and no
overlap with another primary assignment on record or on another row of the file. Each good row is
written through ``assignment_record_past`` (career event, audit entry), in one transaction for the
whole file. A period already on record with the same unit and dates is skipped as "unchanged", so
importing the same file again writes nothing.
"""
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import through_predecessors
from core.importing import Column, Importer, Row
from core.models import OrgUnit
from personnel.importers import parse_code, parse_day, servant_of_row
from personnel.leadership import leadership_of
from personnel.models import Assignment, CareerEvent, CivilServant
from personnel.services.servants import Decision, assignment_record_past
from positions.models import JobPosition

CODE, START, END, UNIT, TITLE = "Mã cán bộ", "Từ ngày", "Đến ngày", "Mã đơn vị", "Chức vụ"
POSITION, NUMBER, DECIDED = "Mã vị trí việc làm", "Số quyết định", "Ngày quyết định"

COLUMNS = [
    Column(CODE, "code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã CB", "Mã nhân sự", "Mã CBCCVC"),
           help=gettext_lazy("Employee code of a person already on record."), example="SNV-0001"),
    Column(START, "start_date", parse_day, required=True, blank=False,
           aliases=("Từ", "Từ tháng, năm"),
           help=gettext_lazy("First day of the period: dd/mm/yyyy or an Excel date."),
           example="01/06/2015"),
    Column(END, "end_date", parse_day, required=True, blank=False,
           aliases=("Đến", "Đến tháng, năm"),
           help=gettext_lazy(
               "Last day of the period, before today: the current assignment is not imported "
               "here."), example="30/06/2025"),
    Column(UNIT, "unit_code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã ĐV",),
           help=gettext_lazy(
               "Code of the unit as it was on those dates (a unit closed by a reorganisation "
               "keeps its code)."), example="08.SNV"),
    Column(TITLE, "title", required=True, max_length=150,
           aliases=("Chức danh", "Chức danh, chức vụ"),
           help=gettext_lazy("Empty for staff without a title."), example="Chuyên viên"),
    Column(POSITION, "position_code", max_length=40, aliases=("Mã VTVL",), example=""),
    Column(NUMBER, "number", max_length=100, refuse_formula=True, aliases=("Số QĐ",),
           example="88/QĐ-SNV"),
    Column(DECIDED, "decided_on", parse_day, aliases=("Ngày QĐ",), example="25/05/2015"),
]


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _overlaps(start: date, end: date, other_start: date, other_end: date | None) -> bool:
    return other_start <= end and (other_end is None or other_end >= start)


class CareerImporter(Importer):
    kind = "career"
    title = gettext_lazy("Work history (past periods)")
    columns = COLUMNS

    def __init__(self, *, today: date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.today = today or timezone.localdate()
        self.reach = through_predecessors(self.scope) if self.scope is not None else None

    # --- reference data, fetched in bulk ----------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        codes = sorted({r.values["code"] for r in rows if r.values.get("code")})
        self.servants: dict[str, CivilServant] = {}
        for chunk in _chunks(codes):
            people = CivilServant.objects.filter(code__in=chunk).select_related("unit")
            self.servants.update((servant.code, servant) for servant in people)
        self.periods: dict[int, list[Assignment]] = {}
        ids = [s.pk for s in self.servants.values()]
        for chunk in _chunks(ids):
            for period in Assignment.objects.filter(servant_id__in=chunk,
                                                    kind=Assignment.Kind.PRIMARY) \
                    .select_related("unit").only("servant_id", "unit__name", "unit_id",
                                                 "start_date", "end_date"):
                self.periods.setdefault(period.servant_id, []).append(period)
        # A code names one open unit, but closed units may share it with their successor: keep all.
        unit_codes = sorted({r.values["unit_code"] for r in rows if r.values.get("unit_code")})
        self.units: dict[str, list[OrgUnit]] = {}
        for chunk in _chunks(unit_codes):
            for unit in OrgUnit.objects.filter(code__in=chunk):
                self.units.setdefault(unit.code, []).append(unit)
        unit_ids = [u.pk for units in self.units.values() for u in units]
        self.positions = {(p.unit_id, p.code): p for chunk in _chunks(unit_ids)
                          for p in JobPosition.objects.filter(unit_id__in=chunk)}

    # --- checks -----------------------------------------------------------------------------------
    def check(self, rows: list[Row]) -> None:
        in_file: dict[int, list[tuple[date, date, int]]] = {}
        for row in rows:
            values = row.values
            servant = values["servant"] = self._servant(row)
            start, end = self._dates(row)
            unit = values["unit"] = self._unit(row, start, end)
            values["job_position"] = self._position(row, unit)
            decided = values.get("decided_on")
            if decided is not None and decided > self.today:
                row.error(DECIDED, _("The date %(day)s is in the future.") % {"day": _day(decided)})
            if servant is None or start is None or end is None or unit is None:
                continue
            recorded = self.periods.get(servant.pk, [])
            if any(p.unit_id == unit.pk and p.start_date == start and p.end_date == end
                   for p in recorded):
                values["recorded"] = True
                continue
            clash = next((p for p in recorded if _overlaps(start, end, p.start_date, p.end_date)),
                         None)
            if clash is not None:
                row.error(START, _("The period overlaps %(unit)s from %(start)s to %(end)s.")
                          % {"unit": clash.unit.name, "start": _day(clash.start_date),
                             "end": _day(clash.end_date) if clash.end_date else _("now")})
                continue
            other = next((r for r in in_file.get(servant.pk, [])
                          if _overlaps(start, end, r[0], r[1])), None)
            if other is not None:
                row.error(START,
                          _("The period overlaps the one on row %(row)s.") % {"row": other[2]})
                continue
            in_file.setdefault(servant.pk, []).append((start, end, row.number))
        skipped = sum(1 for r in rows if r.values.get("recorded") and not r.errors)
        if skipped:
            self.warnings.append(
                _("%(n)s periods are already on record (same person, unit and dates) and are "
                  "skipped.") % {"n": skipped})

    def _servant(self, row: Row) -> CivilServant | None:
        return servant_of_row(row, servants=self.servants, scope=self.scope, column=CODE)

    def _dates(self, row: Row) -> tuple[date | None, date | None]:
        start, end = row.values.get("start_date"), row.values.get("end_date")
        if end is not None and end >= self.today:
            row.error(END, _("A past period ends before today; a move from now on is a transfer "
                             "without an end date."))
            end = None
        if start is not None and end is not None and end < start:
            row.error(END, _("The end date is before the start date."))
            return None, None
        servant = row.values.get("servant")
        if start is not None and servant is not None and start < servant.date_of_birth:
            row.error(START, _("The date %(day)s is before the date of birth (%(birth)s).")
                      % {"day": _day(start), "birth": _day(servant.date_of_birth)})
            return None, None
        return start, end

    def _unit(self, row: Row, start: date | None, end: date | None) -> OrgUnit | None:
        code = row.values.get("unit_code")
        if not code:
            return None
        units = self.units.get(code, [])
        if not units:
            row.error(UNIT, _("Unknown unit %(code)s.") % {"code": code})
            return None
        if start is None or end is None:
            return None
        unit = next((u for u in units if u.is_active_on(start)), None)
        if unit is None or not unit.is_active_on(end):
            known = units[0] if unit is None else unit
            span = f"{_day(known.valid_from) if known.valid_from else '…'} – " \
                   f"{_day(known.valid_to) if known.valid_to else '…'}"
            row.error(UNIT,
                      _("Unit %(code)s did not exist throughout %(start)s – %(end)s (it existed "
                        "%(span)s).")
                      % {"code": code, "start": _day(start), "end": _day(end), "span": span})
            return None
        if self.reach is not None and not self.reach.contains(unit):
            row.error(UNIT, _("You do not manage unit %(code)s.") % {"code": code})
            return None
        return unit

    def _position(self, row: Row, unit: OrgUnit | None) -> JobPosition | None:
        code = row.values.get("position_code")
        if not code or unit is None:
            return None
        position = self.positions.get((unit.pk, code))
        if position is None:
            row.error(POSITION,
                      _("Unit %(unit)s has no job position %(code)s.")
                      % {"unit": unit.code, "code": code})
        return position

    # --- writing ----------------------------------------------------------------------------------
    def classify(self, rows: list[Row]) -> dict[str, int]:
        recorded = sum(1 for r in rows if r.values.get("recorded"))
        return {"created": len(rows) - recorded, "updated": 0, "unchanged": recorded}

    def write(self, rows: list[Row]) -> dict[str, int]:
        new = [r for r in rows if not r.values.get("recorded")]
        for index, row in enumerate(new):
            values = row.values
            title = values.get("title") or ""
            kind = (CareerEvent.Kind.APPOINTED if leadership_of(title)
                    else CareerEvent.Kind.TRANSFERRED)
            assignment_record_past(actor=self.actor, servant=values["servant"], unit=values["unit"],
                                   start_date=values["start_date"], end_date=values["end_date"],
                                   title=title, job_position=values["job_position"], kind=kind,
                                   decision=Decision(values.get("number") or "",
                                                     values.get("decided_on")))
            if index % 200 == 0:
                self.progress(50 + int(50 * index / len(new)))
        return {"created": len(new), "updated": 0, "unchanged": len(rows) - len(new)}
