"""Saved articles: save or unsave one, merge a guest's saved list."""

from django.db import transaction

from accounts.models import SavedArticle, User
from articles.models import Article

MERGE_LIMIT = 500


@transaction.atomic
def toggle_saved(*, user: User, article: Article) -> bool:
    """Save the article for later, or unsave it; return whether it is saved now."""
    deleted, _ = SavedArticle.objects.filter(user=user, article=article).delete()
    if deleted:
        return False
    SavedArticle.objects.bulk_create(
        [SavedArticle(user=user, article=article)], ignore_conflicts=True
    )
    return True


@transaction.atomic
def merge_saved(*, user: User, article_ids: list[int]) -> int:
    """Add the published ones of `article_ids` (a guest's list) to the user's saved."""
    wanted = set(
        Article.objects.published()
        .filter(pk__in=article_ids[:MERGE_LIMIT])
        .values_list("pk", flat=True)
    )
    wanted -= set(
        SavedArticle.objects.filter(user=user, article_id__in=wanted).values_list(
            "article_id", flat=True
        )
    )
    SavedArticle.objects.bulk_create(
        [SavedArticle(user=user, article_id=pk) for pk in wanted],
        ignore_conflicts=True,
    )
    return len(wanted)
