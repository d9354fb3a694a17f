from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.importers import UnitImporter
        from core.importing import register_importer
        from core.roles import sync_roles_after_migrate

        register_importer(UnitImporter)

        # Roles are bootstrap data: (re)created after every migrate, idempotently.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="core.sync_roles")
