"""Whole pages and shared parts of pages, fresh while what they show is unchanged.

See digest/cache/__init__.py for the layers, keys and what clears each.
"""

import hashlib
import logging
import secrets
import time
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.http import http_date

from digest.cache import fragments, versions
from digest.cache.compress import accepted, compress, decompress
from digest.content import sources

logger = logging.getLogger(__name__)

NEXT_PUBLICATION_KEY = "digest:page:next:{version}"
# Both under the release (`fragments.release()`: the templates, template tags and
# the settings that change URLs and dates), so a deploy that changes a template
# or MEDIA_URL shows at once, not when the stored pages expire.
PAGE_KEY = "digest:page:{release}:{digest}"
# The entry is (value, declared tags, versions checked); "2": an older deploy's
# (value, versions) entries are never read.
FRAGMENT_KEY = "digest:fragment:2:{release}:{name}"
# Stampede guard: while one request renders a page, others get its stale copy.
LOCK_KEY = "digest:page:rendering:{digest}"
RENDER_LOCK_SECONDS = 30
# How long an entry outlives its freshness, to be served while it is re-rendered.
STALE_SECONDS = 60

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


def cacheable_page(*tags: str):
    """Mark a view whose page is the same for every anonymous reader.

    `tags` are what it always shows (e.g. "latest"); the view declares the rest
    with `shows()` as it finds it (its article, section, the cards it lists).
    A page that shows only site-wide things declares "site". A cacheable page
    that declares nothing is not stored (and a test names its view).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.cache_tags = tags  # for render_for_readers()
            versions.shows(*tags)
            return view(request, *args, **kwargs)

        wrapper.cacheable_page = True
        return wrapper

    return decorate


def bump_content_version() -> None:
    """A site-wide change (menu, settings, links, pages, renames): refresh everything."""
    versions.bump(versions.SITE)
    if connection.in_atomic_block:
        # Again once committed: a page rendered in between from the old rows
        # must not be kept.
        transaction.on_commit(lambda: versions.bump(versions.SITE))


def _next_publication() -> datetime | None:
    """When the next scheduled article goes live (one indexed query per change)."""
    now = timezone.now()
    latest = versions.current(["latest", versions.SITE])
    key = NEXT_PUBLICATION_KEY.format(version=":".join(map(str, latest.values())))
    cached = cache.get(key)
    if cached is not None and (cached == 0 or cached > now.timestamp()):
        return None if cached == 0 else datetime.fromtimestamp(cached, tz=now.tzinfo)
    upcoming = sources.next_publication(now)
    cache.set(key, upcoming.timestamp() if upcoming else 0, settings.PAGE_CACHE_SECONDS)
    return upcoming


def page_timeout() -> int:
    """Seconds a page may be kept: PAGE_CACHE_SECONDS, less near a scheduled article."""
    timeout = settings.PAGE_CACHE_SECONDS
    upcoming = _next_publication()
    if upcoming is not None:
        timeout = min(timeout, int((upcoming - timezone.now()).total_seconds()))
    return timeout


def versioned(
    name: str, build, *, timeout: int | None = None, fresh_while: tuple[str, ...] = ()
):
    """`build()`, kept while nothing it declared with `shows()` changes.

    For the expensive parts of pages signed-in readers get fresh. The result
    must be the same for every reader. `timeout` shortens the time it is kept
    (parts that move on their own, such as "Most read"). `fresh_while`: tags
    that change whenever what it declared does (and more often), so checking
    them is enough to keep it; the pages around it still declare what it
    showed, and go stale only with that.
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    key = FRAGMENT_KEY.format(release=fragments.release(), name=name)
    entry = cache.get(key)
    if entry is not None:
        value, recorded, checked = entry
        if versions.check(checked) == "fresh":
            versions.shows(*recorded)  # whatever contains it shows the same
            return value
    started = time.time_ns()
    with versions.collecting() as tags:
        value = build()
    versions.shows(*tags)
    timeout = min(page_timeout(), timeout or settings.PAGE_CACHE_SECONDS)
    recorded = versions.stamp({*tags, *fresh_while}, started)
    if value is not None and timeout >= 1 and recorded is not None:
        checked = (
            {tag: recorded[tag] for tag in (versions.SITE, *fresh_while)}
            if fresh_while
            else recorded
        )
        cache.set(key, (value, tags, checked), timeout)
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

    The whole page is rendered once (kept as `versioned()` keeps things) with a
    random slot where the header shows the reader's name; each request then
    only puts the name in. `context()` builds the template's context, which must
    hold nothing of the reader. Requests with a query string (forms carry it in
    `next`) and anonymous ones that missed the page cache render as usual.
    """
    user = request.user
    if not user.is_authenticated or request.META.get("QUERY_STRING"):
        return render(request, template_name, context())

    def build() -> tuple[str, str] | None:
        versions.shows(*getattr(request, "cache_tags", ()))
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


def url_digest(request) -> str:
    """The page cache's key part for this request's URL."""
    # Scheme and host too: feeds, sitemaps and canonical links are absolute.
    url = f"{request.method}:{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _cache_control_forbids(response) -> bool:
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-store", "no-cache"))


def _cacheable(request, response, tags: set[str]) -> bool:
    match = getattr(request, "resolver_match", None)
    if (
        match is None
        or not getattr(match.func, "cacheable_page", False)
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or _cache_control_forbids(response)
    ):
        return False
    if not tags:
        logger.warning(
            "Not caching %s: its view (%s) declares nothing it shows.",
            request.path,
            match.view_name,
        )
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


def _add_body(key: str, entry: dict, encoding: str, body: bytes) -> None:
    """Store `entry` again with `body` in `encoding` beside its others. Should
    the page have been stored anew meanwhile, this older copy replaces it, and
    the versions it records make it stale: the next reader renders it again."""
    timeout = entry["expires_at"] - time.time() + STALE_SECONDS
    if timeout >= 1:
        bodies = {**entry["bodies"], encoding: body}
        cache.set(key, {**entry, "bodies": bodies}, timeout)


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

        digest = url_digest(request)
        key = PAGE_KEY.format(release=fragments.release(), digest=digest)
        entry = cache.get(key)
        if entry is None:
            # Nothing stored to answer meanwhile (a long-tail page): no lock to take.
            return self._render(request, key)
        state = versions.check(entry["versions"])
        if state == "fresh" and entry["expires_at"] > time.time():
            return self._from_entry(request, entry, "hit", key=key)
        lock = LOCK_KEY.format(digest=digest)
        if cache.add(lock, 1, RENDER_LOCK_SECONDS):
            try:
                return self._render(request, key)
            finally:
                cache.delete(lock)
        # Another request is rendering this page (after a publish, say): when a
        # story breaks, readers get the copy from moments ago rather than all
        # rendering it at once; never a copy of a page that showed a removed article.
        if state != "gone":
            return self._from_entry(request, entry, "stale")
        return self._render(request, key)

    def _render(self, request, key: str):
        started = time.time_ns()
        with versions.collecting() as tags:
            response = self.get_response(request)
        timeout = page_timeout() if _cacheable(request, response, tags) else 0
        recorded = versions.stamp(tags, started) if timeout >= 1 else None
        if recorded is None:
            # Gone or changed (unpublished, a 404 now): no reader gets the old copy.
            cache.delete(key)
            return response
        expires_at = time.time() + timeout
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        _public_headers(response, expires_at)
        patch_vary_headers(response, ["Accept-Encoding"])
        # Only the encoding this reader takes: most pages of a long tail are read
        # once. The first hit from a client taking another adds it (_from_entry).
        encoding = accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        bodies = compress(response.content, (encoding or "gzip",))
        etag = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "etag")
        ]
        entry = {
            "bodies": bodies,
            "headers": headers,
            "etag": etag,
            "expires_at": expires_at,
            "versions": recorded,
        }
        cache.set(key, entry, timeout + STALE_SECONDS)
        answer = self._from_entry(request, entry, "miss", identity=response.content)
        return answer

    @staticmethod
    def _from_entry(
        request, entry, state: str, identity: bytes | None = None, key: str = ""
    ):
        encoding = accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        bodies = entry["bodies"]
        if encoding in bodies:
            content = bodies[encoding]
        else:
            # Stored in another encoding than this client takes (or it takes
            # none): re-encoded for it, and on a hit (`key`) stored beside the
            # other, so a page first read by a crawler taking gzip does not
            # cost every browser after it a compression.
            content = identity if identity is not None else decompress(bodies)
            if encoding is not None:
                content = compress(content, (encoding,))[encoding]
                if key:
                    _add_body(key, entry, encoding, content)
        response = HttpResponse(content)
        for name, value in entry["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(content))
        if encoding:
            response["Content-Encoding"] = encoding
            response["ETag"] = f'"{entry["etag"]}-{encoding}"'
        else:
            response["ETag"] = f'"{entry["etag"]}"'
        # A shared cache in front must not keep the page past our own expiry.
        _public_headers(response, entry["expires_at"])
        response["X-Page-Cache"] = state
        return response


class BumpsContentVersion:
    """ModelAdmin mixin for site-wide data: a change shows on every page at once."""

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
        # Bulk actions change rows directly.
        response = super().response_action(request, queryset)
        bump_content_version()
        return response
