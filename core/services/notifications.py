"""In-app notifications and their e-mail (the bell in the top bar, /notifications/).

A nightly job tells the HR officers of a unit about a fact (a retirement notice due, a step raise
due, a contract expiring) with :func:`notify`; the ``key`` names the fact, so however often the job
runs each officer gets it once (unique (recipient, key), core/0004_notifications). New
notifications are then e-mailed once, one message per officer listing them all
(:func:`notifications_email`), through Django's mail backend (console in development, SMTP in
production); ``emailed_at`` records it, so a second run sends nothing.
"""
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Notification, OrgUnit, User
from core.models.units import OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission
from core.roles import PROVINCIAL_HR

logger = logging.getLogger(__name__)
# HR officers hold a manage grant (core.access): the unit HR role's grant, on the unit or above it.
MANAGE_GRANT = "manage_unit_data"


def notify(*, recipients: Iterable[User], kind: str, key: str, title: str, body: str = "",
           url: str = "") -> int:
    """Tell each of ``recipients`` about one fact, once: returns how many notifications are new.

    Those who already hold a notification with ``key`` are skipped (one query to find them, one
    bulk insert); the unique constraint settles two runs at the same moment."""
    users = {user.pk: user for user in recipients}
    if not users:
        return 0
    told = set(Notification.objects.filter(key=key, recipient__in=list(users))
               .values_list("recipient_id", flat=True))
    new = [Notification(recipient_id=pk, kind=kind, key=key[:200], title=title[:255], body=body,
                        url=url[:500]) for pk in sorted(users) if pk not in told]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@dataclass(frozen=True)
class Notice:
    """One fact to tell several users (see :func:`notify_many`)."""

    recipients: tuple[User, ...]
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify_many(notices: Iterable[Notice], *, chunk: int = 500) -> int:
    """:func:`notify` for many facts in a few queries whatever their number: the keys already told
    are read per chunk of keys, the new notifications written in one bulk insert per chunk."""
    notices = list(notices)
    created = 0
    for start in range(0, len(notices), chunk):
        part = notices[start:start + chunk]
        told = set(Notification.objects.filter(key__in=[n.key for n in part])
                   .values_list("recipient_id", "key"))
        new = {(user.pk, n.key): Notification(recipient_id=user.pk, kind=n.kind, key=n.key[:200],
                                              title=n.title[:255], body=n.body, url=n.url[:500])
               for n in part for user in n.recipients if (user.pk, n.key) not in told}
        Notification.objects.bulk_create(list(new.values()), ignore_conflicts=True)
        created += len(new)
    return created


def officers_by_unit(units: Iterable[OrgUnit]) -> dict[int, list[User]]:
    """Each unit's id → the active users who manage it: a manage grant (to them or to one of their
    groups) on the unit or a unit above it, and provincial HR (the Department of Home Affairs
    manages every unit). Reads the grants once for any number of units."""
    units = list({unit.pk: unit for unit in units}.values())
    if not units:
        return {}
    grants: dict[int, set[str]] = defaultdict(set)  # user id → granted unit paths
    granted = OrgUnitUserObjectPermission.objects.filter(
        permission__codename=MANAGE_GRANT, user__is_active=True)
    for user_id, path in granted.values_list("user_id", "content_object__path"):
        grants[user_id].add(path)
    for user_id, path in OrgUnitGroupObjectPermission.objects.filter(
            permission__codename=MANAGE_GRANT,
            group__user__is_active=True).values_list("group__user", "content_object__path"):
        grants[user_id].add(path)
    provincial = set(User.objects.filter(groups__name=PROVINCIAL_HR.code, is_active=True)
                     .values_list("pk", flat=True))
    people = User.objects.in_bulk(set(grants) | provincial)
    found: dict[int, list[User]] = {}
    for unit in units:
        ids = {pk for pk, paths in grants.items()
               if any(unit.path.startswith(p) for p in paths)} | provincial
        found[unit.pk] = [people[pk] for pk in sorted(ids) if pk in people]
    return found


def unit_hr_officers(unit: OrgUnit) -> list[User]:
    """The users who manage ``unit`` (see :func:`officers_by_unit`)."""
    return officers_by_unit([unit])[unit.pk]


def notifications_email(*, limit: int = 50) -> int:
    """E-mail every notification not yet e-mailed to a recipient with an address, one message per
    recipient; returns the number of messages sent. A refused message is tried again next run."""
    pending = (Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
               .exclude(recipient__email="").select_related("recipient")
               .order_by("recipient_id", "created_at", "pk"))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.recipient_id].append(notification)
    sent = 0
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for items in by_user.values():
            sent += _email_one(items, connection, limit)
    return sent


def _email_one(items: list[Notification], connection, limit: int) -> int:
    user = items[0].recipient
    subject = ngettext("Công vụ: %(n)s new notice", "Công vụ: %(n)s new notices",
                       len(items)) % {"n": len(items)}
    lines = [_("Dear %(name)s,") % {"name": user.get_full_name() or user.username}, ""]
    for item in items[:limit]:
        lines += [f"- {item.title}", *([f"  {item.body}"] if item.body else []), *_link(item.url)]
    if len(items) > limit:
        lines.append(_("… and %(n)s more in Công vụ.") % {"n": len(items) - limit})
    lines += ["", _("This message was sent automatically by Công vụ.")]
    try:
        with transaction.atomic():
            # Marked first, in the same transaction: a message
            # the server refuses leaves them unmarked.
            Notification.objects.filter(pk__in=[i.pk for i in items], emailed_at__isnull=True) \
                .update(emailed_at=timezone.now())
            EmailMessage(subject, "\n".join(lines), to=[user.email], connection=connection).send()
    except OSError:  # smtplib's errors are OSErrors: the server is down or refused the address
        logger.warning("notifications to %s not e-mailed", user.email, exc_info=True)
        return 0
    return 1


def _link(path: str) -> list[str]:
    site = getattr(settings, "SITE_URL", "")
    return [f"  {site.rstrip('/')}{path}"] if site and path else []


def notifications_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(Q(pk__in=list(ids)))
    return unread.update(read_at=timezone.now())
