"""Step raises (TT 08/2013/TT-BNV): intervals, discipline delays, early raises, retirement raise."""
from datetime import date

import pytest

from personnel.rules.salary import early_raise_eligible, next_raise, retirement_early_raise


@pytest.mark.parametrize(("interval", "expected"), [(36, date(2027, 4, 1)), (24, date(2026, 4, 1)),
                                                      (60, date(2029, 4, 1))])
def test_regular_raise_after_the_group_interval(interval, expected):
    due = next_raise(step=3, last_step=9, step_date=date(2024, 4, 1), interval_months=interval)
    assert due.kind == "regular" and due.next_step == 4 and due.due_date == expected


def test_reprimand_delays_six_months_unpaid_leave_day_for_day():
    due = next_raise(step=3, last_step=9, step_date=date(2024, 4, 1), interval_months=36,
                     discipline_delay_months=6, unpaid_leave_days=30)
    assert due.due_date == date(2027, 10, 31)


def test_sick_leave_counts_up_to_six_months():
    due = next_raise(step=3, last_step=9, step_date=date(2024, 4, 1), interval_months=36,
                     sick_leave_days=200)
    assert due.due_date == date(2027, 4, 21)  # 200 − 180 days counted as delay


def test_at_the_last_step_the_excess_seniority_allowance_follows():
    first = next_raise(step=9, last_step=9, step_date=date(2020, 1, 1), interval_months=36,
                       excess_after_months=36)
    assert first.kind == "excess" and first.due_date == date(2023, 1, 1)
    later = next_raise(step=9, last_step=9, step_date=date(2023, 1, 1), interval_months=36,
                       excess_percent=5, excess_after_months=36)
    assert later.due_date == date(2024, 1, 1)


def test_early_raise_needs_the_regular_raise_within_twelve_months_of_31_december():
    # due 01/06/2027
    near = next_raise(step=3, last_step=9, step_date=date(2024, 6, 1), interval_months=36)
    assert early_raise_eligible(due=near, year=2026, last_early_in_rank=False)
    assert not early_raise_eligible(due=near, year=2025, last_early_in_rank=False)
    assert not early_raise_eligible(due=near, year=2026, last_early_in_rank=True)


def test_early_raise_at_retirement():
    # due 01/06/2027
    due = next_raise(step=3, last_step=9, step_date=date(2024, 6, 1), interval_months=36)
    assert retirement_early_raise(due=due, retirement_date=date(2026, 12, 31)) == date(2026, 6, 1)
    assert retirement_early_raise(due=due, retirement_date=date(2026, 3, 31)) is None
