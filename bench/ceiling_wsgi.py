"""gunicorn entry for `make bench`: the site, plus the two in-server ceilings.

    /__ceiling__/django/  a stored page from a trivial Django view through the
                          whole middleware stack (the framework ceiling)
    /__ceiling__/wsgi/    the same bytes straight from WSGI, no Django (gunicorn's)

Both answer a stored copy of a real article page (the file BENCH_CEILING_PAGE,
which the bench's probe writes), compressed once at startup as the page cache
compresses a stored page (digest/cache/compress.py) and sent in the encoding
the request's Accept-Encoding allows (`Vary: Accept-Encoding`), as a page cache
hit is. Without that file: BENCH_CEILING_BYTES bytes of "x".

With BENCH_PAGE_LAYER=off the site runs without its whole-page layer
(`PageCacheMiddleware` left out of MIDDLEWARE: the bench's cold rows); the
other caches (the header and footer, `versioned()` fragments) stay. The site
itself is untouched: this module only adds a URLconf in front of digest.urls
(and drops that one middleware) for the benchmark's server.
"""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path

PAGE_LAYER = "digest.cache.pages.PageCacheMiddleware"
if os.environ.get("BENCH_PAGE_LAYER") == "off":
    if PAGE_LAYER not in settings.MIDDLEWARE:  # renamed: the cold rows would lie
        raise RuntimeError(f"{PAGE_LAYER} is not in MIDDLEWARE: update bench/")
    # Before the WSGI handler is built: it reads MIDDLEWARE once.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != PAGE_LAYER]

from digest.wsgi import application as site  # noqa: E402

# Only once Django is set up: the digest.cache package imports models.
from digest.cache.compress import accepted, compress  # noqa: E402  # isort: skip


def stored_page() -> bytes:
    page = os.environ.get("BENCH_CEILING_PAGE")
    if page and Path(page).is_file():
        return Path(page).read_bytes()
    return b"x" * int(os.environ.get("BENCH_CEILING_BYTES", "40000"))


IDENTITY = stored_page()
BODIES = compress(IDENTITY)


def body_for(accept_encoding: str) -> tuple[bytes, str | None]:
    """The stored page in the encoding `accept_encoding` allows, and that encoding."""
    encoding = accepted(accept_encoding)
    if encoding in BODIES:
        return BODIES[encoding], encoding
    return IDENTITY, None


def ceiling(request):
    content, encoding = body_for(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    response = HttpResponse(content, content_type="text/html; charset=utf-8")
    response["Vary"] = "Accept-Encoding"
    if encoding:
        response["Content-Encoding"] = encoding
    return response


urlpatterns = [
    path("__ceiling__/django/", ceiling),
    path("", include("digest.urls")),
]
# Before the first request: the resolver is built from this name then.
settings.ROOT_URLCONF = __name__


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/__ceiling__/wsgi/":
        content, encoding = body_for(environ.get("HTTP_ACCEPT_ENCODING", ""))
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(content))),
            ("Vary", "Accept-Encoding"),
        ]
        if encoding:
            headers.append(("Content-Encoding", encoding))
        start_response("200 OK", headers)
        return [content]
    return site(environ, start_response)
