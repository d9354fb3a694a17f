from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        import recruitment.exam.rules  # noqa: F401 - registers the exam rule sets
        from core.audit import (
            register_action_labels,
            register_change_labels,
            register_private_fields,
        )
        from core.context_processors import register_nav
        from core.demo import register_demo_loader
        from recruitment.demo import load_recruitment
        from recruitment.exam.access import banks_in_menu
        from recruitment.exam.demo import load_demo_session
        from recruitment.selectors import may_run_recruitment

        register_demo_loader(40, load_recruitment)
        register_demo_loader(45, load_demo_session)
        register_nav(
            "main", 50, _("Recruitment"), "recruitment:round_list", "person-plus",
            may_run_recruitment,
        )
        register_nav(
            "tools", 18, _("Computer-based exams"), "recruitment:session_list", "pc-display",
            may_run_recruitment,
        )
        register_nav(
            "tools", 19, _("Question banks"), "recruitment:bank_list", "collection", banks_in_menu
        )
        register_action_labels(
            {
                "fee": _("fee recorded"), "numbers": _("exam numbers given"),
                "round1": _("round 1 result entered"), "mark": _("round 2 mark entered"),
                "appeal": _("re-marking requested"), "hire": _("recruited into personnel"),
                "document": _("document attached"), "board_grant": _("added to the exam board"),
                "board_revoke": _("removed from the exam board"),
                "register": _("candidate registered"), "verify_email": _("e-mail confirmed"),
            }
        )
        register_action_labels({"login_unlock": _("exam login unlocked")})
        register_change_labels(
            {
                "document": _("document"), "component": _("exam part"),
                "numbered": _("candidates numbered"), "published": _("results published for"),
            }
        )
        register_private_fields(
            "recruitment.application", {"national_id", "phone", "email", "address"}
        )
