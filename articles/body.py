"""An article's own parts of its page, rendered once per content and kept as a fragment.

``{% article_body article tags %}`` (article_tags) prints the breadcrumbs, the
headline, byline and dates, the picture, the body, the source, the tags and the
share links (templates/articles/_article_body.html), and ``{% article_head
article tags %}`` its `<head>` metadata (description, canonical link, Open Graph,
JSON-LD: templates/articles/_article_head.html): everything on the article's
page that shows only the article. Both are one fragment (`Parts`). Its related
and new articles are cards (articles/cards.py); the header and footer are the
site's (digest/cache/chrome.py).

Like a card, the fragment is kept under a key made of everything it shows
(`shown`) and the release (digest/cache/fragments.py), so an edit, a renamed
section, tag or author, new image renditions or a deploy that changes a template
make a new key and nothing has to invalidate it. The view count moves on every
read, so the fragment holds a slot (`VIEWS_SLOT`) the page fills in; the head's
absolute links name the scheme and host the page was asked for, another slot
(`BASE_SLOT`).

The write path renders it after a change is committed (`articles.caching`), and
`manage.py fill_fragments` for a whole archive, so a reader who opens a
long-tail article finds it ready. Kept in the shared fragments cache only, not
in each process's memory: a body is tens of times a card, and the pages read
most are in the page cache anyway.
"""

from collections.abc import Iterable
from types import SimpleNamespace
from typing import NamedTuple

from django.conf import settings
from django.template.loader import get_template

from articles.models import Article, TaggedArticle
from digest.cache import fragments
from digest.cache.chrome import get_chrome
from digest.images import rendition_set

TEMPLATE = "articles/_article_body.html"
HEAD_TEMPLATE = "articles/_article_head.html"
# Never in escaped HTML: the page puts the count there.
VIEWS_SLOT = "\x00views\x00"
# And its scheme and host here: a private-use character, which neither HTML nor
# JSON (in the JSON-LD) escapes, as a NUL would be in JSON.
BASE_SLOT = "\ue000base\ue000"
FILL_BATCH = 200

# Every article field _article_body.html and _article_head.html print
# (tests/articles/test_body.py checks the templates against it); besides these:
# the image, the section and its parent, the author, the tags, the site's name,
# about text and tagline (the head's description when the article has none) and
# SITE_URL.
SHOWN = (
    "seo_title",
    "seo_description",
    "created_at",
    "title",
    "slug",
    "lead",
    "body",
    "byline",
    "published_at",
    "updated_at",
    "reading_time",
    "image_alt",
    "image_width",
    "image_height",
    "image_caption",
    "source_url",
    "source_name",
)


def show_updated(article: Article) -> bool:
    """Whether the page names the day it was updated (a later day than published)."""
    return bool(
        article.published_at
        and article.updated_at
        and article.updated_at.date() > article.published_at.date()
    )


class Parts(NamedTuple):
    """An article's own parts of its page, with their slots."""

    body: str
    head: str


def _shown(article: Article, tags: list, site) -> tuple:
    image = article.image
    renditions = rendition_set(image) if image else None
    category = article.category
    parent = category.parent if category.parent_id else None
    author = article.author
    return (
        *(getattr(article, name) for name in SHOWN),
        image.name if image else "",
        (len(renditions.webp), len(renditions.jpeg)) if renditions else (),
        (category.pk, category.name, category.slug),
        (parent.pk, parent.name, parent.slug) if parent else (),
        (
            author.pk,
            author.username,
            author.public_name,
            author.avatar.name if author.avatar else "",
        )
        if author
        else (),
        tuple((tag.slug, tag.name) for tag in tags),
        site.site_name,
        site.about,
        site.tagline,
        settings.SITE_URL,
    )


def body_key(article: Article, tags: list, site) -> str:
    """The fragment's key; `site` is the site settings (`get_chrome().settings`)."""
    return fragments.key("body", article.pk, _shown(article, tags, site))


def render_parts(article: Article, tags: list, site, *, preview: bool = False) -> Parts:
    body_html = get_template(TEMPLATE).render(
        {
            "article": article,
            "category": article.category,
            "tags": tags,
            "show_updated": show_updated(article),
            "site_name": site.site_name,
            "SITE_URL": settings.SITE_URL,
            "views": VIEWS_SLOT,
        }
    )
    head_html = get_template(HEAD_TEMPLATE).render(
        {
            "article": article,
            "preview": preview,
            "og_image": article.image.url if article.image else "",
            "canonical": BASE_SLOT + article.get_absolute_url(),
            # What _meta.html and the JSON-LD read of the site (seo_tags).
            "chrome": SimpleNamespace(settings=site),
            "site": site,
            "absolute_base": BASE_SLOT,
        }
    )
    return Parts(body_html, head_html)


def parts(article: Article, tags: list, site, *, preview: bool = False) -> Parts:
    """The article's own parts of its page, from its fragment or rendered and
    stored, with `VIEWS_SLOT` and `BASE_SLOT` to fill (article_tags fills them).

    The page asks twice (its head, then its body): the second time is answered
    from the article instance. A preview (an editor's draft) is rendered and not kept.
    """
    if preview:
        return render_parts(article, tags, site, preview=True)
    key = body_key(article, tags, site)
    known = article.__dict__.get("_page_parts")
    if known is not None and known[0] == key:
        return known[1]
    store = fragments.store()
    found = store.get(key)
    if found is None:
        found = render_parts(article, tags, site)
        store.set(key, found, fragments.TIMEOUT)
    article.__dict__["_page_parts"] = (key, found)
    return found


def _rendered(pks: list[int], *, skip_stored: bool) -> dict[str, Parts]:
    """Key → fragment of these articles (those not stored yet, with `skip_stored`).

    Tags in the page's order (by name, in the database's collation), so the keys
    are the ones the page computes.
    """
    site = get_chrome().settings
    articles = (
        Article.objects.filter(pk__in=pks)
        .select_related("category", "category__parent", "author")
        .defer("search_vector")
    )
    tags_of: dict[int, list] = {}
    tagged = (
        TaggedArticle.objects.filter(content_object_id__in=pks)
        .select_related("tag")
        .order_by("tag__name", "tag_id")
    )
    for item in tagged:
        tags_of.setdefault(item.content_object_id, []).append(item.tag)
    keyed = {}
    for article in articles:
        tags = tags_of.get(article.pk, [])
        keyed[body_key(article, tags, site)] = (article, tags)
    if skip_stored:
        for key in fragments.store().get_many(list(keyed)):
            del keyed[key]
    return {
        key: render_parts(article, tags, site) for key, (article, tags) in keyed.items()
    }


def fill(pks: Iterable[int]) -> int:
    """Render these articles' fragments now (the write path); returns how many."""
    values = _rendered(list(pks), skip_stored=False)
    fragments.store().set_many(values, fragments.TIMEOUT)
    return len(values)


def fill_missing(queryset, *, progress=None) -> int:
    """Render the fragments of the articles in `queryset` that are not stored yet."""
    ids = list(queryset.order_by("-published_at", "-pk").values_list("pk", flat=True))
    filled = 0
    for start in range(0, len(ids), FILL_BATCH):
        values = _rendered(ids[start : start + FILL_BATCH], skip_stored=True)
        fragments.store().set_many(values, fragments.TIMEOUT)
        filled += len(values)
        if progress:
            progress(min(start + FILL_BATCH, len(ids)), len(ids))
    return filled
