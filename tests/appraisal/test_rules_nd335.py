"""APPR-ND335 (ND 335/2025, civil servants from 2026) against the decree: the score bands of Art 20,
the overrides to KHT of Art 20.4, the task components of Art 14–16 and the annual mean; and which
rule set a year and a category get."""
import dataclasses
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from appraisal.rules import AppraisalRuleSet, Facts, LedgerLine, NoProductsAssigned, rule_set_for
from core.rules import registry
from personnel.rules.discipline import (
    DEMOTION,
    DISMISSAL,
    FORCED_RESIGNATION,
    REMOVAL,
    REPRIMAND,
    STEP_REDUCTION,
    WARNING,
)

ND335 = rule_set_for(2026, "civil_servant")
D = Decimal


# --- which rule set -------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "category", "code"), [
    (2020, "civil_servant", "APPR-ND90"),
    (2023, "cadre", "APPR-ND90"),
    (2025, "civil_servant", "APPR-ND90"),
    (2025, "public_employee", "APPR-ND90"),
    (2026, "civil_servant", "APPR-ND335"),
    (2030, "civil_servant", "APPR-ND335"),
    (2026, "public_employee", "APPR-ND90"),
    (2026, "cadre", "APPR-ND90"),
    (2026, "contract", "APPR-ND90"),
])
def test_the_year_and_category_pick_the_rule_set(year, category, code):
    rules = rule_set_for(year, category)
    assert rules.code == code
    assert isinstance(rules, AppraisalRuleSet)
    assert rules.family == "appraisal"
    assert rules.continuous == (code == "APPR-ND335")


def test_a_year_before_nd90_has_no_rule_set():
    with pytest.raises(registry.RuleSetNotFound):
        rule_set_for(2019, "civil_servant")


def test_the_legal_bases_name_the_decrees():
    assert "335/2025/NĐ-CP" in ND335.legal_basis and "80/2025" in ND335.legal_basis
    nd90 = rule_set_for(2025, "civil_servant")
    assert "90/2020/NĐ-CP" in nd90.legal_basis and "48/2023/NĐ-CP" in nd90.legal_basis


@pytest.fixture
def registry_snapshot():
    """Registering in a test must not leak into the others."""
    saved = dict(registry._REGISTRY), {name: list(members)
                                       for name, members in registry._FAMILIES.items()}
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved[0])
    registry._FAMILIES.clear()
    registry._FAMILIES.update(saved[1])


def test_a_third_rule_set_is_picked_for_its_years_without_touching_the_others(registry_snapshot):
    nd90 = rule_set_for(2026, "public_employee")
    before = (dataclasses.replace(nd90), dataclasses.replace(ND335))
    # A decree for public employees from 2027 (the Law on Public Employees 2025 keeps the 4 levels).
    successor = registry.register(dataclasses.replace(
        ND335, code="APPR-TEST-VC", title="Viên chức từ 2027", valid_from=date(2027, 1, 1),
        categories=frozenset({"public_employee"})))
    assert rule_set_for(2027, "public_employee") is successor
    assert rule_set_for(2031, "public_employee") is successor
    assert rule_set_for(2026, "public_employee").code == "APPR-ND90"
    assert rule_set_for(2027, "cadre").code == "APPR-ND90"
    assert rule_set_for(2027, "civil_servant").code == "APPR-ND335"
    assert (rule_set_for(2027, "cadre"), rule_set_for(2027, "civil_servant")) == before


def test_the_snapshot_fixture_restored_the_registry():
    assert rule_set_for(2027, "public_employee").code == "APPR-ND90"
    with pytest.raises(registry.RuleSetNotFound):
        registry.get("APPR-TEST-VC")


def test_what_is_not_confirmed_is_data_with_a_note():
    assert ND335.excellent_share == 20
    assert ND335.excellent_share_ceiling == 25
    assert sum(ND335.general_split) == ND335.general_max == 30
    assert ND335.task_max == 70
    for name in ("excellent_share_ceiling", "general_split", "organisation_default",
                 "solidarity_default"):
        assert "chưa xác nhận" in ND335.unconfirmed[name]


def test_the_share_may_be_raised_up_to_the_ceiling_only():
    assert ND335.quota_share() == 20
    assert ND335.quota_share(D(25)) == 25
    with pytest.raises(ValueError):
        ND335.quota_share(D("25.01"))


