"""Import of discipline decisions (``import_discipline``), one row per decision on a person.

Every row is checked before anything is written: the employee code (inside the importer's units),
the form of discipline, the decision date (not in the future, covered by a rule set) and whether
the rule set in force on that date allows the form for that person (ND 112/2020 as amended by
ND 71/2023 until 30/6/2025, ND 172/2025 from 1/7/2025: DISC-ND112, DISC-ND172). Each good row is
written through ``discipline_record``, so it gets its career event (read by "disciplined in the
year" and so by the appraisal) and its audit entry, in one transaction for the whole file.

The natural key is (employee code, decision number). A decision already on the person's record with
the same form and date is skipped and counted as "unchanged": importing the same file again writes
nothing. The same key with another form or date is refused: a recorded decision is corrected on the
person's page, never overwritten by a file.
"""
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import CellError, Column, Importer, Row, cell_text
from core.rules import registry
from core.rules.registry import RuleSetNotFound
from core.text import unaccent
from personnel.importers import parse_code, parse_day, servant_of_row
from personnel.models import CareerEvent, Category, CivilServant
from personnel.resume import DISCIPLINE_FORMS
from personnel.rules import discipline as rules
from personnel.services.records import discipline_record
from personnel.services.servants import Decision

CODE, FORM, DAY, NUMBER = "Mã cán bộ", "Hình thức kỷ luật", "Ngày quyết định", "Số quyết định"
# The Vietnamese name of each form (as the decrees and
# Mẫu 2C write it), matched without case or diacritics.
FORM_OF_WORDS = {" ".join(unaccent(label).split()): form
                 for form, label in DISCIPLINE_FORMS.items()}


def _words(value) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", unaccent(cell_text(value))).split())


def parse_form(raw) -> str:
    form = FORM_OF_WORDS.get(_words(raw))
    if form is None:
        raise CellError(_("Unknown form of discipline “%(value)s”; use one of: %(forms)s.")
                        % {"value": cell_text(raw), "forms": ", ".join(DISCIPLINE_FORMS.values())})
    return form


def _form_help() -> str:
    return (_("One of %(forms)s, as the rule set of the decision date allows for the person (ND "
              "112/2020 until 30/06/2025; ND 172/2025 from 01/07/2025 has no Hạ bậc lương or "
              "Giáng chức).") % {"forms": ", ".join(DISCIPLINE_FORMS.values())})


def decision_key(number: str) -> str:
    """Decision numbers compare without case, spaces or diacritics: 12/QĐ-UBND = 12/qd-ubnd."""
    return re.sub(r"\s+", "", unaccent(number))


COLUMNS = [
    Column(CODE, "code", parse_code, required=True, blank=False, refuse_formula=True,
           aliases=("Mã CB", "Mã nhân sự", "Mã CBCCVC"),
           help=gettext_lazy("Employee code of a person already on record."), example="SNV-0001"),
    Column(FORM, "form", parse_form, required=True, blank=False,
           aliases=("Hình thức", "Hình thức xử lý kỷ luật"), help=lazy(_form_help, str)(),
           example="Khiển trách"),
    Column(DAY, "decided_on", parse_day, required=True, blank=False,
           aliases=("Ngày QĐ", "Ngày ký quyết định"),
           help=gettext_lazy("dd/mm/yyyy or an Excel date; the discipline takes effect on it."),
           example="15/03/2026"),
    Column(NUMBER, "number", required=True, blank=False, refuse_formula=True, max_length=100,
           aliases=("Số QĐ", "Số quyết định kỷ luật"),
           help=gettext_lazy(
               "With the employee code, the key of the row: a decision already recorded is "
               "skipped."), example="12/QĐ-UBND"),
    Column("Lý do", "violation", max_length=2000, aliases=("Hành vi vi phạm", "Nội dung vi phạm"),
           example="Vi phạm quy định về thời giờ làm việc"),
    Column("Cơ quan quyết định", "authority", max_length=150,
           aliases=("Cơ quan ra quyết định", "Người ký"),
           help=gettext_lazy("Recorded as the signer of the decision."),
           example="UBND tỉnh Tuyên Quang"),
]


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


