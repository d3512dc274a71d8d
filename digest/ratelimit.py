"""The one rate limiter: fixed windows counted in PostgreSQL.

    from digest import ratelimit

    if not ratelimit.allow("signup:ip", client_ip(request) or "unknown",
                           limit=10, period=3600):
        ...  # refuse

`allow(scope, key, *, limit, period)` counts one use of `key` in `scope` and
says whether it is within `limit` uses in the current window of `period`
seconds. Windows are fixed (aligned to multiples of `period` since the epoch),
so a client gets at most `limit` uses per window and at most 2 × `limit` across
a window boundary. Keys are compared case-insensitively and stored only as a
keyed hash, so the table holds no email addresses. `limit=0` means no limit
(nothing is written).

Why the database and not the cache (or django-ratelimit, which counts in the
cache): with the default local-memory cache every worker process has its own
counters, so two workers allowed twice the limit. One row per (scope, key,
window), incremented by `INSERT … ON CONFLICT DO UPDATE … RETURNING`, is
atomic across processes and servers whatever the cache is. Expired windows
are deleted a few at a time when a new window starts, and in bulk by `prune()`
(`manage.py prune_ratelimits`).
"""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from digest.models import RateLimitWindow

# Expired rows removed in passing each time a new window starts.
PRUNE_IN_PASSING = 100

_UPSERT = f"""
    INSERT INTO {RateLimitWindow._meta.db_table}
        (scope, key_hash, window_start, expires_at, hits)
    VALUES (%s, %s, %s, %s, 1)
    ON CONFLICT (scope, key_hash, window_start)
    DO UPDATE SET hits = {RateLimitWindow._meta.db_table}.hits + 1
    RETURNING hits
"""
_PRUNE_SOME = f"""
    DELETE FROM {RateLimitWindow._meta.db_table} WHERE id IN (
        SELECT id FROM {RateLimitWindow._meta.db_table}
        WHERE expires_at < %s LIMIT %s
    )
"""


def _key_hash(scope: str, key: str) -> str:
    return salted_hmac("digest.ratelimit", f"{scope}\n{key.lower()}").hexdigest()


def _window(period: int, now: datetime) -> tuple[datetime, datetime]:
    start = int(now.timestamp()) // period * period
    begins = datetime.fromtimestamp(start, tz=UTC)
    return begins, begins + timedelta(seconds=period)


def allow(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one use of `key` in `scope`; False once it exceeds `limit` per `period` s."""
    if limit <= 0:
        return True
    if period <= 0:
        raise ValueError("period must be a positive number of seconds")
    now = timezone.now()
    begins, ends = _window(period, now)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [scope[:100], _key_hash(scope, key), begins, ends])
        (count,) = cursor.fetchone()
        if count == 1:
            cursor.execute(_PRUNE_SOME, [now, PRUNE_IN_PASSING])
    return count <= limit


def hits(scope: str, key: str, *, period: int) -> int:
    """How many uses of `key` in `scope` the current window has counted."""
    begins, _ = _window(period, timezone.now())
    row = (
        RateLimitWindow.objects.filter(
            scope=scope[:100], key_hash=_key_hash(scope, key), window_start=begins
        )
        .values_list("hits", flat=True)
        .first()
    )
    return row or 0


def prune(*, before: datetime | None = None) -> int:
    """Delete windows that ended before `before` (now); return how many."""
    deleted, _ = RateLimitWindow.objects.filter(
        expires_at__lt=before or timezone.now()
    ).delete()
    return deleted
