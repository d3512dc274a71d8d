"""The articles app's background tasks (run by `manage.py worker`)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from articles import body
from articles.cards import fill, fill_missing
from articles.counting import WINDOW, flush_buffered_views, prune_view_marks
from articles.models import Article, Category
from articles.search import refresh_section_search_vectors
from digest.cache import bump
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
        # Its page and its cards (which show its image wherever they are) show
        # the original until rendered again: the new renditions change the cards'
        # fragment key, so render them now.
        bump(f"article:{article.pk}")
        if article.is_public:
            fill(Article.objects.cards().filter(pk=article.pk))
            body.fill([article.pk])
    return created


@task()
def refresh_section_search(*, category_id: int) -> int:
    """Recompute the search vectors of a renamed or moved section's articles."""
    category = Category.objects.filter(pk=category_id).first()
    return refresh_section_search_vectors(category) if category else 0


@task()
def fill_cards(
    *,
    article_ids: list[int] | None = None,
    category_id: int | None = None,
    tag_id: int | None = None,
) -> int:
    """Render the fragments (cards, the article's own part of its page) of these
    articles, or of those a renamed section or tag shows on, ahead of readers."""
    articles = Article.objects.published()
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    if category_id is not None:
        # A card names its own section; the page's breadcrumbs its parent too.
        articles = articles.in_category_tree(Category(pk=category_id))
    if tag_id is not None:
        articles = articles.filter(tagged_items__tag_id=tag_id)
    filled = fill_missing(articles)
    body.fill_missing(articles)
    return filled
