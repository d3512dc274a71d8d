"""A tag's page reads its own rows (TaggedArticle.listed_at, kept by database
triggers), so it must list exactly what the archive's published articles say:
newest first, page by page, whatever wrote the article or its tags."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles import publishing
from articles.models import Article, ArticleTag
from tests.articles.test_cards import committed
from tests.articles.test_publishing import staff
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """The card headlines of a listing page, in page order."""
    assert response.status_code == 200
    return re.findall(r"Ports story (\d+)", response.text)


def ports_story(n: int, **kwargs) -> Article:
    return ArticleFactory(title=f"Ports story {n}", slug=f"ports-{n}", **kwargs)


def test_tag_pages_list_their_articles_newest_first_page_after_page(client):
    now = timezone.now()
    for n in range(1, 15):  # story 14 is the newest
        ports_story(n, tags=["Ports"], published_at=now - timedelta(hours=20 - n))
    ArticleFactory(title="Untagged story", published_at=now)
    ports_story(99, tags=["Ports"], draft=True)

    first = client.get("/tag/ports/")
    assert titles(first) == [str(n) for n in range(14, 2, -1)]
    assert "Untagged story" not in first.text
    assert titles(client.get("/tag/ports/?page=2")) == ["2", "1"]
    assert client.get("/tag/ports/?page=3").status_code == 404


def test_a_scheduled_article_joins_its_tag_page_at_its_time(client):
    ports_story(1, tags=["Ports"])
    ports_story(2, tags=["Ports"], published_at=timezone.now() + timedelta(hours=2))
    assert titles(client.get("/tag/ports/")) == ["1"]
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert titles(client.get("/tag/ports/")) == ["2", "1"]


def test_publishing_unpublishing_and_retagging_move_the_tag_page(client):
    editor = staff("Editor")
    draft = ports_story(1, tags=["Ports"], draft=True)
    ports_story(2, tags=["Ports"])
    assert titles(client.get("/tag/ports/")) == ["2"]

    with committed():
        publishing.change_state(
            article=draft, by=editor, action=publishing.Action.PUBLISH_NOW
        )
    assert titles(client.get("/tag/ports/")) == ["1", "2"]

    article = Article.objects.get(pk=draft.pk)
    article.tags.set(["Harbours"])  # what the admin's tag field saves
    with committed():
        publishing.save_article(article=article, by=editor)
    assert titles(client.get("/tag/ports/")) == ["2"]
    assert titles(client.get("/tag/harbours/")) == ["1"]

    with committed():
        publishing.change_state(
            article=Article.objects.get(pk=draft.pk),
            by=editor,
            action=publishing.Action.UNPUBLISH,
        )
    assert client.get("/tag/harbours/").status_code == 200
    assert titles(client.get("/tag/harbours/")) == []


def test_writes_outside_the_admin_keep_tag_pages_true(client):
    """An import, a bulk loader or a shell session writes the tables directly:
    the triggers keep the tag rows' publication times all the same."""
    now = timezone.now()
    old = ports_story(1, tags=["Ports"], published_at=now - timedelta(days=3))
    ports_story(2, tags=["Ports"], published_at=now - timedelta(days=2))

    Article.objects.filter(pk=old.pk).update(published_at=now - timedelta(hours=1))
    cache.clear()  # no publishing path ran, so nothing told the cache
    assert titles(client.get("/tag/ports/")) == ["1", "2"]

    Article.objects.filter(pk=old.pk).update(status=Article.Status.DRAFT)
    cache.clear()
    page = client.get("/tag/ports/")
    assert titles(page) == ["2"]

    tag = ArticleTag.objects.get(slug="ports")
    Article.objects.filter(pk=old.pk).update(status=Article.Status.PUBLISHED)
    newcomer = ports_story(3, published_at=now - timedelta(minutes=5))
    newcomer.tagged_items.create(tag=tag)
    # A row written with a wrong time is corrected to its article's.
    newcomer.tagged_items.update(listed_at=now - timedelta(days=30))
    cache.clear()
    assert titles(client.get("/tag/ports/")) == ["3", "1", "2"]
