"""Article cards, rendered once per content and kept as fragments (digest/cache/fragments.py).

A page prints a card with ``{% card article "row" %}`` (article_tags): the
style names where the card sits (`STYLES`). Each article's cards are kept in one
fragment, a dict of style → HTML, under a key made of everything a card shows
(`SHOWN`), so an edit, a renamed section or new image renditions make a new key
and the old card is never served. The write path fills every style after a
change is committed (`articles.caching.article_changed`), the bulk loader and
`manage.py fill_fragments` for a whole archive, so readers seldom render one; a
page that finds a style missing renders it and adds it.
"""

from collections.abc import Iterable
from operator import attrgetter

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from digest.cache import fragments
from digest.images import rendition_set

TEMPLATE = "includes/_card.html"

# Where cards sit: style → (variant, image layout, eager). See _card.html.
STYLES = {
    "hero": ("hero", "hero", True),  # the front page's lead story
    "featured": ("", "featured", False),  # the two under it
    "featured-eager": ("", "featured", True),
    "card": ("", "card", False),  # a grid card
    "card-eager": ("", "card", True),  # on the first screen of a listing
    "row": ("", "row", False),  # a grid card that phones show as a row
    "related": ("", "related", False),  # "You Might Also Like"
    "list": ("list", "thumb", False),  # "New articles"
}
# The styles any article of the archive may be shown in (listings, related
# articles); the others only ever show the newest articles (the front page, "New
# articles"), which their first page view renders.
ARCHIVE_STYLES = ("card", "card-eager", "row", "related")
FILL_BATCH = 500

# Every article field a card prints (tests/articles/test_cards.py checks
# _card.html against it), and its section's.
SHOWN = (
    "title",
    "slug",
    "lead",
    "published_at",
    "reading_time",
    "image",
    "image_alt",
    "image_width",
    "image_height",
)
SHOWN_CATEGORY = ("name", "slug")


# SHOWN's values but the picture's, and the section's, as tuples (one C call each:
# the front page makes 59 keys).
_shown_fields = attrgetter(*(name for name in SHOWN if name != "image"))
_shown_category = attrgetter(*SHOWN_CATEGORY)


def card_key(article: Article) -> str:
    """The fragment key of `article`'s cards: changes whenever one would."""
    image = article.image
    renditions = rendition_set(image) if image else None
    shown = (
        *_shown_fields(article),
        image.name if image else "",
        # New renditions (made in the background) change the picture's srcset.
        (len(renditions.webp), len(renditions.jpeg)) if renditions else (),
        article.category_id,
        *_shown_category(article.category),
    )
    return fragments.key("card", article.pk, shown)


def render_card(article: Article, style: str) -> str:
    variant, layout, eager = STYLES[style]
    return get_template(TEMPLATE).render(
        {"article": article, "variant": variant, "layout": layout, "eager": eager}
    )


def card(article: Article, style: str) -> SafeString:
    """`article`'s card in `style`, from its fragment or rendered and added to it."""
    if style not in STYLES:
        raise ValueError(f"No card style {style!r}; see articles.cards.STYLES")
    key = card_key(article)
    kept = fragments.get(key)
    html = kept.get(style) if kept else None
    if html is None and kept:
        # This process may remember fewer styles than the write path has stored
        # since (fill_fragments, the worker): writing its copy back would lose them.
        # (Nothing remembered means the shared cache had nothing either.)
        kept = fragments.get_shared(key) or kept
        html = kept.get(style)
    kept = kept or {}
    if html is None:
        html = render_card(article, style)
        fragments.put(key, {**kept, style: html})
    return mark_safe(html)  # rendered by our own template, escaped there


def fill(articles: Iterable[Article], styles: Iterable[str] = STYLES) -> int:
    """Render these styles of each article's cards (the write path); returns how many."""
    values = {
        card_key(article): {style: render_card(article, style) for style in styles}
        for article in articles
    }
    fragments.put_many(values)
    return len(values)


def fill_missing(
    queryset, *, styles: Iterable[str] = ARCHIVE_STYLES, progress=None
) -> int:
    """Fill the cards of the articles in `queryset` (newest first) that are not
    stored yet: after a bulk load, an import or a deploy that changed a template."""
    styles = tuple(styles)
    filled = 0
    ids = list(queryset.order_by("-published_at", "-pk").values_list("pk", flat=True))
    for start in range(0, len(ids), FILL_BATCH):
        batch = list(
            Article.objects.cards().filter(pk__in=ids[start : start + FILL_BATCH])
        )
        keys = {article.pk: card_key(article) for article in batch}
        stored = fragments.get_many(list(keys.values()))
        values = {}
        for article in batch:
            kept = stored.get(keys[article.pk], {})
            if not set(styles) <= kept.keys():
                values[keys[article.pk]] = kept | {
                    style: render_card(article, style) for style in styles
                }
        fragments.put_many(values)
        filled += len(values)
        if progress:
            progress(start + len(batch), len(ids))
    return filled
