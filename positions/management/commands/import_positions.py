from core.management.base import ImportCommand
from positions.importers import PositionImporter


class Command(ImportCommand):
    help = ("Import job positions with their descriptions (sheet “Vị trí việc làm”) and competency "
            "frameworks (sheet “Khung năng lực”). Nothing is written if any row is bad.")

    def make_importer(self, options, actor):
        return PositionImporter(actor=actor, scope=self.manage_scope(actor),
                                dry_run=options["dry_run"])
