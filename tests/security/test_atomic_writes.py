"""Multi-row writes are all or nothing: a real database failure half-way leaves no trace.

The failure is injected in PostgreSQL itself: a trigger that raises on the second
table a write touches, so the first table's change must be rolled back with it.
"""

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from accounts.lifecycle import delete_account
from accounts.models import CategoryFollow, ReadingHistory, SavedArticle, User
from articles.counting import record_view
from articles.models import Article, ArticleDailyViews, ArticleViewMark
from articles.publishing import Action, change_state
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def failing_writes_to(table: str):
    """Make every insert, update or delete on `table` fail, as a full disk would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION digest_injected_failure() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
        cursor.execute(
            f'CREATE TRIGGER digest_injected_failure BEFORE INSERT OR UPDATE OR DELETE ON "{table}"'
            " FOR EACH ROW EXECUTE FUNCTION digest_injected_failure()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER digest_injected_failure ON "{table}"')
            cursor.execute("DROP FUNCTION digest_injected_failure()")


def test_publishing_without_its_revision_row_publishes_nothing():
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = ArticleFactory(draft=True)
    revisions = article.history.count()
    with (
        failing_writes_to(Article.history.model._meta.db_table),
        pytest.raises(DatabaseError),
    ):
        change_state(article=article, by=editor, action=Action.PUBLISH_NOW)
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.status == Article.Status.DRAFT
    assert fresh.published_at is None
    assert fresh.history.count() == revisions


def test_a_view_without_its_day_row_is_not_counted():
    article = ArticleFactory()
    with (
        failing_writes_to(ArticleDailyViews._meta.db_table),
        pytest.raises(DatabaseError),
    ):
        record_view(article_id=article.pk, reader="reader-1")
    assert Article.objects.get(pk=article.pk).view_count == 0
    assert not ArticleViewMark.objects.filter(article=article).exists()
    # The same reader is counted once the database accepts the write.
    assert record_view(article_id=article.pk, reader="reader-1") is True
    assert Article.objects.get(pk=article.pk).view_count == 1
    assert ArticleDailyViews.objects.get(article=article).views == 1


def test_a_failed_account_deletion_keeps_everything():
    reader = UserFactory()
    article = ArticleFactory()
    SavedArticle.objects.create(user=reader, article=article)
    ReadingHistory.objects.create(user=reader, article=article, read_at=timezone.now())
    CategoryFollow.objects.create(user=reader, category=article.category)
    with failing_writes_to(User._meta.db_table), pytest.raises(DatabaseError):
        delete_account(user=reader)
    assert User.objects.filter(pk=reader.pk).exists()
    assert SavedArticle.objects.filter(user=reader).count() == 1
    assert ReadingHistory.objects.filter(user=reader).count() == 1
    assert CategoryFollow.objects.filter(user=reader).count() == 1
