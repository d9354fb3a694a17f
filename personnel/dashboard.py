"""The personnel panel of the overview page."""
from datetime import timedelta

from django.utils import timezone

from core.dates import add_months
from personnel.models import CivilServant
from personnel.selectors import raises_due, retiring_between


def personnel_panel(request, scope) -> dict | None:
    if not scope:
        return None
    today = timezone.localdate()
    people = scope.filter(CivilServant.objects.active(), "unit")
    return {"template": "personnel/dashboard_panel.html", "headcount": people.count(),
            "retiring": len(retiring_between(scope=scope, start=today, end=add_months(today, 12))),
            "raises": len(raises_due(scope=scope, start=today.replace(day=1),
                                     end=add_months(today.replace(day=1), 1) - timedelta(days=1)))}
