"""Rules of the exam room by version (family ``exam``): how late a candidate may still start, and
what a computer test shows at the end. Chosen by the day of the session.

Sources: TT 06/2020/TT-BNV Nội quy (from 20/01/2021): not admitted more than 30 minutes after the
start. TT 001/2025/TT-BNV Nội quy Art 1(1)(a) (with ND 170/2025) and TT 22/2025/TT-BNV (from
10/12/2025): at most 5 minutes late for a test of at most 30 minutes, at most 10 minutes for a test
of 60 minutes or more; other cases are for the council's chair.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from core.rules import registry
from core.rules.registry import RuleSet


@dataclass(frozen=True)
class ExamRuleSet(RuleSet):
    # (longest test in minutes, minutes late still admitted), checked in order; None = no limit
    late_tolerance: tuple[tuple[int | None, int], ...] = ()
    # tests longer than this and shorter than the next step
    late_unconfirmed_above: int | None = None
    show_score_at_end: bool = True
    round1_remarking: bool = False
    # A multiple-response question may score below zero (wrong options cost more than the right ones
    # bring). None of the circulars provides for it (TT 06/2020, 001/2025, 22/2025 count right
    # answers), so it is off in every rule set here; a board's own rule set may turn it on.
    negative_marking: bool = False

    def late_minutes(self, test_minutes: int) -> int:
        for longest, late in self.late_tolerance:
            if longest is None or test_minutes <= longest:
                return late
        return 0

    def admission_closes(self, start, test_minutes: int):
        return start + timedelta(minutes=self.late_minutes(test_minutes))


EXAM_TT06 = registry.register(ExamRuleSet(
    code="EXAM-TT06", family="exam", title="Nội quy thi theo Thông tư 06/2020/TT-BNV",
    legal_basis="Thông tư 06/2020/TT-BNV", valid_from=date(2021, 1, 20), valid_to=date(2025, 6, 30),
    late_tolerance=((None, 30),),
))
EXAM_TT001 = registry.register(ExamRuleSet(
    code="EXAM-TT001", family="exam", title="Nội quy thi theo Thông tư 001/2025/TT-BNV",
    legal_basis="Thông tư 001/2025/TT-BNV, Nội quy Điều 1 khoản 1", valid_from=date(2025, 7, 1),
    valid_to=date(2025, 12, 9),
    # 31–59 minutes: the decree leaves it to the council's chair; 5 minutes
    # is our UNCONFIRMED default.
    late_tolerance=((30, 5), (59, 5), (None, 10)), late_unconfirmed_above=30,
))
EXAM_TT22 = registry.register(ExamRuleSet(
    code="EXAM-TT22", family="exam", title="Nội quy thi theo Thông tư 22/2025/TT-BNV",
    legal_basis="Thông tư 22/2025/TT-BNV", valid_from=date(2025, 12, 10),
    late_tolerance=((30, 5), (59, 5), (None, 10)), late_unconfirmed_above=30,
))


def exam_rules(day: date) -> ExamRuleSet:
    return registry.for_date("exam", day)
