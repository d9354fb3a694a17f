"""Eligibility read paths: who waits for a number, who is summoned, which parts a candidate may
still appeal, which round-1 parts a candidate does not sit."""

from decimal import Decimal

import pytest

from recruitment import selectors, services
from recruitment.models import Appeal, RecruitmentRound
from recruitment.rules import GENERAL, LANGUAGE, Part
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def vacancy(world):
    round_ = make_round(world.unit_a, code="TD-E", round2_form=RecruitmentRound.Round2Form.WRITTEN)
    return services.vacancy_save(
        actor=None,
        round_=round_,
        code="VT-01",
        title="Chuyên viên",
        quota=1,
        unit=world.unit_a1,
        foreign_language="Tiếng Anh",
    )


def test_only_admitted_and_numbered_candidates_are_summoned(vacancy):
    round_ = vacancy.round
    admitted = make_application(vacancy, full_name="Đủ Điều Kiện", eligible=True)
    rejected = make_application(vacancy, full_name="Không Đủ", eligible=False)
    waiting = make_application(vacancy, full_name="Chưa Xét")
    assert list(selectors.awaiting_number(round_)) == [admitted]
    assert not selectors.summoned(round_).exists() and not selectors.summons_issued(admitted)
    services.numbers_assign(actor=None, round_=round_, prefix="TD", reason="Hồ sơ còn lại xét sau")
    admitted.refresh_from_db()
    assert list(selectors.summoned(round_)) == [admitted] and selectors.summons_issued(admitted)
    assert not selectors.awaiting_number(round_).exists()
    assert not selectors.summons_issued(rejected) and not selectors.summons_issued(waiting)


def test_a_candidate_may_appeal_only_marked_parts_of_the_round_and_each_once(vacancy):
    application = make_application(vacancy, eligible=True)
    assert selectors.appealable_components(application) == []  # no mark yet
    services.mark_enter(
        actor=None, application=application, component="written", marker=1, score=Decimal(60)
    )
    # An interview mark on a written-only round (an import of another system's sheet) is no part
    # the round has: it cannot be appealed.
    services.mark_enter(
        actor=None, application=application, component="interview", marker=0, score=Decimal(70)
    )
    assert selectors.appealable_components(application) == ["written"]
    Appeal.objects.create(application=application, component="written", reason="Phúc khảo")
    assert selectors.appealable_components(application) == []


def test_the_language_part_is_skipped_without_a_language_or_with_an_exemption(vacancy, world):
    general, language = Part(GENERAL, 60, 60), Part(LANGUAGE, 30, 30)
    sits = make_application(vacancy)
    exempt = make_application(
        vacancy, language_exempt=True, exemption_reason="Bằng đại học ngoại ngữ"
    )
    plain = services.vacancy_save(
        actor=None, round_=vacancy.round, code="VT-02", title="Văn thư", quota=1, unit=world.unit_a1
    )
    no_language = make_application(plain)
    assert not selectors.round1_part_skipped(sits, language)
    assert selectors.round1_part_skipped(exempt, language) and selectors.round1_part_skipped(
        no_language, language
    )
    assert not any(selectors.round1_part_skipped(a, general) for a in (sits, exempt, no_language))
