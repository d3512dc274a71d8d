"""Buffered view counting in Redis, flushed in batches (runs where Redis answers)."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command

from articles.counting import flush_buffered_views, record_view
from articles.models import Article, ArticleDailyViews
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def buffered(settings):
    if not redis_reachable():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.VIEW_COUNT_BUFFER = True
    redis = caches["default"]._cache.get_client(write=True)
    redis.flushdb()
    yield redis
    redis.flushdb()


def test_buffered_views_reach_the_database_only_when_flushed(buffered):
    article = ArticleFactory()
    assert record_view(article_id=article.pk, reader="a:one") is True
    assert record_view(article_id=article.pk, reader="a:one") is False
    assert record_view(article_id=article.pk, reader="a:two") is True
    assert Article.objects.get(pk=article.pk).view_count == 0

    assert flush_buffered_views() == 2
    assert Article.objects.get(pk=article.pk).view_count == 2
    assert ArticleDailyViews.objects.get(article=article).views == 2

    assert flush_buffered_views() == 0
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_flush_command_adds_to_existing_counts(buffered, capsys):
    article = ArticleFactory()
    record_view(article_id=article.pk, reader="a:one")
    call_command("flush_views")
    record_view(article_id=article.pk, reader="a:two")
    call_command("flush_views")
    assert Article.objects.get(pk=article.pk).view_count == 2
    assert "Flushed 1 buffered views." in capsys.readouterr().out


def test_views_of_a_deleted_article_are_dropped_not_crashing(buffered):
    article = ArticleFactory()
    kept = ArticleFactory()
    record_view(article_id=article.pk, reader="a:one")
    record_view(article_id=kept.pk, reader="a:one")
    article.delete()
    assert flush_buffered_views() == 1
    assert Article.objects.get(pk=kept.pk).view_count == 1
