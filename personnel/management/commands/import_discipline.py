from core.management.base import ImportCommand
from personnel.discipline_importer import DisciplineImporter


class Command(ImportCommand):
    help = ("Import discipline decisions from an .xlsx file (Mã cán bộ, Hình thức kỷ luật, Ngày "
            "quyết định, Số quyết định; optional Lý do, Cơ quan quyết định). Nothing is written if "
            "any row is bad, unless --skip-invalid; decisions already on record are skipped.")
    skip_invalid = True

    def make_importer(self, options, actor):
        return DisciplineImporter(actor=actor, scope=self.manage_scope(actor),
                                  skip_invalid=options["skip_invalid"], dry_run=options["dry_run"])
