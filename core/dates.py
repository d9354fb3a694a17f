"""Dates as Vietnamese offices write them: dd/mm/yyyy, d/m/yyyy, ISO, Excel serials, bare years."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^(\d{1,2})[/\-.](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)


class DatePrecision:
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class PartialDate:
    """A date that may be known only to the month or the year (a year-only date counts from 1
    January)."""

    value: date
    precision: str = DatePrecision.DAY


def parse_date(raw, *, allow_partial: bool = False) -> PartialDate:
    """Parse one cell or argument. Raises ValueError with a Vietnamese-free technical message;
    callers turn it into a user-facing reason."""
    if raw is None or raw == "":
        raise ValueError("empty")
    if isinstance(raw, datetime):
        return PartialDate(raw.date())
    if isinstance(raw, date):
        return PartialDate(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
        if allow_partial and number.is_integer() and 1900 <= number <= 2100:
            return PartialDate(date(int(number), 1, 1), DatePrecision.YEAR)
        if 1 <= number < 2958466:  # an Excel serial day number
            return PartialDate(_EXCEL_EPOCH + timedelta(days=int(number)))
        raise ValueError("not a date")
    text = str(raw).strip()
    for pattern, order in ((_DMY, "dmy"), (_ISO, "ymd")):
        match = pattern.match(text)
        if match:
            a, b, c = (int(x) for x in match.groups()[:3])
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            return PartialDate(date(year, month, day))
    if allow_partial:
        match = _MY.match(text)
        if match:
            return PartialDate(date(int(match.group(2)), int(match.group(1)), 1),
                               DatePrecision.MONTH)
        match = _YEAR.match(text)
        if match:
            return PartialDate(date(int(match.group(1)), 1, 1), DatePrecision.YEAR)
    raise ValueError("not a date")


def parse_cli_date(raw: str) -> date:
    """A date given on the command line: ISO or dd/mm/yyyy."""
    return parse_date(raw).value


def last_day_of_month(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, last_day_of_month(first).day))
