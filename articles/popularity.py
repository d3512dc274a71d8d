"""Popularity: the "Most read" list, from the day rows view counting writes."""

from django.core.cache import cache

from articles.models import Article
from articles.page_sql import published_cards

MOST_READ_TTL = 60


def most_read(*, limit: int = 5, days: int = 7) -> list[Article]:
    """Top published articles by views over the last `days` days; ids cached a minute."""
    key = f"articles:most_read:{days}:{limit}"
    ids = cache.get(key)
    if ids is None:
        ranked = (
            Article.objects.published().most_read(days).values_list("pk", flat=True)
        )
        ids = list(ranked[:limit])
        cache.set(key, ids, MOST_READ_TTL)
    if not ids:
        return []
    found = published_cards(ids)
    return [found[pk] for pk in ids if pk in found]
