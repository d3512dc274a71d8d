"""The one redirect table: old URLs (changed slugs, a replaced site's links) → 301.

`RedirectMiddleware` answers from `digest.models.Redirect`:

- a request for `/` with a query string ("/?p=42", WordPress's short links) is
  looked up before anything else, since the home page would answer it with 200;
- any other request that would answer 404 is looked up by its path (with and
  without the trailing slash).

Writers: `redirect_to_object()` for one row (slug changes), `bulk_upsert()` for
many (an import). Targets are local paths only (a constraint on the table).
"""

import logging
from collections.abc import Iterable
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, models
from django.http import HttpResponsePermanentRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from digest.models import Redirect

logger = logging.getLogger(__name__)

MAX_PATH = Redirect._meta.get_field("old_path").max_length


def normalize_path(path: str, query: str = "") -> str:
    """The form `old_path` is stored in: decoded path, then "?query" if any."""
    path = unquote(path or "/")
    if not path.startswith("/"):
        path = "/" + path
    return f"{path}?{query}" if query else path


def target_url(redirect: Redirect) -> str | None:
    """Where `redirect` leads now, or None (its object is gone or not public)."""
    if redirect.object_id is not None and redirect.content_type_id is not None:
        target = redirect.target
        if target is None or not getattr(target, "is_public", True):
            return None
        url = target.get_absolute_url()
    else:
        url = redirect.new_path
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    return url


def find_target(*paths: str) -> str | None:
    """The target of the first of `paths` that has a redirect, or None."""
    # PostgreSQL refuses NUL in text; no stored path has one.
    paths = [p for p in paths if p and len(p) <= MAX_PATH and "\x00" not in p]
    if not paths:
        return None
    rows = {
        r.old_path: r
        for r in Redirect.objects.filter(old_path__in=paths).select_related(
            "content_type"
        )
    }
    for path in paths:
        if path in rows:
            return target_url(rows[path])
    return None


def redirect_to_object(*, old_path: str, obj: models.Model, source: str) -> None:
    """Make `old_path` lead to `obj` (wherever it moves); its own URL never redirects."""
    content_type = ContentType.objects.get_for_model(obj)
    Redirect.objects.filter(old_path=obj.get_absolute_url()).delete()
    Redirect.objects.update_or_create(
        old_path=old_path,
        defaults={
            "new_path": "",
            "content_type": content_type,
            "object_id": obj.pk,
            "source": source,
        },
    )


def bulk_upsert(rows: Iterable[Redirect]) -> int:
    """Insert or update `rows` by `old_path` in one statement; return how many."""
    rows = {row.old_path: row for row in rows if len(row.old_path) <= MAX_PATH}
    if not rows:
        return 0
    Redirect.objects.bulk_create(
        rows.values(),
        update_conflicts=True,
        unique_fields=["old_path"],
        update_fields=["new_path", "content_type", "object_id", "source"],
    )
    return len(rows)


class RedirectMiddleware:
    """Answer old URLs from the redirect table with a 301 (see the module docstring).

    Installed before the page cache, so a cached home page never answers "/?p=42".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if request.path == "/" and query:
            response = self._lookup(normalize_path("/", query))
            if response is not None:
                return response
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        path = request.path
        other = path[:-1] if path.endswith("/") and path != "/" else path + "/"
        return self._lookup(path, other) or response

    def _lookup(self, *paths: str):
        try:
            url = find_target(*paths)
        except DatabaseError:
            logger.warning("redirect lookup failed", exc_info=True)
            return None
        if url is None or url in paths:
            return None
        return HttpResponsePermanentRedirect(url)
