from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Job positions")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from core.importing import register_importer
        from positions.importers import PositionImporter

        register_importer(PositionImporter)

        register_nav("main", 40, _("Job positions"), "positions:position_list", "briefcase", "view")
        register_nav("tools", 15, _("Approval dossiers"), "positions:dossier_list", "folder-check", "view")
        register_nav("tools", 16, _("Staffing quotas"), "positions:quota_list", "people-fill", "view")
        register_nav("tools", 17, _("Ranks and competencies"), "positions:catalogue", "book", "staff")