# --- score bands (Art 20) -------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "level"), [
    ("100", "HTXS"), ("90", "HTXS"), ("90.00", "HTXS"), ("89.99", "HTT"), ("70", "HTT"),
    ("69.99", "HT"), ("50", "HT"), ("49.99", "KHT"), ("0", "KHT"),
])
def test_score_bands_of_article_20(score, level):
    assert ND335.level_for_score(D(score)) == level
    outcome = ND335.classify(Facts(score=D(score), year=2026))
    assert outcome.level == level and not outcome.overridden
    assert "Điều 20" in outcome.reasons[0] and "335/2025" in outcome.reasons[0]


def test_the_reason_shows_the_score_with_a_decimal_comma():
    reason = ND335.classify(Facts(score=D("91.5"), year=2026)).reasons[0]
    assert reason.startswith("Điểm 91,50 ≥ 90: Hoàn thành xuất sắc nhiệm vụ")


def test_the_reason_never_shows_a_score_of_the_next_band():
    # The exact mean 89.995 is HTT; published with two places it would read 90,00.
    outcome = ND335.classify(Facts(score=D("89.995"), year=2026))
    assert outcome.level == "HTT" and outcome.reasons[0].startswith("Điểm 89,99 từ 70 đến dưới 90")
    assert ND335.shown_score(D("89.995")) == D("89.99")
    assert ND335.shown_score(D("89.994")) == D("89.99")
    assert ND335.shown_score(D("70.005")) == D("70.01")
    assert ND335.shown_score(D("49.996")) == D("49.99")
    assert ND335.classify(Facts(score=D(961) / 12, year=2026)).reasons[0].startswith("Điểm 80,08 ")


def test_without_a_score_nobody_is_classified_unless_an_override_applies():
    assert ND335.classify(Facts(year=2026)).level is None
    disciplined = ND335.classify(Facts(year=2026, disciplines=((WARNING, date(2026, 5, 1)),)))
    assert disciplined.level == "KHT" and disciplined.overridden


# --- overrides to KHT (Art 20.4) ------------------------------------------------------------------

def test_a_reprimand_decided_within_the_year_makes_it_kht_whatever_the_score():
    outcome = ND335.classify(Facts(score=D(95), year=2026,
                                   disciplines=((REPRIMAND, date(2026, 3, 12)),)))
    assert outcome.level == "KHT" and outcome.overridden
    assert any("khiển trách" in r and "12/03/2026" in r and "khoản 4 Điều 20" in r
                   for r in outcome.reasons)


def test_a_decision_of_the_previous_year_does_not_count():
    outcome = ND335.classify(Facts(score=D(95), year=2026,
                                   disciplines=((WARNING, date(2025, 12, 20)),)))
    assert outcome.level == "HTXS" and not outcome.overridden
    assert any("20/12/2025" in r and "không tính" in r for r in outcome.reasons)


@pytest.mark.parametrize("form", [REPRIMAND, WARNING, STEP_REDUCTION, DEMOTION, DISMISSAL,
                                  FORCED_RESIGNATION, REMOVAL])
def test_every_form_is_reprimand_or_above(form):
    assert ND335.classify(Facts(score=D(80), year=2026,
                                disciplines=((form, date(2026, 12, 31)),))).level == "KHT"


def test_an_unknown_discipline_form_is_refused_rather_than_ignored():
    with pytest.raises(ValueError):
        ND335.classify(Facts(score=D(80), year=2026, disciplines=(("scolding", date(2026, 1, 1)),)))


def test_a_low_score_and_a_discipline_is_kht_without_being_moved_down():
    outcome = ND335.classify(Facts(score=D(40), year=2026,
                                   disciplines=((REPRIMAND, date(2026, 2, 1)),)))
    assert outcome.level == "KHT" and not outcome.overridden
    assert len(outcome.reasons) == 2


def test_a_conclusion_of_degradation_makes_it_kht():
    outcome = ND335.classify(Facts(score=D(92), year=2026, degradation="Kết luận số 12-KL/ĐU"))
    assert outcome.level == "KHT" and outcome.overridden
    assert any("12-KL/ĐU" in r and "điểm b khoản 4 Điều 20" in r for r in outcome.reasons)


