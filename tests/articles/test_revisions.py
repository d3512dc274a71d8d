"""Revision history in the admin: who changed what, and reverting."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(username="eddie", display_name="Eddie Editor", is_staff=True)
    user.groups.add(role_group("Editor"))
    client.force_login(user)
    return user


def form_of(article: Article, **overrides) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d"),
        "published_at_1": article.published_at.strftime("%H:%M:%S"),
    }
    return data | overrides


def test_an_edit_records_a_history_row_with_the_editor(client, editor):
    article = ArticleFactory(title="Wind farm approved")
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        form_of(article, title="Offshore wind farm approved"),
    )
    latest = article.history.latest()
    assert latest.title == "Offshore wind farm approved"
    assert latest.history_user == editor
    assert latest.history_type == "~"
    page = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert page.status_code == 200
    assert "eddie" in page.content.decode()


def test_revert_restores_the_earlier_title(client, editor):
    article = ArticleFactory(title="Grain prices steady")
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        form_of(article, title="Grain prices fall sharply"),
    )
    article.refresh_from_db()
    assert article.title == "Grain prices fall sharply"
    original = article.history.earliest()
    revert_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, original.pk]
    )
    page = client.get(revert_url)
    assert page.status_code == 200
    assert "Grain prices steady" in page.content.decode()
    client.post(revert_url, form_of(article, title="Grain prices steady"))
    article.refresh_from_db()
    assert article.title == "Grain prices steady"
    assert article.history.count() == 3
