"""Exact SQL query counts of every public page rendered cold, at two archive sizes.

A *cold* page is one no reader has had since the last change: Django's
whole-page layer (`PageCacheMiddleware`) is taken out, as in the bench's cold
rows (bench/cold.py), and the default cache holds only what rendering one
other page leaves there: the header and footer (`digest.cache.chrome`) and the
content versions, none of which costs a query. Everything else a page caches
for itself (its article row, the next scheduled publication, the "Most read"
ids) is cold, and in-process caches are emptied as in a fresh worker.

Each page is measured at SMALL and at ten times as many articles: a count
that grows with the archive (a query per card, per tag, per section) fails
one of the two. The issue's promise is "a small constant number of queries at
100,000 articles"; bench/bench.py --growth-only checks that size.

Search past RANK_LIMIT (300) expected matches ranks only the newest ones, and
finding the cutoff date costs one query per content version (cached after);
tests/articles/test_search.py counts that branch.

When a change to the pages moves a count on purpose, update its row in the
table below and the note naming its queries; run the failing test with -v to
see the SQL it caught.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleDailyViews, ArticleTag, TaggedArticle
from articles.search import refresh_all_search_vectors
from bench.cold import page_layer_off
from digest.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    PageFactory,
    UsefulLinkFactory,
    UserFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

# Queries of each page, cold, for an anonymous reader. One constant per page.
COLD_QUERIES = {
    # the featured and the newest cards ("Latest" and "New articles": one
    # statement, articles/page_sql.py); the cards of the newest of each section
    # (one statement; the sections themselves are kept in-process with the
    # menu, articles/sections.py); "Most read" ids (day views); their cards.
    "home": 4,
    # the article with its section, author and tags (one statement,
    # articles/page_sql.py); the related cards, ranked by shared tags among the
    # candidates (its tags' newest, its section's newest, the newest: one
    # statement); the "New articles" cards and the next scheduled publication
    # (how long that list may be kept; one list for every article page, so the
    # first cold page pays for it and the next ones do not: see the test below).
    "article": 4,
    # the paginator's COUNT and the next scheduled publication (how long the
    # count may be kept: one count for every page of the listing, so the first
    # cold page pays for it and the next ones do not: see the test below); the
    # page's cards. The section, its parent and sub-sections are kept with the
    # menu (articles/sections.py).
    "section": 3,
    "section page 2": 3,
    # the tag; the COUNT and the next scheduled publication; the page's cards.
    "tag": 4,
    # the author; the COUNT and the next scheduled publication; the page's cards.
    "author": 4,
    # the planner's estimates of published and matching articles (one EXPLAIN);
    # the ranking (ids, dates and scores of the matches, which also counts
    # them); the page's ten articles with section, author and headlines (the
    # top-level sections for the filter are kept with the menu).
    "search": 3,
    # the newest cards (up to 30); their tags (prefetch).
    "rss": 2,
    # the articles' latest update (MAX); a COUNT per sitemap for its pages:
    # articles, sections, tags in use, authors who published; the policy
    # pages (their latest update, read from the rows); their COUNT.
    "sitemap": 7,
}

# A signed-in reader reopening an article: the user (the session comes from the
# cache, the page from the shared render, the history write was done before).
SIGNED_IN_ARTICLE_QUERIES = 1

SMALL = 15
SIZES = [SMALL, SMALL * 10]
TAGS = ["energy", "trade", "climate", "rail", "ports", "budget"]
SEARCH_WORD = "ferry"  # in every fourth title


@pytest.fixture
def archive(request):
    """`size` published articles over four sections, six tags and three authors.

    News has two sub-sections and more than a page of articles at either size;
    each article has three tags, so every article has related ones; eight were
    read this week, so "Most read" is full.
    """
    size = request.param
    SiteSettings.load()
    PageFactory(title="About us", slug="about", show_in_footer=True)
    UsefulLinkFactory()
    news = CategoryFactory(name="News", slug="news")
    economy = CategoryFactory(name="Economy", slug="economy", parent=news)
    politics = CategoryFactory(name="Politics", slug="politics", parent=news)
    culture = CategoryFactory(name="Culture", slug="culture")
    sections = [news, economy, politics, news, economy, culture]
    authors = UserFactory.create_batch(3)
    now = timezone.now()
    # bulk_create: save() only cleans the body, which is clean already.
    articles = Article.objects.bulk_create(
        ArticleFactory.build(
            title=f"{'Ferry' if i % 4 == 0 else 'Harbour'} report number {i}",
            slug=f"report-{i}",
            category=sections[i % len(sections)],
            author=authors[i % len(authors)],
            is_featured=i < 3,
            published_at=now - timedelta(hours=i + 1),
            image=image_file(width=320, height=180) if i < 2 else "",
        )
        for i in range(size)
    )
    ArticleFactory(title="Ferry draft", category=news, draft=True)
    ArticleFactory(title="Ferry tomorrow", category=news, scheduled=True)
    tags = ArticleTag.objects.bulk_create(ArticleTag(name=n, slug=n) for n in TAGS)
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tags[(i + k) % len(tags)])
        for i, article in enumerate(articles)
        for k in range(3)
    )
    refresh_all_search_vectors()
    ArticleDailyViews.objects.bulk_create(
        ArticleDailyViews(article=article, day=timezone.localdate(), views=n)
        for n, article in enumerate(articles[:8], start=1)
    )
    return {"size": size, "articles": articles, "author": authors[0]}


def page_url(page: str, archive) -> str:
    return {
        "home": "/",
        "article": archive["articles"][7].get_absolute_url(),
        "section": reverse("articles:category", args=["news"]),
        "section page 2": reverse("articles:category", args=["news"]) + "?page=2",
        "tag": reverse("articles:tag", args=["energy"]),
        "author": reverse("author", args=[archive["author"].username]),
        "search": reverse("articles:search") + f"?q={SEARCH_WORD}",
        "rss": reverse("articles:feed"),
        "sitemap": reverse("sitemap"),
    }[page]


def missing_content(page: str, text: str, archive) -> list[str]:
    """What a reader of `page` should see and does not: the count is of a full page."""
    cards = text.count('<article class="card')
    expected = {
        "home": {
            "featured and latest cards": cards >= 15,
            "section blocks": 'id="section-news"' in text
            and 'id="section-culture"' in text,
            "most read": 'class="ranked-list"' in text,
        },
        "article": {
            "related cards": "You Might Also Like" in text and cards >= 6,
            "its tags": 'href="/tag/trade/"' in text and 'href="/tag/rail/"' in text,
        },
        "section": {
            "a full page of cards": cards == 12,
            "sub-section links": 'href="/category/economy/"' in text,
        },
        "section page 2": {"cards": 1 <= cards <= 12},
        "tag": {"cards": cards >= 5},
        "author": {"cards": cards >= 5, "name": archive["author"].display_name in text},
        "search": {
            "highlighted hits": "<mark>Ferry</mark>" in text,
            "no unpublished hit": "Ferry draft" not in text
            and "Ferry tomorrow" not in text,
        },
        "rss": {"items": text.count("<item>") == min(archive["size"], 30)},
        "sitemap": {"one sitemap per kind": text.count("<sitemap>") == 5},
    }[page]
    return [name for name, seen in expected.items() if not seen]


def cold(client):
    """Empty every cache but the header and footer's (and the sections read with
    the menu), as one rendered page leaves it."""
    cache.clear()
    ContentType.objects.clear_cache()
    assert client.get("/about/").status_code == 200


@pytest.mark.parametrize("archive", SIZES, indirect=True, ids=lambda n: f"{n}")
@pytest.mark.parametrize("page", COLD_QUERIES)
def test_cold_page_costs_the_same_queries_at_any_archive_size(
    client, archive, page, django_assert_num_queries
):
    url = page_url(page, archive)
    with page_layer_off():
        cold(client)
        with django_assert_num_queries(COLD_QUERIES[page]):
            response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # rendered, not a stored page
    assert missing_content(page, response.content.decode(), archive) == []


@pytest.mark.parametrize("archive", SIZES, indirect=True, ids=lambda n: f"{n}")
def test_the_next_cold_article_finds_the_new_articles_list_kept(
    client, archive, django_assert_num_queries
):
    """The long tail: every article page shows the same "New articles" list, so
    once one cold page kept it, another costs its article and its related."""
    with page_layer_off():
        cold(client)
        assert client.get(page_url("article", archive)).status_code == 200
        other = archive["articles"][11]
        with django_assert_num_queries(COLD_QUERIES["article"] - 2):
            response = client.get(other.get_absolute_url())
    assert response.status_code == 200
    assert other.title in response.text
    assert "You Might Also Like" in response.text
    assert 'id="new-articles-title"' in response.text
    assert response.text.count('<article class="card') >= 6


@pytest.mark.parametrize("archive", SIZES, indirect=True, ids=lambda n: f"{n}")
@pytest.mark.parametrize("page", ["section", "tag", "author"])
def test_the_next_cold_page_of_a_listing_finds_its_count_kept(
    client, archive, page, django_assert_num_queries
):
    """Every page of a listing shows how many pages it has: counted once while the
    listing is unchanged, so another page costs its listing and its cards."""
    url = page_url(page, archive)
    with page_layer_off():
        cold(client)
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(COLD_QUERIES[page] - 2):
            response = client.get(url)
    assert response.status_code == 200
    assert missing_content(page, response.content.decode(), archive) == []
    pagination = 'class="pagination"'
    assert (pagination in first.text) == (pagination in response.text)


@pytest.mark.parametrize("archive", SIZES, indirect=True, ids=lambda n: f"{n}")
def test_signed_in_reader_reopening_an_article_costs_one_query(
    client, archive, django_assert_num_queries
):
    reader = UserFactory(display_name="Reader Rosa")
    client.force_login(reader)
    url = page_url("article", archive)
    cold(client)
    first = client.get(url)  # renders the shared page, notes the reading
    assert first.status_code == 200
    with django_assert_num_queries(SIGNED_IN_ARTICLE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "Reader Rosa" in response.text
    assert "You Might Also Like" in response.text
    assert "private" in response["Cache-Control"]
