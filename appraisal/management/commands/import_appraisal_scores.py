from appraisal.importers import AppraisalScoreImporter
from core.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the monthly or quarterly appraisal scores of a year (ND 335/2025) for units whose "
        "tasks are kept in another system. Nothing is written if any row is bad.")
    skip_invalid = True

    def add_import_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the appraisal year")

    def make_importer(self, options, actor):
        return AppraisalScoreImporter(actor=actor, scope=self.manage_scope(actor),
                                      year=options["year"], dry_run=options["dry_run"],
                                      skip_invalid=options.get("skip_invalid", False))
