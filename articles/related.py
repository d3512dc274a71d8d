""" "You Might Also Like": an article's related articles, in one statement.

The page of a long-tail article is rendered from nothing (no cache holds it),
so this runs on most article requests. Written as SQL, not built through the
ORM: composing the queryset (a UNION ALL subquery and a correlated count) cost
about 6 ms of Python per page, three times what PostgreSQL takes to run it.
`Article.objects.cards()` loads the same columns; `cards_from_rows` builds the
same instances, so a card renders (and finds its fragment) either way.
"""

from django.db import connection
from django.utils import timezone

from articles.models import Article, Category, TaggedArticle

RELATED_COUNT = 6
# Articles most recently tagged with one of its tags that are ranked.
RELATED_CANDIDATES = 120

# Columns of a card (Article.objects.cards()), then its section's.
ARTICLE_COLUMNS = (
    "id",
    "title",
    "slug",
    "lead",
    "category_id",
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "status",
    "published_at",
    "is_featured",
    "reading_time",
)
CATEGORY_COLUMNS = ("id", "name", "slug")


def _columns() -> str:
    return ", ".join(
        [f"a.{c}" for c in ARTICLE_COLUMNS] + [f"c.{c}" for c in CATEGORY_COLUMNS]
    )


# Candidates: the articles most recently tagged with one of its tags (the
# (tag, -id) index), the newest of its section and the newest of all, so the
# grid is full; then ranked by shared tags (counted through the (article, tag)
# index), same section, newest.
SQL = f"""
WITH candidates AS (
    (SELECT t.content_object_id AS id FROM {TaggedArticle._meta.db_table} t
     WHERE t.tag_id = ANY(%(tags)s) ORDER BY t.id DESC LIMIT %(candidates)s)
    UNION ALL
    (SELECT a.id FROM {Article._meta.db_table} a
     WHERE a.status = %(published)s AND a.published_at <= %(now)s
       AND a.category_id = %(category)s
     ORDER BY a.published_at DESC, a.id DESC LIMIT %(fill)s)
    UNION ALL
    (SELECT a.id FROM {Article._meta.db_table} a
     WHERE a.status = %(published)s AND a.published_at <= %(now)s
     ORDER BY a.published_at DESC, a.id DESC LIMIT %(fill)s)
)
SELECT {_columns()}
FROM {Article._meta.db_table} a
JOIN {Category._meta.db_table} c ON c.id = a.category_id
WHERE a.id IN (SELECT id FROM candidates)
  AND a.id <> %(article)s
  AND a.status = %(published)s AND a.published_at <= %(now)s
ORDER BY
    (SELECT count(*) FROM {TaggedArticle._meta.db_table} s
     WHERE s.content_object_id = a.id AND s.tag_id = ANY(%(tags)s)) DESC,
    (a.category_id = %(category)s) DESC,
    a.published_at DESC, a.id DESC
LIMIT %(count)s
"""


def cards_from_rows(rows) -> list[Article]:
    """Articles with their section, as `Article.objects.cards()` would load them."""
    split = len(ARTICLE_COLUMNS)
    articles = []
    for row in rows:
        article = Article.from_db("default", ARTICLE_COLUMNS, row[:split])
        category = Category.from_db("default", CATEGORY_COLUMNS, row[split:])
        article._state.fields_cache["category"] = category
        articles.append(article)
    return articles


def related_articles(article: Article, tag_ids: list[int]) -> list[Article]:
    """Articles sharing the most tags, then the same section, then the newest, so
    the grid is full (RELATED_COUNT); never `article`, only published ones."""
    params = {
        "tags": list(tag_ids),
        "candidates": RELATED_CANDIDATES,
        "published": Article.Status.PUBLISHED.value,
        "now": timezone.now(),
        "category": article.category_id,
        "fill": RELATED_COUNT + 1,
        "article": article.pk,
        "count": RELATED_COUNT,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        return cards_from_rows(cursor.fetchall())
