"""The articles app's background tasks (run by `manage.py worker`)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from articles.views_count import WINDOW, flush_buffered_views, prune_view_marks


@task()
def flush_views() -> dict:
    """Move buffered view counts to the database (VIEW_COUNT_BUFFER) and forget old marks."""
    moved = flush_buffered_views() if settings.VIEW_COUNT_BUFFER else 0
    forgotten = prune_view_marks(before=timezone.now() - WINDOW)
    return {"moved": moved, "forgotten": forgotten}
