"""The one rule that turns a tag name into the slug of its page, `/tag/<slug>/`.

A newsroom writes `Qarabağ`, `Bakı`, `Москва` or `القاهرة`; the tag route takes ASCII
slugs only (`<slug:slug>`), so a name is transliterated to ASCII (anyascii) and then
slugified: `qarabag`, `baki`, `moskva`, `lqhrh`. A name with nothing left (`>`, `…`)
still gets a page, `tag-<8 hex digits of its hash>`. New tags get it through
`articles.models.ArticleTag.slugify`; migration 0007 gave it to the tags before.
"""

import hashlib
import re

from anyascii import anyascii
from django.urls.converters import SlugConverter
from django.utils.text import slugify

SLUG_MAX = 100  # taggit's Tag.slug
_BASE_MAX = SLUG_MAX - 10  # room for "-<n>" when two names make the same slug
# What the `slug` path converter matches, so reverse("articles:tag") never fails.
ROUTABLE = re.compile(rf"{SlugConverter.regex}\Z")


def tag_slug(name: str, n: int = 1) -> str:
    """The slug of a tag named `name`; `n` > 1 for the n-th name with that slug."""
    base = slugify(anyascii(name))[:_BASE_MAX].strip("-_")
    if not base:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        base = f"tag-{digest[:8]}"
    return base if n == 1 else f"{base}-{n}"


def unique_tag_slug(name: str, taken: set[str]) -> str:
    """The first of `tag_slug(name, 1)`, `tag_slug(name, 2)`, ... not in `taken`."""
    n = 1
    while (slug := tag_slug(name, n)) in taken:
        n += 1
    return slug
