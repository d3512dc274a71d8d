"""The header and footer cache: menu, site settings, footer pages, useful links."""

from dataclasses import dataclass, field

from django.core.cache import cache

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
    # The cache key this was stored under: keys the rendered header and footer.
    key: str = ""


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
    """The header and footer's data, rebuilt after a site-wide change (or a minute)."""
    # The site version: a change to the menu, settings or footer rebuilds it at once.
    version = current([SITE])[SITE]
    key = f"digest:chrome:{version}"
    chrome = cache.get(key)
    if chrome is None:
        chrome = _build_chrome()
        chrome.key = key
        cache.set(key, chrome, CHROME_TTL)
    return chrome
