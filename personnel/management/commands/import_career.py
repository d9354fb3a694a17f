from core.management.base import ImportCommand
from personnel.career_importer import CareerImporter


class Command(ImportCommand):
    help = ("Import past periods of work history from an .xlsx file (Mã cán bộ, Từ ngày, Đến ngày, "
            "Mã đơn vị, Chức vụ; optional Mã vị trí việc làm, Số quyết định, Ngày quyết định), "
            "each in the unit as it was on its dates. Nothing is written if any row is bad, unless "
            "--skip-invalid; periods already on record are skipped.")
    skip_invalid = True

    def make_importer(self, options, actor):
        return CareerImporter(actor=actor, scope=self.manage_scope(actor),
                              skip_invalid=options["skip_invalid"], dry_run=options["dry_run"])
