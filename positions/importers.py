"""Import of job positions with their job descriptions
and competency frameworks (``import_positions``).

Two sheets: ``Vị trí việc làm`` (one row per position with its description) and, optionally,
``Khung năng lực`` (one row per position and competency with the required level). Positions are
matched by (unit code, position code). Approved descriptions are never changed by an import: new
texts or levels for an approved position open a new draft version. All-or-nothing like every
import; errors carry the sheet as well as the row and column.
"""
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import (
    CellError,
    Column,
    Importer,
    ImportFileError,
    Row,
    cell_text,
    parse_row,
    read_table,
)
from core.models import OrgUnit
from core.text import unaccent
from positions import services
from positions.models import Competency, JobPosition, Rank

MAIN_SHEET, FRAMEWORK_SHEET = "Vị trí việc làm", "Khung năng lực"
GROUP_WORDS = {"lanh dao": JobPosition.Group.LEADERSHIP,
               "lanh dao, quan ly": JobPosition.Group.LEADERSHIP,
               "quan ly": JobPosition.Group.LEADERSHIP,
               "chuyen mon": JobPosition.Group.PROFESSIONAL,
               "chuyen mon, nghiep vu": JobPosition.Group.PROFESSIONAL,
               "nghiep vu": JobPosition.Group.PROFESSIONAL, "ho tro": JobPosition.Group.SUPPORT,
               "ho tro, phuc vu": JobPosition.Group.SUPPORT, "phuc vu": JobPosition.Group.SUPPORT}
TEXT_HEADERS = [("Mục tiêu", "objectives"), ("Nhiệm vụ", "tasks"), ("Sản phẩm đầu ra", "outputs"),
                ("Tiêu chí đánh giá", "evaluation_criteria"), ("Quan hệ công tác", "relationships"),
                ("Phạm vi quyền hạn", "authority"), ("Điều kiện làm việc", "conditions"),
                ("Yêu cầu trình độ", "qualifications"), ("Kinh nghiệm", "experience")]


def parse_group(raw) -> str:
    value = GROUP_WORDS.get(unaccent(cell_text(raw)).replace("-", ",").replace(" ,", ","))
    if value is None and cell_text(raw) in JobPosition.Group.values:
        value = cell_text(raw)
    if value is None:
        raise CellError(_("Unknown group “%(value)s”; use Lãnh đạo, Chuyên môn or Hỗ trợ.")
                        % {"value": cell_text(raw)})
    return value


def parse_posts(raw) -> int:
    try:
        number = float(str(raw).replace(",", "."))
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 0 <= number <= 1000:
        raise CellError(_("The number of posts is a whole number from 0 to 1000."))
    return int(number)


def parse_level(raw) -> int:
    try:
        number = float(str(raw).replace(",", "."))
    except ValueError:
        number = 0.0
    if not number.is_integer() or not 1 <= number <= 5:
        raise CellError(_("A competency level is a whole number from 1 to 5."))
    return int(number)


MAIN_COLUMNS = [
    Column("Mã đơn vị", "unit_code", required=True, blank=False, example="TQ.SNV.03", max_length=32,
           refuse_formula=True),
    Column("Mã vị trí", "code", required=True, blank=False,
           aliases=("Mã vị trí việc làm", "Mã VTVL"), example="CV-QLCC", max_length=40,
           refuse_formula=True),
    Column("Tên vị trí", "title", required=True, blank=False, aliases=("Tên vị trí việc làm",),
           example="Chuyên viên quản lý công chức", max_length=255, refuse_formula=True),
    Column("Nhóm", "group", parse_group, aliases=("Nhóm vị trí",),
           help=gettext_lazy("Lãnh đạo, Chuyên môn or Hỗ trợ."), example="Chuyên môn"),
    Column("Mã ngạch", "rank_code", aliases=("Ngạch tương ứng",), example="01.003", max_length=20),
    Column("Số lượng người làm việc", "posts", parse_posts, aliases=("Số lượng", "Số người"),
           example="3"),
    *[Column(header, field) for header, field in TEXT_HEADERS],
]
FRAMEWORK_COLUMNS = [
    Column("Mã đơn vị", "unit_code", required=True, blank=False, max_length=32),
    Column("Mã vị trí", "code", required=True, blank=False,
           aliases=("Mã vị trí việc làm", "Mã VTVL"), max_length=40),
    Column("Mã năng lực", "competency_code", required=True, blank=False, max_length=20),
    Column("Cấp độ", "level", parse_level, required=True, blank=False, aliases=("Cấp độ yêu cầu",)),
]


