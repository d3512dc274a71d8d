"""How often we send an email someone asked for (counted by digest.ratelimit)."""

from django.http import HttpRequest

from digest import ratelimit
from digest.net import client_ip

EMAILS_PER_ADDRESS = 3
EMAILS_PER_CLIENT = 10
WINDOW_SECONDS = 60 * 60


def allow_email(request: HttpRequest, *, purpose: str, address: str) -> bool:
    """May we send a `purpose` email to `address` for this client now?

    Both counters are always counted, so the answer does not depend on whether
    an account exists for the address.
    """
    per_address = ratelimit.allow(
        f"{purpose}:addr", address, limit=EMAILS_PER_ADDRESS, period=WINDOW_SECONDS
    )
    per_client = ratelimit.allow(
        f"{purpose}:ip",
        client_ip(request) or "unknown",
        limit=EMAILS_PER_CLIENT,
        period=WINDOW_SECONDS,
    )
    return per_address and per_client
