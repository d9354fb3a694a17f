"""Wrong exam passwords, counted where every process sees them (``caches["throttle"]``).

Two counts, both over ``EXAM_LOGIN_WINDOW`` seconds: wrong passwords per candidate number (a
number is locked after ``EXAM_LOGIN_FAILURES_PER_NUMBER``, from whatever addresses they come) and
per client address (an address trying many numbers is stopped after
``EXAM_LOGIN_FAILURES_PER_IP``; a whole room behind one NAT stays far below it). The API and the
exam page share them. The moment a number locks is written once in the room log of its session;
the proctor's unlock (:func:`attempt_unlock`) clears the count and is written there too.
"""
import hashlib
import re
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from core import audit
from core.text import clean
from recruitment.models import Attempt, ExamEvent, ExamSession

FAILURES_PER_NUMBER = 10
FAILURES_PER_IP = 300
WINDOW = 15 * 60
_PLAIN = re.compile(r"[A-Z0-9_.-]{1,40}")


def _cache():
    return caches["throttle"]


def normal_number(number: str) -> str:
    return clean(str(number)).upper()


def _number_key(number: str) -> str:
    number = normal_number(number)
    if not _PLAIN.fullmatch(number):  # anything typed: a fixed-length key
        number = "h" + hashlib.sha256(number.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"exam:login:number:{number}"


def _ip_key(ip: str | None) -> str:
    return f"exam:login:ip:{ip or '-'}"


def _limits() -> tuple[int, int, int]:
    return (getattr(settings, "EXAM_LOGIN_FAILURES_PER_NUMBER", FAILURES_PER_NUMBER),
            getattr(settings, "EXAM_LOGIN_FAILURES_PER_IP", FAILURES_PER_IP),
            getattr(settings, "EXAM_LOGIN_WINDOW", WINDOW))


def _incr(key: str, window: int) -> int:
    cache = _cache()
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


class Counted(NamedTuple):
    """The wrong passwords counted for a number (and an address) when a login came in."""

    number: int
    ip: int
    locked: bool  # a login with this number (from this address) is refused before the password


def counted(number: str, ip: str | None = None) -> Counted:
    """The counts of this number and this address, and whether they lock the login (one cache
    read)."""
    per_number, per_ip, _window = _limits()
    keys = [_number_key(number), _ip_key(ip)] if ip is not None else [_number_key(number)]
    counts = _cache().get_many(keys)
    by_number, by_ip = counts.get(keys[0], 0), counts.get(keys[-1], 0) if ip is not None else 0
    return Counted(
        by_number, by_ip, by_number >= per_number or (ip is not None and by_ip >= per_ip)
    )


def is_locked(number: str, ip: str | None = None) -> bool:
    """Is a login with this number (from this address) refused before the password is checked?"""
    return counted(number, ip).locked


def login_failed(number: str, ip: str | None) -> None:
    """Count a wrong password; write the lock in the room log when this one locks the number."""
    per_number, _per_ip, window = _limits()
    count = _incr(_number_key(number), window)
    _incr(_ip_key(ip), window)
    if count == per_number:
        attempt = (Attempt.objects.filter(number__iexact=normal_number(number)[:40],
                                          session__status__in=[ExamSession.Status.READY,
                                                               ExamSession.Status.FINISHED])
                   .select_related("session").order_by("-session__starts_at").first())
        if attempt is not None:
            ExamEvent.objects.create(
                session=attempt.session, attempt=attempt, kind=ExamEvent.Kind.LOCKED,
                data={"failures": count, "ip": ip or ""},
            )


def login_succeeded(number: str, before: Counted | None = None) -> None:
    """The right password forgets the typos of its number (not those of the address). With
    ``before``, the counts read as the login came in: a number that had none has nothing to forget,
    and the cache is not asked (a typo counted meanwhile is kept, not forgotten)."""
    if before is not None and not before.number:
        return
    _cache().delete(_number_key(number))


def locked_numbers(attempts) -> set[str]:
    """The numbers among ``attempts`` whose login is locked now (one cache read for all)."""
    per_number, _per_ip, _window = _limits()
    keys = {_number_key(a.number): a.number for a in attempts}
    counts = _cache().get_many(list(keys))
    return {keys[key] for key, value in counts.items() if value >= per_number}


@transaction.atomic
def attempt_unlock(*, actor, attempt: Attempt) -> bool:
    """Let a locked number log in again at once. Returns False (and writes nothing) when it was not
    locked."""
    if not is_locked(attempt.number):
        return False
    _cache().delete(_number_key(attempt.number))
    ExamEvent.objects.create(
        session=attempt.session, attempt=attempt, kind=ExamEvent.Kind.UNLOCKED, by=actor
    )
    audit.record(actor=actor, obj=attempt.session, action="login_unlock",
                 changes={"candidate": [None, attempt.number]})
    return True
