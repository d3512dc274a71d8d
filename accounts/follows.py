"""Followed categories."""

from django.db import transaction

from accounts.models import CategoryFollow, User
from articles.models import Category


@transaction.atomic
def toggle_follow(*, user: User, category: Category) -> bool:
    """Follow the category, or stop following it; return whether followed now."""
    deleted, _ = CategoryFollow.objects.filter(user=user, category=category).delete()
    if deleted:
        return False
    CategoryFollow.objects.bulk_create(
        [CategoryFollow(user=user, category=category)], ignore_conflicts=True
    )
    return True
