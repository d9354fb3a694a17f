from pathlib import Path

from django.core.management.base import CommandError

from core.management.base import JsonCommand, render_import_summary
from recruitment.exam.importers import QuestionImporter


class Command(JsonCommand):
    help = ("Import exam questions from .xlsx (one row per question), Aiken (.txt) or GIFT (.gift). Every question "
            "is checked first; if any is wrong nothing is written and each problem is reported by row (or line), "
            "column and reason. Imported questions are drafts until a reviewer approves them.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bank", default="", help="bank code for files that do not name one (default: the "
                                                       "file name for Aiken and GIFT)")
        parser.add_argument("--part", default="general", choices=["general", "language", "it", "professional"],
                            help="exam part of a bank created from an Aiken or GIFT file")
        parser.add_argument("--dry-run", action="store_true")
        super().add_arguments(parser)

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        importer = QuestionImporter(actor=self.actor(options), bank=options["bank"], part=options["part"],
                                    dry_run=options["dry_run"])
        summary = importer.run(path)
        return summary, not summary["errors"]

    def render(self, document) -> str:
        return render_import_summary(document)
