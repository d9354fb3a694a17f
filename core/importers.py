"""Import of organisation units (DESIGN.md §4: ``import_units``)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import parse_date
from core.importing import CellError, Column, Importer, Row, cell_text
from core.models import OrgUnit
from core.services.units import unit_create, unit_update
from core.text import unaccent

# Words that name a kind of unit in Vietnamese, checked against the start of a label or a name.
KIND_WORDS = [
    ("uy ban nhan dan", OrgUnit.Kind.PEOPLES_COMMITTEE), ("ubnd", OrgUnit.Kind.PEOPLES_COMMITTEE),
    ("tinh uy", OrgUnit.Kind.PARTY_MASS_ORG), ("dang uy", OrgUnit.Kind.PARTY_MASS_ORG),
    ("ban dang", OrgUnit.Kind.PARTY_MASS_ORG), ("mat tran", OrgUnit.Kind.PARTY_MASS_ORG),
    ("doan thanh nien", OrgUnit.Kind.PARTY_MASS_ORG), ("hoi", OrgUnit.Kind.PARTY_MASS_ORG),
    ("lien doan lao dong", OrgUnit.Kind.PARTY_MASS_ORG),
    ("co quan dang", OrgUnit.Kind.PARTY_MASS_ORG),
    ("doan the", OrgUnit.Kind.PARTY_MASS_ORG), ("dang", OrgUnit.Kind.PARTY_MASS_ORG),
    ("tinh", OrgUnit.Kind.PROVINCE), ("thanh pho truc thuoc trung uong", OrgUnit.Kind.PROVINCE),
    ("ban quan ly", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("so", OrgUnit.Kind.DEPARTMENT), ("ban", OrgUnit.Kind.DEPARTMENT),
    ("van phong", OrgUnit.Kind.OFFICE), ("thanh tra", OrgUnit.Kind.INSPECTORATE),
    ("phong", OrgUnit.Kind.DIVISION), ("chi cuc", OrgUnit.Kind.SUB_DEPARTMENT),
    ("huyen", OrgUnit.Kind.DISTRICT),
    ("quan", OrgUnit.Kind.DISTRICT), ("thi xa", OrgUnit.Kind.DISTRICT),
    ("xa", OrgUnit.Kind.COMMUNE), ("phuong", OrgUnit.Kind.COMMUNE),
    ("dac khu", OrgUnit.Kind.COMMUNE), ("thi tran", OrgUnit.Kind.COMMUNE),
    ("don vi su nghiep", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("dvsn", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("trung tam", OrgUnit.Kind.PUBLIC_SERVICE_UNIT), ("truong", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("benh vien", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("dai phat thanh", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
    ("vien", OrgUnit.Kind.PUBLIC_SERVICE_UNIT),
]
SECTOR_WORDS = [
    ("dang", OrgUnit.Sector.PARTY_MASS), ("doan the", OrgUnit.Sector.PARTY_MASS),
    ("su nghiep", OrgUnit.Sector.PUBLIC_SERVICE), ("xa", OrgUnit.Sector.COMMUNE),
    ("cap xa", OrgUnit.Sector.COMMUNE), ("phuong", OrgUnit.Sector.COMMUNE),
    ("chinh quyen", OrgUnit.Sector.GOVERNMENT), ("quan ly nha nuoc", OrgUnit.Sector.GOVERNMENT),
    ("hanh chinh", OrgUnit.Sector.GOVERNMENT), ("qlnn", OrgUnit.Sector.GOVERNMENT),
]
SECTOR_OF_KIND = {
    OrgUnit.Kind.COMMUNE: OrgUnit.Sector.COMMUNE,
    OrgUnit.Kind.PUBLIC_SERVICE_UNIT: OrgUnit.Sector.PUBLIC_SERVICE,
    OrgUnit.Kind.PARTY_MASS_ORG: OrgUnit.Sector.PARTY_MASS,
}


def _lookup(text: str, words, choices) -> str | None:
    """The choice named by ``text``: a code, a label, or a leading Vietnamese word ("Sở …", "Khối
    …")."""
    key = unaccent(text).replace("-", " ")
    key = " ".join(key.removeprefix("khoi ").split())
    for value, label in choices:
        if key in (value, unaccent(str(label))):
            return value
    for word, value in words:
        if key == word or key.startswith(word + " "):
            return value
    return None


def kind_from_name(name: str) -> str:
    return _lookup(name, KIND_WORDS, []) or OrgUnit.Kind.OTHER


def parse_kind(raw) -> str:
    value = _lookup(cell_text(raw), KIND_WORDS, OrgUnit.Kind.choices)
    if value is None:
        raise CellError(_("Unknown kind of unit “%(value)s”; use for example: Sở, Phòng, Xã, "
                          "Phường, Đơn vị sự nghiệp, Chi cục.") % {"value": cell_text(raw)})
    return value


def parse_sector(raw) -> str:
    value = _lookup(cell_text(raw), SECTOR_WORDS, OrgUnit.Sector.choices)
    if value is None:
        raise CellError(_(
            "Unknown sector “%(value)s”; use: Chính quyền, Đảng - đoàn thể, Sự nghiệp, Cấp xã.")
                        % {"value": cell_text(raw)})
    return value


def parse_code(raw) -> str:
    code = cell_text(raw)
    if len(code) > 32:
        raise CellError(_("A unit code has at most 32 characters."))
    return code


def parse_name(raw) -> str:
    name = cell_text(raw)
    if len(name) > 255:
        raise CellError(_("A unit name has at most 255 characters."))
    return name


def parse_day(raw):
    try:
        return parse_date(raw).value
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": cell_text(raw)})


class UnitImporter(Importer):
    """Creates units (parents before children, in any row order) and updates names, kinds and
    sectors of existing ones, matched by code. Moving an existing unit is a reorganisation, not an
    import."""

    kind = "units"
    title = gettext_lazy("Units")
    columns = [
        Column("Mã đơn vị", "code", parse_code, required=True, blank=False, refuse_formula=True,
               aliases=("Mã ĐV", "Mã"),
               help=gettext_lazy("Unique code of the unit."), example="SNV"),
        Column("Tên đơn vị", "name", parse_name, required=True, blank=False, refuse_formula=True,
               aliases=("Tên ĐV", "Tên"),
               help=gettext_lazy("Full name of the unit."), example="Sở Nội vụ"),
        Column("Mã đơn vị cấp trên", "parent_code", parse_code, required=True,
               aliases=("Mã cấp trên", "Mã ĐV cấp trên", "Mã đơn vị cha"),
               help=gettext_lazy("Code of the parent unit; empty for the province itself."),
               example="TINH"),
        Column("Loại đơn vị", "kind", parse_kind,
               help=gettext_lazy("Sở, Phòng, Chi cục, Xã, Phường, Đơn vị sự nghiệp …; guessed "
                                 "from the name when empty."),
               example="Sở"),
        Column("Khối", "sector", parse_sector,
               help=gettext_lazy("Chính quyền, Đảng - đoàn thể, Sự nghiệp, Cấp xã; "
               "guessed from the kind when empty."), example="Chính quyền"),
        Column("Ngày thành lập", "valid_from", parse_day, aliases=("Ngày hiệu lực",),
               help=gettext_lazy("dd/mm/yyyy"), example="01/07/2025"),
    ]

    def prepare(self, rows: list[Row]) -> None:
        codes = {r.values.get("code") for r in rows} | {r.values.get("parent_code") for r in rows}
        self.existing = {u.code: u for u in OrgUnit.objects.open().select_related("parent")
                         .filter(code__in=[c for c in codes if c])}

    def check(self, rows: list[Row]) -> None:
        seen: dict[str, Row] = {}
        for row in rows:
            code = row.values.get("code")
            if code and code in seen:
                row.error("Mã đơn vị",
                          _("The code %(code)s is repeated: it is already on row %(row)s.")
                          % {"code": code, "row": seen[code].number})
            elif code:
                seen[code] = row
        for row in rows:
            self._check_row(row, seen)
        self._check_cycles(rows, seen)

    def _check_row(self, row: Row, in_file: dict[str, Row]) -> None:
        code, parent_code = row.values.get("code"), row.values.get("parent_code")
        if not code:
            return
        if parent_code and parent_code == code:
            row.error("Mã đơn vị cấp trên", _("A unit cannot be its own parent."))
            return
        if parent_code and parent_code not in in_file and parent_code not in self.existing:
            row.error("Mã đơn vị cấp trên",
                      _("Unknown parent unit %(code)s: it is neither in the file nor in "
                                             "the system.") % {"code": parent_code})
        existing = self.existing.get(code)
        if existing is not None:
            old_parent = existing.parent.code if existing.parent_id else None
            if (parent_code or None) != old_parent:
                row.error("Mã đơn vị cấp trên",
                          _("Unit %(code)s already exists under %(parent)s; moving a unit is "
                                                  "done through a reorganisation, not an import.")
                          % {"code": code, "parent": old_parent or "—"})
            elif self.scope is not None and not self.scope.contains(existing):
                row.error("Mã đơn vị", _("You do not manage unit %(code)s.") % {"code": code})
        elif self.scope is not None and not self.scope.everything:
            parent = self.existing.get(parent_code) if parent_code else None
            if parent_code in self.existing and not self.scope.contains(parent):
                row.error("Mã đơn vị cấp trên",
                          _("You do not manage the parent unit %(code)s.") % {"code": parent_code})
            elif not parent_code:
                row.error("Mã đơn vị cấp trên",
                          _("Only provincial HR may create a top-level unit."))

    def _check_cycles(self, rows: list[Row], in_file: dict[str, Row]) -> None:
        for row in rows:
            code, steps = row.values.get("code"), 0
            parent = row.values.get("parent_code")
            while parent in in_file and steps <= len(in_file):
                if parent == code:
                    row.error("Mã đơn vị cấp trên", _("The parent codes form a loop."))
                    break
                parent, steps = in_file[parent].values.get("parent_code"), steps + 1

    def _ordered(self, rows: list[Row]) -> list[Row]:
        """Parents before children."""
        by_code = {r.values["code"]: r for r in rows}

        def depth(row: Row) -> int:
            level, parent = 0, row.values.get("parent_code")
            while parent in by_code and level <= len(by_code):
                level, parent = level + 1, by_code[parent].values.get("parent_code")
            return level

        return sorted(rows, key=depth)

    def _fields(self, row: Row, parent: OrgUnit | None) -> dict:
        values = row.values
        kind = values.get("kind") or kind_from_name(values["name"])
        sector = values.get("sector") or SECTOR_OF_KIND.get(kind) or (parent.sector if parent
                                                                          else None) \
            or OrgUnit.Sector.GOVERNMENT
        fields = {"name": values["name"], "kind": kind, "sector": sector}
        if values.get("valid_from"):
            fields["valid_from"] = values["valid_from"]
        return fields

    def _changes(self, unit: OrgUnit, row: Row) -> dict:
        wanted = self._fields(row, unit.parent)
        if not row.values.get("kind"):
            wanted.pop("kind")
        if not row.values.get("sector"):
            wanted.pop("sector")
        return {k: v for k, v in wanted.items() if getattr(unit, k) != v}

    def classify(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            unit = self.existing.get(row.values["code"])
            key = "created" if unit is None else ("updated"
                                                      if self._changes(unit, row) else "unchanged")
            counts[key] += 1
        return counts

    def write(self, rows: list[Row]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        units = dict(self.existing)
        for index, row in enumerate(self._ordered(rows)):
            code = row.values["code"]
            unit = units.get(code)
            if unit is None:
                parent = units.get(row.values.get("parent_code") or "")
                units[code] = unit_create(actor=self.actor, code=code, parent=parent,
                                          **self._fields(row, parent))
                counts["created"] += 1
            elif changes := self._changes(unit, row):
                unit_update(actor=self.actor, unit=unit, reason=_("Import"), **changes)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            if index % 200 == 0:
                self.progress(50 + int(50 * index / max(len(rows), 1)))
        return counts
