from core.management.base import ImportCommand
from personnel.importers import PersonnelImporter


class Command(ImportCommand):
    help = ("Import civil servants from an .xlsx file (Mã cán bộ, Họ và tên, Ngày sinh, Giới tính, "
            "Số định danh cá nhân, Mã đơn vị …). Nothing is written if any row is bad, unless "
            "--skip-invalid.")
    skip_invalid = True

    def make_importer(self, options, actor):
        return PersonnelImporter(actor=actor, scope=self.manage_scope(actor),
                                 skip_invalid=options["skip_invalid"], dry_run=options["dry_run"])
