"""Organisation norms (rule family ``organisation``): deputies and minimum posts of the provincial
specialised agencies and their divisions (DOMAIN-RULES §7.2–7.3).

``ORG-ND370``: ND 150/2025 as amended by ND 370/2025 (from 1/1/2026). A division (phòng) of a
department may have 1 deputy below 10 civil servants in Hà Nội and Hồ Chí Minh City, below 9 in
type-I provinces and below 8 in type-II/III provinces; at most 2 up to 14 civil servants; at most 3
from 15. A division needs at least 7, 6 or 5 civil-servant posts by province class. Departments
average 3 deputy directors, +1 for a department formed from merging 2 provinces, +2 from 3. A
department inspectorate has 1 deputy below 8 staff, at most 2 from 8. Commune divisions average 2
deputies (NQ 332/NQ-CP). A subordinate unit may not have more deputies than its parent. After a
reorganisation decision the numbers may exceed the norm for 5 years.
``ORG-ND150``: the same thresholds are assumed for 12/6/2025–31/12/2025 (UNCONFIRMED: the ND 150
text before its amendment was not retrieved). Public service unit divisions follow a draft
(1 deputy for 7–9 staff, at most 2 from 10) and are marked so.
"""
from dataclasses import dataclass, field
from datetime import date

from core.rules import registry
from core.rules.registry import RuleSet

SPECIAL, TYPE_1, TYPE_2_3 = "special", "type_1", "type_2_3"


@dataclass(frozen=True)
class OrganisationNorms(RuleSet):
    # province class → (civil servants from which 2 deputies are allowed, from which 3)
    division_bands: dict[str, tuple[int, int]] = field(default_factory=dict)
    division_minimum_posts: dict[str, int] = field(default_factory=dict)
    department_average_deputies: int = 3
    merger_bonus: dict[int, int] = field(default_factory=dict)  # provinces merged → extra deputies
    inspectorate_two_from: int = 8
    commune_division_deputies: int = 2
    service_division_two_from: int = 10  # draft
    grace_years: int = 5
    confirmed: bool = True

    def division_deputies(self, province_class: str, civil_servants: int) -> int:
        two_from, three_from = self.division_bands[province_class or TYPE_2_3]
        if civil_servants >= three_from:
            return 3
        return 2 if civil_servants >= two_from else 1

    def minimum_posts(self, province_class: str) -> int:
        return self.division_minimum_posts[province_class or TYPE_2_3]

    def department_deputies(self, merged_provinces: int) -> int:
        # +1 deputy for a department formed from 2 provinces, +2 from 3 or more (ND 150/2025 as
        # amended by ND 370/2025).
        return self.department_average_deputies + self.merger_bonus.get(min(merged_provinces, 3), 0)

    def inspectorate_deputies(self, staff: int) -> int:
        return 2 if staff >= self.inspectorate_two_from else 1

    def service_division_deputies(self, staff: int) -> int:
        return 2 if staff >= self.service_division_two_from else 1


_COMMON = {
    "division_bands": {SPECIAL: (10, 15), TYPE_1: (9, 15), TYPE_2_3: (8, 15)},
    # Minimum civil-servant posts of a division: 7 in Hà Nội and Hồ Chí Minh City, 6 in type-I, 5 in
    # type-II/III provinces.
    "division_minimum_posts": {SPECIAL: 7, TYPE_1: 6, TYPE_2_3: 5},
    "merger_bonus": {2: 1, 3: 2},
}
ORG_ND150 = registry.register(OrganisationNorms(
    code="ORG-ND150", family="organisation",
    title="Cơ cấu tổ chức, số lượng cấp phó theo Nghị định 150/2025",
    legal_basis="Nghị định 150/2025/NĐ-CP (ngưỡng giả định như Nghị định 370/2025 — chưa xác nhận)",
    valid_from=date(2025, 6, 12), valid_to=date(2025, 12, 31), confirmed=False, **_COMMON,
))
ORG_ND370 = registry.register(OrganisationNorms(
    code="ORG-ND370", family="organisation",
    title="Cơ cấu tổ chức, số lượng cấp phó theo Nghị định 370/2025",
    legal_basis="Nghị định 150/2025/NĐ-CP sửa đổi bởi Nghị định 370/2025/NĐ-CP; "
                "Nghị quyết 332/NQ-CP",
    valid_from=date(2026, 1, 1), **_COMMON,
))


def norms_on(day: date) -> OrganisationNorms:
    """The norms in force on ``day``; before ND 150/2025 the earliest known norms stand in."""
    try:
        return registry.for_date("organisation", day)
    except registry.RuleSetNotFound:
        return ORG_ND150
