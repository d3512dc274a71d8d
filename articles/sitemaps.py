"""Crawler files: the sitemap index and its sections, the news sitemap, robots.txt."""

from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.models import Article, Category, TaggedArticle
from digest.cache.chrome import get_chrome
from digest.models import Page

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 10_000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at", "published_at")
            .newest_first()
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every item; one aggregate does the same job.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def _published_in(field: str):
    return Exists(Article.objects.published().filter(**{field: OuterRef("pk")}))


class CategorySitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return Category.objects.only("slug").order_by("pk")


class TagSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        used = TaggedArticle.objects.filter(
            tag=OuterRef("pk"),
            content_object__in=Article.objects.published().values("pk"),
        )
        return Tag.objects.filter(Exists(used)).only("slug").order_by("pk")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return (
            get_user_model()
            .objects.filter(_published_in("author"))
            .only("username")
            .order_by("pk")
        )


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Page.objects.filter(is_published=True).only("slug", "updated_at")

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@require_safe
@cache_control(max_age=300)
def news_sitemap(request):
    """Articles of the last 48 hours in the Google News sitemap format."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "title", "published_at")
        .newest_first()[:NEWS_LIMIT]
    )
    name = get_chrome().settings.site_name
    language = (get_language() or "en").split("-")[0]
    output = StringIO()
    xml = SimplerXMLGenerator(output, "utf-8")
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    for article in articles:
        xml.startElement("url", {})
        xml.addQuickElement(
            "loc", request.build_absolute_uri(article.get_absolute_url())
        )
        xml.startElement("news:news", {})
        xml.startElement("news:publication", {})
        xml.addQuickElement("news:name", name)
        xml.addQuickElement("news:language", language)
        xml.endElement("news:publication")
        xml.addQuickElement(
            "news:publication_date", article.published_at.isoformat(timespec="seconds")
        )
        xml.addQuickElement("news:title", article.title)
        xml.endElement("news:news")
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return HttpResponse(
        output.getvalue(), content_type="application/xml; charset=utf-8"
    )


ROBOTS_DISALLOW = ("/admin/", "/accounts/", "/search/")


@require_safe
@cache_control(max_age=3600)
def robots_txt(request):
    """Keep crawlers out of the admin, accounts and search; point them at the sitemaps."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    for name in ("sitemap", "news_sitemap"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )
