"""Positions: versioned descriptions and frameworks, the approval dossier with its ND 361
deadlines."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.models import OrgUnit
from core.services.units import UnitSpec
from personnel.models import Assignment, CareerEvent
from personnel.services.reorganization import units_reorganize
from positions import services
from positions.models import Competency, JobDescription, JobPosition, PositionDossier, Rank
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(world):
    return services.position_create(actor=None, unit=world.unit_a1, code="VT-01",
                                    title="Chuyên viên quản lý công chức",
                                    rank=Rank.objects.get(code="01.003"), posts=3)


def comp(code):
    return Competency.objects.get(code=code)


def test_a_new_position_starts_with_an_empty_draft(position):
    draft = services.latest_description(position)
    assert draft.version == 1 and draft.status == JobDescription.Status.DRAFT


def test_the_same_code_cannot_be_used_twice_in_a_unit(position, world):
    with pytest.raises(ValidationError):
        services.position_create(actor=None, unit=world.unit_a1, code="VT-01", title="Trùng")


def test_approval_freezes_the_description_and_a_new_version_copies_it(position, world,
                                                                      provincial_hr):
    draft = services.latest_description(position)
    services.description_update(actor=None, description=draft,
                                objectives="Tham mưu quản lý công chức")
    services.framework_set(actor=None, description=draft,
                           levels={comp("NLC01").pk: 3, comp("CM-NV02").pk: 4})
    dossier = services.dossier_create(actor=None, unit=world.unit_a1,
                                      title="Đề án vị trí việc làm 2026")
    for action in ("submit", "appraise"):
        services.dossier_transition(actor=provincial_hr, dossier=dossier, action=action,
                                    on=date(2026, 3, 2))
    with pytest.raises(ValidationError):  # approval needs the decision number
        services.dossier_transition(actor=provincial_hr, dossier=dossier, action="approve")
    services.dossier_transition(actor=provincial_hr, dossier=dossier, action="approve",
                                on=date(2026, 4, 1), decision_number="123/QĐ-UBND",
                                decision_date=date(2026, 4, 1))
    approved = services.approved_description(position)
    assert approved.status == JobDescription.Status.APPROVED
    assert approved.approved_on == date(2026, 4, 1)
    with pytest.raises(ValidationError):
        services.description_update(actor=None, description=approved,
                                    objectives="Sửa sau khi duyệt")
    with pytest.raises(ValidationError):
        services.framework_set(actor=None, description=approved, levels={comp("NLC02").pk: 2})
    draft2 = services.description_new_version(actor=None, position=position)
    assert draft2.version == 2 and draft2.objectives == "Tham mưu quản lý công chức"
    assert {r.competency.code: r.level
                for r in draft2.requirements.all()} == {"NLC01": 3, "CM-NV02": 4}
    # Approving version 2 supersedes version 1.
    dossier2 = services.dossier_create(actor=None, unit=world.unit_a1, title="Điều chỉnh")
    for action in ("submit", "appraise"):
        services.dossier_transition(actor=provincial_hr, dossier=dossier2, action=action)
    services.dossier_transition(actor=provincial_hr, dossier=dossier2, action="approve",
                                decision_number="9/QĐ")
    assert services.approved_description(position).version == 2
    first = JobDescription.objects.get(position=position, version=1)
    assert first.status == JobDescription.Status.SUPERSEDED


def test_steps_out_of_order_are_refused(position, world):
    dossier = services.dossier_create(actor=None, unit=world.unit_a1, title="Hồ sơ")
    with pytest.raises(ValidationError):
        services.dossier_transition(actor=None, dossier=dossier, action="approve",
                                    decision_number="1")
    services.dossier_transition(actor=None, dossier=dossier, action="submit")
    services.dossier_transition(actor=None, dossier=dossier, action="return")
    assert PositionDossier.objects.get(pk=dossier.pk).status == PositionDossier.Status.DRAFT


def test_nd361_deadlines_in_working_days(position, world):
    dossier = services.dossier_create(actor=None, unit=world.unit_a1, title="Hồ sơ")
    # a Friday
    services.dossier_transition(actor=None, dossier=dossier, action="submit", on=date(2026, 3, 6))
    dossier.refresh_from_db()
    deadlines = services.dossier_deadlines(dossier)
    assert deadlines["completion_request"] == date(2026, 3, 11)  # 3 working days: Mon, Tue, Wed
    assert deadlines["appraisal"] == date(2026, 4, 17)  # 30 working days
    services.dossier_transition(actor=None, dossier=dossier, action="appraise",
                                on=date(2026, 4, 10))
    dossier.refresh_from_db()
    assert services.dossier_deadlines(dossier)["decision"] == date(2026, 4, 24)


def test_framework_levels_are_one_to_five(position):
    with pytest.raises(ValidationError):
        services.framework_set(actor=None, description=services.latest_description(position),
                               levels={comp("NLC01").pk: 7})


def test_reorganising_units_moves_positions_and_people_with_events(world, position):
    person = make_servant(world.unit_a1, full_name="Người Được Chuyển", job_position=None)
    from personnel.services.servants import servant_assign

    servant_assign(actor=None, servant=person, start_date=date(2025, 1, 1), unit=world.unit_a1,
                   job_position=position, title="Chuyên viên")
    result = units_reorganize(actor=None, kind="merge", predecessors=[world.unit_a, world.unit_b],
                              successors=[UnitSpec("AB", "Sở Nội vụ và Y tế",
                                                   OrgUnit.Kind.DEPARTMENT, parent=world.province)],
                              effective_date=date(2026, 1, 1), decision_number="05/NQ-HĐND")
    new_division = result.moved[world.unit_a1.pk]
    person.refresh_from_db()
    assert person.unit == new_division and person.job_position.unit == new_division
    assert person.job_position.code == "VT-01" and person.job_position.descriptions.count() == 1
    event = person.events.get(kind=CareerEvent.Kind.TRANSFERRED, effective_date=date(2026, 1, 1))
    assert event.decision_number == "05/NQ-HĐND"
    assert Assignment.objects.get(servant=person, unit=world.unit_a1, end_date=date(2025, 12, 31))
    assert JobPosition.objects.get(pk=position.pk).valid_to == date(2025, 12, 31)


def test_the_history_of_a_framework_names_the_competencies(position):
    from core import audit
    from core.access import UnitScope

    draft = services.latest_description(position)
    services.framework_set(actor=None, description=draft, levels={comp("NLC01").pk: 3})
    entry = audit.for_display(audit.history_for(draft)[:1], UnitScope(everything=True))[0]
    label, old, new = entry.display_changes[0]
    assert label == f"NLC01 {comp('NLC01').name}" and (old, new) == ("∅", "3")
