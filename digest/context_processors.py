from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from digest.content import sources
from digest.models import Page, SiteSettings, UsefulLink

CHROME_TTL = 60  # seconds an edit to the menu or footer may take to show
CHROME_VERSION_KEY = "digest:chrome-version"
PAGE_VERSION_KEY = "digest:page:version"  # digest.page_cache.VERSION_KEY


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
    # The cache key this was stored under: keys the rendered header and footer.
    key: str = ""


def bump_chrome_version() -> None:
    """Make the next request rebuild the cached header and footer."""
    try:
        cache.incr(CHROME_VERSION_KEY)
    except ValueError:  # not set yet: the default is 1
        cache.set(CHROME_VERSION_KEY, 2, None)


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


def get_chrome() -> Chrome:
    versions = cache.get_many([CHROME_VERSION_KEY, PAGE_VERSION_KEY])
    # The page cache's content version too: an edit that empties the page cache
    # (digest/page_cache.py) also rebuilds the menu and footer at once.
    chrome_version = versions.get(CHROME_VERSION_KEY, 1)
    page_version = versions.get(PAGE_VERSION_KEY, 0)
    key = f"digest:chrome:{chrome_version}:{page_version}"
    chrome = cache.get(key)
    if chrome is None:
        chrome = _build_chrome()
        chrome.key = key
        cache.set(key, chrome, CHROME_TTL)
    return chrome


def site(request):
    """Site-wide settings, menu and footer for every template (cached for a minute)."""
    chrome = SimpleLazyObject(get_chrome)
    return {
        "site": SimpleLazyObject(lambda: chrome.settings),
        "chrome": chrome,
        "SITE_URL": settings.SITE_URL,
    }