class DisciplineImporter(Importer):
    kind = "discipline"
    title = gettext_lazy("Discipline decisions")
    columns = COLUMNS

    def __init__(self, *, today: date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.today = today or timezone.localdate()

    # --- reference data, fetched in bulk ----------------------------------------------------------
    def prepare(self, rows: list[Row]) -> None:
        codes = sorted({r.values["code"] for r in rows if r.values.get("code")})
        self.servants: dict[str, CivilServant] = {}
        for chunk in _chunks(codes):
            people = CivilServant.objects.filter(code__in=chunk).select_related("unit")
            self.servants.update((servant.code, servant) for servant in people)
        # Every version of every discipline event of these people, by (person, decision number).
        self.recorded: dict[tuple[int, str], list[CareerEvent]] = {}
        ids = [s.pk for s in self.servants.values()]
        for chunk in _chunks(ids):
            events = CareerEvent.objects.filter(kind=CareerEvent.Kind.DISCIPLINE,
                                                servant_id__in=chunk) \
                .exclude(decision_number="").only("servant_id", "decision_number", "decision_date",
                                                  "effective_date", "data")
            for event in events:
                self.recorded.setdefault((event.servant_id, decision_key(event.decision_number)),
                                         []).append(event)

    # --- checks -----------------------------------------------------------------------------------
    def check(self, rows: list[Row]) -> None:
        first: dict[tuple[str, str], int] = {}
        skipped = 0
        for row in rows:
            values = row.values
            values["servant"] = self._servant(row)
            self._check_date(row)
            self._check_form(row)
            if not values.get("code") or not values.get("number"):
                continue
            key = (values["code"], decision_key(values["number"]))
            if key in first:
                row.error(NUMBER,
                          _("Decision %(number)s for %(code)s is repeated: it is already on row "
                            "%(row)s.")
                          % {"number": values["number"], "code": values["code"], "row": first[key]})
                continue
            first[key] = row.number
            self._check_recorded(row)
            skipped += bool(values.get("recorded") and not row.errors)
        if skipped:
            self.warnings.append(
                _("%(n)s decisions are already on record (same employee code and decision "
                  "number, same form and date) and are skipped.") % {"n": skipped})

    def _servant(self, row: Row) -> CivilServant | None:
        return servant_of_row(row, servants=self.servants, scope=self.scope, column=CODE)

    def _check_date(self, row: Row) -> None:
        day = row.values.get("decided_on")
        if day is None:
            return
        if day > self.today:
            row.error(DAY, _("The date %(day)s is in the future.") % {"day": _day(day)})
            row.values["decided_on"] = None
            return
        try:
            rules.rules_on(day)
        except RuleSetNotFound:
            first = registry.family("discipline")[0]
            row.error(DAY,
                      _("No discipline rule set is in force on %(day)s: the earliest, %(code)s, "
                        "applies from %(start)s.")
                      % {"day": _day(day), "code": first.code, "start": _day(first.valid_from)})
            row.values["decided_on"] = None

    def _check_form(self, row: Row) -> None:
        """The form must be one the rule set of the decision date allows for this person (the same
        test ``discipline_record`` makes, so the write cannot refuse a row the checks passed)."""
        servant, form = row.values.get("servant"), row.values.get("form")
        day = row.values.get("decided_on")
        if servant is None or form is None or day is None:
            return
        rule_set = rules.rules_on(day, servant.category)
        allowed = rule_set.forms_for(category=servant.category, is_leader=servant.is_leader)
        if form in allowed:
            return
        if servant.category == Category.CADRE and rule_set.cadre_forms:
            who = _("a cadre (cán bộ)")
        elif servant.is_leader:
            who = _("a person holding a leading or managing position")
        else:
            who = _("a person not holding a leading or managing position")
        row.error(FORM,
                  _("“%(form)s” is not a form of discipline under %(code)s (%(title)s, in force "
                    "on %(day)s) for %(who)s; allowed: %(allowed)s.")
                  % {"form": DISCIPLINE_FORMS[form], "code": rule_set.code, "title": rule_set.title,
                     "day": _day(day), "who": who,
                     "allowed": ", ".join(DISCIPLINE_FORMS[f] for f in allowed)})

    def _check_recorded(self, row: Row) -> None:
        """Skip a decision already recorded as it is in the file; refuse one recorded otherwise."""
        values = row.values
        servant, form, day = values.get("servant"), values.get("form"), values.get("decided_on")
        events = (self.recorded.get((servant.pk, decision_key(values["number"])), [])
                  if servant else [])
        if not events:
            return
        if any(e.data.get("form") == form and day in (e.decision_date, e.effective_date)
               for e in events):
            values["recorded"] = True
            return
        event = events[0]
        recorded_form = DISCIPLINE_FORMS.get(event.data.get("form"), event.data.get("form", ""))
        row.error(NUMBER,
                  _("Decision %(number)s for %(code)s is already on record as %(form)s from "
                    "%(day)s; a recorded decision is corrected on the person's page, not by an "
                    "import.")
                  % {"number": values["number"], "code": values["code"], "form": recorded_form,
                     "day": _day(event.effective_date)})

    # --- writing ----------------------------------------------------------------------------------
    def classify(self, rows: list[Row]) -> dict[str, int]:
        recorded = sum(1 for r in rows if r.values.get("recorded"))
        return {"created": len(rows) - recorded, "updated": 0, "unchanged": recorded}

    def write(self, rows: list[Row]) -> dict[str, int]:
        new = [r for r in rows if not r.values.get("recorded")]
        locked = self._lock([r.values["servant"].pk for r in new])
        for index, row in enumerate(new):
            values = row.values
            servant = locked[values["servant"].pk]
            decision = Decision(values["number"], values["decided_on"],
                                values.get("authority") or "")
            discipline_record(actor=self.actor, servant=servant, form=values["form"],
                              violation=values.get("violation") or "",
                              effective_from=values["decided_on"], decision=decision)
            if index % 200 == 0:
                self.progress(50 + int(50 * index / len(new)))
        return {"created": len(new), "updated": 0, "unchanged": len(rows) - len(new)}

    def _lock(self, ids: list[int]) -> dict[int, CivilServant]:
        """The people as they are now, locked, and still inside the importer's units (a grant or a
        transfer may have changed since the checks)."""
        locked = {}
        people = CivilServant.objects.select_for_update(of=("self",)).select_related("unit")
        for chunk in _chunks(sorted(set(ids))):
            for servant in people.filter(pk__in=chunk):
                if self.scope is not None and not self.scope.contains(servant.unit):
                    raise ValidationError(_("%(code)s is a person of a unit you do not manage.")
                                          % {"code": servant.code})
                locked[servant.pk] = servant
        return locked
