from pathlib import Path

from django.core.management.base import CommandError

from core.access import UnitScope, unit_scope
from core.management.base import JsonCommand
from core.models import OrgUnit
from personnel.exporters import write_servants_xlsx
from personnel.selectors import ServantFilter, servant_list


class Command(JsonCommand):
    help = "Export the people of a unit (or of everything) to .xlsx with the import's headers."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", help="only this unit and its sub-units (unit code)")
        parser.add_argument("--all-statuses", action="store_true", help="include retired and departed people")
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
        people = servant_list(scope=scope, filters=filters)
        path = Path(options["file"])
        write_servants_xlsx(str(path), people)
        return {"file": str(path), "rows": people.count()}, True

    def render(self, document) -> str:
        return f"Đã xuất {document['rows']} người vào {document['file']}."
