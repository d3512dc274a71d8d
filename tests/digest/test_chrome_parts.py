"""The header, cookie bar, footer and sign-in dialog, rendered once per process for
readers who are not signed in (digest/cache/chrome.py, `{% chrome_part %}`): each
page still marks its own menu item, its forms still return to it, a signed-in
reader's name never reaches anyone else, and a site-wide change shows at once."""

import re

import pytest

from digest.cache import bump_content_version
from digest.models import SiteSettings
from tests.client import Client
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Every page rendered afresh, so each one goes through the parts."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def news():
    return CategoryFactory(name="News", slug="news")


def current_items(html: str) -> list[str]:
    """The menu items marked as the page the reader is on."""
    return re.findall(
        r'href="([^"]+)" aria-current="page">', html.split("</header>")[0]
    )


def next_values(html: str) -> list[str]:
    """Where the cookie bar's and the sign-in dialog's forms return to."""
    return re.findall(r'<input type="hidden" name="next" value="([^"]*)">', html)


def test_each_page_marks_its_own_menu_item(news):
    article = ArticleFactory(category=news)
    client = Client()
    assert current_items(client.get("/").text) == ["/"]
    assert current_items(client.get("/category/news/").text) == ["/category/news/"]
    assert current_items(client.get(article.get_absolute_url()).text) == []
    assert current_items(client.get("/").text) == ["/"]


def test_forms_return_to_the_page_they_are_on_escaped(news):
    article = ArticleFactory(category=news)
    client = Client()
    url = article.get_absolute_url()
    assert next_values(client.get(url).text) == [url, url]
    html = client.get('/search/?q=ferry&x="><b>').text
    (value,) = set(next_values(html))
    assert value.startswith("/search/?q=ferry&amp;x=")
    assert "<b>" not in value and '"' not in value
    assert next_values(client.get("/").text) == ["/", "/"]


def test_a_signed_in_readers_name_reaches_no_one_else(news):
    ArticleFactory(category=news)
    reader = UserFactory(username="ines", display_name="Inês Duarte")
    signed_in = Client()
    signed_in.force_login(reader)
    assert "Inês Duarte" in signed_in.get("/category/news/").text
    anonymous = Client().get("/category/news/").text
    assert "Inês Duarte" not in anonymous
    assert "data-signin-open>Sign in</a>" in anonymous
    assert 'id="signin-modal"' in anonymous
    # And the anonymous part is not what the signed-in reader gets.
    again = signed_in.get("/category/news/").text
    assert "Inês Duarte" in again and 'id="signin-modal"' not in again


def test_a_site_wide_change_shows_in_header_and_footer_at_once(news):
    client = Client()
    assert "Harbour Daily" not in client.get("/category/news/").text
    row = SiteSettings.load()
    row.site_name = "Harbour Daily"
    row.cookie_bar_text = "We keep one cookie for your choice."
    row.save()
    bump_content_version()
    html = client.get("/category/news/").text
    header = html.split("</header>")[0]
    footer = html.split('<footer class="site-footer">')[1]
    assert '<span class="brand__name">Harbour Daily</span>' in header
    assert "We keep one cookie for your choice." in header
    assert "Harbour Daily" in footer


def test_a_new_menu_section_shows_on_every_page(news, admin_client):
    client = Client()
    assert "/category/weather/" not in client.get("/").text
    response = admin_client.post(
        "/admin/articles/category/add/",
        {"name": "Weather", "slug": "weather", "position": 5, "show_in_menu": "on"},
    )
    assert response.status_code == 302, response.text[:2000]
    assert 'href="/category/weather/"' in client.get("/").text.split("</header>")[0]


def test_threads_sharing_the_kept_footer_never_reopen_its_pictures():
    """The header and footer's data is kept in memory and shared by a worker's
    threads. A useful link's picture reads its size from its file the first
    time it is asked, and two threads doing that at once on the shared file
    failed the page ("seek of closed file", seen under the bench's load). The
    size is read before the data is shared, so the footer never opens it:
    here, not even once the file is gone."""
    from concurrent.futures import ThreadPoolExecutor

    from django.template.loader import render_to_string

    from digest.cache.chrome import get_chrome
    from tests.factories import UsefulLinkFactory, image_file

    link = UsefulLinkFactory(
        title="Tide tables",
        image=image_file("tide.png", width=120, height=40, fmt="PNG"),
    )
    bump_content_version()
    chrome = get_chrome()
    link.image.storage.delete(link.image.name)

    def footer(_):
        return render_to_string(
            "includes/_footer.html", {"chrome": chrome, "this_year": 2026}
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(footer, range(16)))
    assert all('width="120" height="40"' in page for page in pages)
