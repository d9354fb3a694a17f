"""Reminders before each period closes (``appraisal_reminders``, and daily through celery beat).

From ``days`` days before the end of the current month or quarter of every open cycle to its last
day, each person with their own account (CivilServant.account) whose self-score of the period is
missing (ND 335/2025 Art 12: the person scores the general criteria each period) or who still has
products assigned or returned that are due in it gets one e-mail, and each unit head (role
"unit_head", with a view grant on the work unit or a unit above it) one listing the products that
wait for their review. Every e-mail sent is kept (:class:`appraisal.models.Reminder`), so a second
run of the same day, or of the next, sends nothing more.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appraisal.models import Appraisal, AppraisalCycle, PeriodScore, Reminder, WorkAssignment
from appraisal.progress import current_period, period_end, period_label, periodic_rule_sets
from core.models import User
from core.models.units import OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission
from core.roles import UNIT_HEAD
from personnel.models import CivilServant

logger = logging.getLogger(__name__)
PENDING = (WorkAssignment.Status.ASSIGNED, WorkAssignment.Status.RETURNED)
# A view grant, or a manage grant (which includes viewing, core.access), on the unit or above it.
GRANTS = ("view_unit_data", "manage_unit_data")


@dataclass(frozen=True)
class Mail:
    kind: str
    email: str
    subject: str
    body: str


def reminders_send(*, today: date, days: int = 3) -> dict:
    """Send the reminders due on ``today``. Returns ``{"date", "sent", "skipped"}``: skipped are the
    reminders due but not sent (sent before, no e-mail address, or the mail server refused)."""
    sent = skipped = 0
    # One mail connection for the whole run: a province sends thousands of reminders.
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        cycles = AppraisalCycle.objects.filter(status=AppraisalCycle.Status.OPEN, year=today.year)
        for cycle in cycles.select_related("unit").order_by("pk"):
            period = current_period(cycle, today)
            end = period_end(cycle, period)
            # Only in the last ``days`` days of the period: earlier, nobody is late yet.
            if not 0 <= (end - today).days <= days:
                continue
            done = set(Reminder.objects.filter(cycle=cycle, period=period)
                       .values_list("kind", "email"))
            mails, unaddressed = _mails(cycle, period, end)
            skipped += unaddressed
            for mail in mails:
                if ((mail.kind, mail.email) not in done
                        and _send_once(cycle, period, mail, connection)):
                    sent += 1
                else:
                    skipped += 1
    return {"date": today, "sent": sent, "skipped": skipped}


def _mails(cycle: AppraisalCycle, period: int, end: date) -> tuple[list[Mail], int]:
    people, unaddressed = _people_mails(cycle, period, end)
    return people + _head_mails(cycle, period, end), unaddressed


def _send_once(cycle: AppraisalCycle, period: int, mail: Mail, connection) -> bool:
    """Record the reminder and send it in one transaction: a refused e-mail leaves no record (the
    next run tries again), and of two runs at once only the one that records it sends it."""
    try:
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(cycle=cycle, period=period,
                                                                email=mail.email, kind=mail.kind)
            if created:
                EmailMessage(mail.subject, mail.body, to=[mail.email], connection=connection).send()
            return created
    except IntegrityError:
        return False
    except OSError:  # smtplib's errors are OSErrors: the server is down or refused the address
        logger.warning("reminder to %s not sent", mail.email, exc_info=True)
        return False


# --- to each person -------------------------------------------------------------------------------

def _people_mails(cycle: AppraisalCycle, period: int, end: date) -> tuple[list[Mail], int]:
    self_scored = PeriodScore.objects.filter(appraisal=OuterRef("pk"), period=period,
                                             general_self__isnull=False)
    appraisals = (Appraisal.objects.filter(cycle=cycle, servant__status=CivilServant.Status.ACTIVE,
                                           servant__account__isnull=False,
                                           servant__account__is_active=True)
                  .annotate(self_scored=Exists(self_scored)).select_related("servant__account")
                  .only("pk", "rule_set", "servant", "servant__full_name", "servant__email",
                        "servant__account", "servant__account__email").order_by("pk"))
    due: dict[int, list[WorkAssignment]] = defaultdict(list)
    for assignment in (WorkAssignment.objects.filter(appraisal__cycle=cycle, period=period,
                                                     status__in=PENDING).select_related("item")
                       .order_by("due_date", "pk")):
        due[assignment.appraisal_id].append(assignment)
    periodic = set(periodic_rule_sets())
    mails, unaddressed = [], 0
    for appraisal in appraisals.iterator(chunk_size=2000):
        needs_score = appraisal.rule_set in periodic and not appraisal.self_scored
        if not (needs_score or due.get(appraisal.pk)):
            continue
        servant = appraisal.servant
        email = servant.account.email or servant.email
        if not email:
            unaddressed += 1
            continue
        mails.append(Mail(Reminder.Kind.SELF, email.lower(),
                          *_person_text(cycle, period, end, servant, needs_score,
                                        due.get(appraisal.pk, []))))
    return mails, unaddressed


def _person_text(cycle, period, end, servant, needs_score: bool,
                 due: list[WorkAssignment]) -> tuple[str, str]:
    what = {"period": period_label(cycle, period), "year": cycle.year,
            "end": end.strftime("%d/%m/%Y")}
    subject = _("Appraisal reminder: %(period)s of %(year)s ends on %(end)s") % what
    lines = [_("Dear %(name)s,") % {"name": servant.full_name}, "",
             _("The appraisal period %(period)s of %(year)s ends on %(end)s.") % what]
    if needs_score:
        lines.append(_("You have not yet scored yourself on the general criteria of this period."))
    if due:
        lines.append(
            _("These products assigned to you are due in this period and not yet reported done:"))
        lines += [f"  - {_item_line(a)}" for a in due]
    lines += ["", _("Please sign in to Công vụ, “My appraisal”, to complete them before the period "
                    "ends."), *_link(reverse("appraisal:me")), "",
              _("This message was sent automatically by Công vụ.")]
    return subject, "\n".join(lines)


def _item_line(assignment: WorkAssignment) -> str:
    due = assignment.due_date.strftime("%d/%m/%Y")
    if assignment.status == WorkAssignment.Status.RETURNED:
        return _("%(item)s (due %(day)s, returned for correction)") % {"item": assignment,
                                                                       "day": due}
    return _("%(item)s (due %(day)s)") % {"item": assignment, "day": due}


# --- to each unit head ----------------------------------------------------------------------------

def _head_mails(cycle: AppraisalCycle, period: int, end: date) -> list[Mail]:
    waiting = list(WorkAssignment.objects.filter(appraisal__cycle=cycle,
                                                 status=WorkAssignment.Status.REPORTED)
                   .order_by("work_unit__path").values_list("work_unit__path", "work_unit__name")
                   .annotate(n=Count("pk")))
    if not waiting:
        return []
    heads = {u.pk: u for u in User.objects.filter(groups__name=UNIT_HEAD.code, is_active=True)
             .exclude(email="").distinct()}
    paths: dict[int, set[str]] = defaultdict(set)
    codenames = GRANTS
    own = OrgUnitUserObjectPermission.objects.filter(user_id__in=list(heads),
                                                     permission__codename__in=codenames)
    for user_id, path in own.values_list("user_id", "content_object__path"):
        paths[user_id].add(path)
    by_group = OrgUnitGroupObjectPermission.objects.filter(group__user__in=list(heads),
                                                           permission__codename__in=codenames)
    for user_id, path in by_group.values_list("group__user", "content_object__path"):
        if user_id in heads:
            paths[user_id].add(path)
    mails = []
    for user_id, granted in sorted(paths.items()):
        units = [(name, n) for path, name, n in waiting if any(path.startswith(g) for g in granted)]
        if units:
            mails.append(Mail(Reminder.Kind.REVIEW, heads[user_id].email.lower(),
                              *_head_text(cycle, period, end, heads[user_id], units)))
    return mails


def _head_text(cycle, period, end, head: User, units: list[tuple[str, int]]) -> tuple[str, str]:
    what = {"period": period_label(cycle, period), "year": cycle.year,
            "end": end.strftime("%d/%m/%Y")}
    subject = _("Appraisal reminder: products awaiting your review (%(period)s of %(year)s)") % what
    lines = [_("Dear %(name)s,") % {"name": head.get_full_name() or head.username}, "",
             _("The appraisal period %(period)s of %(year)s ends on %(end)s.") % what,
             _("Products reported done are waiting for your review:")]
    lines += ["  - " + ngettext("%(unit)s: %(n)s product", "%(unit)s: %(n)s products", n)
              % {"unit": name, "n": n} for name, n in units]
    lines += ["", _("Please review them in the work ledger so that the period can be scored."),
              *_link(reverse("appraisal:ledger") + "?status=reported"), "",
              _("This message was sent automatically by Công vụ.")]
    return subject, "\n".join(lines)


def _link(path: str) -> list[str]:
    return [settings.SITE_URL.rstrip("/") + path] if getattr(settings, "SITE_URL", "") else []
