"""``import_appraisal_scores``: the period scores of units whose tasks live in another system.

One row per person and period (a month "Tháng 3", "T3", "3" or a quarter "Quý II", "Quý 2",
"Q2", as the cycle counts them): the general criteria in points (≤ 30, the leader's score), the
task components in percent, and for leaders đ and e. Percent cells may be typed "85", "85%",
"85,5" or come from a percent-formatted Excel column (0.85). Every row is checked against the
person's appraisal of the year; nothing is written when a row is bad.
"""
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.models import Appraisal, AppraisalCycle, PeriodKind, PeriodScore
from core import audit
from core.importing import CellError, Column, Importer, Row, cell_text
from core.models import OrgUnit
from core.rules.registry import get as rule_set
from core.text import clean, unaccent

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH = re.compile(r"^(?:thang|t|m)?\s*0?(\d{1,2})$")
_QUARTER = re.compile(r"^(?:quy|q)\s*(i{1,3}|iv|\d)$")


def parse_period(raw) -> tuple[str, int]:
    """("month", 3) or ("quarter", 2) from the ways offices write them."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unaccent(cell_text(raw)).replace(".", " ").strip()
    quarter = _QUARTER.match(text)
    if quarter:
        value = quarter.group(1)
        number = ROMAN.get(value) or int(value)
        if 1 <= number <= 4:
            return PeriodKind.QUARTER, number
    month = _MONTH.match(text)
    if month and 1 <= int(month.group(1)) <= 12:
        return PeriodKind.MONTH, int(month.group(1))
    raise CellError(
        _("“%(value)s” is not a period: write a month (Tháng 3, T3, 3) or a quarter (Quý II, "
          "Quý 2, Q2).") % {"value": cell_text(raw)})


def _number(raw) -> tuple[Decimal, bool]:
    """The number of a cell and whether it was typed with a percent sign."""
    text = cell_text(raw).replace(" ", "")
    percent = text.endswith("%")
    text = text.rstrip("%").replace(",", ".")
    try:
        value = Decimal(text) if not isinstance(raw, int | float) else Decimal(str(raw))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)})
    return value, percent


def parse_points(raw) -> Decimal:
    value, _percent = _number(raw)
    if not Decimal(0) <= value <= Decimal(30):
        raise CellError(_("The general criteria score from 0 to 30 points, not %(value)s.")
                        % {"value": cell_text(raw)})
    return value.quantize(Decimal("0.01"))


def parse_percent(raw) -> tuple[Decimal, bool]:
    """(value, typed-as-number) so that a column of fractions (0.85) is read as percents."""
    value, percent = _number(raw)
    if value < 0 or value > 100:
        raise CellError(_("A percentage from 0 to 100, not %(value)s.") % {"value": cell_text(raw)})
    return value, isinstance(raw, float) and not percent


PERCENT_FIELDS = ("quantity", "quality", "progress", "organisation", "solidarity")

COLUMNS = [
    Column("Mã cán bộ", "code", required=True, blank=False, max_length=32, example="SNV-0001"),
    Column("Kỳ", "period", parse_period, required=True, blank=False,
           aliases=("Kỳ đánh giá", "Tháng", "Quý"), example="Tháng 3",
           help=gettext_lazy("A month (Tháng 3, T3, 3) or a quarter (Quý II, Quý 2, Q2).")),
    Column("Nhóm nhiệm vụ", "task_group", max_length=100, refuse_formula=True,
           help=gettext_lazy(
               "Group of similar tasks within which the HTXS quota is counted; empty: unchanged.")),
    Column("Tiêu chí chung (điểm)", "general", parse_points, required=True, blank=False,
           aliases=("Tiêu chí chung",), example="27"),
    Column("Số lượng (%)", "quantity", parse_percent, required=True, blank=False,
           aliases=("Số lượng",), example="100"),
    Column("Chất lượng (%)", "quality", parse_percent, required=True, blank=False,
           aliases=("Chất lượng",), example="90"),
    Column("Tiến độ (%)", "progress", parse_percent, required=True, blank=False,
           aliases=("Tiến độ",), example="95"),
    Column("Tổ chức triển khai (%)", "organisation", parse_percent, aliases=("Tổ chức triển khai",),
           help=gettext_lazy("Leaders and deputies: ability to organise implementation (đ).")),
    Column("Tập hợp, đoàn kết (%)", "solidarity", parse_percent,
           aliases=("Tập hợp, đoàn kết", "Tập hợp đoàn kết"),
           help=gettext_lazy("Leaders and deputies: ability to gather and unite (e).")),
]


# What the import reads of an appraisal and its person: the checks (rule set, leader), the write
# (task group) and its audit entries (str(appraisal): the person's name and the cycle's year).
APPRAISAL_FIELDS = ("cycle", "servant", "unit", "work_unit", "rule_set", "task_group", "leader",
                    "servant__code", "servant__full_name")


class AppraisalScoreImporter(Importer):
    kind = "appraisal_scores"
    title = gettext_lazy("Appraisal period scores")
    columns = COLUMNS

    def __init__(self, *, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.year = year or timezone.localdate().year

    def prepare(self, rows: list[Row]) -> None:
        codes = {r.values["code"] for r in rows if r.values.get("code")}
        # Only what the checks, the write and its audit entries read (a province's file names
        # 50,000 people; a person's record has some sixty columns), and no ordering; the few
        # cycles and units they belong to are loaded once and shared.
        appraisals = (Appraisal.objects.filter(cycle__year=self.year).select_related("servant")
                      .order_by().only(*APPRAISAL_FIELDS))
        found = [a for chunk in _chunks(sorted(codes))
                 for a in appraisals.filter(servant__code__in=chunk)]
        cycles = {c.pk: c for c in AppraisalCycle.objects.filter(year=self.year)
                  .select_related("unit")}
        unit_ids = sorted({a.unit_id for a in found} | {a.work_unit_id for a in found})
        units = {u.pk: u for chunk in _chunks(unit_ids)
                 for u in OrgUnit.objects.filter(pk__in=chunk)}
        self.appraisals = {}
        for a in found:
            a.cycle, a.unit = cycles[a.cycle_id], units[a.unit_id]
            a.work_unit = units[a.work_unit_id]
            self.appraisals[a.servant.code] = a
        # Which rows of the file replace a stored period (only the file's periods are read: the
        # fourth quarter's file of a province does not read the nine months before it).
        self.existing = set()
        ids = [a.pk for a in self.appraisals.values()]
        periods = sorted({r.values["period"][1] for r in rows if r.values.get("period")})
        # In chunks of 900 ids, under the limit some databases put on the parameters of a query.
        for chunk in _chunks(ids):
            stored = PeriodScore.objects.filter(appraisal_id__in=chunk, period__in=periods)
            self.existing.update(stored.order_by().values_list("appraisal_id", "period"))
        # A percent-formatted Excel sheet sends fractions (0.85 for 85 %): when every number typed
        # in the percent columns is at most 1 and one of them is a fraction, all of them are.
        typed = [r.values[name] for r in rows for name in PERCENT_FIELDS
                 if r.values.get(name) is not None]
        numbers = [value for value, is_float in typed if is_float]
        self.fractions = set()
        if (numbers and len(numbers) == len(typed) and all(v <= 1 for v in numbers)
                and any(v not in (0, 1) for v in numbers)):
            self.fractions = set(PERCENT_FIELDS)
            self.warnings.append(
                _("The percent columns hold fractions of 1 (a percent-formatted sheet): "
                  "0.85 was read as 85 %."))
        for row in rows:
            for name in PERCENT_FIELDS:
                if row.values.get(name) is not None:
                    value, _is_float = row.values[name]
                    row.values[name] = (value * 100 if name in self.fractions
                                        else value).quantize(Decimal("0.01"))

    def check(self, rows: list[Row]) -> None:
        seen: dict[tuple[str, int], int] = {}
        for row in rows:
            code, period = row.values.get("code"), row.values.get("period")
            if not code:
                continue
            appraisal = self.appraisals.get(code)
            if appraisal is None:
                row.error("Mã cán bộ",
                          _("%(code)s has no appraisal in %(year)s: open the year for their "
                            "unit first.") % {"code": code, "year": self.year})
                continue
            if self.scope is not None and not self.scope.contains(appraisal.work_unit):
                row.error("Mã cán bộ",
                          _("%(code)s is not in the units you manage.") % {"code": code})
                continue
            if appraisal.cycle.status != AppraisalCycle.Status.OPEN:
                row.error("Mã cán bộ", _("The year %(year)s is closed for %(unit)s.")
                          % {"year": self.year, "unit": appraisal.cycle.unit.name})
                continue
            rules = rule_set(appraisal.rule_set)
            if not rules.continuous:
                row.error("Mã cán bộ",
                          _("%(code)s is appraised under %(rules)s, which has no period scores.")
                          % {"code": code, "rules": rules.code})
                continue
            if period is None:
                continue
            kind, number = period
            if kind != appraisal.cycle.period_kind:
                row.error("Kỳ", _("The year %(year)s of %(unit)s is scored by %(kind)s.")
                          % {"year": self.year, "unit": appraisal.cycle.unit.name,
                             "kind": PeriodKind(appraisal.cycle.period_kind).label.lower()})
                continue
            key = (code, number)
            # Two rows for one person and period: the second would silently overwrite the first.
            if key in seen:
                row.error("Kỳ",
                          _("The same person and period as row %(row)s.") % {"row": seen[key]})
                continue
            seen[key] = row.number
            if appraisal.is_leader:
                for name, header, default in (("organisation", "Tổ chức triển khai (%)",
                                               rules.organisation_default),
                                              ("solidarity", "Tập hợp, đoàn kết (%)",
                                               rules.solidarity_default)):
                    # đ and e have no confirmed default under ND 335/2025 (Art 15): a leader's row
                    # must give them.
                    if row.values.get(name) is None and default is None:
                        row.error(header, _("Required for a leader or deputy."))
            row.values["appraisal"] = appraisal

    def classify(self, rows: list[Row]) -> dict[str, int]:
        updated = sum(1 for r in rows
                      if (r.values["appraisal"].pk, r.values["period"][1]) in self.existing)
        return {"created": len(rows) - updated, "updated": updated, "unchanged": 0}

    def write(self, rows: list[Row]) -> dict[str, int]:
        from appraisal.services import period_scores_save

        counts = self.classify(rows)
        period_scores_save(actor=self.actor, source=PeriodScore.Source.IMPORT, rows=[
            {"appraisal_id": r.values["appraisal"].pk, "period": r.values["period"][1],
             **{name: r.values.get(name) for name in ("general", *PERCENT_FIELDS)}} for r in rows])
        groups: dict[str, list[int]] = defaultdict(list)
        per_appraisal: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            appraisal = r.values["appraisal"]
            per_appraisal[appraisal.pk].append(r.values["period"][1])
            group = clean(r.values.get("task_group") or "")
            if group and group != appraisal.task_group:
                groups[group].append(appraisal.pk)
                appraisal.task_group = group
        for group, ids in groups.items():
            Appraisal.objects.filter(pk__in=ids).update(task_group=group)
        by_pk = {r.values["appraisal"].pk: r.values["appraisal"] for r in rows}
        audit.record_many([audit.build(actor=self.actor, obj=by_pk[pk], action="import",
                                       unit=by_pk[pk].unit,
                                       changes={"periods": [None, sorted(periods)]})
                           for pk, periods in per_appraisal.items()])
        self.progress(100)
        return counts


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start:start + size]
