"""Salary tables, base salary and rank catalogue as data (loaded by a data migration).

Sources (DOMAIN-RULES.md §4.3, §5.3): ND 204/2004/NĐ-CP tables 1–3 (coefficients unchanged since
1/10/2004); base salary ND 38/2019 (1,490,000 from 1/7/2019), ND 24/2023 (1,800,000 from
1/7/2023), ND 73/2024 (2,340,000 from 1/7/2024), ND 161/2026 (2,530,000 from 1/7/2026); rank codes
and salary groups TT 02/2021/TT-BNV Art 14 (01.002/01.003 confirmed in a quoted source, the others
follow the same circular and are marked unconfirmed until checked against the official text).
"""
from datetime import date
from decimal import Decimal

ND204 = date(2004, 10, 1)


def _steps(first: str, increment: str, count: int) -> list[Decimal]:
    start, step = Decimal(first), Decimal(increment)
    return [start + step * i for i in range(count)]


# code, name, table, months between regular raises (TT 08/2013 Art 2.1),
# months at last step before excess-seniority allowance (ND 204/2004 +
# TT 04/2005: 36 for groups from A0, 24 for B and C), coefficients
SALARY_GROUPS = [
    ("CGCC", "Chuyên gia cao cấp", "Bảng 1 ND 204/2004", 60, 60,
     [Decimal("8.80"), Decimal("9.40"), Decimal("10.00")]),
    ("A3.1", "Loại A3, nhóm 1", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("6.20", "0.36", 6)),
    ("A3.2", "Loại A3, nhóm 2", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("5.75", "0.36", 6)),
    ("A2.1", "Loại A2, nhóm 1", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("4.40", "0.34", 8)),
    ("A2.2", "Loại A2, nhóm 2", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("4.00", "0.34", 8)),
    ("A1", "Loại A1", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("2.34", "0.33", 9)),
    ("A0", "Loại A0", "Bảng 2, 3 ND 204/2004", 36, 36, _steps("2.10", "0.31", 10)),
    ("B", "Loại B", "Bảng 2, 3 ND 204/2004", 24, 24, _steps("1.86", "0.20", 12)),
    ("C1", "Loại C, nhóm 1", "Bảng 2, 3 ND 204/2004", 24, 24, _steps("1.65", "0.18", 12)),
    ("C2", "Loại C, nhóm 2", "Bảng 2, 3 ND 204/2004", 24, 24, _steps("1.50", "0.18", 12)),
    ("C3", "Loại C, nhóm 3", "Bảng 2, 3 ND 204/2004", 24, 24, _steps("1.35", "0.18", 12)),
]

BASE_SALARIES = [
    (1_490_000, date(2019, 7, 1), "ND 38/2019/NĐ-CP"),
    (1_800_000, date(2023, 7, 1), "ND 24/2023/NĐ-CP"),
    (2_340_000, date(2024, 7, 1), "ND 73/2024/NĐ-CP"),
    (2_530_000, date(2026, 7, 1), "ND 161/2026/NĐ-CP"),
]

# code, name, kind, level, salary group, confirmed
RANKS = [
    ("01.000", "Chuyên gia cao cấp", "civil_servant", "senior_expert", "CGCC", False),
    ("01.001", "Chuyên viên cao cấp", "civil_servant", "senior", "A3.1", False),
    ("01.002", "Chuyên viên chính", "civil_servant", "principal", "A2.1", True),
    ("01.003", "Chuyên viên", "civil_servant", "specialist", "A1", True),
    ("01.004", "Cán sự", "civil_servant", "officer", "A0", False),
    ("01.005", "Nhân viên", "civil_servant", "staff", "B", False),
    ("04.023", "Thanh tra viên cao cấp", "civil_servant", "senior", "A3.1", False),
    ("04.024", "Thanh tra viên chính", "civil_servant", "principal", "A2.1", False),
    ("04.025", "Thanh tra viên", "civil_servant", "specialist", "A1", False),
    ("06.029", "Kế toán viên cao cấp", "civil_servant", "senior", "A3.2", False),
    ("06.030", "Kế toán viên chính", "civil_servant", "principal", "A2.2", False),
    ("06.031", "Kế toán viên", "civil_servant", "specialist", "A1", False),
    ("06.032", "Kế toán viên trung cấp", "civil_servant", "officer", "A0", False),
    ("02.006", "Văn thư viên chính", "civil_servant", "principal", "A2.2", False),
    ("02.007", "Văn thư viên", "civil_servant", "specialist", "A1", False),
    ("02.008", "Văn thư viên trung cấp", "civil_servant", "officer", "A0", False),
    ("01.011", "Nhân viên phục vụ (lái xe, bảo vệ …)", "civil_servant", "staff", "C1", False),
    ("V.07.05.13", "Giáo viên trung học phổ thông hạng I", "public_employee", "principal", "A2.1",
     False),
    ("V.07.05.14", "Giáo viên trung học phổ thông hạng II", "public_employee", "principal", "A2.2",
     False),
    ("V.07.05.15", "Giáo viên trung học phổ thông hạng III", "public_employee", "specialist", "A1",
     False),
    ("V.08.01.01", "Bác sĩ cao cấp (hạng I)", "public_employee", "senior", "A3.1", False),
    ("V.08.01.02", "Bác sĩ chính (hạng II)", "public_employee", "principal", "A2.1", False),
    ("V.08.01.03", "Bác sĩ (hạng III)", "public_employee", "specialist", "A1", False),
    ("V.08.05.11", "Điều dưỡng hạng III", "public_employee", "specialist", "A1", False),
    ("V.08.05.12", "Điều dưỡng hạng IV", "public_employee", "officer", "B", False),
    ("V.01.02.01", "Lưu trữ viên", "public_employee", "specialist", "A1", False),
]


UNCONFIRMED_NOTE = "Mã ngạch/hạng cần đối chiếu văn bản gốc (TT 02/2021/TT-BNV, thông tư ngành)."


def load(apps) -> None:
    """Insert the catalogues (idempotent; used by the data migration and by tests)."""
    group_model = apps.get_model("positions", "SalaryGroup")
    coefficient_model = apps.get_model("positions", "SalaryCoefficient")
    base_model = apps.get_model("positions", "BaseSalary")
    rank_model = apps.get_model("positions", "Rank")
    groups = {}
    for code, name, table, interval, excess, coefficients in SALARY_GROUPS:
        group, _ = group_model.objects.get_or_create(
            code=code, defaults={"name": name, "table": table, "step_interval_months": interval,
                                 "excess_after_months": excess})
        groups[code] = group
        for step, value in enumerate(coefficients, start=1):
            coefficient_model.objects.get_or_create(group=group, step=step, valid_from=ND204,
                                                    defaults={"coefficient": value,
                                                              "legal_basis": "ND 204/2004/NĐ-CP"})
    for amount, valid_from, basis in BASE_SALARIES:
        base_model.objects.get_or_create(valid_from=valid_from,
                                         defaults={"amount": amount, "legal_basis": basis})
    for code, name, kind, level, group, confirmed in RANKS:
        rank_model.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "level": level, "salary_group": groups[group],
            "confirmed": confirmed,
            "note": "" if confirmed else UNCONFIRMED_NOTE})
