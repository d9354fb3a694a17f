"""The personnel tests date careers, raises, disciplines, unit structures and the Ministry's reports
in 2024–2026 and state what each is "as of today" (a decision of 15/3/2026 is past, a raise due in
May 2026 is decided, a unit founded on 1/1/2026 exists): each test travels to 7/12/2026, 9:00, so
those dates are past or due the same way whatever day the suite runs (a test of another day
travels on from here with the ``time_machine`` fixture)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

LATE_2026 = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _late_in_2026():
    with time_machine.travel(LATE_2026, tick=True):
        yield
