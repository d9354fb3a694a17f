from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Job positions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.context_processors import register_nav

        # The catalogues come from data migrations; a database flush (tests that commit) empties
        # them, and this puts them back. Idempotent.
        post_migrate.connect(ensure_catalogues, sender=self, dispatch_uid="positions.catalogues")
        from core.importing import register_importer
        from positions.importers import PositionImporter

        register_importer(PositionImporter)

        register_nav("main", 40, _("Job positions"), "positions:position_list", "briefcase", "view")
        register_nav("tools", 15, _("Approval dossiers"), "positions:dossier_list", "folder-check",
                     "view")
        register_nav("tools", 16, _("Staffing quotas"), "positions:quota_list", "people-fill",
                     "view")
        register_nav("tools", 17, _("Ranks and competencies"), "positions:catalogue", "book",
                     "staff")


def ensure_catalogues(**kwargs) -> None:
    from django.apps import apps

    from positions import catalogue, data

    if apps.get_model("positions", "Rank").objects.using(kwargs.get("using", "default")).exists():
        return
    data.load(apps)
    catalogue.load(apps)
