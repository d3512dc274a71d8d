"""Per-article fragments: HTML that depends only on what it shows of one article.

A fragment's key is the content it shows, not a version to bump: the article's
id, a hash of every field it prints (and of the section it names), and the
*release*, a hash of the templates, template tags and settings its HTML comes
from. So nothing has to invalidate a fragment:

- an edit changes a field the fragment shows, hence its key: the next page
  renders (or finds, if the write path already filled it) the new one;
- renaming a section changes the cards that name it, and only those;
- a deploy that changes a template, a template tag or MEDIA_URL changes the
  release, and with it every key.

Old fragments are never read again and leave as the cache culls them. They live
in the ``fragments`` cache (settings.CACHES): a file cache of its own under
``var/cache/fragments`` by default, so the whole-page layer's churn never culls
the archive's cards; with ``CACHE_URL=redis://`` the same Redis. Because a key
never changes meaning, each process also keeps the fragments it used last in
memory (`MEMORY_ENTRIES`): the front page's cards cost no cache read at all.
"""

import hashlib
import threading
from collections import OrderedDict
from functools import cache as once
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

ALIAS = "fragments"
KEY = "digest:{kind}:{release}:{pk}:{digest}"
# A fragment outlives any page that shows it; the cache culls the unused.
TIMEOUT = 30 * 24 * 3600
# Fragments each process keeps in memory, the most recently used (a few MB).
MEMORY_ENTRIES = 3000

_recent: OrderedDict[str, dict] = OrderedDict()
_recent_lock = threading.Lock()


def store():
    """The fragments' cache; the default one where settings name none."""
    return caches[ALIAS if ALIAS in settings.CACHES else "default"]


@once
def _sources() -> bytes:
    """A hash of the templates and template tags, read once per process (a
    deploy restarts the processes)."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    # (folder, file): named relative to its folder, so every checkout of a release
    # hashes the same wherever it sits, and a template folder may lie outside it.
    sources: list[tuple[Path, Path]] = []
    for engine in settings.TEMPLATES:
        for folder in map(Path, engine.get("DIRS", [])):
            sources += ((folder, path) for path in sorted(folder.rglob("*.html")))
    for app in ("articles", "digest"):
        tags = sorted((root / app / "templatetags").glob("*.py"))
        sources += ((root, path) for path in tags)
    sources.append((root, root / "digest" / "images.py"))  # renditions' names, widths
    for folder, path in sources:
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


RELEASE_SETTINGS = ("MEDIA_URL", "STATIC_URL", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ")


# The release, worked out once per process (a card's key asks for it, and the
# front page makes 59 keys): anew only when a test changes one of its settings.
_current_release: str | None = None


def release() -> str:
    """A hash of what every fragment's HTML comes from besides its article: the
    templates, template tags and the settings that change URLs and dates."""
    global _current_release
    found = _current_release
    if found is None:
        found = _release(
            _sources(), tuple(repr(getattr(settings, n)) for n in RELEASE_SETTINGS)
        )
        _current_release = found
    return found


@receiver(setting_changed)
def _forget_release(*, setting, **kwargs) -> None:
    global _current_release
    if setting in RELEASE_SETTINGS or setting == "TEMPLATES":
        _current_release = None


@lru_cache(maxsize=8)
def _release(sources: bytes, values: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(sources, digest_size=8)
    for name, value in zip(RELEASE_SETTINGS, values, strict=True):
        digest.update(f"{name}={value}".encode())
    return digest.hexdigest()


def key(kind: str, pk: int, shown: tuple) -> str:
    """The key of the `kind` fragment of object `pk` showing the values `shown`."""
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    return KEY.format(kind=kind, release=release(), pk=pk, digest=digest)


def _remember(key: str, value: dict) -> None:
    with _recent_lock:
        _recent[key] = value
        _recent.move_to_end(key)
        while len(_recent) > MEMORY_ENTRIES:
            _recent.popitem(last=False)


def get(key: str) -> dict | None:
    """The fragment stored under `key`, from memory or the shared cache."""
    with _recent_lock:
        value = _recent.get(key)
        if value is not None:
            _recent.move_to_end(key)
            return value
    value = store().get(key)
    if value is not None:
        _remember(key, value)
    return value


def get_shared(key: str) -> dict | None:
    """The fragment under `key` in the shared cache, which may hold more than this
    process remembers (the write path stores there only)."""
    value = store().get(key)
    if value is not None:
        _remember(key, value)
    return value


def get_many(keys: list[str]) -> dict[str, dict]:
    """The fragments stored under `keys`, from the shared cache (bulk work)."""
    return store().get_many(keys)


def put(key: str, value: dict) -> None:
    store().set(key, value, TIMEOUT)
    _remember(key, value)


def put_many(values: dict[str, dict]) -> None:
    """Store many fragments (the write path, the bulk loader): shared, not in memory."""
    store().set_many(values, TIMEOUT)


def forget_recent() -> None:
    """Empty this process's memory of fragments (tests clearing every cache)."""
    with _recent_lock:
        _recent.clear()
