"""The address of the person at the other end, as far as the configured proxies vouch for it."""
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: with ``TRUSTED_PROXY_COUNT`` = n > 0, the n-th address of
    X-Forwarded-For counted from the right (each trusted proxy appends the address it saw, so
    anything further left was written by the client and may be forged); with 0, REMOTE_ADDR.

    Used by the login throttle (AXES_CLIENT_IP_CALLABLE), so that people behind one proxy are not
    counted as one."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request came in past the outer ones; the left-most entry is
    # still the one written by a trusted proxy.
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
