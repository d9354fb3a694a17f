"""The appraisal tests run the year 2026 of ND 335/2025 (its periods, deadlines and reminders) as
seen from its last month: each test travels to 7/12/2026, 9:00, so that what they date in 2026 is
past or due the same way whatever day the suite runs (a test of another day travels on from
here)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

YEAR_END_VIEW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _late_in_2026():
    with time_machine.travel(YEAR_END_VIEW, tick=True):
        yield
