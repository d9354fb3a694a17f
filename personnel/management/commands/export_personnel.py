from pathlib import Path

from django.core.management.base import CommandError

from core.access import UnitScope, unit_scope
from core.management.base import JsonCommand
from core.models import AccessRecord, OrgUnit
from core.services.access_log import access_record
from personnel.exporters import write_servants_xlsx
from personnel.privacy import FieldPolicy
from personnel.selectors import ServantFilter, servant_list


class Command(JsonCommand):
    help = "Export the people of a unit (or of everything) to .xlsx with the import's headers."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", help="only this unit and its sub-units (unit code)")
        parser.add_argument("--all-statuses", action="store_true",
                            help="include retired and departed people")
        super().add_arguments(parser)

    def run(self, **options):
        actor = self.actor(options)
        scope = unit_scope(actor) if actor else UnitScope(everything=True)
        unit = None
        if options.get("unit"):
            unit = OrgUnit.objects.open().filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        filters = ServantFilter(unit=unit, status="" if options["all_statuses"] else "active")
        # As the actor would see it on the page; run by the operator alone, in full.
        policy = FieldPolicy.of(actor) if actor else FieldPolicy.system()
        people = servant_list(scope=scope, filters=filters, policy=policy)
        path = Path(options["file"])
        rows = people.count()
        access_record(actor=actor, action=AccessRecord.Action.EXPORT, filters=filters.as_record(),
                      count=rows, sensitive=people.filter(sees_private=True).exists())
        write_servants_xlsx(str(path), people)
        return {"file": str(path), "rows": rows}, True

    def render(self, document) -> str:
        return f"Đã xuất {document['rows']} người vào {document['file']}."
