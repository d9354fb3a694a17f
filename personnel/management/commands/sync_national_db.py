from pathlib import Path

from django.core.management.base import CommandError

from core.access import MANAGE, unit_scope
from core.management.base import JsonCommand
from core.models import AccessRecord, OrgUnit
from core.services.access_log import access_record
from personnel import national_db


class Command(JsonCommand):
    help = ("Write the national CBCCVC database file (ND 27/2026): without --since every working "
            "cán bộ, công chức, viên chức in full; with --since the people whose national-database "
            "fields changed after that moment (ended ones as 'end'). FILE .jsonl or .csv; fields "
            "and their unconfirmed formats: README.")

    def add_arguments(self, parser):
        parser.add_argument("--since", help="ISO (2026-07-01T08:00) or dd/mm/yyyy [HH:MM]; "
                                            "without it: the full file")
        parser.add_argument("--out", required=True,
                            help="FILE.jsonl (JSON Lines) or FILE.csv (UTF-8)")
        parser.add_argument("--unit", help="only this unit and its sub-units (unit code)")
        super().add_arguments(parser)

    def run(self, **options):
        try:
            raw = options.get("since")
            since = national_db.parse_moment(raw) if raw is not None else None
            out = Path(options["out"])
            national_db.output_format(out)
        except national_db.ExchangeError as exc:
            raise CommandError(str(exc)) from None
        actor = self.actor(options)
        unit = self._unit(options.get("unit"))
        unit_ids = self._unit_ids(actor, unit)
        try:
            summary = national_db.export(out=out, since=since, unit_ids=unit_ids,
                                         unit_code=unit.code if unit else None,
                                         progress=lambda n: self.warn(f"{n} người…"))
        except national_db.ExchangeError as exc:
            raise CommandError(str(exc)) from None
        # Who took whose data out (the file holds ID numbers and health data).
        filters = {"national_db": summary.mode, "unit": unit.code if unit else "",
                   "since": since.isoformat() if since else ""}
        access_record(actor=actor, action=AccessRecord.Action.EXPORT, count=summary.records,
                      sensitive=True, filters=filters)
        return summary.as_dict(), True

    @staticmethod
    def _unit(code: str | None) -> OrgUnit | None:
        if not code:
            return None
        unit = OrgUnit.objects.open().filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị {code}")
        return unit

    @staticmethod
    def _unit_ids(actor, unit: OrgUnit | None) -> list[int] | None:
        """The units whose people go into the file: the managing agency sends its data (ND 27/2026),
        so a --user reaches the units they manage, where every field is theirs to read."""
        if actor is None:
            if unit is None:
                return None
            return list(OrgUnit.objects.subtree_of(unit).values_list("pk", flat=True))
        scope = unit_scope(actor, MANAGE)
        if not scope or (unit is not None and not scope.contains(unit)):
            raise CommandError(f"Tài khoản {actor.username} không quản lý "
                               f"{'đơn vị ' + unit.code if unit else 'đơn vị nào'}.")
        return scope.unit_ids(under=unit)

    def render(self, document) -> str:
        what = "thay đổi" if document["mode"] == national_db.CHANGES else "đầy đủ"
        text = f"Đã ghi {document['records']} người (tệp {what}) vào {document['file']}"
        if document["mode"] == national_db.CHANGES:
            text += (f": {document['created']} mới, {document['updated']} cập nhật, "
                     f"{document['ended']} thôi công tác. "
                     f"Lần sau dùng --since {document['next_since'].isoformat()}")
        return text + "."
