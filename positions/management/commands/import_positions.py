from pathlib import Path

from django.core.management.base import CommandError

from core.access import MANAGE, unit_scope
from core.management.base import JsonCommand, render_import_summary
from positions.importers import PositionImporter


class Command(JsonCommand):
    help = ("Import job positions with their descriptions (sheet “Vị trí việc làm”) and competency frameworks "
            "(sheet “Khung năng lực”). Nothing is written if any row is bad.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        super().add_arguments(parser)

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        actor = self.actor(options)
        importer = PositionImporter(actor=actor, scope=unit_scope(actor, MANAGE) if actor else None,
                                    dry_run=options["dry_run"])
        summary = importer.run(path)
        for warning in importer.warnings:
            self.warn(warning)
        return summary, not summary["errors"]

    def render(self, document) -> str:
        return render_import_summary(document)
