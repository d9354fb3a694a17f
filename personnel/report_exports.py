"""The retirement and raises-due pages as .xlsx: one sheet per table of the page, the same rows in
the same order (the views hand over what they would render). Text cells neutralised against
formulas (core.exporting.safe_cell); dates as real dates shown dd/mm/yyyy."""
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from core.exporting import safe_cell

Sheet = tuple[str, Sequence[str], list[Sequence[Any]]]


def workbook_bytes(title: str, sheets: list[Sheet]) -> bytes:
    """Each sheet: the page's title and filters on row 1, headers on row 3, rows from row 4."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer,
                               {"in_memory": True, "strings_to_formulas": False,
                                "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, headers, rows in sheets:
        sheet = book.add_worksheet(name[:31])
        sheet.write_string(0, 0, safe_cell(title), bold)
        sheet.write_row(2, 0, list(headers), header)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(headers) - 1, 16)
        for line, row in enumerate(rows, start=3):
            for col, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(line, col, datetime.combine(value, datetime.min.time()),
                                         day)
                elif isinstance(value, str):
                    sheet.write_string(line, col, safe_cell(value))
                elif value is not None:
                    sheet.write(line, col, value)
    book.close()
    return buffer.getvalue()


def retirement_sheets(data: dict) -> list[Sheet]:
    forecast, notices = data["forecast"], data["notices"]
    unit_headers = [_("Unit"), *[str(y) for y in forecast["years"]], _("Total")]
    units = [[row["unit"], *row["counts"], row["total"]] for row in forecast["table"]]
    units.append([_("Total"), *forecast["totals"], len(forecast["rows"])])
    due_headers = [_("Full name"), _("Employee code"), _("Unit"), _("Retirement date"),
                   _("Notice due by"), _("Decision due by"), _("Notice recorded")]

    def due_rows(rows):
        return [[r.servant.full_name, r.servant.code, r.servant.unit.label, r.retirement_date,
                 r.notice_due, r.decision_due,
                 _("yes") if noticed else _("not yet")] for r, noticed in rows]

    early = [[r.servant.full_name, r.servant.code, r.retirement_date,
              f"{r.servant.rank.code} {_('step')} {(r.servant.salary_step or 0) + 1}", raise_date]
             for r, raise_date in notices["early_raise"]]
    everyone = [[r.servant.full_name, r.servant.code, r.servant.birth_display, r.servant.unit.label,
                 r.retirement_date, r.pension_start] for r in forecast["rows"]]
    return [
        (_("Forecast"), unit_headers, units),
        (_("Notices due"), due_headers, due_rows(notices["notice"])),
        (_("Decisions due"), due_headers, due_rows(notices["decision"])),
        (_("Early raise"), [_("Full name"), _("Employee code"), _("Retirement date"),
                            _("Regular raise due"), _("Raise from")], early),
        (_("Retiring"), [_("Full name"), _("Employee code"), _("Date of birth"), _("Unit"),
                         _("Retirement date"), _("Pension from")], everyone),
    ]


def raise_label(row) -> str:
    if row.due.kind == "regular":
        return _("to step %(s)s") % {"s": row.due.next_step}
    return _("excess seniority")


def raises_sheets(data: dict) -> list[Sheet]:
    rows = [[r.servant.full_name, r.servant.code, r.servant.unit.label, r.servant.rank.name,
             r.servant.salary_step, r.servant.salary_coefficient, r.servant.salary_step_date,
             r.due.due_date, raise_label(r), r.due.delay_months or None] for r in data["rows"]]
    early = [[r.servant.full_name, r.servant.code, group.unit.name, r.servant.rank.name,
              r.servant.salary_step,
              r.due.due_date] for group in data["early"] for r in group.candidates]
    return [
        (_("Raises due"), [_("Full name"), _("Employee code"), _("Unit"), _("Rank"),
                           _("Current step"), _("Coefficient"), _("Held since"), _("Due on"),
                           _("Raise"), _("Delay (months)")], rows),
        (_("Early raise candidates"),
         [_("Full name"), _("Employee code"), _("Quota unit"), _("Rank"),
          _("Current step"), _("Regular raise due")], early),
    ]
