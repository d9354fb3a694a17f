from appraisal.unit_results import UnitResultImporter
from core.management.base import ImportCommand


class Command(ImportCommand):
    help = ("Import each unit's own appraisal of the year: planned targets, completed on time and "
            "with quality, exceeded, level. Nothing is written if any row is bad.")

    def make_importer(self, options, actor):
        return UnitResultImporter(actor=actor, scope=self.manage_scope(actor),
                                  dry_run=options["dry_run"])
