import json
import re

import pytest
from django.template import Context, Template, engines
from django.test import RequestFactory
from lxml import html as lxml_html

from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script>"


def render(source, request_path="/", **context):
    """Render `source` as a page would: with the request and context processors."""
    request = RequestFactory().get(request_path)
    return engines["django"].from_string(source).render(context, request)


def json_ld(page_html):
    document = lxml_html.fromstring(page_html)
    return [
        json.loads(script.text)
        for script in document.xpath('//script[@type="application/ld+json"]')
    ]


def test_article_json_ld_is_news_article_with_required_keys():
    news = CategoryFactory(name="News")
    local = CategoryFactory(name="Local", parent=news)
    article = ArticleFactory(
        slug="quay",
        title="Quay widened",
        category=local,
        author=UserFactory(username="ana", display_name="Ana Ruiz"),
        with_image=True,
    )
    rendered = render(
        '{% include "articles/_article_jsonld.html" %}',
        "/articles/quay/",
        article=article,
    )
    news_article, breadcrumbs = json_ld(rendered)
    assert news_article["@context"] == "https://schema.org"
    assert news_article["@type"] == "NewsArticle"
    assert news_article["headline"] == "Quay widened"
    assert news_article["image"] == [f"http://testserver{article.image.url}"]
    assert news_article["datePublished"] == article.published_at.isoformat(
        timespec="seconds"
    )
    assert news_article["dateModified"] >= news_article["datePublished"]
    assert news_article["author"] == [
        {
            "@type": "Person",
            "name": "Ana Ruiz",
            "url": "http://testserver/author/ana/",
        }
    ]
    publisher = news_article["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["logo"]["url"].startswith("http://testserver/static/")
    assert news_article["mainEntityOfPage"]["@id"] == "http://testserver/articles/quay/"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == [
        "Digest",
        "News",
        "Local",
        "Quay widened",
    ]
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3, 4]


def test_rendition_url_replaces_the_original_image():
    article = ArticleFactory(with_image=True)
    rendered = render(
        '{% include "articles/_article_jsonld.html" with image_url="/media/r/w1200.jpg" %}',
        article=article,
    )
    assert json_ld(rendered)[0]["image"] == ["http://testserver/media/r/w1200.jpg"]


def test_hostile_title_cannot_break_out_of_json_ld():
    article = ArticleFactory(title=HOSTILE, lead="<!-- & -->", byline=HOSTILE)
    rendered = render('{% include "articles/_article_jsonld.html" %}', article=article)
    assert "<script>alert(1)" not in rendered
    assert rendered.count("<script") == 2
    assert rendered.count("</script>") == 2
    news_article, breadcrumbs = json_ld(rendered)
    assert news_article["headline"] == HOSTILE
    assert news_article["description"] == "<!-- & -->"
    assert breadcrumbs["itemListElement"][-1]["name"] == HOSTILE


def test_meta_include_renders_description_canonical_open_graph_and_twitter():
    rendered = render(
        '{% include "includes/_meta.html" with title=t description=d image_url="/media/a.jpg" og_type="article" %}',
        "/articles/quay/?utm_source=x&page=1",
        t='Quay "widened"',
        d="<b>Work</b> starts in May",
    )
    document = lxml_html.fromstring(f"<html><head>{rendered}</head></html>")

    def meta(attribute, name):
        (element,) = document.xpath(f'//meta[@{attribute}="{name}"]')
        return element.get("content")

    (canonical,) = document.xpath('//link[@rel="canonical"]')
    assert canonical.get("href") == "http://testserver/articles/quay/"
    assert meta("name", "description") == "Work starts in May"
    assert meta("property", "og:title") == 'Quay "widened"'
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:url") == "http://testserver/articles/quay/"
    assert meta("property", "og:image") == "http://testserver/media/a.jpg"
    assert meta("name", "twitter:card") == "summary_large_image"
    assert not document.xpath('//meta[@name="robots"]')


def test_canonical_keeps_a_page_number_past_the_first():
    rendered = render(
        '{% include "includes/_meta.html" %}', "/category/news/?page=3&sort=x"
    )
    assert '<link rel="canonical" href="http://testserver/category/news/?page=3">' in (
        rendered
    )


def test_hostile_description_is_escaped_in_meta_tags():
    rendered = render(
        '{% include "includes/_meta.html" with title=t description=t %}', t=HOSTILE
    )
    assert "<script>" not in rendered
    assert re.search(r'content="[^"]*&lt;', rendered)


def test_search_page_is_noindex_with_canonical(client):
    response = client.get("/search/", {"q": "harbour"})
    document = lxml_html.fromstring(response.content)
    assert document.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert document.xpath('//link[@rel="canonical"]/@href') == [
        "http://testserver/search/"
    ]


def test_meta_include_uses_the_image_field_when_no_rendition_is_given():
    article = ArticleFactory(with_image=True)
    rendered = render(
        '{% include "includes/_meta.html" with image=article.image %}',
        article=article,
    )
    assert (
        f'<meta property="og:image" content="http://testserver{article.image.url}">'
        in rendered
    )
    no_image = render(
        '{% include "includes/_meta.html" with image=article.image %}',
        article=ArticleFactory(),
    )
    assert "og:image" not in no_image
    assert '<meta name="twitter:card" content="summary">' in no_image


def test_meta_include_renders_without_site_or_request():
    rendered = Template('{% include "includes/_meta.html" %}').render(Context({}))
    assert '<meta property="og:title" content="Digest">' in rendered


def test_account_pages_are_noindex(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    document = lxml_html.fromstring(response.content)
    assert document.xpath('//meta[@name="robots"]/@content') == ["noindex"]


def test_article_page_has_json_ld_open_graph_and_canonical(client):
    article = ArticleFactory(slug="quay", title=HOSTILE, lead="Work starts in May.")
    response = client.get("/articles/quay/?utm_source=feed")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    document = lxml_html.fromstring(response.content)
    news_article = next(
        data for data in json_ld(response.content) if data["@type"] == "NewsArticle"
    )
    assert news_article["headline"] == HOSTILE
    assert news_article["datePublished"] == article.published_at.isoformat(
        timespec="seconds"
    )
    assert document.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert document.xpath('//link[@rel="canonical"]/@href') == [
        "http://testserver/articles/quay/"
    ]
    assert document.xpath('//meta[@name="description"]/@content') == [
        "Work starts in May."
    ]
    assert not document.xpath('//meta[@name="robots"]')


def test_listing_pages_have_their_own_description(client):
    news = CategoryFactory(name="News", description="All the news from the coast.")
    ArticleFactory(category=news)
    document = lxml_html.fromstring(client.get("/category/news/").content)
    assert document.xpath('//meta[@name="description"]/@content') == [
        "All the news from the coast."
    ]
    assert document.xpath('//meta[@property="og:title"]/@content') == ["News"]
