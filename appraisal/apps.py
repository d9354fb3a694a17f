from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        import appraisal.rules  # noqa: F401 - registers APPR-ND90 and APPR-ND335
        from appraisal.demo import load_appraisal
        from appraisal.importers import AppraisalScoreImporter
        from appraisal.unit_results import UnitResultImporter
        from core.context_processors import register_nav
        from core.dashboard import register_home
        from core.demo import register_demo_loader
        from core.importing import register_importer
        from personnel.sections import register_section

        register_importer(AppraisalScoreImporter)
        register_importer(UnitResultImporter)
        register_demo_loader(60, load_appraisal)
        register_nav("main", 35, _("Appraisal"), "appraisal:cycle_list", "clipboard-check", "view")
        register_nav("main", 36, _("Work ledger"), "appraisal:ledger", "list-check", "view")
        register_nav("main", 5, _("My appraisal"), "appraisal:me", "person-check", has_own_record)
        register_home(_own_home)
        register_section(40, _record_section)


def has_own_record(user) -> bool:
    """Accounts made for a person's own use carry the self-service role (no query beyond the
    groups the menu reads anyway)."""
    from core.roles import SELF_SERVICE, user_group_names

    return SELF_SERVICE.code in user_group_names(user)


def _own_home(user) -> str | None:
    from django.urls import reverse

    from personnel.accounts import own_servant

    return reverse("appraisal:me") if own_servant(user) is not None else None


def _record_section(request, servant) -> dict:
    """The appraisal of each year in the person's record: the level as decided and published (a year
    under way shows its stored state), with the decision and any petitions. Personnel and
    streamlining read the levels from Appraisal; nothing is entered twice."""
    from django.utils.translation import gettext as _

    from appraisal.models import Appraisal
    from appraisal.results import rounded

    appraisals = list(Appraisal.objects.filter(servant=servant).select_related("cycle")
                      .prefetch_related("petitions").order_by("-cycle__year"))
    for a in appraisals:
        a.shown_score = rounded(a.score, a.rule_set)
    return {"key": "appraisal", "label": _("Appraisal"),
            "template": "appraisal/record_section.html",
            "context": {"appraisals": appraisals, "servant": servant}}
