from pathlib import Path

from django.core.management.base import CommandError

from core.management.base import JsonCommand, render_import_summary
from core.models import OrgUnit
from recruitment.importers import RecruitmentImporter


class Command(JsonCommand):
    help = ("Import a recruitment round: sheets “Đợt tuyển dụng”, “Chỉ tiêu” and “Thí sinh”. Nothing is written if "
            "any cell is wrong; errors give the sheet, row, column and reason.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", help="code of the recruiting authority (default: the province)")
        parser.add_argument("--dry-run", action="store_true")
        super().add_arguments(parser)

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        agency = None
        if options.get("unit"):
            agency = OrgUnit.objects.open().filter(code=options["unit"]).first()
            if agency is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        else:
            roots = list(OrgUnit.objects.open().filter(parent__isnull=True)[:2])
            agency = roots[0] if len(roots) == 1 else None
        importer = RecruitmentImporter(actor=self.actor(options), agency=agency, dry_run=options["dry_run"])
        summary = importer.run(path)
        for warning in importer.warnings:
            self.warn(warning)
        return summary, not summary["errors"]

    def render(self, document) -> str:
        return render_import_summary(document)
