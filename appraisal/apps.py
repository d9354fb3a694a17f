from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        import appraisal.rules  # noqa: F401 - registers APPR-ND90 and APPR-ND335
        from appraisal.demo import load_appraisal
        from appraisal.importers import AppraisalScoreImporter
        from core.context_processors import register_nav
        from core.demo import register_demo_loader
        from core.importing import register_importer

        register_importer(AppraisalScoreImporter)
        register_demo_loader(60, load_appraisal)
        register_nav("main", 35, _("Appraisal"), "appraisal:cycle_list", "clipboard-check", "view")