def test_corruption_in_the_unit_makes_its_leader_kht_but_not_its_staff():
    facts = Facts(score=D(92), year=2026, corruption_case="Vụ án số 5/2026")
    assert ND335.classify(facts).level == "HTXS"
    outcome = ND335.classify(dataclasses.replace(facts, is_leader=True))
    assert outcome.level == "KHT" and any("điểm d khoản 4 Điều 20" in r for r in outcome.reasons)


# --- task components (Art 14–16) ------------------------------------------------------------------

def test_a_worked_period_of_a_non_leader():
    # Two products of coefficient 2, both completed. Product 1 failed review twice for a major
    # content error: 2 × 25 % of its quality points lost, so it keeps half → b = (2 × 0.5 + 2) / 4 =
    # 75 %. Product 2 was late once, with an objective cause confirmed: no deduction → c = 100 %.
    lines = [LedgerLine(coefficient=D(2), quantity=D(1), completed=D(1), quality_failures=2),
             LedgerLine(coefficient=D(2), quantity=D(1), completed=D(1), delays=1,
                        delay_exempt=True)]
    a, b, c = ND335.task_components(lines)
    assert (a, b, c) == (100, 75, 100)
    # ratio = (100 + 75 + 100) / 300 = 11/12; 70 × 11/12 = 64.1666…; + general 27 = 91.1666… →
    # 91.1667
    ratio = ND335.task_ratio(a, b, c, leader=False)
    assert Fraction(ratio).limit_denominator(1000) == Fraction(11, 12)
    score = ND335.period_score(D(27), ratio)
    assert score == D("91.1667")
    assert ND335.level_for_score(score) == "HTXS"


def test_a_leader_averages_six_components_instead_of_three():
    # Same a, b, c; d = 50 (someone under them below 50), đ = 80, e = 90 entered:
    # (100 + 75 + 100 + 50 + 80 + 90) / 600 = 495/600 = 0.825; 27 + 70 × 0.825 = 27 + 57.75 = 84.75
    # → HTT.
    ratio = ND335.task_ratio(D(100), D(75), D(100), leader=True, d=D(50), organisation=D(80),
                             solidarity=D(90))
    assert ratio == D("0.825")
    assert ND335.period_score(D(27), ratio) == D("84.75")
    assert ND335.level_for_score(ND335.period_score(D(27), ratio)) == "HTT"


def test_a_leader_without_d_or_entered_components_cannot_be_scored():
    # đ and e have no confirmed default in ND 335: they must be entered.
    assert ND335.organisation_default is None and ND335.solidarity_default is None
    with pytest.raises(ValueError):
        ND335.task_ratio(D(100), D(100), D(100), leader=True, d=D(100), solidarity=D(100))
    with pytest.raises(ValueError):
        ND335.task_ratio(D(100), D(100), D(100), leader=True, organisation=D(100),
                         solidarity=D(100))


def test_entered_components_fall_back_to_the_rule_sets_defaults():
    with_defaults = dataclasses.replace(ND335, code="APPR-TEST-DEFAULTS",
                                        organisation_default=D(100), solidarity_default=D(100))
    assert with_defaults.task_ratio(D(100), D(100), D(100), leader=True, d=D(100)) == 1


def test_components_are_capped_at_100_and_may_not_be_negative():
    assert ND335.task_ratio(D(130), D(100), D(100), leader=False) == 1
    with pytest.raises(ValueError):
        ND335.task_ratio(D(-1), D(100), D(100), leader=False)


def test_general_points_are_clamped_and_a_percent_is_not_a_ratio():
    assert ND335.period_score(D(35), D(1)) == 100
    assert ND335.period_score(D(-3), D("0.5")) == 35
    with pytest.raises(ValueError):
        ND335.period_score(D(27), D("91.6"))


def test_each_failed_review_takes_a_quarter_of_the_products_quality_points():
    one = [LedgerLine(coefficient=D(1), quantity=D(1), completed=D(1), quality_failures=1)]
    assert ND335.task_components(one)[1] == 75
    four = [LedgerLine(coefficient=D(1), quantity=D(1), completed=D(1), quality_failures=4)]
    five = [LedgerLine(coefficient=D(1), quantity=D(1), completed=D(1), quality_failures=5)]
    # never below nothing
    assert ND335.task_components(four)[1] == ND335.task_components(five)[1] == 0
    exempt = [LedgerLine(coefficient=D(1), quantity=D(1), completed=D(1), quality_failures=3,
                         quality_exempt=True)]
    assert ND335.task_components(exempt) == (100, 100, 100)


