"""Discipline regimes by date and staff category (DOMAIN-RULES §5.5): public employees stay under
ND 112/2020 as amended when ND 172/2025 replaced it for cán bộ and công chức."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from personnel.rules.discipline import (
    DEMOTION,
    DISMISSAL,
    FORCED_RESIGNATION,
    REPRIMAND,
    STEP_REDUCTION,
    WARNING,
    rules_on,
)
from personnel.services.records import discipline_record
from tests.factories import make_servant


@pytest.mark.parametrize(("day", "category", "code"), [
    (date(2024, 5, 1), "civil_servant", "DISC-ND112"),
    (date(2025, 7, 1), "civil_servant", "DISC-ND172"),
    (date(2025, 7, 1), "cadre", "DISC-ND172"),
    (date(2024, 5, 1), "public_employee", "DISC-ND112-VC"),
    (date(2026, 3, 1), "public_employee", "DISC-ND112-VC"),
])
def test_the_regime_follows_the_date_and_the_category(day, category, code):
    assert rules_on(day, category).code == code


def test_forms_of_each_regime_as_the_decrees_list_them():
    civil_2024 = rules_on(date(2024, 5, 1), "civil_servant")
    assert civil_2024.forms_for(category="civil_servant", is_leader=False) == (
        REPRIMAND, WARNING, STEP_REDUCTION, FORCED_RESIGNATION)
    assert DEMOTION in civil_2024.forms_for(category="civil_servant", is_leader=True)
    civil_2026 = rules_on(date(2026, 1, 5), "civil_servant")
    assert STEP_REDUCTION not in civil_2026.all_forms() and DEMOTION not in civil_2026.all_forms()
    public = rules_on(date(2026, 1, 5), "public_employee")
    assert public.forms_for(category="public_employee", is_leader=False) == (
        REPRIMAND, WARNING, FORCED_RESIGNATION)
    assert public.forms_for(category="public_employee", is_leader=True) == (
        REPRIMAND, WARNING, DISMISSAL, FORCED_RESIGNATION)


@pytest.mark.django_db
def test_a_public_employee_cannot_get_a_form_only_civil_servants_had(world):
    teacher = make_servant(world.unit_a1, code="VC1", full_name="Ngô Thị Hoa", sex="female",
                           category="public_employee")
    with pytest.raises(ValidationError) as error:
        discipline_record(actor=None, servant=teacher, form=STEP_REDUCTION, violation="Vi phạm",
                          effective_from=date(2024, 5, 2))
    # its name, not its code
    assert "Xử lý kỷ luật viên chức theo Nghị định 112/2020" in str(error.value)
    record = discipline_record(actor=None, servant=teacher, form=WARNING, violation="Vi phạm",
                               effective_from=date(2026, 2, 2))
    assert record.rule_set == "DISC-ND112-VC"
