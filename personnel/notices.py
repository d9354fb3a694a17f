"""Nightly notices to the HR officers of each person's unit (``personnel_notices``, and daily
through celery beat): retirement notices and decisions due, step raises due, contracts expiring.

Each fact becomes an in-app notification for every officer who manages the person's unit
(core.services.notifications.officers_by_unit) and is e-mailed once. The notification's key names
the fact (the person and the date), so the job may run every day, twice, or after a gap: each
officer hears of each fact once, as soon as it enters its window.

- Retirement (DOMAIN-RULES §5.4; ND 170/2025 Art 61–63, ND 46/2010 Art 9–11 before): the agency
  gives the written notice 6 months before the retirement time and issues the decision 3 months
  before. The months are the retirement rule set's (``notice_months``, ``decision_months``). A
  person whose notice is already on record (career event "retirement notice") is not told again.
- Step raises (TT 08/2013/TT-BNV as amended by TT 03/2021/TT-BNV): the raise dates are those of
  the raises-due page (personnel.selectors.raises_due); how many days ahead officers are told is
  not fixed by the circular: a parameter.
- Contracts (public employees' work contracts, Law on Public Employees Art 25–29; labour contracts,
  ND 111/2022): how far ahead of the end date officers are told is not fixed by a decree we hold:
  a parameter (60 days by default).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.access import UnitScope
from core.dates import add_months, last_day_of_month
from core.rules import registry
from core.services.notifications import Notice, notifications_email, notify_many, officers_by_unit
from personnel.models import CareerEvent, CivilServant, Contract
from personnel.selectors import RaiseRow, RetirementRow, raises_due, retiring_between

EVERYWHERE = UnitScope(everything=True)


@dataclass(frozen=True)
class NoticeParameters:
    """Lead times no decree fixes; a province may change them in settings.PERSONNEL_NOTICES."""

    raise_days: int = 30  # step raises due within this many days
    contract_days: int = 60  # contracts ending within this many days


def parameters() -> NoticeParameters:
    return NoticeParameters(**getattr(settings, "PERSONNEL_NOTICES", {}))


@dataclass(frozen=True)
class Fact:
    kind: str
    key: str
    unit_id: int
    title: str
    body: str
    url: str


def notices_send(*, today: date, email: bool = True) -> dict:
    """Notify the officers of everything due on ``today`` and e-mail what is new. Returns
    ``{"date", "retirement_6_months", "retirement_3_months", "raises_due", "contracts_expiring",
    "notified", "emailed"}``: people (or contracts) due in each window, notifications created,
    e-mails sent."""
    with translation.override(settings.LANGUAGE_CODE):
        notice, decision = retirement_facts(today)
        raises, contracts = raise_facts(today), contract_facts(today)
        facts = notice + decision + raises + contracts
        officers = officers_by_unit(_units(facts))
        notified = notify_many(Notice(tuple(officers.get(f.unit_id, [])), f.kind, f.key, f.title,
                                      f.body, f.url)
                               for f in facts)
        emailed = notifications_email() if email else 0
    return {"date": today, "retirement_6_months": len(notice), "retirement_3_months": len(decision),
            "raises_due": len(raises), "contracts_expiring": len(contracts), "notified": notified,
            "emailed": emailed}


def _units(facts: list[Fact]):
    from core.models import OrgUnit

    return OrgUnit.objects.filter(pk__in={f.unit_id for f in facts}).only("pk", "path")


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _who(servant: CivilServant) -> dict:
    return {"name": servant.full_name, "code": servant.code, "unit": servant.unit.name}


# --- retirement -----------------------------------------------------------------------------------

def retirement_windows(today: date) -> tuple[date, date]:
    """The last retirement dates that need a notice and a decision now (the rule set in force)."""
    rules = registry.for_date("retirement", today)
    return (last_day_of_month(add_months(today, rules.notice_months)),
            last_day_of_month(add_months(today, rules.decision_months)))


def retirement_rows(today: date, scope: UnitScope = EVERYWHERE,
                    ) -> tuple[list[RetirementRow], list[RetirementRow]]:
    """Who needs a notice (no notice on record yet) and who needs a decision, as of ``today``."""
    notice_end, decision_end = retirement_windows(today)
    rows = retiring_between(scope=scope, start=today, end=notice_end)
    notices = CareerEvent.objects.filter(servant__in=[r.servant.pk for r in rows],
                                         kind=CareerEvent.Kind.RETIREMENT_NOTICE,
                                         corrections__isnull=True)
    noticed = set(notices.values_list("servant_id", flat=True))
    return ([r for r in rows if r.servant.pk not in noticed],
            [r for r in rows if r.retirement_date <= decision_end])


def retirement_facts(today: date) -> tuple[list[Fact], list[Fact]]:
    notice, decision = retirement_rows(today)
    return ([_retirement_fact(r, "notice") for r in notice],
            [_retirement_fact(r, "decision") for r in decision])


def _retirement_fact(row: RetirementRow, stage: str) -> Fact:
    servant = row.servant
    what = {**_who(servant), "date": _dmy(row.retirement_date), "notice": _dmy(row.notice_due),
            "decision": _dmy(row.decision_due), "pension": _dmy(row.pension_start)}
    if stage == "notice":
        title = _("Retirement notice due: %(name)s (%(unit)s) retires on %(date)s") % what
        body = _("Give the written retirement notice by %(notice)s, 6 months before the retirement "
                 "date; the decision is due by %(decision)s (Decree 170/2025, Art. 61–63).") % what
    else:
        title = _("Retirement decision due: %(name)s (%(unit)s) retires on %(date)s") % what
        body = _("Issue the retirement decision by %(decision)s, 3 months before the retirement "
                 "date; the pension starts on %(pension)s (Decree 170/2025, Art. 61–63).") % what
    return Fact(f"retirement_{stage}",
                f"retirement-{stage}:{servant.pk}:{row.retirement_date.isoformat()}",
                servant.unit_id, title, body, servant.get_absolute_url())


# --- step raises ----------------------------------------------------------------------------------

def raise_rows(today: date, scope: UnitScope = EVERYWHERE) -> list[RaiseRow]:
    return raises_due(scope=scope, start=today, end=today + timedelta(days=parameters().raise_days))


def raise_facts(today: date) -> list[Fact]:
    return [_raise_fact(row) for row in raise_rows(today)]


def _raise_fact(row: RaiseRow) -> Fact:
    servant, due = row.servant, row.due
    what = {**_who(servant), "date": _dmy(due.due_date), "step": due.next_step,
            "current": servant.salary_step, "rank": servant.rank.name}
    if due.kind == "regular":
        title = _("Step raise due: %(name)s (%(unit)s), step %(current)s → %(step)s on "
                  "%(date)s") % what
    else:
        title = _("Excess-seniority allowance due: %(name)s (%(unit)s) on %(date)s") % what
    body = _("%(rank)s, step %(current)s. Record the decision on the step raises page "
             "(Circular 08/2013/TT-BNV).") % what
    return Fact("raise_due", f"raise:{servant.pk}:{due.kind}:{due.due_date.isoformat()}",
                servant.unit_id, title, body,
                reverse("personnel:raises") + f"?month={due.due_date:%Y-%m}")


# --- contracts ------------------------------------------------------------------------------------

def expiring_contracts(today: date, scope: UnitScope = EVERYWHERE):
    """Contracts of working people ending within the parameter's days, not ended early and not
    followed by a later contract."""
    later = Contract.objects.filter(servant=OuterRef("servant"),
                                    start_date__gt=OuterRef("start_date"))
    horizon = today + timedelta(days=parameters().contract_days)
    contracts = Contract.objects.filter(end_date__gte=today, end_date__lte=horizon,
                                        ended_on__isnull=True,
                                        servant__status=CivilServant.Status.ACTIVE) \
        .exclude(Exists(later))
    return scope.filter(contracts, "servant__unit").select_related("servant__unit") \
        .order_by("end_date", "pk")


def contract_facts(today: date) -> list[Fact]:
    facts = []
    for contract in expiring_contracts(today):
        servant = contract.servant
        what = {**_who(servant), "contract": str(contract), "date": _dmy(contract.end_date)}
        facts.append(Fact("contract_expiring",
                          f"contract:{contract.pk}:{contract.end_date.isoformat()}",
                          servant.unit_id,
                          _("Contract ending: %(name)s (%(unit)s), %(contract)s ends on %(date)s")
                          % what, _("Renew, change or end the contract before it ends."),
                          servant.get_absolute_url()))
    return facts
