"""Exit allowances of staff streamlining as versioned rule sets (STREAMLINING.md, DOMAIN-RULES §6).

Public interface (other code calls only this): :class:`CaseInput` in, :class:`Calculation` out,
:func:`calculate` for one option and :func:`options_for` for every option a person qualifies for.
Rule sets (family ``streamlining_<ground>`` in core.rules.registry, chosen by the leaving date):

* ``STREAM-ND178``: ND 178/2024 as first issued (leaving 1/1/2025 – 14/3/2025);
* ``STREAM-ND178-ND67``: ND 178/2024 as amended by ND 67/2025 (leaving from 15/3/2025);
  a ``rule_set`` starting with ``STREAM-ND178`` is ground ND 178 whichever version;
* ``STREAM-ND154``: ND 154/2025, ordinary streamlining (leaving 16/6/2025 – 31/12/2030);
* ``STREAM-ND177``: ND 177/2024, cadres not re-elected or re-appointed (several points
  unconfirmed: each result lists them in ``notes``).

Money is exact: the salary is a Fraction of đồng; each allowance is rounded once, half up, to a
whole đồng (the decrees name no rounding of money; VND is paid in whole đồng), and the total is
the sum of the rounded allowances, so the breakdown adds up. The only other rounding is the one
the decrees make: odd months of years early and of SI years (1–6 months → 0.5 year, more → 1).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Grounds (legal basis of a case): choose the rule-set family.
ND178, ND154, ND177 = "ND178", "ND154", "ND177"
GROUNDS = (ND178, ND154, ND177)

# Options (the policy the person leaves under). Each
# rule set lists the ones it knows in ``options``.
EARLY_RETIREMENT = "early_retirement"  # nghỉ hưu trước tuổi
RESIGNATION = "resignation"  # nghỉ thôi việc (ND 154: thôi việc ngay)
OPTION_LABELS = {EARLY_RETIREMENT: "Nghỉ hưu trước tuổi", RESIGNATION: "Nghỉ thôi việc"}

# Allowance kinds of CaseInput.allowances. Coefficient kinds are multiples of the base salary,
# percent kinds are percentages (25 means 25 %) of the base the salary law gives each of them.
LEADERSHIP = "leadership"  # coefficient: phụ cấp chức vụ lãnh đạo
# coefficient: phụ cấp chức vụ bảo lưu (counted, CV 1814)
LEADERSHIP_RESERVED = "leadership_reserved"
# coefficient: hệ số chênh lệch bảo lưu lương (ND 67 on)
RESERVED_DIFFERENCE = "reserved_difference"
EXCESS_SENIORITY = "excess_seniority"  # percent of (coefficient + leadership): thâm niên vượt khung
PROFESSIONAL_SENIORITY = "professional_seniority"  # percent: phụ cấp thâm niên nghề
PREFERENTIAL = "professional_preferential"  # percent: phụ cấp ưu đãi theo nghề
# percent: phụ cấp trách nhiệm theo nghề
PROFESSIONAL_RESPONSIBILITY = "professional_responsibility"
PUBLIC_SERVICE = "public_service"  # percent (usually 25): phụ cấp công vụ
PARTY_MASS = "party_mass"  # percent: phụ cấp công tác đảng, đoàn thể chính trị - xã hội
# Never counted in the current salary (CV 1814/BNV-TCBC); accepted so a full payslip can be given.
REGIONAL = "regional"  # coefficient: phụ cấp khu vực
JOB_RESPONSIBILITY = "job_responsibility"  # coefficient: phụ cấp trách nhiệm công việc
HAZARD = "hazard"  # coefficient: phụ cấp độc hại, nguy hiểm
ATTRACTION = "attraction"  # percent: phụ cấp thu hút
PARTY_COMMITTEE = "party_committee"  # coefficient: phụ cấp trách nhiệm cấp ủy
CHIEF_ACCOUNTANT = "chief_accountant"  # coefficient: phụ cấp trách nhiệm kế toán trưởng

COEFFICIENT_KINDS = frozenset({LEADERSHIP, LEADERSHIP_RESERVED, RESERVED_DIFFERENCE, REGIONAL,
                               JOB_RESPONSIBILITY, HAZARD, PARTY_COMMITTEE, CHIEF_ACCOUNTANT})
PERCENT_KINDS = frozenset({EXCESS_SENIORITY, PROFESSIONAL_SENIORITY, PREFERENTIAL,
                           PROFESSIONAL_RESPONSIBILITY, PUBLIC_SERVICE, PARTY_MASS, ATTRACTION})
ALLOWANCE_LABELS = {
    LEADERSHIP: "Phụ cấp chức vụ lãnh đạo", LEADERSHIP_RESERVED: "Phụ cấp chức vụ bảo lưu",
    RESERVED_DIFFERENCE: "Hệ số chênh lệch bảo lưu lương",
    EXCESS_SENIORITY: "Phụ cấp thâm niên vượt khung",
    PROFESSIONAL_SENIORITY: "Phụ cấp thâm niên nghề", PREFERENTIAL: "Phụ cấp ưu đãi theo nghề",
    PROFESSIONAL_RESPONSIBILITY: "Phụ cấp trách nhiệm theo nghề", PUBLIC_SERVICE: "Phụ cấp công vụ",
    PARTY_MASS: "Phụ cấp công tác đảng, đoàn thể", REGIONAL: "Phụ cấp khu vực",
    JOB_RESPONSIBILITY: "Phụ cấp trách nhiệm công việc", HAZARD: "Phụ cấp độc hại, nguy hiểm",
    ATTRACTION: "Phụ cấp thu hút", PARTY_COMMITTEE: "Phụ cấp trách nhiệm cấp ủy",
    CHIEF_ACCOUNTANT: "Phụ cấp trách nhiệm kế toán trưởng",
}

# Keys of Calculation.amounts (whole VND each) and their Vietnamese names.
ONE_TIME_MONTHS = "one_time_months"  # trợ cấp hưu trí một lần cho số tháng nghỉ sớm (ND 178)
PER_YEAR_EARLY = "per_year_early"  # trợ cấp cho số năm nghỉ sớm
SI_YEARS = "si_years"  # trợ cấp theo số năm công tác có đóng BHXH bắt buộc (early retirement)
SEVERANCE = "severance"  # trợ cấp thôi việc theo số tháng (ND 178 resignation)
PER_SI_YEAR = "per_si_year"  # 1,5 tháng lương cho mỗi năm đóng BHXH (resignation)
JOB_SEARCH = "job_search"  # 3 tháng lương để tìm việc làm
AMOUNT_LABELS = {
    ONE_TIME_MONTHS: "Trợ cấp hưu trí một lần cho số tháng nghỉ sớm",
    PER_YEAR_EARLY: "Trợ cấp cho số năm nghỉ sớm",
    SI_YEARS: "Trợ cấp theo thời gian công tác có đóng BHXH bắt buộc",
    SEVERANCE: "Trợ cấp thôi việc",
    PER_SI_YEAR: "Trợ cấp theo số năm đóng BHXH bắt buộc",
    JOB_SEARCH: "Trợ cấp tìm việc làm",
}


class CaseError(ValueError):
    """A case the calculator refuses: ``str(error)`` is the Vietnamese reason, ``field`` the
    CaseInput field it is about ("leaving_date", "si_months" …; "" when no single field)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class CaseInput:
    """One person and the exit being priced. Dates are calendar dates; money is whole VND.

    ``leaving_date`` is the first day the person no longer works (the date in the decision:
    "nghỉ hưu trước tuổi từ ngày 01/5/2025"); a pension runs by whole months from the first day of
    a month, so a leaving date after the 1st counts from the first day of the next month.
    ``allowances`` maps the kinds above to a coefficient (leadership 0.6) or a percent
    (public_service 25); kinds a decree does not count are kept in the inputs and named as left out.
    ``si_months`` are months of compulsory social insurance in Party, State, Fatherland Front,
    socio-political bodies and the armed forces not yet paid out (ND 178 Art 5 cl. 2–3).
    ``base_salary`` None: the base salary in force in the month before the leaving month
    (CV 1814/BNV-TCBC; ND 154 Art 5), from the dated ``base_salary`` rule family.
    """

    code: str
    # positions.models.Category value: cadre, civil_servant, public_employee, contract, …
    category: str
    sex: str  # "male" / "female"
    date_of_birth: date
    leaving_date: date
    option: str = ""  # EARLY_RETIREMENT / RESIGNATION; empty only for options_for
    # ND178 / ND154 / ND177; empty: options_for tries ND 178 (with a decision date) and ND 154
    ground: str = ""
    # salary coefficient of the rank/title and step (hệ số lương ngạch, bậc)
    coefficient: Decimal = Decimal(0)
    allowances: dict[str, Decimal] = field(default_factory=dict)
    si_months: int = 0
    # the date the reorganisation decision took effect (ND 178)
    reorganisation_date: date | None = None
    base_salary: int | None = None


@dataclass(frozen=True)
class Calculation:
    """The amounts of one option under one rule set, with everything used to compute them.

    ``months_early``: whole months from the leaving month to the ND 135 pension start (0 for a
    resignation). ``years_early`` and ``si_years``: Decimal years after the decree's rounding
    (2.5 for 30 months). ``amounts``: whole VND per key of AMOUNT_LABELS, in the decree's order;
    ``total`` their sum. ``formula_version``: the rule set and the variant of the formula used
    (e.g. the SI allowance from 1/7/2025). ``inputs``: what was used, as strings and ints
    (monthly salary S, base salary, pension start, band, window …). ``lines``: the breakdown in
    Vietnamese, one line per amount ("Trợ cấp … = … × … = … đ"). ``notes``: Vietnamese warnings
    on what rests on an unconfirmed reading of the decree.
    """

    code: str
    ground: str
    rule_set: str
    option: str
    months_early: int
    years_early: Decimal
    si_years: Decimal
    amounts: dict[str, int]
    total: int
    formula_version: str
    inputs: dict
    lines: list[str]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The JSON shape of streamlining_calculate (numbers as ints, or exact halves)."""
        return {
            "code": self.code, "rule_set": self.rule_set, "option": self.option,
            "months_early": self.months_early, "years_early": _number(self.years_early),
            "si_years": _number(self.si_years), "amounts": dict(self.amounts), "total": self.total,
        }


def _number(value: Decimal) -> int | float:
    # Years are whole or halves: exact in binary floating point.
    return int(value) if value == value.to_integral_value() else float(value)


def calculate(case: CaseInput) -> Calculation:
    """Price ``case.option`` under ``case.ground`` (empty ground: ND 178 when a
    reorganisation date is given and ND 178 is in force on the leaving date, else
    ND 154). Raises ValueError with a Vietnamese message (a CaseError naming the
    field) when the person does not qualify or the input is incomplete."""
    from streamlining.rules.engine import calculate as _calculate

    return _calculate(case)


def options_for(case: CaseInput) -> list[Calculation]:
    """Every option the person qualifies for, side by side (the option of ``case`` is ignored;
    an empty ground tries ND 178 and ND 154). An empty list when none applies."""
    from streamlining.rules.engine import options_for as _options_for

    return _options_for(case)


def reasons_not_eligible(case: CaseInput) -> dict[str, str]:
    """For each (ground, option) tried by options_for that does not apply, the Vietnamese reason,
    keyed "ND178:resignation"."""
    from streamlining.rules.engine import reasons_not_eligible as _reasons

    return _reasons(case)


# Importing the package registers the rule sets (and the base salary table) in core.rules.registry.
from streamlining.rules import engine as _engine  # noqa: E402,F401
