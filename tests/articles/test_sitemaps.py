from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from tests.factories import ArticleFactory, CategoryFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def fetch_xml(client, url, schema_name):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    validator = schema(schema_name)
    assert validator.validate(document), validator.error_log
    return document


def locs(document):
    return [loc.text for loc in document.iterfind(".//sm:loc", NS)]


@pytest.fixture
def site_content():
    news = CategoryFactory(name="News")
    writer = UserFactory(username="writer")
    ArticleFactory(slug="live", category=news, author=writer, tags=["Harbour"])
    ArticleFactory(slug="draft", draft=True, author=UserFactory(username="drafter"))
    ArticleFactory(slug="later", scheduled=True, tags=["Secretplan"])
    ArticleFactory(slug="review", in_review=True)
    PageFactory(slug="privacy", title="Privacy Policy")
    PageFactory(slug="hidden", is_published=False)


def test_sitemap_index_lists_every_section(client, site_content):
    document = fetch_xml(client, "/sitemap.xml", "siteindex.xsd")
    assert document.tag == f"{{{NS['sm']}}}sitemapindex"
    assert set(locs(document)) == {
        f"http://testserver/sitemap-{section}.xml"
        for section in ("articles", "categories", "tags", "authors", "pages")
    }


def test_articles_sitemap_has_published_articles_with_lastmod(client, site_content):
    document = fetch_xml(client, "/sitemap-articles.xml", "sitemap.xsd")
    assert locs(document) == ["http://testserver/articles/live/"]
    lastmod = document.findtext(".//sm:lastmod", namespaces=NS)
    assert lastmod == timezone.now().date().isoformat()


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("categories", "/category/news/"),
        ("tags", "/tag/harbour/"),
        ("authors", "/author/writer/"),
        ("pages", "/privacy/"),
    ],
)
def test_section_sitemaps_list_public_pages_only(
    client, site_content, section, expected
):
    document = fetch_xml(client, f"/sitemap-{section}.xml", "sitemap.xsd")
    urls = locs(document)
    assert f"http://testserver{expected}" in urls
    text = " ".join(urls)
    for hidden in ("draft", "later", "review", "drafter", "secretplan", "hidden"):
        assert hidden not in text


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_has_last_48_hours_in_google_news_format(client, site_content):
    ArticleFactory(
        slug="old", published_at=timezone.now() - timedelta(hours=49), title="Old"
    )
    ArticleFactory(slug="fresh", title="Fresh <news> & views")
    document = fetch_xml(client, "/news-sitemap.xml", "news-sitemap.xsd")
    assert document.nsmap == {None: NS["sm"], "news": NS["news"]}
    assert locs(document) == [
        "http://testserver/articles/fresh/",
        "http://testserver/articles/live/",
    ]
    first = document.find("sm:url/news:news", NS)
    assert first.findtext("news:publication/news:name", namespaces=NS) == "Digest"
    assert first.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert first.findtext("news:title", namespaces=NS) == "Fresh <news> & views"
    published = first.findtext("news:publication_date", namespaces=NS)
    assert published.endswith("+00:00")


def test_robots_txt_names_sitemaps_and_keeps_crawlers_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/accounts/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_articles_sitemap_query_count_is_flat(client, django_assert_max_num_queries):
    ArticleFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        response = client.get("/sitemap-articles.xml")
    assert response.content.count(b"<url>") == 30
