"""Compress responses: a stored page once, every other text response as it goes out.

A page the page cache stores is compressed once, in the encoding its first reader
takes; the first hit from a client that takes another adds that encoding
(digest/cache/pages.py). Everything else (signed-in readers' pages, the admin,
JSON, pages not stored) is compressed per response by `CompressionMiddleware`:
brotli at a lower quality than a stored page's (`LIVE_BROTLI_QUALITY`), gzip at
level 6, each well under a millisecond for a 35-60 KB page (README, "Caching and
performance").
"""

import gzip
import hashlib

from django.conf import settings
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.text import compress_string

try:
    import brotli
except ImportError:  # optional: gzip alone then
    brotli = None

ENCODINGS = ("br", "gzip") if brotli else ("gzip",)
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # a page stored once, answered many times
# A response compressed on its way out pays this on every request: quality 3
# takes a third of quality 5's time (0.3 vs 0.9 ms for the 60 KB front page
# here) for 15% more bytes, still fewer than gzip's at level 6.
LIVE_BROTLI_QUALITY = 3
# Below this the encoding's own bytes eat the saving (Django's GZipMiddleware's).
MIN_LENGTH = 200
# Text only: images, fonts and archives are compressed already.
TEXT_TYPES = ("text/", "application/json", "application/javascript")
TEXT_SUFFIXES = ("/xml", "+xml", "+json")
# Django's own (GZipMiddleware): a random 0-99 bytes in the gzip header, so a
# response's length does not give a secret in it away (BREACH).
MAX_RANDOM_BYTES = 100


def compress(
    content: bytes, encodings: tuple[str, ...] = ENCODINGS
) -> dict[str, bytes]:
    """`content` in each of `encodings` (all worth sending by default), keyed by
    Content-Encoding, at the stored page's levels."""
    bodies = {}
    if "gzip" in encodings:
        bodies["gzip"] = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
    if "br" in encodings and brotli is not None:
        bodies["br"] = brotli.compress(content, quality=BROTLI_QUALITY)
    return bodies


def decompress(bodies: dict[str, bytes]) -> bytes:
    """The content of `bodies` (as `compress` makes them), from any one of them."""
    if "br" in bodies and brotli is not None:
        return brotli.decompress(bodies["br"])
    return gzip.decompress(bodies["gzip"])


def accepted(
    accept_encoding: str, encodings: tuple[str, ...] = ENCODINGS
) -> str | None:
    """The best of `encodings` the Accept-Encoding header allows, or None."""
    offered = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip()] = q
    for encoding in encodings:
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return None


def _is_text(response) -> bool:
    content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
    return content_type.startswith(TEXT_TYPES) or content_type.endswith(TEXT_SUFFIXES)


def _no_store(response) -> bool:
    directives = cc_delim_re.split(response.get("Cache-Control", "").lower())
    return "no-store" in directives


class CompressionMiddleware:
    """Compress a text response the client accepts compressed, unless it is already.

    In MIDDLEWARE inside ConditionalGetMiddleware and outside the page cache: it
    sees every response's final body, leaves the page cache's (they carry
    Content-Encoding) as they are, and gives the ETag of what it compresses the
    encoding's name, as the page cache does, so each encoding has its own ETag and
    ConditionalGetMiddleware still answers a browser's revalidation with a 304.

    Brotli only without a session: a page of a signed-in reader's own (their
    pages, the admin) may hold a secret, and only gzip carries Django's random
    padding against BREACH. (A CSRF token is masked afresh on every response.)
    Streaming responses (files) pass through uncompressed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < MIN_LENGTH
            or not _is_text(response)
            or "no-transform" in response.get("Cache-Control", "").lower()
        ):
            return response
        patch_vary_headers(response, ["Accept-Encoding"])
        encodings = ENCODINGS
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            encodings = ("gzip",)
        encoding = accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""), encodings)
        if encoding is None:
            return response
        if encoding == "br":
            body = brotli.compress(response.content, quality=LIVE_BROTLI_QUALITY)
        else:
            body = compress_string(response.content, max_random_bytes=MAX_RANDOM_BYTES)
        if len(body) >= len(response.content):
            return response
        self._set_etag(request, response, encoding)
        response.content = body
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = encoding
        return response

    @staticmethod
    def _set_etag(request, response, encoding: str) -> None:
        """The ETag ConditionalGetMiddleware would give the page, per encoding.

        Weak: the gzip bytes differ on every response (the padding), the page
        they decode to does not.
        """
        etag = response.get("ETag")
        if etag is None:
            if request.method != "GET" or _no_store(response):
                return  # ConditionalGetMiddleware would not make one either
            etag = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        else:
            etag = etag.removeprefix("W/").strip('"')
        response["ETag"] = f'W/"{etag}-{encoding}"'
