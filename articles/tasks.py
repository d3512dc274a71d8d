"""The articles app's background tasks (run by `manage.py worker`)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from articles.counting import WINDOW, flush_buffered_views, prune_view_marks
from articles.models import Article, Category
from articles.search import refresh_section_search_vectors
from digest.cache import bump_content_version
from digest.images import make_renditions


@task()
def flush_views() -> dict:
    """Move buffered view counts to the database (VIEW_COUNT_BUFFER) and forget old marks."""
    moved = flush_buffered_views() if settings.VIEW_COUNT_BUFFER else 0
    forgotten = prune_view_marks(before=timezone.now() - WINDOW)
    return {"moved": moved, "forgotten": forgotten}


@task()
def make_featured_image_renditions(*, article_id: int, name: str) -> list[str]:
    """Write the renditions of an article's featured image `name`, if it still has it."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.image.name != name:
        return []  # deleted, or given another image since (with its own task)
    created = make_renditions(article.image)
    if created:
        # Cached pages show the original until they are rendered again.
        bump_content_version()
    return created


@task()
def refresh_section_search(*, category_id: int) -> int:
    """Recompute the search vectors of a renamed or moved section's articles."""
    category = Category.objects.filter(pk=category_id).first()
    return refresh_section_search_vectors(category) if category else 0
