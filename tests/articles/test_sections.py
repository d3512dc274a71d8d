"""Sections read once per process with the menu (articles/sections.py): what the
admin changes shows at once, and a section made another way has its page."""

import pytest

from articles.models import Category
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def category_form(**fields) -> dict:
    return {
        "name": "",
        "slug": "",
        "parent": "",
        "position": "0",
        "description": "",
        "show_in_menu": "on",
        **fields,
    }


@pytest.fixture
def news():
    news = CategoryFactory(name="News", slug="news")
    ArticleFactory(title="Harbour council approves the ferry berth", category=news)
    return news


def test_sub_section_added_in_admin_shows_at_once(admin_client, client, news):
    assert "Harbour desk" not in client.get("/category/news/").text
    response = admin_client.post(
        "/admin/articles/category/add/",
        category_form(name="Harbour desk", slug="harbour", parent=str(news.pk)),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    section_page = client.get("/category/news/").text
    assert 'href="/category/harbour/"' in section_page  # among its sub-sections
    assert client.get("/category/harbour/").status_code == 200
    assert 'href="/category/harbour/"' in client.get("/").text  # the menu


def test_section_hidden_from_the_menu_in_admin_leaves_the_front_page(
    admin_client, client, news
):
    assert 'id="section-news"' in client.get("/").text
    response = admin_client.post(
        f"/admin/articles/category/{news.pk}/change/",
        category_form(name="News", slug="news", show_in_menu=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert 'id="section-news"' not in client.get("/").text
    assert client.get("/category/news/").status_code == 200  # still has its page


def test_section_made_outside_the_admin_has_its_page_at_once(client, news):
    """An import writes categories with the ORM: no site-wide change is made, so
    the kept list does not know it, and the page looks it up."""
    assert client.get("/category/news/").status_code == 200  # the list is kept
    Category.objects.create(name="Weather", slug="weather")
    page = client.get("/category/weather/")
    assert page.status_code == 200
    assert "Weather" in page.text
    assert client.get("/category/no-such-section/").status_code == 404
