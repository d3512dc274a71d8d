"""A small fixed-window rate limiter on the cache, for emails we send on request."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

EMAILS_PER_ADDRESS = 3
EMAILS_PER_CLIENT = 10
WINDOW_SECONDS = 60 * 60


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind NUM_PROXIES trusted proxies, from X-Forwarded-For.

    Also what brute-force protection counts sign-in failures under
    (AXES_CLIENT_IP_CALLABLE), so both agree on who the client is.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def hit(bucket: str, key: str, *, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count one use of `key` in `bucket`; False once more than `limit` in the window."""
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{bucket}:{digest}"
    # add() starts the window only if none is running; incr() is atomic on Redis.
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(cache_key, 1, window)
        count = 1
    return count <= limit


def allow_email(request: HttpRequest, *, purpose: str, address: str) -> bool:
    """May we send a `purpose` email to `address` for this client now?

    Both counters are always counted, so the answer does not depend on whether
    an account exists for the address.
    """
    per_address = hit(f"{purpose}:addr", address, limit=EMAILS_PER_ADDRESS)
    per_client = hit(
        f"{purpose}:ip", client_ip(request) or "unknown", limit=EMAILS_PER_CLIENT
    )
    return per_address and per_client
