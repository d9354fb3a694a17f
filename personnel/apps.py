from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("Personnel")

    def ready(self) -> None:
        from core import audit
        from core.context_processors import register_nav
        from core.dashboard import register_panel
        from core.demo import register_demo_loader
        from core.importing import register_importer
        from core.selectors import register_access_subject, register_unit_counter
        from core.services.units import register_reorganization_step
        from personnel.dashboard import personnel_panel
        from personnel.demo import load_people
        from personnel.demo_positions import load_positions
        from personnel.discipline_importer import DisciplineImporter
        from personnel.importers import PersonnelImporter
        from personnel.selectors import people_per_unit
        from personnel.services.reorganization import records_follow_reorganization

        register_importer(PersonnelImporter)
        register_importer(DisciplineImporter)
        from personnel.career_importer import CareerImporter

        register_importer(CareerImporter)
        from personnel.models import CareerEvent, CivilServant

        audit.register_action_labels(dict(CareerEvent.Kind.choices))
        # Access records name the people read by primary key; the records page shows and finds them.
        register_access_subject(CivilServant, code_field="code")
        register_demo_loader(20, load_people)
        register_demo_loader(30, load_positions)
        # The reorganisation page moves positions and people with the units (2025 mergers).
        register_reorganization_step(records_follow_reorganization)
        audit.register_private_fields("personnel.civilservant", {
            "national_id", "id_issue_date", "id_issue_place", "phone", "email", "permanent_address",
            "current_address", "health_status", "height_cm", "weight_kg", "blood_group",
            "war_invalid_grade", "policy_family", "social_insurance_number", "photo"})
        # Family members (Mẫu 2C item 30) are private as a whole (personnel.privacy).
        audit.register_private_fields("personnel.familymember",
                                      {"relation", "full_name", "birth_year", "details"})
        audit.register_action_labels({"withdraw": _("withdrawn")})
        from personnel.sections import register_section
        from personnel.views.record_parts import (
            allowances_section,
            documents_section,
            family_section,
        )

        register_section(10, family_section)
        register_section(20, documents_section)
        register_section(30, allowances_section)
        register_panel(10, personnel_panel)
        register_unit_counter(_("People"), people_per_unit, "personnel:servant_list")
        register_nav("main", 30, _("People"), "personnel:servant_list", "people", "view")
        register_nav("reports", 10, _("Statistics"), "personnel:stats", "bar-chart", "view")
        register_nav("reports", 20, _("Retirement"), "personnel:retirement", "calendar-check",
                     "view")
        register_nav("reports", 30, _("Step raises due"), "personnel:raises", "graph-up-arrow",
                     "view")
        register_nav("reports", 40, _("Training against plan"), "personnel:training_plan",
                     "mortarboard", "view")
        register_nav("reports", 50, _("Staffing and leader ratios"), "personnel:staffing",
                     "diagram-2", "view")
        register_nav("reports", 55, _("Report to the Ministry (BM01/BM02)"),
                     "personnel:ministry_report", "file-earmark-spreadsheet", "view")
        register_nav("reports", 57, _("Readiness for the national database"), "personnel:readiness",
                     "patch-check", "view")
        audit.register_action_labels({"verify": _("verified"),
                                      "unverify": _("returned to entered")})
        register_nav("reports", 60, _("Training needs by competency"), "personnel:training_needs",
                     "bullseye", "view")
