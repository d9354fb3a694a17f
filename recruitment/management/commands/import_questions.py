from core.management.base import ImportCommand
from recruitment.exam.importers import QuestionImporter


class Command(ImportCommand):
    help = ("Import exam questions from .xlsx (one row per question, up to 8 options), Aiken "
            "(.txt), GIFT (.gift, every type) or Moodle XML (.xml). Every question is checked "
            "first; if any is wrong nothing is written (with --skip-invalid, the valid ones are) "
            "and each problem is reported by row (or line), column, the question's text, the type "
            "found and the reason. Imported questions are drafts until approved.")
    skip_invalid = True

    def add_import_arguments(self, parser):
        parser.add_argument("--bank", default="", help="bank code for files that do not name "
                                                       "one (default: the file name for "
                                                       "Aiken and GIFT)")
        parser.add_argument(
            "--part",
            default="general",
            choices=["general", "language", "it", "professional"],
            help="exam part of a bank created from an Aiken or GIFT file",
        )

    def make_importer(self, options, actor):
        return QuestionImporter(
            actor=actor, bank=options["bank"], part=options["part"], dry_run=options["dry_run"],
            skip_invalid=options.get("skip_invalid", False),
        )
