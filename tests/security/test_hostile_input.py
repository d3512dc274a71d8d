"""Malformed and oversized input on every public URL: a 4xx or a normal page, never a 500."""

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000

# Query strings sent to every public URL, raw (already percent-encoded where needed).
HOSTILE_QUERIES = [
    "page=-1",
    "page=0",
    "page=99999999999999999999999999",
    "page=1e309",
    "page=NaN",
    "page=%00",
    "page=1&page=2",
    "page[]=1",
    "q=%00",
    "q=a%00b",
    "q=%ff%fe",
    "q=%c0%af",
    "q=%ed%a0%80",
    f"q={HUGE}",
    "q=%27%22%3B--",
    "q=%5C",
    "q=***",
    "q=%26%7C%21%3A*",
    "q=harbour&category=%00",
    "q=harbour&category=%ff",
    f"q=harbour&category={HUGE}",
    "next=%00",
    "next=%ff%fe",
    f"next={HUGE}",
    "next=javascript:alert(1)",
    "next=//evil.example/",
    "utm_source=x&fbclid=y&unknown=%00",
    "%ff%fe=%ff%fe",
    f"{HUGE}=1",
    "a=%",
    "a=%zz",
]


@pytest.fixture
def public_urls():
    article = ArticleFactory(with_image=True, tags=["harbour"])
    page = PageFactory(slug="privacy", title="Privacy")
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": article.category.get_absolute_url(),
        "tag": "/tag/harbour/",
        "author": f"/author/{article.author.username}/",
        "search": "/search/",
        "feed": "/feed/",
        "atom feed": "/feed/atom/",
        "sitemap": "/sitemap.xml",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "policy page": page.get_absolute_url(),
    }


def request_status(client: Client, method: str, url: str, **kwargs) -> str | int:
    """The status, or the exception a 500 would have been (for a readable failure)."""
    try:
        return getattr(client, method)(url, **kwargs).status_code
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"


def failures_of(client, method, url, **kwargs) -> list[str]:
    status = request_status(client, method, url, **kwargs)
    if isinstance(status, int) and status < 500:
        return []
    return [f"{method.upper()} {url[:120]} -> {status}"]


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "article",
        "category",
        "tag",
        "author",
        "search",
        "feed",
        "atom feed",
        "sitemap",
        "login",
        "signup",
        "policy page",
    ],
)
def test_hostile_query_strings_never_cause_a_server_error(public_urls, name):
    url = public_urls[name]
    try:
        resolve(url)
    except Resolver404:
        pytest.fail(f"{url} ({name}) does not exist")
    client = Client()
    assert client.get(url).status_code == 200
    failures = []
    for query in HOSTILE_QUERIES:
        failures += failures_of(client, "get", f"{url}?{query}")
    assert failures == []


HOSTILE_PATHS = [
    "/articles/%00/",
    "/articles/%ff%fe/",
    f"/articles/{HUGE}/",
    "/category/%00/",
    "/category/%ff/",
    "/tag/%00/",
    "/tag/%ff%fe/",
    "/author/%00/",
    "/author/a%00b/",
    "/author/%ff%fe/",
    f"/author/{HUGE}/",
    "/%00/",
    "/%ff%fe/",
    f"/{HUGE}/",
    "/search/%00",
    "/feed/%00",
    "/category/%00/feed/",
    "/sitemap-%00.xml",
    "/sitemap-%ff.xml",
    "/sitemap-nonexistent.xml?p=-1",
    "/sitemap-articles.xml?p=-1",
    "/sitemap-articles.xml?p=99999999999999999999",
    "/sitemap-articles.xml?p=%00",
]


def test_hostile_paths_never_cause_a_server_error(public_urls):
    client = Client()
    failures = []
    for path in HOSTILE_PATHS:
        failures += failures_of(client, "get", path)
    assert failures == []


# Percent-encoded form values, posted as raw bodies: a browser or a script can send
# invalid UTF-8 this way, which the test client's dict encoding cannot.
HOSTILE_VALUES = {
    "nul": "%00",
    "inner-nul": "a%00b",
    "100kB": HUGE,
    "invalid-utf8": "%ff%fe",
    "surrogate": "%ed%a0%80",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "bare-name": "abc",
    "empty": "",
}
FORMS = {
    "/accounts/login/": ["username", "password", "next"],
    "/accounts/signup/": [
        "username",
        "email",
        "display_name",
        "password1",
        "password2",
    ],
    "/accounts/password-reset/": ["email"],
    "/cookies/accept/": ["next"],
}


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_hostile_form_posts_never_cause_a_server_error(public_urls, value):
    client = Client()
    failures = []
    for url, fields in FORMS.items():
        body = "&".join(f"{field}={value}" for field in fields)
        failures += failures_of(
            client,
            "post",
            url,
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
    assert failures == []
