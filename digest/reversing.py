"""`reverse()` for the slug URLs every card, list and link prints, at a fraction of
its cost.

Django's `reverse()` took about 60 µs a call on this VM, and the front page
printed about 40 (its "Latest" list, its sections' links): 2.5 ms of a page
rendered from nothing. `slug_url(name, slug)` reverses each URL name once per
URL configuration and script prefix, with a marker where the slug goes, and
puts the slug in: the same string, since a slug (what Django's `slug` path
converter matches) needs no quoting. Anything else goes to `reverse()`, which
raises for it as before.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.urls.converters import SlugConverter

_SLUG = re.compile(SlugConverter.regex)  # what a <slug:...> URL accepts
_MARK = "slug-goes-here-0d1e"


@lru_cache(maxsize=64)
def _around(name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    before, mark, after = reverse(
        name, kwargs={"slug": _MARK}, urlconf=urlconf
    ).partition(_MARK)
    assert mark, f"{name}'s URL does not print its slug as given"
    return before, after


def slug_url(name: str, slug: str) -> str:
    """`reverse(name, kwargs={"slug": slug})`."""
    if not _SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})
    before, after = _around(
        name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return f"{before}{slug}{after}"
