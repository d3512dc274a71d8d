"""Who the client is: one answer for rate limits, lock-outs and view counting."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, or None when it is not a valid IP address.

    Behind NUM_PROXIES trusted proxies the address is the one the outermost of
    them saw, read from the right of X-Forwarded-For (entries further left are
    whatever the client chose to send). IPv4 addresses mapped into IPv6 are
    given as IPv4, so one client has one spelling.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)
