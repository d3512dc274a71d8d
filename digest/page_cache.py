"""Full-page cache for anonymous readers, invalidated by a content version.

Django's cache middleware honours `Vary: Cookie`, so every reader carrying a
csrftoken or the cookie-consent cookie would get a copy of their own. Here the
rule is simpler: a GET or HEAD without a session or messages cookie, for one of
the public pages below, is served from the cache; everything else goes through.

Invalidation: every cache key holds the content version, an integer in the
cache that every write path bumps (`bump_content_version()`), so after a
publish, edit, unpublish or delete every cached page is stale at once. A page
is never kept past the next scheduled publication, so a scheduled article
appears on time.

The version lives in the cache: with Redis every worker shares pages and
version. With the default local-memory cache each process has its own, so the
version also carries the modification time of a stamp file under var/ that
every bump touches; a change made in any process (the admin's worker,
`manage.py load_demo`) then reaches all of them at once.
"""

import hashlib
import logging
import os
import secrets
import time
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.html import escape
from django.utils.http import http_date

from digest.content import sources
from digest.context_processors import bump_chrome_version

logger = logging.getLogger(__name__)

VERSION_KEY = "digest:page:version"
NEXT_PUBLICATION_KEY = "digest:page:next:{version}"
PAGE_KEY = "digest:page:{version}:{digest}"
# Stampede guard: while one request renders a page, others get its last copy.
LOCK_KEY = "digest:page:rendering:{digest}"
LAST_KEY = "digest:page:last:{digest}"
RENDER_LOCK_SECONDS = 30

# URL names of the public pages that are the same for every anonymous reader.
CACHEABLE_VIEWS = frozenset(
    {
        "home",
        "articles:detail",
        "articles:category",
        "articles:tag",
        "articles:search",
        "articles:feed",
        "articles:feed_atom",
        "articles:category_feed",
        "author",
        "page",
        "sitemap",
        "sitemap_section",
        "news_sitemap",
        "robots_txt",
    }
)
# Never cached: skip the cache lookup for these without resolving the URL.
EXCLUDED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/static/",
    "/media/",
    "/views/",
    "/healthz",
    "/cookies/",
)
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage


# Content version


def content_version() -> str:
    """The current content version; set on first use when missing."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Not 1: an evicted version must not come back as a number whose pages
        # may still sit in the cache. Seconds since the epoch only grow.
        cache.add(VERSION_KEY, int(time.time()), None)
        version = cache.get(VERSION_KEY, int(time.time()))
    return f"{version}.{_local_stamp()}"


def bump_content_version() -> None:
    """Make every cached page stale: call after any change a reader could see."""
    _bump()
    if connection.in_atomic_block:
        # Again once the change is committed: a reader who rendered the old
        # content in between must not leave it cached under the new version.
        transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (never set, or evicted)
        cache.add(VERSION_KEY, int(time.time()) + 1, None)
    # The header and footer a fresh page renders are cached on their own.
    bump_chrome_version()
    _touch_stamp()


# With the local-memory cache each process has its own pages and version, so a
# bump in one (the admin's worker, `manage.py load_demo`) would not reach the
# others. Then the version also carries the modification time of a file every
# process of the site sees: one stat() per anonymous request.
_seen_stamp: list[int | None] = [None]


@lru_cache(maxsize=8)
def _stamp_file(backend: str, host: str, port: str) -> Path | None:
    if not backend.endswith("LocMemCache"):
        return None  # a shared cache (Redis) carries the version itself
    server = hashlib.sha256(f"{host}|{port}".encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / f"page-cache-{server}.stamp"


def _stamp_path() -> Path | None:
    db = connection.settings_dict
    return _stamp_file(
        settings.CACHES["default"]["BACKEND"], str(db["HOST"]), str(db["PORT"])
    )


def _local_stamp() -> int:
    path = _stamp_path()
    if path is None:
        return 0
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    if stamp != _seen_stamp[0]:
        if _seen_stamp[0] is not None:
            # Another process changed content: drop this one's header and footer.
            bump_chrome_version()
        _seen_stamp[0] = stamp
    return stamp


def _touch_stamp() -> None:
    path = _stamp_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            previous = path.stat().st_mtime_ns
        except FileNotFoundError:
            path.touch()
            previous = 0
        # Explicit nanoseconds: two bumps within one clock tick still differ.
        stamp = max(time.time_ns(), previous + 1)
        os.utime(path, ns=(stamp, stamp))
    except OSError:
        logger.warning("Cannot touch %s: other processes keep their pages.", path)


def _next_publication(version: str) -> datetime | None:
    """When the next scheduled article goes live (one indexed query per version)."""
    now = timezone.now()
    key = NEXT_PUBLICATION_KEY.format(version=version)
    cached = cache.get(key)
    if cached is not None and (cached == 0 or cached > now.timestamp()):
        return None if cached == 0 else datetime.fromtimestamp(cached, tz=now.tzinfo)
    upcoming = sources.next_publication(now)
    cache.set(key, upcoming.timestamp() if upcoming else 0, settings.PAGE_CACHE_SECONDS)
    return upcoming


def page_timeout(version: str) -> int:
    """Seconds a page may be kept: PAGE_CACHE_SECONDS, less near a scheduled article."""
    timeout = settings.PAGE_CACHE_SECONDS
    upcoming = _next_publication(version)
    if upcoming is not None:
        timeout = min(timeout, int((upcoming - timezone.now()).total_seconds()))
    return timeout


def versioned(name: str, build, *, timeout: int | None = None):
    """`build()`, cached until the next content change (or scheduled article).

    For the expensive parts of pages signed-in readers get fresh: the article
    page's main column, the front page. The result must be the same for every
    reader. `timeout` shortens the time it is kept (parts that move on their
    own, such as "Most read").
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    version = content_version()
    key = f"digest:fragment:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        timeout = min(page_timeout(version), timeout or settings.PAGE_CACHE_SECONDS)
        if value is not None and timeout >= 1:  # a miss is not worth keeping
            cache.set(key, value, timeout)
    return value