class PositionImporter(Importer):
    kind = "positions"
    title = gettext_lazy("Job positions")
    columns = MAIN_COLUMNS

    def validate(self, path: Path):
        try:
            table = read_table(Path(path), MAIN_COLUMNS,
                               MAIN_SHEET if self._has_sheet(path, MAIN_SHEET) else None)
        except ImportFileError as exc:
            # Every error of this two-sheet import names
            # its sheet, those of the file as a whole too.
            exc.errors = [{"sheet": MAIN_SHEET, **e} for e in exc.errors]
            raise
        self.note_table(table, sheet=True)
        for row in table.rows:
            parse_row(row, table.columns)
            row.sheet = table.sheet
        framework = self._framework_rows(path)
        self._reference(table.rows, framework)
        for row in table.rows:
            self._check_position(row)
        self._check_framework(table.rows, framework)
        rows = table.rows + framework
        errors = [{**e, "sheet": getattr(r, "sheet", "")} for r in rows for e in r.errors]
        self.framework = framework
        good = [r for r in table.rows if not r.errors
                and not self.framework_errors.get(self._key(r.values))]
        # rows counted are positions; framework errors reject their position
        return table, good, errors

    @staticmethod
    def _has_sheet(path, name: str) -> bool:
        from python_calamine import CalamineWorkbook

        try:
            return name in CalamineWorkbook.from_path(str(path)).sheet_names
        except Exception:  # noqa: BLE001 - read_table reports unreadable files itself
            return False

    def _framework_rows(self, path) -> list[Row]:
        try:
            table = read_table(Path(path), FRAMEWORK_COLUMNS, FRAMEWORK_SHEET if self._has_sheet(
                path, FRAMEWORK_SHEET) else None)
        except ImportFileError:
            return []  # the framework sheet is optional
        if table.sheet == MAIN_SHEET:
            return []
        self.note_table(table, sheet=True)
        for row in table.rows:
            parse_row(row, table.columns)
            row.sheet = table.sheet
        return table.rows

    def _reference(self, rows: list[Row], framework: list[Row]) -> None:
        codes = {r.values.get("unit_code") for r in rows + framework}
        self.units = {u.code: u for u in OrgUnit.objects.open()
                      .filter(code__in=[c for c in codes if c])}
        self.ranks = {r.code: r for r in Rank.objects.all()}
        self.competencies = {c.code: c for c in Competency.objects.filter(active=True)}
        self.existing = {(p.unit.code, p.code): p for p in JobPosition.objects.filter(
            valid_to__isnull=True, unit__in=self.units.values()).select_related("unit")}
        self.framework_errors: dict[tuple, bool] = {}

    @staticmethod
    def _key(values: dict) -> tuple:
        return values.get("unit_code"), values.get("code")

    def _check_position(self, row: Row) -> None:
        values = row.values
        unit = self.units.get(values.get("unit_code") or "")
        if values.get("unit_code") and unit is None:
            row.error("Mã đơn vị",
                      _("Unknown unit %(code)s (or it no longer exists).")
                      % {"code": values["unit_code"]})
        elif unit is not None and self.scope is not None and not self.scope.contains(unit):
            row.error("Mã đơn vị",
                      _("You do not manage unit %(code)s.") % {"code": values["unit_code"]})
        if values.get("rank_code") and values["rank_code"] not in self.ranks:
            row.error("Mã ngạch", _("Unknown rank code %(code)s.") % {"code": values["rank_code"]})
        values["unit"], values["rank"] = unit, self.ranks.get(values.get("rank_code") or "")

    def _check_framework(self, rows: list[Row], framework: list[Row]) -> None:
        in_file = {self._key(r.values): r for r in rows}
        seen: dict[tuple, int] = {}
        first: dict[tuple, int] = {}
        for row in rows:
            key = self._key(row.values)
            if key in first:
                row.error("Mã vị trí",
                          _("Position %(code)s of unit %(unit)s is repeated: already on row "
                            "%(row)s.") % {"code": key[1], "unit": key[0], "row": first[key]})
            first.setdefault(key, row.number)
        for row in framework:
            key = self._key(row.values)
            if key not in in_file and key not in self.existing:
                row.error("Mã vị trí",
                          _("No position %(code)s of unit %(unit)s in the file or the system.")
                          % {"code": key[1], "unit": key[0]})
            code = row.values.get("competency_code")
            if code and code not in self.competencies:
                row.error("Mã năng lực", _("Unknown competency code %(code)s.") % {"code": code})
            pair = (*key, code)
            if pair in seen:
                row.error("Mã năng lực",
                          _("This competency is already on row %(row)s for this position.")
                          % {"row": seen[pair]})
            seen.setdefault(pair, row.number)
            if row.errors:
                self.framework_errors[key] = True

    def _levels(self, key: tuple) -> dict[int, int]:
        return {self.competencies[r.values["competency_code"]].pk: r.values["level"]
                for r in self.framework if self._key(r.values) == key and not r.errors}

    def _fields(self, values: dict) -> dict:
        return {"title": values["title"],
                "group": values.get("group") or JobPosition.Group.PROFESSIONAL,
                "rank": values.get("rank"),
                "posts": values.get("posts") if values.get("posts") is not None else 1}

    def _texts(self, values: dict) -> dict:
        return {field: values.get(field) or "" for _header, field in TEXT_HEADERS}

    def _plan(self, row: Row) -> tuple[JobPosition | None, dict, dict, dict]:
        """(existing position or None, field changes, text changes, level changes)."""
        key = self._key(row.values)
        position = self.existing.get(key)
        texts, levels = self._texts(row.values), self._levels(key)
        if position is None:
            return None, self._fields(row.values), texts, levels
        fields = {k: v for k, v in self._fields(row.values).items() if getattr(position, k) != v}
        latest = services.latest_description(position)
        text_changes = {k: v for k, v in texts.items() if getattr(latest, k) != v}
        current = {r.competency_id: r.level for r in latest.requirements.all()}
        level_changes = {k: v for k, v in levels.items() if current.get(k) != v} if levels else {}
        if levels:
            # A framework sheet that names the position replaces its framework: competencies it
            # leaves out go to 0 (removed).
            level_changes.update({k: 0 for k in current if k not in levels})
        return position, fields, text_changes, level_changes

    def classify(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            position, fields, texts, levels = self._plan(row)
            changed = "updated" if fields or texts or levels else "unchanged"
            key = "created" if position is None else changed
            counts[key] += 1
        return counts

    def write(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            position, fields, texts, levels = self._plan(row)
            if position is None:
                position = services.position_create(actor=self.actor, unit=row.values["unit"],
                                                    code=row.values["code"], **fields)
                counts["created"] += 1
            elif not (fields or texts or levels):
                counts["unchanged"] += 1
                continue
            else:
                counts["updated"] += 1
                if fields:
                    services.position_update(actor=self.actor, position=position,
                                             reason=_("Import"), **fields)
            if texts or levels:
                # Never onto an approved description: the changes go to a draft version (the current
                # draft, or a new one).
                draft = services.description_new_version(actor=self.actor, position=position)
                if texts:
                    services.description_update(actor=self.actor, description=draft, **texts)
                if levels:
                    services.framework_set(actor=self.actor, description=draft, levels=levels)
        return counts

