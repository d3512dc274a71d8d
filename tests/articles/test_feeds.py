from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from digest.models import SiteSettings
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


def test_feed_urls_are_stable():
    assert reverse("articles:feed") == "/feed/"
    assert reverse("articles:feed_atom") == "/feed/atom/"
    assert (
        reverse("articles:category_feed", kwargs={"slug": "news"})
        == "/category/news/feed/"
    )


def test_rss_lists_latest_published_articles_newest_first(client):
    now = timezone.now()
    for days in (3, 1, 2):
        ArticleFactory(
            slug=f"day-{days}",
            title=f"Story from {days} days ago",
            published_at=now - timedelta(days=days),
        )
    response, feed = parse(client, "/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert not feed.bozo
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/articles/day-1/",
        "http://testserver/articles/day-2/",
        "http://testserver/articles/day-3/",
    ]


def test_rss_entry_has_lead_author_categories_and_dates(client):
    author = UserFactory(display_name="Ana Ruiz")
    article = ArticleFactory(
        slug="quay",
        title="Quay widened",
        lead="Work starts in <May> & lasts a year.",
        author=author,
        category=CategoryFactory(name="Local"),
        tags=["Harbour", "Council"],
    )
    _, feed = parse(client, "/feed/")
    entry = feed.entries[0]
    assert entry.title == "Quay widened"
    # Plain text escaped once more, so readers (HTML) show "<May> &" literally.
    assert entry.summary == "Work starts in &lt;May&gt; &amp; lasts a year."
    assert entry.author == "Ana Ruiz"
    assert {tag.term for tag in entry.tags} == {"Local", "Harbour", "Council"}
    assert entry.published_parsed[:5] == article.published_at.utctimetuple()[:5]


def test_feed_has_the_featured_image_as_enclosure(client):
    article = ArticleFactory(slug="photo", with_image=True)
    _, feed = parse(client, "/feed/")
    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.href == f"http://testserver{article.image.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == article.image.size > 0


def test_feed_holds_at_most_30_articles(client):
    ArticleFactory.create_batch(32)
    _, feed = parse(client, "/feed/")
    assert len(feed.entries) == 30


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/category/news/feed/"])
def test_drafts_review_and_scheduled_articles_never_appear(client, url):
    news = CategoryFactory(name="News")
    ArticleFactory(slug="live", category=news)
    ArticleFactory(slug="draft", category=news, draft=True)
    ArticleFactory(slug="review", category=news, in_review=True)
    ArticleFactory(slug="later", category=news, scheduled=True)
    _, feed = parse(client, url)
    assert [entry.link.rsplit("/", 2)[-2] for entry in feed.entries] == ["live"]


def test_atom_feed_is_valid_atom_with_author_and_updated(client):
    ArticleFactory(slug="quay", author=UserFactory(display_name="Ana Ruiz"))
    response, feed = parse(client, "/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    assert not feed.bozo
    entry = feed.entries[0]
    assert entry.link == "http://testserver/articles/quay/"
    assert entry.author == "Ana Ruiz"
    assert entry.updated_parsed is not None


def test_category_feed_includes_sub_categories_only(client):
    news = CategoryFactory(name="News")
    local = CategoryFactory(name="Local", parent=news)
    ArticleFactory(slug="in-news", category=news)
    ArticleFactory(slug="in-local", category=local)
    ArticleFactory(slug="in-sport", category=CategoryFactory(name="Sport"))
    _, feed = parse(client, "/category/news/feed/")
    assert feed.feed.title.startswith("News")
    assert {entry.link.rsplit("/", 2)[-2] for entry in feed.entries} == {
        "in-news",
        "in-local",
    }


def test_unknown_category_feed_is_404(client):
    assert client.get("/category/missing/feed/").status_code == 404


def test_feed_query_count_does_not_grow_with_articles(
    client, django_assert_max_num_queries
):
    for index in range(25):
        ArticleFactory(tags=[f"Tag {index}", "Harbour", "Council"])
    client.get("/feed/")  # warm the cached site settings
    with django_assert_max_num_queries(3):
        response = client.get("/feed/")
    assert response.status_code == 200


HOSTILE = '<img src=x onerror="alert(1)">Daily <b>news</b> & <script>alert(2)</script>'


def html_elements(text: str) -> list[str]:
    """The tags a reader parsing `text` as HTML would build (none for plain text)."""
    fragment = lxml_html.fragment_fromstring(text, create_parent="div")
    return [element.tag for element in fragment.iterdescendants()]


def test_rss_channel_description_from_the_tagline_is_plain_text(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"tagline": HOSTILE})
    response = client.get("/feed/")
    assert response.status_code == 200
    (description,) = etree.fromstring(response.content).xpath(
        "/rss/channel/description"
    )
    # Readers render the channel description as HTML: no markup may come through.
    assert html_elements(description.text) == []
    assert (
        lxml_html.fragment_fromstring(description.text, create_parent="div").text
        == HOSTILE
    )


def test_atom_subtitle_from_the_tagline_is_text(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"tagline": HOSTILE})
    response = client.get("/feed/atom/")
    assert response.status_code == 200
    (subtitle,) = etree.fromstring(response.content).xpath(
        "/a:feed/a:subtitle", namespaces={"a": "http://www.w3.org/2005/Atom"}
    )
    assert subtitle.get("type") in (None, "text")
    assert subtitle.text == HOSTILE
    parsed = feedparser.parse(response.content)
    assert parsed.feed.subtitle_detail.type == "text/plain"


def test_category_feed_description_is_plain_text(client):
    CategoryFactory(name="News", slug="news", description=HOSTILE)
    response = client.get("/category/news/feed/")
    assert response.status_code == 200
    (description,) = etree.fromstring(response.content).xpath(
        "/rss/channel/description"
    )
    assert html_elements(description.text) == []
    assert not feedparser.parse(response.content).bozo


def test_control_characters_in_editor_text_do_not_break_the_feed(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"tagline": "Daily\x0bnews"})
    ArticleFactory(title="Ferry\x1b resumes", lead="Lead\x08 text")
    for url in ("/feed/", "/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo
        assert parsed.entries[0].title == "Ferry resumes"