class _AnyReader:
    """Stands in for `request.user` while a page is rendered for every reader.

    The templates of shared pages may show whether a reader is signed in and
    their name (the header's account link), nothing else of them.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, name_slot: str):
        self.public_name = name_slot


class _TokenProbe:
    """Stands in for the CSRF token while a shared page renders: a page that
    shows it (`{% csrf_token %}`, `{{ csrf_token }}`) is the reader's own."""

    used = False

    def __bool__(self):
        self.used = True
        return True

    def __str__(self):
        self.used = True
        return ""


def render_for_readers(
    request, template_name: str, context, *, timeout: int | None = None
) -> HttpResponse:
    """Render a page that is the same for every signed-in reader but their name.

    The whole page is rendered once per content version (as `versioned()`
    keeps things) with a random slot where the header shows the reader's name;
    each request then only puts the name in, so a signed-in reader's page costs
    little more than an anonymous one's. `context()` builds the template's
    context, which must hold nothing of the reader. Requests with a query
    string (forms carry it in `next`) and anonymous ones that missed the page
    cache are rendered as usual.
    """
    user = request.user
    if not user.is_authenticated or request.META.get("QUERY_STRING"):
        return render(request, template_name, context())

    def build() -> tuple[str, str] | None:
        slot = f"reader-name-{secrets.token_hex(16)}"
        token = _TokenProbe()
        page = {**context(), "user": _AnyReader(slot), "csrf_token": token}
        html = render_to_string(template_name, page, request)
        if token.used:
            logger.warning(
                "Not sharing %s between readers: it shows a CSRF token.",
                request.path,
            )
            return None  # versioned() keeps no None
        return slot, html

    shared = versioned(
        f"reader-page:{request.scheme}://{request.get_host()}{request.path}",
        build,
        timeout=timeout,
    )
    if shared is None:
        return render(request, template_name, context())
    slot, html = shared
    return HttpResponse(html.replace(slot, escape(user.public_name)))


# The middleware


def _is_anonymous_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _url_digest(request) -> str:
    # Scheme and host too: feeds, sitemaps and canonical links are absolute.
    url = f"{request.method}:{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _cache_control_forbids(response) -> bool:
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-store", "no-cache"))


def _cacheable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if (
        match is None
        or match.view_name not in CACHEABLE_VIEWS
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or _cache_control_forbids(response)
    ):
        return False
    if b"csrfmiddlewaretoken" in response.content:
        logger.warning(
            "Not caching %s: the page carries a CSRF token, a per-reader value.",
            request.path,
        )
        return False
    return True


def _public_headers(response, expires_at: float) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=0,  # browsers revalidate (ETag, Last-Modified)
        s_maxage=max(0, round(expires_at - time.time())),
    )


class PageCacheMiddleware:
    """Serve anonymous readers' public pages from the cache.

    In MIDDLEWARE after SecurityMiddleware and WhiteNoise and before sessions,
    CSRF and authentication: a hit then skips all of those (no session lookup,
    no query), and a miss sees the final response with every header the inner
    middleware added (Vary, X-Frame-Options, Set-Cookie), so a response that
    sets a cookie is never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or request.path.startswith(
            EXCLUDED_PREFIXES
        ):
            return self.get_response(request)
        if not _is_anonymous_read(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in reader's page is theirs alone.
                if "no-store" not in response.get("Cache-Control", ""):
                    patch_cache_control(response, private=True)
            return response

        version = content_version()
        digest = _url_digest(request)
        entry = cache.get(PAGE_KEY.format(version=version, digest=digest))
        if entry is not None:
            return self._from_entry(entry, "hit")
        lock = LOCK_KEY.format(digest=digest)
        if cache.add(lock, 1, RENDER_LOCK_SECONDS):
            try:
                return self._render(request, version, digest)
            finally:
                cache.delete(lock)
        # Another request is rendering this page (after a publish, say): when a
        # story breaks, readers get the copy from moments ago rather than all
        # rendering it at once.
        last = cache.get(LAST_KEY.format(digest=digest))
        if last is not None:
            return self._from_entry(last, "stale")
        return self._render(request, version, digest)

    def _render(self, request, version: str, digest: str):
        response = self.get_response(request)
        timeout = page_timeout(version) if _cacheable(request, response) else 0
        if timeout < 1:
            # Gone or changed (unpublished, a 404 now): no reader gets the old copy.
            cache.delete(LAST_KEY.format(digest=digest))
            return response
        expires_at = time.time() + timeout
        set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        _public_headers(response, expires_at)
        entry = (response.content, list(response.items()), expires_at)
        cache.set(PAGE_KEY.format(version=version, digest=digest), entry, timeout)
        # Served only while another request renders the page anew.
        cache.set(
            LAST_KEY.format(digest=digest), entry, settings.PAGE_CACHE_SECONDS + 60
        )
        response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _from_entry(entry, state: str) -> HttpResponse:
        content, headers, expires_at = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        # A shared cache in front must not keep the page past our own expiry.
        _public_headers(response, expires_at)
        response["X-Page-Cache"] = state
        return response


class BumpsContentVersion:
    """ModelAdmin mixin: a change made in the admin shows on the site at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_content_version()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_content_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_content_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_content_version()

    def response_action(self, request, queryset):
        # Bulk actions (publish, unpublish, feature, ...) change rows directly.
        response = super().response_action(request, queryset)
        bump_content_version()
        return response
