"""Versions of what pages show, and the tags a render declares (see digest/cache)."""

import secrets
import time
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

SITE = "site"
KEY = "digest:v:{tag}"
# Kept far longer than any entry that records them.
TTL = 7 * 24 * 3600

_collecting: ContextVar[tuple[set[str], ...]] = ContextVar(
    "digest_cache_collecting", default=()
)


def shows(*tags: str) -> None:
    """Record that what is being rendered shows `tags` (e.g. "article:12")."""
    for collected in _collecting.get():
        collected.update(tags)


@contextmanager
def collecting():
    """Collect the tags declared by `shows()` while the block runs."""
    tags: set[str] = set()
    token = _collecting.set((*_collecting.get(), tags))
    try:
        yield tags
    finally:
        _collecting.reset(token)


def bump(*tags: str, gone: bool = False) -> None:
    """Make everything that shows `tags` stale; `gone`: no stale copy of it either."""
    if not tags:
        return
    stamp = time.time_ns()
    cache.set_many(
        {KEY.format(tag=tag): -stamp if gone else stamp for tag in set(tags)}, TTL
    )


def stamp(tags: Iterable[str], started_ns: int) -> dict[str, int] | None:
    """The current versions of `tags` and the site's, or None if one changed after
    `started_ns`."""
    versions = current({SITE, *tags})
    if any(abs(v) > started_ns for v in versions.values()):
        return None  # changed while it was rendered: maybe shows the old content
    return versions


def current(tags: Iterable[str]) -> dict[str, int]:
    """The versions of `tags`, each set on first use."""
    tags = sorted(set(tags))
    keys = [KEY.format(tag=tag) for tag in tags]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    # Never changed, or evicted: a random value, so no entry that recorded an
    # evicted one is fresh again; below any change's timestamp, so it does not
    # count as changed during a render. Where another process set it first,
    # its value is read back.
    lost = []
    for key in missing:
        value = secrets.randbelow(2**40) + 1
        if cache.add(key, value, TTL):
            found[key] = value
        else:
            lost.append(key)
    if lost:
        found |= cache.get_many(lost)
    return {tag: found.get(key, 0) for tag, key in zip(tags, keys, strict=True)}


def check(recorded: dict[str, int]) -> str:
    """ "fresh" if no version in `recorded` changed, "gone" if one was removed, else "stale"."""
    keys = {tag: KEY.format(tag=tag) for tag in recorded}
    found = cache.get_many(list(keys.values()))
    state = "fresh"
    for tag, version in recorded.items():
        current = found.get(keys[tag])
        if current != version:
            if current is not None and current < 0:
                return "gone"
            state = "stale"
    return state
