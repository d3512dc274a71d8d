"""Brute-force protection (django-axes), as the README's Security section promises.

Failures count per account *and* address together (AXES_LOCKOUT_PARAMETERS), so
someone guessing elsewhere cannot lock an account out for its owner; an address
alone is locked only after LOGIN_FAILURES_PER_ADDRESS failures for any accounts,
high enough for a newsroom behind one office address. A lock lasts
LOGIN_LOCKOUT_MINUTES from the failure that set it: failures while locked are
not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so they do
not restart the clock.
"""

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User

# AccessAttempt.username is a varchar(255); PostgreSQL text takes no NUL.
_USERNAME_MAX = 255


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """Count failures per account, whether it was named by username or email."""
    given = (credentials or {}).get("username") or ""
    if not given and request is not None and request.method == "POST":
        given = request.POST.get("username") or ""
    given = str(given).replace("\x00", "").strip()[:_USERNAME_MAX]
    if not given:
        return ""
    try:
        user = User.objects.get_by_natural_key(given)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return given.lower()
    return user.username.lower()


def _recent(request: HttpRequest):
    since = (request.axes_attempt_time or timezone.now()) - get_cool_off(request)
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _address_attempts(request: HttpRequest):
    return _recent(request).filter(ip_address=request.axes_ip_address)


def _account_attempts(request: HttpRequest, credentials: dict | None):
    return _address_attempts(request).filter(
        username=get_client_username(request, credentials)
    )


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a separate, higher limit for an address alone."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        by_address = (
            _address_attempts(request).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
        )
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            # Report it as a lock-out at axes' (per account) limit.
            return max(failures, get_failure_limit(request, credentials))
        return failures


def lifts_at(request: HttpRequest, credentials: dict | None) -> datetime:
    """When the lock on this account and address (or on the address) ends."""
    cool_off = get_cool_off(request)
    now = request.axes_attempt_time or timezone.now()
    ends = now
    account = list(_account_attempts(request, credentials).values_list("attempt_time"))
    if account:
        ends = max(ends, max(t for (t,) in account) + cool_off)
    # The address lock ends once enough of its failures are older than the cool-off.
    remaining = (
        _address_attempts(request).aggregate(n=Sum("failures_since_start"))["n"] or 0
    )
    for attempt_time, failures in (
        _address_attempts(request)
        .order_by("attempt_time")
        .values_list("attempt_time", "failures_since_start")
    ):
        if remaining < settings.LOGIN_FAILURES_PER_ADDRESS:
            break
        remaining -= failures
        ends = max(ends, attempt_time + cool_off)
    return ends


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The lock-out page, saying how many minutes are left (AXES_LOCKOUT_CALLABLE)."""
    now = request.axes_attempt_time or timezone.now()
    left = lifts_at(request, credentials) - now
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
