from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreamliningConfig(AppConfig):
    name = "streamlining"
    verbose_name = _("Streamlining")

    def ready(self) -> None:
        from core.audit import register_action_labels
        from core.context_processors import register_nav
        from core.demo import register_demo_loader
        from streamlining.demo import load_streamlining

        # after appraisal's (60): screening reads its KHT
        register_demo_loader(70, load_streamlining)
        register_nav("main", 45, _("Streamlining"), "streamlining:dashboard", "person-dash", "view")
        register_nav("reports", 70, _("Streamlining report"), "streamlining:report",
                     "file-earmark-spreadsheet", "view")
        register_action_labels({"case_propose": _("proposed by the unit"),
                                "case_review": _("reviewed by HR"),
                                "case_decide": _("decided by the authority"),
                                "case_refuse": _("case stopped"), "case_pay": _("payment recorded"),
                                "plan_approve": _("plan approved")})
