"""RSS 2.0 and Atom feeds of the latest published articles, site-wide and per category."""

import copy
import mimetypes
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.models import Article, Category
from digest.cache.chrome import get_chrome

FEED_SIZE = 30
# Characters XML 1.0 cannot carry: Django's feed writer raises on them (a 500).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(text: str) -> str:
    """`text` as a feed can carry it: without the control characters XML refuses."""
    return _NOT_XML.sub("", text)


class LatestArticlesFeed(Feed):
    """The latest published articles as RSS 2.0."""

    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: keep the request on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def site_name(self) -> str:
        return get_chrome().settings.site_name

    def title(self, obj=None):
        return plain(self.site_name())

    def link(self, obj=None):
        return "/"

    def channel_text(self, obj=None) -> str:
        """What the feed is about, as plain text (the tagline, editor-controlled)."""
        return get_chrome().settings.tagline or _("The latest articles")

    def description(self, obj=None):
        # Readers treat an RSS channel description as HTML; ours is plain text,
        # so it is escaped once more and markup in it shows literally.
        return escape(plain(self.channel_text(obj)))

    def feed_url(self, obj=None):
        return self.request.path

    def articles(self, obj=None):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.articles(obj)
            .select_related("category", "author")
            .defer("body", "search_vector")
            # taggit refuses a custom queryset in Prefetch("tags"); they sort in Python.
            .prefetch_related("tags")
            .newest_first()[:FEED_SIZE]
        )

    def item_title(self, item):
        return plain(item.title)

    def item_description(self, item):
        # Readers treat the description as HTML; the lead is plain text.
        return escape(plain(item.lead))

    def item_author_name(self, item):
        return plain(item.byline_text) or None

    def item_author_link(self, item):
        return (
            self.request.build_absolute_uri(item.author.get_absolute_url())
            if item.author and not item.byline
            else None
        )

    def item_categories(self, item):
        return [plain(item.category.name), *(plain(t.name) for t in item.tags.all())]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_enclosures(self, item):
        if not item.image:
            return []
        try:
            length = item.image.size
        except OSError:  # the file is gone from storage: no enclosure
            return []
        mime_type = mimetypes.guess_type(item.image.name)[0] or "image/jpeg"
        url = self.request.build_absolute_uri(item.image.url)
        return [Enclosure(url, str(length), mime_type)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The latest published articles as Atom."""

    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        # Atom's <subtitle> without a type is text: readers show it as written.
        return plain(self.channel_text(obj))


class CategoryFeed(LatestArticlesFeed):
    """The latest published articles of a category and its sub-categories."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj=None):
        return plain(f"{obj.name} – {self.site_name()}")

    def link(self, obj=None):
        return obj.get_absolute_url()

    def channel_text(self, obj=None) -> str:
        return obj.description or _("The latest articles in %(name)s") % {
            "name": obj.name
        }

    def articles(self, obj=None):
        return Article.objects.published().in_category_tree(obj)
