from django.core.management.base import CommandError

from core.management.base import ImportCommand
from core.models import OrgUnit
from recruitment.importers import RecruitmentImporter


class Command(ImportCommand):
    help = ("Import a recruitment round: sheets “Đợt tuyển dụng”, “Chỉ "
            "tiêu” and “Thí sinh”. Nothing is written if any cell is "
            "wrong; errors give the sheet, row, column and reason.")

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--unit", help="code of the recruiting authority (default: the province)"
        )

    def make_importer(self, options, actor):
        if options.get("unit"):
            agency = OrgUnit.objects.open().filter(code=options["unit"]).first()
            if agency is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        else:
            roots = list(OrgUnit.objects.open().filter(parent__isnull=True)[:2])
            agency = roots[0] if len(roots) == 1 else None
        return RecruitmentImporter(actor=actor, agency=agency, dry_run=options["dry_run"])
