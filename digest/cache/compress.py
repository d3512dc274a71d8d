"""Compress a stored page once, answer the encoding a client accepts."""

import gzip

try:
    import brotli
except ImportError:  # optional: gzip alone then
    brotli = None

ENCODINGS = ("br", "gzip") if brotli else ("gzip",)


def compress(content: bytes) -> dict[str, bytes]:
    """`content` in each encoding worth sending, keyed by Content-Encoding."""
    bodies = {"gzip": gzip.compress(content, compresslevel=6, mtime=0)}
    if brotli is not None:
        bodies["br"] = brotli.compress(content, quality=5)
    return bodies


def accepted(accept_encoding: str) -> str | None:
    """The best of our encodings the Accept-Encoding header allows, or None."""
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
    for encoding in ENCODINGS:
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return None
