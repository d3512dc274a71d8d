"""Counting article views: who the reader is, what counts, and the atomic write.

Article pages may be served from a cache, so the article view itself counts nothing.
The page carries a beacon (templates/articles/_view_beacon.html and
static/digest/js/views.js) that POSTs a signed token for that article to
`/views/<id>/` (articles/views_count.py) once the page is really shown. The token
is the same for every reader of the article (cached pages carry nothing per
reader); who the reader is gets decided here, on the server:

- signed in: the user id;
- anonymous: an HMAC of IP address and user agent under a key derived from
  SECRET_KEY and the date, so it rotates daily and no raw IP is ever stored.

A reader counts once per article per WINDOW. The window is kept in the database
(ArticleViewMark, one upsert), so it holds across every worker process, and the
count and the day's row are written in the same transaction with atomic
increments. With VIEW_COUNT_BUFFER on (needs CACHE_URL=redis://…) the window and
the counts live in Redis instead and `manage.py flush_views` moves them to the
database in batches.

A user agent is whatever the client says, so one address could pass for any
number of anonymous readers. Hence the beacon limit (`beacon_allowed`): at most
VIEW_COUNT_RATE_LIMIT beacons a minute per address for anonymous readers, per
account for signed-in ones, counted in PostgreSQL by digest.ratelimit so it
holds across workers. One address thus adds at most that many counted views a
minute whatever agents it sends, while signed-in readers behind one office
address each count on their own.
"""

import hashlib
import hmac
import random
from datetime import date, datetime, timedelta
from functools import lru_cache

import crawleruseragents
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, ArticleDailyViews, ArticleViewMark
from digest import ratelimit
from digest.net import client_ip

WINDOW = timedelta(minutes=30)
TOKEN_MAX_AGE = timedelta(hours=6)
BEACON_PERIOD = 60  # seconds: VIEW_COUNT_RATE_LIMIT is per minute
BUFFER_KEY = "digest:views:buffer"
# The salt names the module this lived in: tokens on cached pages stay valid.
_signer = signing.TimestampSigner(salt="articles.views_count")


# Tokens


def make_token(article_id: int) -> str:
    """A token the beacon sends back; the same for every reader of the article."""
    return _signer.sign(str(article_id))


def token_is_valid(token: str, article_id: int) -> bool:
    try:
        value = _signer.unsign(token or "", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return value == str(article_id)


# Who is reading, and whether it counts


def _daily_key(day: date) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"views:{day.isoformat()}".encode(),
        hashlib.sha256,
    ).digest()


def reader_key(request, *, at: datetime | None = None) -> str:
    """Identify the reader without storing who they are."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    day = timezone.localdate(at or timezone.now())
    agent = request.META.get("HTTP_USER_AGENT", "")
    digest = hmac.new(
        _daily_key(day), f"{client_ip(request) or ''}|{agent}".encode(), hashlib.sha256
    ).hexdigest()
    return f"a:{digest[:40]}"


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Known crawlers (the maintained crawler-user-agents list) and empty agents."""
    if not user_agent.strip():
        return True
    return crawleruseragents.is_crawler(user_agent)


def beacon_allowed(request) -> bool:
    """Count this beacon against its sender's limit: the account, else the address."""
    if request.user.is_authenticated:
        scope, key = "views:reader", str(request.user.pk)
    else:
        scope, key = "views:address", client_ip(request) or "unknown"
    return ratelimit.allow(
        scope, key, limit=settings.VIEW_COUNT_RATE_LIMIT, period=BEACON_PERIOD
    )


def is_prefetch(request) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get(
        "Purpose", ""
    )
    return "prefetch" in purpose.lower()


# Writes


def record_view(*, article_id: int, reader: str, at: datetime | None = None) -> bool:
    """Count one view unless `reader` was counted for this article within WINDOW."""
    at = at or timezone.now()
    if getattr(settings, "VIEW_COUNT_BUFFER", False):
        return _buffer_view(article_id=article_id, reader=reader, at=at)
    return _write_view(article_id=article_id, reader=reader, at=at)


