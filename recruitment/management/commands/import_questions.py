from core.management.base import ImportCommand
from recruitment.exam.importers import QuestionImporter


class Command(ImportCommand):
    help = ("Import exam questions from .xlsx (one row per question), Aiken (.txt) or GIFT (.gift). Every question "
            "is checked first; if any is wrong nothing is written and each problem is reported by row (or line), "
            "column and reason. Imported questions are drafts until a reviewer approves them.")

    def add_import_arguments(self, parser):
        parser.add_argument("--bank", default="", help="bank code for files that do not name one (default: the "
                                                       "file name for Aiken and GIFT)")
        parser.add_argument("--part", default="general", choices=["general", "language", "it", "professional"],
                            help="exam part of a bank created from an Aiken or GIFT file")

    def make_importer(self, options, actor):
        return QuestionImporter(actor=actor, bank=options["bank"], part=options["part"], dry_run=options["dry_run"])
