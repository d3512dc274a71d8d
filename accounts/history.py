"""Reading history: note what a signed-in reader reads, clear it."""

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from accounts.models import ReadingHistory, User
from articles.models import Article

HISTORY_LIMIT = 100
HISTORY_RELOAD_SECONDS = 300
LAST_READ_KEY = "digest:history:last:{user_id}"


def record_reading(*, user: User, article: Article) -> None:
    """Note that `user` read `article` now, keeping their last 100 readings.

    Reloading the article read last (within HISTORY_RELOAD_SECONDS) writes
    nothing: it is already at the top of the history.
    """
    last_read = LAST_READ_KEY.format(user_id=user.pk)
    if cache.get(last_read) == article.pk:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # History is not worth an fsync per page view (a crash may lose the
            # last moments of it); this transaction only.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ReadingHistory.objects.bulk_create(
            [ReadingHistory(user=user, article=article, read_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["read_at"],
        )
        newest = ReadingHistory.objects.filter(user=user).order_by("-read_at", "-pk")
        ReadingHistory.objects.filter(user=user).exclude(
            pk__in=Subquery(newest.values("pk")[:HISTORY_LIMIT])
        ).delete()
    cache.set(last_read, article.pk, HISTORY_RELOAD_SECONDS)


def clear_history(*, user: User) -> None:
    ReadingHistory.objects.filter(user=user).delete()
    cache.delete(LAST_READ_KEY.format(user_id=user.pk))