@transaction.atomic
def _write_view(*, article_id: int, reader: str, at: datetime) -> bool:
    marks = ArticleViewMark._meta.db_table
    with connection.cursor() as cursor:
        # A crash may lose the last fraction of a second of counts, never corrupt
        # them; in exchange the commit does not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"""
            INSERT INTO {marks} (article_id, reader, seen_at) VALUES (%s, %s, %s)
            ON CONFLICT (article_id, reader) DO UPDATE SET seen_at = EXCLUDED.seen_at
            WHERE {marks}.seen_at <= EXCLUDED.seen_at - %s
            RETURNING 1
            """,
            [article_id, reader, at, WINDOW],
        )
        if cursor.fetchone() is None:
            return False
    add_views(counts={(article_id, timezone.localdate(at)): 1})
    if random.random() < 0.001:  # now and then, keep the marks table small
        prune_view_marks(before=at - WINDOW)
    return True


def add_views(*, counts: dict[tuple[int, date], int]) -> None:
    """Add views to the articles' totals and their day rows, atomically."""
    if not counts:
        return
    daily = ArticleDailyViews._meta.db_table
    with transaction.atomic():
        per_article: dict[int, int] = {}
        for (article_id, _day), n in counts.items():
            per_article[article_id] = per_article.get(article_id, 0) + n
        for article_id, n in sorted(per_article.items()):
            Article.objects.filter(pk=article_id).update(view_count=F("view_count") + n)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""
                INSERT INTO {daily} (article_id, day, views) VALUES (%s, %s, %s)
                ON CONFLICT (article_id, day)
                DO UPDATE SET views = {daily}.views + EXCLUDED.views
                """,
                [(a, d, n) for (a, d), n in sorted(counts.items())],
            )


def prune_view_marks(*, before: datetime) -> int:
    """Forget readers whose window has closed."""
    deleted, _ = ArticleViewMark.objects.filter(seen_at__lt=before).delete()
    return deleted


# Buffered counting in Redis


def _redis():
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        raise RuntimeError("VIEW_COUNT_BUFFER needs CACHE_URL=redis://…")
    return client.get_client(write=True)


def _buffer_view(*, article_id: int, reader: str, at: datetime) -> bool:
    redis = _redis()
    seen = f"digest:views:seen:{article_id}:{reader}"
    if not redis.set(seen, 1, nx=True, ex=int(WINDOW.total_seconds())):
        return False
    redis.hincrby(BUFFER_KEY, f"{article_id}:{timezone.localdate(at).isoformat()}", 1)
    return True


def flush_buffered_views() -> int:
    """Move buffered counts from Redis to the database; return the views moved.

    The buffer is renamed first, so views arriving during the flush go to a new
    buffer; a flush that fails leaves its batch in Redis for the next run.
    """
    redis = _redis()
    batches = list(redis.scan_iter(match=f"{BUFFER_KEY}:flushing:*"))
    if redis.exists(BUFFER_KEY):
        batch = f"{BUFFER_KEY}:flushing:{timezone.now().timestamp()}"
        redis.rename(BUFFER_KEY, batch)
        batches.append(batch.encode())
    moved = 0
    for batch in batches:
        counts: dict[tuple[int, date], int] = {}
        for field, value in redis.hgetall(batch).items():
            article_id, day = field.decode().split(":")
            counts[(int(article_id), date.fromisoformat(day))] = int(value)
        existing = set(
            Article.objects.filter(pk__in={a for a, _ in counts}).values_list(
                "pk", flat=True
            )
        )
        counts = {key: n for key, n in counts.items() if key[0] in existing}
        add_views(counts=counts)
        redis.delete(batch)
        moved += sum(counts.values())
    return moved
