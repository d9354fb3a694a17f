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


def is_locked(number: str, ip: str | None = None) -> bool:
    """Is a login with this number (from this address) refused before the password is checked?"""
    per_number, per_ip, _window = _limits()
    cache = _cache()
    counts = cache.get_many([_number_key(number), _ip_key(ip)] if ip is not None else [_number_key(number)])
    return counts.get(_number_key(number), 0) >= per_number or (
        ip is not None and counts.get(_ip_key(ip), 0) >= per_ip)


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
            ExamEvent.objects.create(session=attempt.session, attempt=attempt, kind=ExamEvent.Kind.LOCKED,
                                     data={"failures": count, "ip": ip or ""})


def login_succeeded(number: str) -> None:
    """The right password forgets the typos of its number (not those of the address)."""
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
    ExamEvent.objects.create(session=attempt.session, attempt=attempt, kind=ExamEvent.Kind.UNLOCKED, by=actor)
    audit.record(actor=actor, obj=attempt.session, action="login_unlock",
                 changes={"candidate": [None, attempt.number]})
    return True
