from pathlib import Path

from django.core.management.base import CommandError

from core.access import MANAGE, unit_scope
from core.management.base import JsonCommand, render_import_summary
from personnel.importers import PersonnelImporter


class Command(JsonCommand):
    help = ("Import civil servants from an .xlsx file (Mã cán bộ, Họ và tên, Ngày sinh, Giới tính, "
            "Số định danh cá nhân, Mã đơn vị …). Nothing is written if any row is bad, unless --skip-invalid.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--skip-invalid", action="store_true", help="import the good rows, report the bad ones")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        super().add_arguments(parser)

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        actor = self.actor(options)
        importer = PersonnelImporter(actor=actor, scope=unit_scope(actor, MANAGE) if actor else None,
                                     skip_invalid=options["skip_invalid"], dry_run=options["dry_run"])
        summary = importer.run(path)
        for warning in importer.warnings:
            self.warn(warning)
        ok = not summary["errors"] or (options["skip_invalid"] and summary["rows"] > 0)
        return summary, ok

    def render(self, document) -> str:
        return render_import_summary(document)
