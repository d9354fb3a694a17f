from core.importers import UnitImporter
from core.management.base import ImportCommand


class Command(ImportCommand):
    help = ("Import organisation units from an .xlsx file (Mã đơn vị, Tên đơn vị, Mã đơn vị cấp "
            "trên …).")
    skip_invalid = True

    def make_importer(self, options, actor):
        return UnitImporter(actor=actor, scope=self.manage_scope(actor), dry_run=options["dry_run"],
                            skip_invalid=options["skip_invalid"])
