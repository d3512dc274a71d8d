"""The publishing workflow: scheduling, slug redirects, permissions, reading time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import Article, ArticleSlugRedirect
from articles.publishing import (
    publish_article,
    submit_for_review,
    unpublish_article,
)
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def staff(group: str):
    user = UserFactory(is_staff=True)
    user.groups.add(role_group(group))
    return user


def test_scheduled_article_appears_only_when_its_time_comes():
    editor = staff("Editor")
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory(draft=True)
        publish_article(article=article, by=editor, at=NOON + timedelta(hours=2))
        assert article.status == Article.Status.PUBLISHED
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(NOON + timedelta(hours=1, minutes=59), tick=False):
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_scheduled_article_page_is_404_for_readers_until_published(client):
    editor = staff("Editor")
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory(draft=True, title="Tomorrow's budget")
        publish_article(article=article, by=editor, at=NOON + timedelta(days=1))
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(NOON + timedelta(days=1, minutes=1), tick=False):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Tomorrow" in response.content.decode()


def test_publish_now_sets_the_time_and_unpublish_hides_it():
    editor = staff("Editor")
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory(draft=True)
        publish_article(article=article, by=editor)
        article.refresh_from_db()
        assert article.published_at == NOON
        assert Article.objects.published().filter(pk=article.pk).exists()
        unpublish_article(article=article, by=editor)
        assert not Article.objects.published().filter(pk=article.pk).exists()


def test_author_cannot_publish_but_can_submit_for_review():
    author = staff("Author")
    article = ArticleFactory(draft=True, author=author)
    with pytest.raises(PermissionDenied):
        publish_article(article=article, by=author)
    submit_for_review(article=article, by=author)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_author_cannot_submit_someone_elses_draft():
    article = ArticleFactory(draft=True)
    with pytest.raises(PermissionDenied):
        submit_for_review(article=article, by=staff("Author"))


def change_slug(client, article, new_slug):
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": article.title,
            "slug": new_slug,
            "lead": article.lead,
            "body": article.body,
            "category": article.category_id,
            "tags": "",
            "status": article.status,
            "published_at_0": article.published_at.strftime("%Y-%m-%d")
            if article.published_at
            else "",
            "published_at_1": article.published_at.strftime("%H:%M:%S")
            if article.published_at
            else "",
        },
    )


def test_changing_a_published_slug_redirects_the_old_url(client):
    editor = staff("Editor")
    client.force_login(editor)
    article = ArticleFactory(slug="old-name", title="Bridge reopens")
    assert change_slug(client, article, "new-name").status_code == 302
    assert ArticleSlugRedirect.objects.get(old_slug="old-name").article == article
    client.logout()
    response = client.get("/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"].endswith("/articles/new-name/")


def test_changing_back_to_an_old_slug_removes_that_redirect(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(slug="first")
    change_slug(client, article, "second")
    article.refresh_from_db()
    change_slug(client, article, "first")
    assert list(ArticleSlugRedirect.objects.values_list("old_slug", flat=True)) == [
        "second"
    ]
    assert client.get("/articles/first/").status_code == 200


def test_draft_slug_change_makes_no_redirect(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(draft=True, slug="working-title")
    change_slug(client, article, "final-title")
    assert not ArticleSlugRedirect.objects.exists()


def test_reading_time_follows_the_body_length():
    article = ArticleFactory(body="<p>" + "word " * 610 + "</p>")
    assert article.reading_time == 3
    article.body = "<p>short</p>"
    article.save()
    article.refresh_from_db()
    assert article.reading_time == 1


def test_schedule_button_needs_a_future_time(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(draft=True)
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": "",
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "_schedule": "Schedule",
    }
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give a future time" in response.content.decode()
    later = datetime.now(UTC) + timedelta(days=2)
    data |= {
        "published_at_0": later.strftime("%Y-%m-%d"),
        "published_at_1": later.strftime("%H:%M:%S"),
    }
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_public


def test_admin_edit_shows_at_once_on_a_page_readers_have_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    article = ArticleFactory(title="Bridge reopens", slug="bridge-reopens")
    assert "Bridge reopens" in client.get("/articles/bridge-reopens/").text
    editor_client = type(client)()
    editor_client.force_login(staff("Editor"))
    form = {
        "title": "Bridge reopens to traffic",
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d"),
        "published_at_1": article.published_at.strftime("%H:%M:%S"),
    }
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), form
    )
    assert response.status_code == 302
    assert "Bridge reopens to traffic" in client.get("/articles/bridge-reopens/").text
