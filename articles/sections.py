"""The site's sections (categories), read once per process while the site's
version holds.

The header's menu, the front page's section blocks and a section page's
section, parent and sub-sections: four ORM queries of pages rendered from
nothing, for a table of a few dozen rows that changes only through the admin,
whose every change to it bumps the site's version (`BumpsContentVersion`), as the
menu does. So each process keeps them all, as the header and footer are kept
(`digest.cache.chrome`): anew after a site-wide change, or after a minute for a
change made some other way. A slug this list does not know is looked up in the
database, so a section made elsewhere (an import) has its page at once.
"""

import time
from typing import TYPE_CHECKING

from django.apps import apps

from digest.cache.versions import SITE, current

if TYPE_CHECKING:
    from articles.models import Category

# Seconds a change made outside the admin may take to show (as the menu's).
KEEP_SECONDS = 60

# One tuple, replaced whole: a thread reads the old one or the new one.
_kept: tuple[int, float, list["Category"], dict[str, "Category"]] | None = None


def _category():
    # Looked up when first used: articles' AppConfig hands `menu_sections` to
    # the header and footer before the models are loaded.
    return apps.get_model("articles", "Category")


def all_sections() -> list["Category"]:
    """Every category in menu order (position, name), each with its parent."""
    return _load()[0]


def section(slug: str) -> "Category | None":
    """The category at `slug` with its parent, or None."""
    found = _load()[1].get(slug)
    if found is None:
        found = _category().objects.select_related("parent").filter(slug=slug).first()
    return found


def menu_sections() -> list["Category"]:
    """The menu's categories in menu order (the header's menu, `digest.cache.chrome`)."""
    return [c for c in all_sections() if c.show_in_menu]


def sub_sections(category: "Category") -> list["Category"]:
    """The menu's sub-sections of `category`, in menu order."""
    return [c for c in all_sections() if c.parent_id == category.pk and c.show_in_menu]


def _load() -> tuple[list["Category"], dict[str, "Category"]]:
    global _kept
    version = current([SITE])[SITE]
    kept = _kept
    if kept is None or kept[0] != version or time.monotonic() > kept[1]:
        categories = list(_category().objects.order_by("position", "name"))
        by_pk = {c.pk: c for c in categories}
        for category in categories:
            category._state.fields_cache["parent"] = by_pk.get(category.parent_id)
        kept = (
            version,
            time.monotonic() + KEEP_SECONDS,
            categories,
            {c.slug: c for c in categories},
        )
        _kept = kept
    return kept[2], kept[3]


def forget() -> None:
    """Drop this process's copy (tests)."""
    global _kept
    _kept = None
