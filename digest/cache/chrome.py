"""The header and footer cache: menu, site settings, footer pages, useful links.

Two levels:

- `get_chrome()`: what the header and footer show (the menu, the site settings,
  the footer pages and useful links), built in four queries after a site-wide
  change and kept in the shared cache under ``digest:chrome:<site version>``,
  and in each process's memory while that version holds (for its minute).
- `part()`: the HTML of the parts of every page that show only that, the same for
  every reader who is not signed in (``{% chrome_part %}`` in base.html: the
  head's links, the cookie bar, the header, the footer and the sign-in dialog).
  Each process renders each part once per chrome, language, time zone, day and
  current menu item, and keeps it in memory; the address the page's forms return
  to (`next`) is a slot filled in per page. Signed-in readers' pages render the
  parts each time (their name is in the header).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from digest.cache.versions import SITE, current
from digest.content import sources
from digest.models import Page, SiteSettings, UsefulLink

CHROME_TTL = 60  # seconds an edit to the menu or footer may take to show


@dataclass
class MenuItem:
    name: str
    url: str
    slug: str
    is_highlighted: bool = False
    children: list["MenuItem"] = field(default_factory=list)


@dataclass
class Chrome:
    """Everything the header and footer show, in four queries (or none, cached)."""

    settings: SiteSettings
    menu: list[MenuItem]
    highlighted: list[MenuItem]
    footer_pages: list[tuple[str, str]]
    useful_links: list[UsefulLink]
    # The cache key this was stored under and when it was built: key the parts.
    key: str = ""
    built: int = 0

    def current_url(self, path: str) -> str:
        """`path` if a menu item links to it (it is marked as the current page)."""
        urls = {"/"}
        for item in (*self.highlighted, *self.menu):
            urls.add(item.url)
            urls.update(child.url for child in item.children)
        return path if path in urls else ""


def _build_chrome() -> Chrome:
    categories = list(sources.menu_categories())
    items = {
        c.pk: MenuItem(c.name, c.get_absolute_url(), c.slug, c.is_highlighted)
        for c in categories
    }
    top: list[MenuItem] = []
    for category in categories:
        item = items[category.pk]
        if category.parent_id is None:
            top.append(item)
        elif category.parent_id in items:
            items[category.parent_id].children.append(item)
    return Chrome(
        settings=SiteSettings.load(),
        menu=[item for item in top if not item.is_highlighted],
        highlighted=[item for item in top if item.is_highlighted],
        footer_pages=[
            (page.title, page.get_absolute_url())
            for page in Page.objects.filter(is_published=True, show_in_footer=True)
        ],
        useful_links=list(UsefulLink.objects.all()),
    )


# This process's copy of the chrome last read: unpickling it from the shared
# cache took about 0.4 ms of every page rendered from nothing.
_kept: Chrome | None = None


def get_chrome() -> Chrome:
    """The header and footer's data, rebuilt after a site-wide change (or a minute)."""
    global _kept
    # The site version: a change to the menu, settings or footer rebuilds it at once.
    version = current([SITE])[SITE]
    key = f"digest:chrome:{version}"
    kept = _kept
    if (
        kept is not None
        and kept.key == key
        and time.time_ns() < kept.built + CHROME_TTL * 1_000_000_000
    ):
        return kept
    chrome = cache.get(key)
    if chrome is None:
        chrome = _build_chrome()
        chrome.key, chrome.built = key, time.time_ns()
        cache.set(key, chrome, CHROME_TTL)
    _read_picture_sizes(chrome)
    _kept = chrome
    return chrome


def _read_picture_sizes(chrome: Chrome) -> None:
    """Read the useful links' picture sizes (the footer prints them) before the
    chrome is shared: a picture reads its size from its file the first time it
    is asked, and two threads doing so at once on one shared file failed ("seek
    of closed file"). Once read, the size is only looked up."""
    for link in chrome.useful_links:
        if link.image:
            try:
                link.image.width  # noqa: B018 (kept on the file object)
            except (OSError, ValueError):
                pass  # a missing file: the footer's template gets the same error


# The parts of the page every anonymous reader gets the same

NEXT_SLOT = "\x00next\x00"  # never in escaped HTML: `part()` puts the address there
PART_ENTRIES = 256  # per process: a few KB each

_parts: OrderedDict[tuple, str] = OrderedDict()
_parts_lock = threading.Lock()


def part(
    name: str, chrome: Chrome, path: str, full_path: str, render: Callable[[str], str]
) -> SafeString:
    """The part `name` of the page at `path`, rendered by `render(next_path)` once
    per process for what it may show, with `full_path` where it names `next_path`.

    Kept under everything a part may show besides the chrome (the language, the
    time zone and its day, the current menu item), and the chrome as built: a
    site-wide change, or the chrome rebuilt after its minute, renders it anew.
    """
    key = (
        name,
        chrome.key,
        chrome.built,
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
        chrome.current_url(path),
    )
    with _parts_lock:
        html = _parts.get(key)
        if html is not None:
            _parts.move_to_end(key)
    if html is None:
        html = render(NEXT_SLOT)
        with _parts_lock:
            _parts[key] = html
            while len(_parts) > PART_ENTRIES:
                _parts.popitem(last=False)
    return mark_safe(html.replace(NEXT_SLOT, escape(full_path)))


def forget_parts() -> None:
    """Drop this process's parts and its copy of the chrome (tests)."""
    global _kept
    _kept = None
    with _parts_lock:
        _parts.clear()
