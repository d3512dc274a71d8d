"""What digest's site-wide parts read from the content apps, handed over at ready().

digest is the ground (imports point digest <- articles <- accounts): it names no
app. The app that owns the data sets these from its AppConfig.ready() (see
articles/apps.py). Until one does, the menu is empty and nothing is scheduled.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


def _no_menu() -> Iterable[Any]:
    return []


def _nothing_scheduled(now: datetime) -> datetime | None:
    return None


@dataclass
class Sources:
    # The menu's categories in menu order: each with name, slug, parent_id,
    # is_highlighted and get_absolute_url() (digest/cache/chrome.py).
    menu_categories: Callable[[], Iterable[Any]] = _no_menu
    # When the next article scheduled after `now` goes live (digest/cache/pages.py).
    next_publication: Callable[[datetime], datetime | None] = _nothing_scheduled


sources = Sources()