def test_each_delay_takes_a_quarter_of_the_products_progress_points():
    # Three equal products, one late twice: c = (1 + 1 + 0.5) / 3 = 83.33…%; quality untouched.
    lines = [LedgerLine(coefficient=D(1), completed=D(1)),
             LedgerLine(coefficient=D(1), completed=D(1)),
             LedgerLine(coefficient=D(1), completed=D(1), delays=2)]
    a, b, c = ND335.task_components(lines)
    assert (a, b) == (100, 100)
    assert D(83.33) < c < D(83.34) and round(c * 3, 20) == 250
    lines[2] = dataclasses.replace(lines[2], delay_exempt=True)
    assert ND335.task_components(lines)[2] == 100


def test_quantity_is_weighted_by_the_conversion_coefficients_and_capped():
    # A product worth 3 units done, one worth 1 not done: a = 3/4 = 75 %.
    lines = [LedgerLine(coefficient=D(3), completed=D(1)),
             LedgerLine(coefficient=D(1), completed=D(0))]
    assert ND335.task_components(lines)[0] == 75
    # 3 of 4 documents completed: a = b = c = 75 %; doing 6 of 4 is exceeded work, a stays at 100 %.
    assert ND335.task_components([LedgerLine(coefficient=D("0.5"), quantity=D(4),
                                             completed=D(3))]) == (75, 75, 75)
    assert ND335.task_components([LedgerLine(coefficient=D("0.5"), quantity=D(4),
                                             completed=D(6))])[0] == 100


def test_a_failed_review_on_a_partly_completed_product():
    # 3 of 4 units completed, one failed review: b = 3 × 0.75 / 4 = 56.25 %.
    assert ND335.task_components([LedgerLine(coefficient=D(1), quantity=D(4), completed=D(3),
                                             quality_failures=1)])[1] == D("56.25")


def test_a_period_without_products_has_no_components():
    with pytest.raises(NoProductsAssigned):
        ND335.task_components([])
    with pytest.raises(ValueError):
        ND335.task_components([LedgerLine(coefficient=D(0), quantity=D(2))])


# --- component d (Art 15) -------------------------------------------------------------------------

@pytest.mark.parametrize(("scores", "d"), [
    ([D(50), D(80)], 100),  # exactly 50 reaches HT
    ([D("49.99"), D(95)], 50),
    ([], 100),  # nobody under them
    ([None, D(60)], 100),  # not scored: ignored
    ([None, D(49)], 50),
    ([None], 100),
])
def test_d_is_full_only_when_everyone_under_the_leader_reaches_ht(scores, d):
    assert ND335.direction(scores) == d


# --- the year (mean of the periods) ---------------------------------------------------------------

def test_the_annual_score_is_the_exact_mean():
    # 11 months at 75 and one at 75.06: the mean is exactly 75.005, which rounds half up to 75.01
    # (binary floating point would give 75.00).
    periods = [D(75)] * 11 + [D("75.06")]
    annual = ND335.annual_score(periods)
    assert annual == D("75.005")
    assert annual.quantize(D("0.01"), rounding=ROUND_HALF_UP) == D("75.01")
    # Just under the half: 840.0599 / 12 = 70.004999166… → 70.00.
    just_under = ND335.annual_score([D(70)] * 11 + [D("70.0599")])
    assert just_under.quantize(D("0.01"), rounding=ROUND_HALF_UP) == D("70.00")


def test_a_repeating_mean_is_not_rounded_before_it_is_shown():
    # 11 × 80 + 81 = 961; 961 / 12 = 80.08333…
    annual = ND335.annual_score([D(80)] * 11 + [D(81)])
    assert abs(Fraction(annual) - Fraction(961, 12)) < Fraction(1, 10**20)
    assert annual.quantize(D("0.01"), rounding=ROUND_HALF_UP) == D("80.08")


def test_the_annual_band_edge_holds_for_the_mean():
    assert ND335.level_for_score(ND335.annual_score([D(88), D(92)] * 6)) == "HTXS"  # exactly 90
    assert ND335.level_for_score(ND335.annual_score([D(88), D("91.98")] * 6)) == "HTT"  # 89.99
    assert ND335.annual_score([]) is None
