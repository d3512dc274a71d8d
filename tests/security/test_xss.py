"""Every field a reader or an editor fills, filled with the XSS corpus: nothing runs."""

import math
from urllib.parse import quote

import pytest
from django.test import Client

from accounts.models import User
from articles.search import search_articles
from articles.views_search import PER_PAGE as SEARCH_PER_PAGE
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, UserFactory
from tests.security.xss import executable_parts, payloads

pytestmark = pytest.mark.django_db

PAYLOADS = payloads()


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize(
    "document",
    [
        "<p><script>alert(1)</script></p>",
        '<p><img src=x onerror="alert(1)"></p>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<iframe srcdoc="x"></iframe>',
        "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    ],
)
def test_the_checker_sees_executable_html(document):
    """The checks below would pass vacuously if the checker missed these."""
    assert executable_parts(f"<html><body>{document}</body></html>")


def assert_clean(client: Client, url: str, *, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    document = response.content.decode()
    assert executable_parts(document) == [], url
    return document


def check_all(make_url) -> list[str]:
    """Render a page per payload; collect what ran."""
    client = Client()
    failures = []
    for payload in PAYLOADS:
        url, status = make_url(payload)
        response = client.get(url)
        if response.status_code != status:
            failures.append(f"{payload!r}: {url} answered {response.status_code}")
            continue
        found = executable_parts(response.content.decode())
        if found:
            failures.append(f"{payload!r}: {found[:3]}")
    return failures


def counter():
    n = 0
    while True:
        n += 1
        yield n


@pytest.mark.parametrize(
    "field", ["title", "lead", "body", "image_caption", "image_alt", "byline"]
)
def test_article_fields_never_run_script(field):
    numbers = counter()

    def make_url(payload):
        values = {field: payload[:200]}
        if field == "body":
            values[field] = payload
        article = ArticleFactory(
            with_image=field.startswith("image"), slug=f"xss-{next(numbers)}", **values
        )
        return article.get_absolute_url(), 200

    assert check_all(make_url) == []


def test_article_fields_never_run_script_on_listings():
    """Title and lead also show on the home page and the category page."""
    category = CategoryFactory(slug="xss-listing", name="Listing")
    for n, payload in enumerate(PAYLOADS):
        ArticleFactory(
            slug=f"xss-list-{n}", title=payload[:200], lead=payload, category=category
        )
    client = Client()
    for url in ["/", "/category/xss-listing/", "/category/xss-listing/?page=2"]:
        assert_clean(client, url)


def test_tag_names_never_run_script():
    numbers = counter()

    def make_url(payload):
        article = ArticleFactory(slug=f"xss-tag-{next(numbers)}", tags=[payload[:100]])
        return article.get_absolute_url(), 200

    assert check_all(make_url) == []

    def tag_page(payload):
        from taggit.models import Tag

        tag = Tag.objects.get(name__iexact=payload[:100])
        return f"/tag/{tag.slug}/", 200

    assert check_all(tag_page) == []


def test_category_names_never_run_script():
    numbers = counter()
    categories = {}

    def article_page(payload):
        n = next(numbers)
        category = CategoryFactory(name=payload[:80], slug=f"xss-cat-{n}")
        categories[payload] = category
        article = ArticleFactory(slug=f"xss-cat-article-{n}", category=category)
        return article.get_absolute_url(), 200

    assert check_all(article_page) == []
    assert check_all(lambda p: (categories[p].get_absolute_url(), 200)) == []


def test_page_bodies_and_titles_never_run_script():
    numbers = counter()

    def make_url(payload):
        page = PageFactory(
            slug=f"xss-page-{next(numbers)}", title=payload[:200], body=payload
        )
        return page.get_absolute_url(), 200

    assert check_all(make_url) == []


@pytest.mark.parametrize("field", ["display_name", "bio"])
def test_profile_fields_never_run_script(field):
    numbers = counter()

    def make_url(payload):
        author = UserFactory(username=f"xss{next(numbers)}")
        setattr(author, field, payload[:80] if field == "display_name" else payload)
        author.save()
        ArticleFactory(slug=f"xss-by-{author.username}", author=author)
        return f"/author/{author.username}/", 200

    assert check_all(make_url) == []


def test_display_name_never_runs_script_in_the_signed_in_header():
    user = UserFactory(username="signedin")
    client = Client()
    client.force_login(user)
    for payload in PAYLOADS:
        User.objects.filter(pk=user.pk).update(display_name=payload[:80])
        assert_clean(client, "/accounts/profile/")


def test_search_queries_never_run_script():
    ArticleFactory(title="Harbour ferries return")
    assert check_all(lambda p: (f"/search/?q={quote(p)}", 200)) == []
    assert check_all(lambda p: (f"/search/?q=harbour&category={quote(p)}", 200)) == []


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_next_parameters_never_run_script(url):
    assert check_all(lambda p: (f"{url}?next={quote(p)}", 200)) == []


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
    ],
)
def test_sign_in_never_redirects_to_a_script_or_another_site(target):
    UserFactory(username="reader")
    response = Client().post(
        "/accounts/login/",
        {
            "username": "reader",
            "password": "correct horse battery staple",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "data:text/html,x", "//evil.example/"]
)
def test_cookie_bar_never_redirects_to_a_script_or_another_site(target):
    response = Client().post("/cookies/accept/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_search_highlights_never_run_script():
    """Results highlight matches in titles and snippets: the payloads come back marked."""
    for n, payload in enumerate(PAYLOADS):
        ArticleFactory(
            slug=f"xss-found-{n}",
            title=f"Harbour {payload}"[:200],
            lead=f"Harbour news {payload}",
            body=f"<p>Harbour {payload}</p>",
        )
    client = Client()
    for query in ["harbour", "harbour script alert", "img onerror alert", "javascript"]:
        pages = math.ceil(search_articles(query).count() / SEARCH_PER_PAGE)
        for page in range(1, min(pages, 3) + 1):  # past the last page is a 404
            document = assert_clean(client, f"/search/?q={quote(query)}&page={page}")
    assert "<mark>" in assert_clean(client, "/search/?q=harbour")
    assert document
