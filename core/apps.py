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

        _translate_empty_choice()

        # Roles are bootstrap data: (re)created after every migrate, idempotently.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="core.sync_roles")


EMPTY_CHOICE = _("— choose —")


def _translate_empty_choice() -> None:
    """Django writes "---------" as the empty choice of every select, in no language. The UI
    speaks Vietnamese: replace it, once, where Django keeps it (the model fields' blank choice,
    a list shared by reference, and ModelChoiceField's default empty label)."""
    from django.db.models import fields
    from django.forms.models import ModelChoiceField

    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE)]
    ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE
