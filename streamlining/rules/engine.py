"""The allowance rule sets (families ``streamlining_nd178``, ``streamlining_nd154``,
``streamlining_nd177``) and the arithmetic that applies them. See STREAMLINING.md for every
formula and what is confirmed; this module cites its sections as "SM §n".

Every figure a decree fixes is data on the rule set where it is registered; what no retrieved
source confirms is kept as data too and repeated to the user in Vietnamese (``notes``).
Arithmetic is exact (Fraction); the only roundings are the decree's half-year rounding of odd
months and the rounding of each amount to a whole đồng, half up, at the very end.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from core.dates import add_months
from core.rules import registry
from core.rules.registry import RuleSet
from personnel.rules.retirement import FEMALE, MALE, retirement_of
from streamlining.rules import (
    ALLOWANCE_LABELS,
    AMOUNT_LABELS,
    COEFFICIENT_KINDS,
    EARLY_RETIREMENT,
    EXCESS_SENIORITY,
    JOB_SEARCH,
    LEADERSHIP,
    LEADERSHIP_RESERVED,
    ND154,
    ND177,
    ND178,
    ONE_TIME_MONTHS,
    OPTION_LABELS,
    PARTY_MASS,
    PER_SI_YEAR,
    PER_YEAR_EARLY,
    PERCENT_KINDS,
    PREFERENTIAL,
    PROFESSIONAL_RESPONSIBILITY,
    PROFESSIONAL_SENIORITY,
    PUBLIC_SERVICE,
    RESERVED_DIFFERENCE,
    RESIGNATION,
    SEVERANCE,
    SI_YEARS,
    Calculation,
    CaseError,
    CaseInput,
)
from streamlining.rules.base_salary import base_salary_before_month_of

F = Fraction
# The 2024 Law on Social Insurance (in force 1/7/2025) lowered the SI
# years that give a pension from 20 (2014 Law Art 54) to 15 (2024
# Law Art 64): early retirement needs "enough SI years for a pension".
SI_LAW_2024 = date(2025, 7, 1)
CADRE_CATEGORIES = frozenset({"cadre", "civil_servant"})
STAFF_CATEGORIES = frozenset({"cadre", "civil_servant", "public_employee", "contract"})


@dataclass(frozen=True)
class AllowanceRuleSet(RuleSet):
    """One version of one decree's exit allowances. Fractions are written as strings ("0.9")."""

    ground: str = ""
    version: str = ""  # the texts this version follows, shown as the formula version
    options: tuple[str, ...] = ()
    salary_kinds: frozenset[str] = frozenset()  # allowance kinds counted in the current salary S
    # the reorganisation window (ND 178: 12 months), None: no window
    window_months: int | None = None
    # early retirement: band → (factor in the window, factor after it) of the one-time allowance
    one_time_factors: dict[str, tuple[str, str]] = field(default_factory=dict)
    band_b_fixed_months: int = 60  # ND 178 Art 7 cl. 1 b: 0.9 × S × 60 whatever the months
    # band → months of S per year early
    per_year_months: dict[str, str] = field(default_factory=dict)
    max_months_early: int = 60  # the last month of the highest band with a per-year allowance
    min_months_early: int = 24  # below: band C (ND 178) or groups 3–4 (ND 154)
    # SI allowance: (months for the first N years, N, months per year
    # after N), before and from si_switch_date (ND 67 / CV 1814 II.6:
    # the SI Law 2024 date), and a flat amount below N (ND 154)
    si_before: tuple[str, int, str] = ("5", 20, "0.5")
    si_after: tuple[str, int, str] | None = None
    si_switch_date: date | None = None
    si_flat_from_years: int | None = None  # ND 154: 15 to under 20 SI years → a flat 5 months
    # resignation
    severance_factors: tuple[str, str] | None = None  # ND 178: 0.8 in the window, 0.4 after
    severance_max_months: int = 60
    per_si_year_months: str = "1.5"
    job_search_months: str = "3"
    job_search_categories: frozenset[str] = CADRE_CATEGORIES
    min_months_to_retire_for_resignation: int = 24
    early_categories: frozenset[str] = STAFF_CATEGORIES
    resignation_categories: frozenset[str] = STAFF_CATEGORIES
    rounding_unconfirmed: bool = False  # the half-year rounding of odd months is not confirmed
    unconfirmed: tuple[str, ...] = ()  # Vietnamese notes repeated with every result

    def window_factor_index(self, case: CaseInput, notes: list[str]) -> int:
        """0 within the first window_months after the reorganisation decision took effect, 1 from
        the 13th month (TT 01/2025 Art 3 cl. 1; SM §1.6)."""
        if case.reorganisation_date is None:
            raise CaseError("reorganisation_date",
                            "Thiếu ngày quyết định sắp xếp tổ chức bộ máy có hiệu lực "
                            "(căn cứ tính 12 tháng đầu, Nghị định 178/2024)")
        end = add_months(case.reorganisation_date, self.window_months)
        if case.leaving_date < case.reorganisation_date:
            notes.append(
                "Nghỉ trước ngày quyết định sắp xếp có hiệu lực: tính như trong 12 tháng đầu "
                "(chưa xác nhận).")
        if case.leaving_date in (end, case.reorganisation_date):
            notes.append(
                "Ngày nghỉ trùng mốc 12 tháng hoặc ngày quyết định có hiệu lực: cách tính ở mốc "
                "này chưa được văn bản xác nhận.")
        return 0 if case.leaving_date < end else 1


ND178_SALARY = frozenset({LEADERSHIP, LEADERSHIP_RESERVED, EXCESS_SENIORITY, PROFESSIONAL_SENIORITY,
                          PREFERENTIAL, PROFESSIONAL_RESPONSIBILITY, PUBLIC_SERVICE, PARTY_MASS})
_ND178_COMMON = dict(
    family="streamlining_nd178", ground=ND178, options=(EARLY_RETIREMENT, RESIGNATION),
    window_months=12,
    one_time_factors={"A": ("1", "0.5"), "B": ("0.9", "0.45"), "C": ("1", "0.5")},
    per_year_months={"A": "5", "B": "4"}, max_months_early=120,
    severance_factors=("0.8", "0.4"),
)
STREAM_ND178 = registry.register(AllowanceRuleSet(
    code="STREAM-ND178",
    title="Chính sách khi sắp xếp tổ chức bộ máy (Nghị định 178/2024, bản gốc)",
    legal_basis="Nghị định 178/2024/NĐ-CP Điều 5, 7, 9, 10; Thông tư 01/2025/TT-BNV",
    valid_from=date(2025, 1, 1), valid_to=date(2025, 3, 14), version="ND178/2024 (TT01/2025)",
    salary_kinds=ND178_SALARY, **_ND178_COMMON,
    unconfirmed=(
        "Trường hợp còn dưới 2 năm đến tuổi nghỉ hưu theo văn bản gốc Nghị định 178: áp dụng như "
        "bản sửa đổi (chỉ trợ cấp số tháng nghỉ sớm), chưa đối chiếu văn bản gốc.",),
))
STREAM_ND178_ND67 = registry.register(AllowanceRuleSet(
    code="STREAM-ND178-ND67",
    title="Chính sách khi sắp xếp tổ chức bộ máy (Nghị định 178/2024, sửa đổi bởi Nghị định "
          "67/2025)",
    legal_basis="Nghị định 178/2024/NĐ-CP sửa đổi bởi Nghị định 67/2025/NĐ-CP; Thông tư "
                "01/2025/TT-BNV sửa đổi bởi Thông tư 002/2025/TT-BNV; Công văn 1814/BNV-TCBC",
    valid_from=date(2025, 3, 15), version="ND178/2024+ND67/2025 (TT01/2025, TT002/2025, CV1814)",
    # ND 67 Art 1 cl. 3 adds the reserved salary difference to the current salary.
    salary_kinds=ND178_SALARY | {RESERVED_DIFFERENCE}, **_ND178_COMMON,
    # CV 1814 II.6: from 1/7/2025 (SI Law 2024) 4 months
    # for the first 15 SI years + 0.5 from the 16th.
    si_after=("4", 15, "0.5"), si_switch_date=SI_LAW_2024,
))
STREAM_ND154 = registry.register(AllowanceRuleSet(
    code="STREAM-ND154", family="streamlining_nd154", ground=ND154,
    title="Tinh giản biên chế (Nghị định 154/2025)",
    legal_basis="Nghị định 154/2025/NĐ-CP Điều 5, 7, 8",
    valid_from=date(2025, 6, 16), valid_to=date(2030, 12, 31), version="ND154/2025",
    options=(EARLY_RETIREMENT, RESIGNATION),
    # SM §4.1: leadership, excess seniority, professional
    # seniority and the reserved difference only.
    salary_kinds=frozenset({LEADERSHIP, LEADERSHIP_RESERVED, EXCESS_SENIORITY,
                            PROFESSIONAL_SENIORITY, RESERVED_DIFFERENCE}),
    per_year_months={"A": "5"}, si_before=("5", 20, "0.5"), si_flat_from_years=15,
    min_months_to_retire_for_resignation=1, rounding_unconfirmed=True,
    unconfirmed=(
        "Nghị định 154: chỉ tính nhóm 2 (Phụ lục I Nghị định 135); nhóm 1 (Phụ lục II, 15 năm làm "
        "nghề nặng nhọc, độc hại hoặc ở vùng đặc biệt khó khăn) cần nhập tay.",),
))
STREAM_ND177 = registry.register(AllowanceRuleSet(
    code="STREAM-ND177", family="streamlining_nd177", ground=ND177,
    title="Cán bộ không tái cử, tái bổ nhiệm (Nghị định 177/2024)",
    legal_basis="Nghị định 177/2024/NĐ-CP",
    valid_from=date(2024, 12, 31), version="ND177/2024 (chưa xác nhận)",
    options=(EARLY_RETIREMENT,), salary_kinds=ND178_SALARY | {RESERVED_DIFFERENCE},
    per_year_months={"A": "5"}, min_months_early=1, si_before=("5", 20, "0.5"),
    si_after=("5", 15, "0.5"), si_switch_date=SI_LAW_2024, early_categories=CADRE_CATEGORIES,
    rounding_unconfirmed=True,
    unconfirmed=(
        "Nghị định 177/2024: chưa đối chiếu văn bản gốc; các điểm sau là giả định cần cán bộ pháp "
        "chế xác nhận: ngày hiệu lực 31/12/2024; tiền lương tháng hiện hưởng tính như Nghị định "
        "178 (sửa đổi); không có trợ cấp một lần theo số tháng nghỉ sớm; trợ cấp BHXH 5 tháng cho "
        "15 năm đầu từ 01/7/2025 (tin báo chí).",
    ),
))
FAMILIES = {ND178: "streamlining_nd178", ND154: "streamlining_nd154", ND177: "streamlining_nd177"}


# --- counting -------------------------------------------------------------------------------------


def years_rounded(months: int) -> Decimal:
    """Whole years, and odd months 1–6 → 0.5, 7–11 → 1
    (ND 178 Art 5 cl. 3; MOHA: 30 → 2.5; SM §1.3)."""
    whole, rest = divmod(max(0, months), 12)
    return Decimal(whole) + (Decimal(0) if rest == 0 else Decimal("0.5") if rest <= 6
                             else Decimal(1))


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def months_to_pension(case: CaseInput) -> tuple[int, date]:
    """Months from the leaving month to the ND 135 pension start (the first day of the month after
    the month the age is reached, SM §1.2). A pension runs from the first of a month: leaving after
    the 1st counts from the next month."""
    if case.date_of_birth is None:
        raise CaseError("date_of_birth", "Thiếu ngày sinh")
    if case.sex not in (MALE, FEMALE):
        raise CaseError("sex", "Giới tính phải là nam hoặc nữ")
    start = month_index(case.leaving_date) + (0 if case.leaving_date.day == 1 else 1)
    pension_start = retirement_of(case.date_of_birth, case.sex).pension_start
    return month_index(pension_start) - start, pension_start


def vnd(amount: int | Fraction) -> str:
    """15.356.250 (a fraction of a đồng, if any, after a decimal comma)."""
    if isinstance(amount, int) or amount.denominator == 1:
        return f"{int(amount):,}".replace(",", ".")
    # to the hundredth of a đồng: shown, never paid
    whole, cents = divmod(round_vnd(amount * 100), 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"


def num(value) -> str:
    """A factor or coefficient as Vietnamese write it: 0,9 / 2,5 / 4,65."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def round_vnd(value: Fraction) -> int:
    """A whole đồng, half up (money is paid in whole đồng; the decrees round nothing else)."""
    return int((value + F(1, 2)) // 1)


# --- the current monthly salary -------------------------------------------------------------------


def monthly_salary(rules: AllowanceRuleSet, case: CaseInput) -> tuple[Fraction, dict, list[str]]:
    """S as the decree of ``rules`` defines it (SM §1.1 for ND 178, §4.1 for ND 154).

    Excess seniority is a percent of (coefficient + leadership) (TT 04/2005/TT-BNV); the
    other percent allowances (public service 25 % by ND 34/2012, Party and mass
    organisations, professional seniority and preferential allowances) are a percent of
    (coefficient + leadership + excess seniority), which gives MOHA's 15,356,250 for Mr C.
    """
    unknown = sorted(set(case.allowances) - COEFFICIENT_KINDS - PERCENT_KINDS)
    if unknown:
        raise CaseError("allowances", f"Loại phụ cấp không xác định: {', '.join(unknown)}")
    if case.coefficient is None or Decimal(case.coefficient) <= 0:
        raise CaseError("coefficient", "Thiếu hệ số lương")
    if case.base_salary is not None:
        base, base_basis = case.base_salary, "nhập tay"
        if base <= 0:
            raise CaseError("base_salary", "Mức lương cơ sở phải lớn hơn 0")
    else:
        base_rule = base_salary_before_month_of(case.leaving_date)
        base, base_basis = base_rule.amount, base_rule.legal_basis

    salary, inputs, lines = _salary(rules.salary_kinds, Decimal(case.coefficient),
                                    tuple(sorted(case.allowances.items())), base, base_basis)
    return salary, dict(inputs,
                        allowances_left_out=list(inputs["allowances_left_out"])), list(lines)


@lru_cache(maxsize=65536)
def _salary(salary_kinds: frozenset[str], raw_coefficient: Decimal,
            allowances: tuple[tuple[str, Decimal], ...], base: int,
            base_basis: str) -> tuple[Fraction, dict, tuple[str, ...]]:
    """The arithmetic of monthly_salary, cached: a province has a few thousand
    distinct payslips, and every option of every person needs the salary again."""
    given = dict(allowances)

    def value(kind: str) -> Fraction:
        raw = given.get(kind) or 0
        if Decimal(raw) < 0:
            raise CaseError("allowances", f"{ALLOWANCE_LABELS[kind]} không được âm")
        return F(Decimal(raw)) if kind in salary_kinds else F(0)

    coefficient = F(raw_coefficient)
    leadership = value(LEADERSHIP) + value(LEADERSHIP_RESERVED)
    excess = value(EXCESS_SENIORITY) / 100 * (coefficient + leadership)
    percent_base = coefficient + leadership + excess
    parts = [f"hệ số lương {num(coefficient)}"]
    for kind in (LEADERSHIP, LEADERSHIP_RESERVED, RESERVED_DIFFERENCE):
        if value(kind):
            parts.append(f"{ALLOWANCE_LABELS[kind].lower()} {num(value(kind))}")
    if excess:
        parts.append(
            f"{ALLOWANCE_LABELS[EXCESS_SENIORITY].lower()} {num(value(EXCESS_SENIORITY))}% × "
            f"{num(coefficient + leadership)}")
    total = coefficient + leadership + value(RESERVED_DIFFERENCE) + excess
    for kind in (PROFESSIONAL_SENIORITY, PREFERENTIAL, PROFESSIONAL_RESPONSIBILITY, PUBLIC_SERVICE,
                 PARTY_MASS):
        if value(kind):
            total += value(kind) / 100 * percent_base
            parts.append(
                f"{ALLOWANCE_LABELS[kind].lower()} {num(value(kind))}% × {num(percent_base)}")
    salary = total * base
    left_out = [f"{ALLOWANCE_LABELS[kind].lower()} "
                f"{num(Decimal(raw))}{'%' if kind in PERCENT_KINDS else ''}"
                for kind, raw in sorted(given.items()) if raw and kind not in salary_kinds]
    lines = [
        f"Tiền lương tháng hiện hưởng (S) = ({' + '.join(parts)}) = {num(total)} × {vnd(base)} = "
        f"{vnd(salary)} đ"]
    if left_out:
        lines.append(f"Không tính vào tiền lương tháng hiện hưởng: {'; '.join(left_out)}")
    inputs = {"monthly_salary": str(salary) if salary.denominator != 1 else int(salary),
              "base_salary": base, "base_salary_basis": base_basis,
              "salary_coefficient_total": num(total).replace(",", "."),
              "allowances_left_out": [kind for kind, raw in sorted(given.items()) if raw
                                      and kind not in salary_kinds]}
    return salary, inputs, tuple(lines)


# --- the options ----------------------------------------------------------------------------------


@dataclass
class _Work:
    """What one calculation accumulates before it is frozen into a Calculation."""

    rules: AllowanceRuleSet
    case: CaseInput
    salary: Fraction
    inputs: dict
    lines: list[str]
    notes: list[str]
    amounts: dict[str, int] = field(default_factory=dict)
    variant: list[str] = field(default_factory=list)

    def pay(self, key: str, months: Fraction, formula: str) -> None:
        # Each amount is rounded to the đồng once, from the exact salary × months: no rounding is
        # carried into the next.
        amount = round_vnd(self.salary * months)
        self.amounts[key] = amount
        self.lines.append(
            f"{AMOUNT_LABELS[key]} = {vnd(self.salary)} × {formula} = {vnd(amount)} đ")


def _si_years(rules: AllowanceRuleSet, case: CaseInput, notes: list[str]) -> Decimal:
    if case.si_months < 0:
        raise CaseError("si_months", "Số tháng đóng BHXH không được âm")
    if rules.rounding_unconfirmed and case.si_months % 12:
        notes.append(
            "Cách làm tròn tháng lẻ thời gian đóng BHXH theo văn bản này chưa được xác nhận: đã "
            "tính 1–6 tháng là 0,5 năm, trên 6 tháng là 1 năm như Nghị định 178.")
    return years_rounded(case.si_months)


def _pension_si_ok(case: CaseInput) -> tuple[bool, int]:
    # A pension needs 20 SI years under the 2014 Law (Art 54), 15 under the 2024 Law (Art 64) from
    # 1/7/2025.
    needed = 15 if case.leaving_date >= SI_LAW_2024 else 20
    return case.si_months >= needed * 12, needed


def _si_allowance_months(rules: AllowanceRuleSet, case: CaseInput, years: Decimal,
                         work: _Work) -> Fraction:
    y = F(years)
    if rules.si_after and rules.si_switch_date and case.leaving_date >= rules.si_switch_date:
        first, first_years, per_year = rules.si_after
        work.variant.append(
            f"BHXH từ {rules.si_switch_date:%d/%m/%Y}: {first} tháng cho {first_years} năm đầu")
    else:
        first, first_years, per_year = rules.si_before
    # ND 154: 15 to under 20 SI years earn the flat first amount, not a prorated one (DOMAIN-RULES
    # §6.1).
    if rules.si_flat_from_years is not None and rules.si_flat_from_years <= y < first_years:
        work.variant.append(
            f"BHXH từ {rules.si_flat_from_years} đến dưới {first_years} năm: {first} tháng")
        return F(first)
    return F(first) + F(per_year) * max(F(0), y - first_years)


def _si_formula(rules: AllowanceRuleSet, case: CaseInput, years: Decimal) -> str:
    if rules.si_after and rules.si_switch_date and case.leaving_date >= rules.si_switch_date:
        first, first_years, per_year = rules.si_after
    else:
        first, first_years, per_year = rules.si_before
    if rules.si_flat_from_years is not None and rules.si_flat_from_years <= years < first_years:
        return f"{num(Decimal(first))} tháng ({num(years)} năm đóng BHXH)"
    extra = max(Decimal(0), years - first_years)
    return (f"({num(Decimal(first))} + {num(Decimal(per_year))} × {num(extra)}) tháng "
            f"({num(years)} năm đóng BHXH)")


def _category_refusal(rules: AllowanceRuleSet, case: CaseInput, what: str) -> CaseError:
    if case.category == "commune_part_time":
        # The decrees give part-time commune workers their
        # own allowances (not researched, SM has none).
        return CaseError("category",
                         "Chính sách cho người hoạt động không chuyên trách cấp xã chưa có trong "
                         "phần mềm: cần tính theo văn bản riêng")
    return CaseError("category", f"{rules.title}: đối tượng này không thuộc diện {what}")


def _check_early_retirement(rules: AllowanceRuleSet, case: CaseInput, months: int) -> None:
    """Who may retire early under ``rules`` (whatever the window): raises the reason otherwise."""
    if case.category not in rules.early_categories:
        raise _category_refusal(rules, case, "nghỉ hưu trước tuổi")
    if months <= 0:
        raise CaseError("leaving_date",
                        "Đã đến tuổi nghỉ hưu theo Nghị định 135/2020: không thuộc diện nghỉ hưu "
                        "trước tuổi")
    if months > rules.max_months_early:
        raise CaseError("leaving_date",
                        f"Còn {months} tháng đến tuổi nghỉ hưu, quá {rules.max_months_early // 12} "
                        f"năm: không thuộc diện nghỉ hưu trước tuổi theo {rules.title}")
    ok, needed = _pension_si_ok(case)
    if not ok:
        raise CaseError("si_months",
                        f"Chưa đủ {needed} năm đóng BHXH bắt buộc để hưởng lương hưu: không thuộc "
                        "diện nghỉ hưu trước tuổi")


def _early_retirement(work: _Work, months: int) -> tuple[int, Decimal]:
    rules, case = work.rules, work.case
    _check_early_retirement(rules, case, months)
    # A: 2 to 5 years early (≤ 60 months), B: over 5; C: under the rule set's minimum (DOMAIN-RULES
    # §6.2).
    band = "C" if months < rules.min_months_early else "A" if months <= 60 else "B"
    years = years_rounded(months)
    if rules.rounding_unconfirmed and months % 12:
        work.notes.append(
            "Cách làm tròn tháng lẻ của số năm nghỉ sớm theo văn bản này chưa được xác nhận: đã "
            "tính 1–6 tháng là 0,5 năm, trên 6 tháng là 1 năm như Nghị định 178.")
    work.inputs["band"] = band
    if rules.window_months:
        index = rules.window_factor_index(case, work.notes)
        work.inputs["window"] = "first_12_months" if index == 0 else "from_13th_month"
        factor = F(rules.one_time_factors[band][index])
        paid_months = rules.band_b_fixed_months if band == "B" else months
        work.inputs["months_paid"] = paid_months
        work.pay(ONE_TIME_MONTHS, factor * paid_months, f"{num(factor)} × {paid_months} tháng")
    if band == "C" and not rules.window_months:
        # ND 154 groups 3–4: a pension without reduction;
        # no allowance is confirmed (ND 29/2023 had none).
        work.notes.append(
            "Còn dưới 2 năm đến tuổi nghỉ hưu: được nghỉ hưu không bị trừ tỷ lệ lương hưu; "
            "văn bản chưa xác nhận khoản trợ cấp nào nên không tính tiền.")
        return months, years
    if band in rules.per_year_months:
        per_year = F(rules.per_year_months[band])
        work.pay(PER_YEAR_EARLY, per_year * F(years), f"{num(per_year)} tháng × {num(years)} năm")
        si_years = _si_years(rules, case, work.notes)
        work.pay(SI_YEARS, _si_allowance_months(rules, case, si_years, work),
                 _si_formula(rules, case, si_years))
    return months, years


def _check_resignation(rules: AllowanceRuleSet, case: CaseInput, months: int) -> None:
    """Who may resign under ``rules``: at least 2 years to the retirement age under ND 178 (before
    it under ND 154) and not eligible for early retirement (ND 178 Art 9–10, ND 154 Art 8)."""
    if case.category not in rules.resignation_categories:
        raise _category_refusal(rules, case, "nghỉ thôi việc")
    if months < rules.min_months_to_retire_for_resignation:
        if rules.min_months_to_retire_for_resignation > 1:
            raise CaseError("leaving_date",
                            f"Còn {max(months, 0)} tháng đến tuổi nghỉ hưu: nghỉ thôi việc cần còn "
                            f"từ đủ {rules.min_months_to_retire_for_resignation // 12} năm trở lên")
        raise CaseError("leaving_date", "Đã đến tuổi nghỉ hưu: không thuộc diện nghỉ thôi việc")
    try:
        _check_early_retirement(rules, case, months)
    except ValueError:
        pass
    else:
        raise CaseError("option",
                        "Đủ điều kiện nghỉ hưu trước tuổi: không thuộc diện nghỉ thôi việc (chỉ "
                        "dành cho người không đủ điều kiện nghỉ hưu trước tuổi)")


def _resignation(work: _Work, months: int) -> None:
    rules, case = work.rules, work.case
    _check_resignation(rules, case, months)
    si_years = _si_years(rules, case, work.notes)
    if rules.severance_factors:
        index = rules.window_factor_index(case, work.notes)
        work.inputs["window"] = "first_12_months" if index == 0 else "from_13th_month"
        factor = F(rules.severance_factors[index])
        severance_months = min(case.si_months, rules.severance_max_months)
        work.pay(SEVERANCE, factor * severance_months, f"{num(factor)} × {severance_months} tháng")
    per_year = F(rules.per_si_year_months)
    work.pay(PER_SI_YEAR, per_year * F(si_years),
             f"{num(per_year)} tháng × {num(si_years)} năm đóng BHXH")
    if case.category in rules.job_search_categories or not rules.severance_factors:
        months_job = F(rules.job_search_months)
        work.pay(JOB_SEARCH, months_job, f"{num(months_job)} tháng")
    else:
        work.notes.append(
            "Viên chức, người lao động không có trợ cấp tìm việc làm; được hưởng bảo hiểm thất "
            "nghiệp (Thông tư 01/2025/TT-BNV Điều 6).")


# --- selection ------------------------------------------------------------------------------------


def nd178_last_leaving_date() -> date | None:
    """The last leaving date ND 178 still covers, from
    settings.STREAMLINING_ND178_LAST_LEAVING_DATE (None: no cut-off). Reported:
    Politburo Conclusion 183 moved leavers from 1/9/2025 to ND 154, but the instrument
    and the exact rule are unconfirmed (SM §1.7), so it is configuration, not code."""
    from django.conf import settings

    return getattr(settings, "STREAMLINING_ND178_LAST_LEAVING_DATE", None)


def rule_set_for(ground: str, leaving_date: date) -> AllowanceRuleSet:
    if ground not in FAMILIES:
        raise CaseError("ground", f"Căn cứ không hợp lệ: {ground!r} (ND178, ND154 hoặc ND177)")
    cut_off = nd178_last_leaving_date() if ground == ND178 else None
    if cut_off is not None and leaving_date > cut_off:
        raise CaseError("leaving_date",
                        f"Nghị định 178 chỉ áp dụng cho người nghỉ đến ngày {cut_off:%d/%m/%Y} "
                        "(cấu hình STREAMLINING_ND178_LAST_LEAVING_DATE)")
    try:
        return registry.for_date(FAMILIES[ground], leaving_date)
    except registry.RuleSetNotFound:
        raise CaseError("leaving_date", f"Không có quy định {ground} áp dụng cho ngày nghỉ "
                                        f"{leaving_date:%d/%m/%Y}") from None


def _default_ground(case: CaseInput) -> str:
    if case.reorganisation_date is not None:
        try:
            rule_set_for(ND178, case.leaving_date)
            return ND178
        except ValueError:
            pass
    return ND154


def calculate(case: CaseInput) -> Calculation:
    ground = case.ground or _default_ground(case)
    rules = rule_set_for(ground, case.leaving_date)
    if case.option not in rules.options:
        allowed = ", ".join(OPTION_LABELS[o].lower() for o in rules.options)
        raise CaseError("option",
                        f"Phương án không hợp lệ: {case.option!r}; {rules.title} có: {allowed}")
    months, pension_start = months_to_pension(case)
    # Who qualifies first: a screening prices every option of every person, most of them refused.
    (_check_early_retirement if case.option == EARLY_RETIREMENT else _check_resignation)(rules,
                                                                                         case,
                                                                                         months)
    salary, inputs, lines = monthly_salary(rules, case)
    inputs.update(pension_start=pension_start.isoformat(), months_to_pension=months,
                  si_months=case.si_months, leaving_date=case.leaving_date.isoformat(),
                  reorganisation_date=case.reorganisation_date.isoformat()
                  if case.reorganisation_date else None)
    lines.insert(0, f"Ngày nghỉ {case.leaving_date:%d/%m/%Y}; hưởng lương hưu đúng tuổi từ "
                    f"{pension_start:%d/%m/%Y} (Nghị định 135/2020): còn {months} tháng")
    work = _Work(rules, case, salary, inputs, lines, list(rules.unconfirmed))
    months_early, years_early = 0, Decimal(0)
    if case.option == EARLY_RETIREMENT:
        months_early, years_early = _early_retirement(work, months)
    else:
        _resignation(work, months)
    total = sum(work.amounts.values())
    work.lines.append(f"Tổng cộng = {vnd(total)} đ")
    version = rules.version + ("; " + "; ".join(work.variant) if work.variant else "")
    return Calculation(
        code=case.code, ground=ground, rule_set=rules.code, option=case.option,
        months_early=months_early,
        years_early=years_early, si_years=years_rounded(case.si_months), amounts=work.amounts,
        total=total,
        formula_version=version, inputs=work.inputs, lines=work.lines, notes=work.notes,
    )


def _tries(case: CaseInput) -> list[tuple[str, str]]:
    grounds = [case.ground] if case.ground else [ND178,
                                                 ND154] if case.reorganisation_date else [ND154]
    tries = []
    for ground in grounds:
        try:
            rules = rule_set_for(ground, case.leaving_date)
        except ValueError:
            continue
        tries += [(ground, option) for option in rules.options]
    return tries


def options_for(case: CaseInput) -> list[Calculation]:
    results = []
    for ground, option in _tries(case):
        try:
            results.append(calculate(_with(case, ground, option)))
        except ValueError:
            continue
    return results


def reasons_not_eligible(case: CaseInput) -> dict[str, str]:
    reasons = {}
    for ground, option in _tries(case):
        try:
            calculate(_with(case, ground, option))
        except ValueError as error:
            reasons[f"{ground}:{option}"] = str(error)
    return reasons


def _with(case: CaseInput, ground: str, option: str) -> CaseInput:
    from dataclasses import replace

    return replace(case, ground=ground, option=option)
