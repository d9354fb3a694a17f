"""Discipline forms by regime (rule family ``discipline``), and what each form does to a career.

``DISC-ND112-VC``: public employees, ND 112/2020 as amended (from 20/11/2020, not replaced by
ND 172/2025). ``DISC-ND112``: ND 112/2020 as amended by ND 71/2023 (20/11/2020 – 30/6/2025):
non-leaders reprimand, warning, salary-step reduction, forced resignation; leaders reprimand,
warning, demotion, dismissal from position, forced resignation. ``DISC-ND172``: ND 172/2025
(from 1/7/2025): demotion and salary-step reduction abolished; cadres may be removed (bãi
nhiệm). Effects: a regular step raise is delayed 6 months for reprimand or warning and 12
months for demotion or dismissal (TT 08/2013/TT-BNV Art 2; UNCONFIRMED whether kept under
ND 172/2025, so it is a parameter); any discipline in a year makes that year's appraisal "did
not complete" (ND 48/2023; ND 335/2025 Art 20.4c); demotion bars appointment and training for
24 months, salary-step reduction for 12 (DOMAIN-RULES §5.5).
"""
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from core.rules import registry
from core.rules.registry import RuleSet

REPRIMAND, WARNING, STEP_REDUCTION, DEMOTION, DISMISSAL, FORCED_RESIGNATION, REMOVAL = (
    "reprimand", "warning", "salary_step_reduction", "demotion", "dismissal", "forced_resignation",
    "removal")

FORM_LABELS = {
    REPRIMAND: _("Reprimand (khiển trách)"),
    WARNING: _("Warning (cảnh cáo)"),
    STEP_REDUCTION: _("Salary-step reduction (hạ bậc lương)"),
    DEMOTION: _("Demotion (giáng chức)"),
    DISMISSAL: _("Dismissal from position (cách chức)"),
    FORCED_RESIGNATION: _("Forced resignation (buộc thôi việc)"),
    REMOVAL: _("Removal from office (bãi nhiệm)"),
}


@dataclass(frozen=True)
class DisciplineRuleSet(RuleSet):
    leader_forms: tuple[str, ...] = ()
    staff_forms: tuple[str, ...] = ()
    cadre_forms: tuple[str, ...] = ()
    raise_delay_months: dict[str, int] = field(default_factory=dict)
    appointment_ban_months: dict[str, int] = field(default_factory=dict)
    decide_within_days: int = 90

    def forms_for(self, *, category: str, is_leader: bool) -> tuple[str, ...]:
        if category == "cadre" and self.cadre_forms:
            return self.cadre_forms
        return self.leader_forms if is_leader else self.staff_forms

    def all_forms(self) -> tuple[str, ...]:
        seen: list[str] = []
        for form in (*self.staff_forms, *self.leader_forms, *self.cadre_forms):
            if form not in seen:
                seen.append(form)
        return tuple(seen)


_DELAYS = {REPRIMAND: 6, WARNING: 6, DEMOTION: 12, DISMISSAL: 12, STEP_REDUCTION: 12}
# Contract staff and commune part-time workers keep the regime of the civil servants they work
# beside, as before public employees got their own (UNCONFIRMED which forms apply to them).
CADRES_AND_CIVIL_SERVANTS = frozenset({"cadre", "civil_servant", "contract", "commune_part_time"})

DISC_ND112 = registry.register(DisciplineRuleSet(
    code="DISC-ND112", family="discipline", title="Xử lý kỷ luật theo Nghị định 112/2020",
    legal_basis="Nghị định 112/2020/NĐ-CP, sửa đổi bởi Nghị định 71/2023/NĐ-CP; TT 08/2013/TT-BNV",
    valid_from=date(2020, 11, 20), valid_to=date(2025, 6, 30), categories=CADRES_AND_CIVIL_SERVANTS,
    staff_forms=(REPRIMAND, WARNING, STEP_REDUCTION, FORCED_RESIGNATION),
    leader_forms=(REPRIMAND, WARNING, DEMOTION, DISMISSAL, FORCED_RESIGNATION),
    cadre_forms=(REPRIMAND, WARNING, DISMISSAL, REMOVAL),
    raise_delay_months=_DELAYS,
    appointment_ban_months={DEMOTION: 24, DISMISSAL: 24, STEP_REDUCTION: 12},
))
DISC_ND172 = registry.register(DisciplineRuleSet(
    code="DISC-ND172", family="discipline", title="Xử lý kỷ luật theo Nghị định 172/2025",
    legal_basis="Nghị định 172/2025/NĐ-CP; TT 08/2013/TT-BNV (kéo dài thời hạn nâng lương: chưa "
                "xác nhận)",
    valid_from=date(2025, 7, 1), categories=CADRES_AND_CIVIL_SERVANTS,
    staff_forms=(REPRIMAND, WARNING, FORCED_RESIGNATION),
    leader_forms=(REPRIMAND, WARNING, DISMISSAL, FORCED_RESIGNATION),
    cadre_forms=(REPRIMAND, WARNING, DISMISSAL, REMOVAL),
    raise_delay_months=_DELAYS, appointment_ban_months={DISMISSAL: 24}, decide_within_days=90,
))
# Public employees (viên chức) were not brought under ND 172/2025, which governs cán bộ and công
# chức: they stay under ND 112/2020 as amended by ND 71/2023 (Law on Public Employees Art 52):
# reprimand, warning, dismissal from position for managers, forced resignation.
DISC_ND112_VC = registry.register(DisciplineRuleSet(
    code="DISC-ND112-VC", family="discipline",
    title="Xử lý kỷ luật viên chức theo Nghị định 112/2020",
    legal_basis="Luật Viên chức 2010 (sửa đổi 2019) Điều 52; Nghị định 112/2020/NĐ-CP, sửa đổi "
                "bởi Nghị định 71/2023/NĐ-CP; TT 08/2013/TT-BNV",
    valid_from=date(2020, 11, 20), categories=frozenset({"public_employee"}),
    staff_forms=(REPRIMAND, WARNING, FORCED_RESIGNATION),
    leader_forms=(REPRIMAND, WARNING, DISMISSAL, FORCED_RESIGNATION),
    raise_delay_months=_DELAYS, appointment_ban_months={DISMISSAL: 24}, decide_within_days=90,
))


def rules_on(day: date, category: str | None = None) -> DisciplineRuleSet:
    """The discipline regime of a decision of ``day`` for a person of ``category`` (public
    employees have their own; without a category, the regime of cán bộ and công chức)."""
    return registry.for_date("discipline", day, category or "civil_servant")
