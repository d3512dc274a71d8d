"""Bulk archive articles for load tests: `manage.py load_demo --articles 100000`.

Rows go in batches with PostgreSQL COPY, ids drawn from the sequence first (no
`save()`, no history rows, no per-article renditions): bodies come from a small pool sanitized once, images reuse the demo's
category images, and search vectors are computed in one UPDATE at the end.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from articles import demo, demo_content
from articles.models import Article, ArticleTag, Category, TaggedArticle
from articles.search import refresh_all_search_vectors
from digest.sanitize import clean_html, reading_minutes

User = get_user_model()
BATCH = 5_000
PREFIX = "archive-"
SUBJECTS = [
    "port traffic",
    "the grain harvest",
    "city budgets",
    "river cleanup",
    "school meals",
    "rail freight",
    "wind power",
    "museum visits",
    "mountain roads",
    "the spring census",
    "bus routes",
    "solar rooftops",
    "water tariffs",
    "hospital waiting times",
    "orchard exports",
    "tourist arrivals",
]
VERBS = [
    "rises again",
    "falls for a second month",
    "draws new interest",
    "faces fresh questions",
    "reaches a milestone",
    "gets a review",
    "changes course",
    "holds steady",
]


def copy_rows(model, objs: list) -> list:
    """Insert `objs` with PostgreSQL COPY (much faster than INSERT); ids are drawn
    from the table's sequence first, so the objects come back with their pk."""
    if not objs:
        return objs
    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [table, pk.column, len(objs)],
        )
        for obj, (pk_value,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk_value
        fields = model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        raw = cursor.cursor
        with raw.copy(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        ) as copy:
            for obj in objs:
                copy.write_row(
                    [
                        f.get_db_prep_save(getattr(obj, f.attname), connection)
                        for f in fields
                    ]
                )
    return objs


def copy_articles(rows: list[Article], now) -> list[Article]:
    for article in rows:
        article.created_at = article.updated_at = now
    return copy_rows(Article, rows)


# GIN indexes are slow to maintain row by row and fast to build in one pass; the
# load drops and rebuilds them inside its transaction (readers wait meanwhile).
REBUILT_INDEXES = {"articles_search_vector", "articles_title_trgm"}


@transaction.atomic
def load_bulk_articles(target: int, progress: Callable[[str], None] = print) -> int:
    """Create archive articles until `target` exist; return how many were created."""
    existing = Article.objects.filter(slug__regex=rf"^{PREFIX}[0-9]+$").count()
    if existing >= target:
        return 0
    categories = list(Category.objects.all()) or list(demo.load_categories().values())
    authors = list(User.objects.filter(is_staff=True)[:5]) or [None]
    images = demo.load_category_images()
    rng = random.Random(target)
    bodies = []
    for i in range(40):
        # Three paragraphs: enough text for search, little enough to index fast.
        body = clean_html(
            demo.story_body(rng.choice(SUBJECTS), random.Random(i), paragraphs=3)
        )
        bodies.append((body, reading_minutes(body)))
    tag_names = sorted(
        {
            name
            for items in demo_content.STORIES.values()
            for _title, _lead, _topic, tags in items
            for name in tags
        }
    )
    tags = [ArticleTag.objects.get_or_create(name=name)[0] for name in tag_names]
    now = timezone.now()
    created = 0
    rebuilt = [i for i in Article._meta.indexes if i.name in REBUILT_INDEXES]
    with connection.schema_editor() as editor:
        for index in rebuilt:
            editor.remove_index(Article, index)
    for start in range(existing, target, BATCH):
        stop = min(start + BATCH, target)
        rows = []
        for n in range(start, stop):
            category = categories[n % len(categories)]
            subject, verb = rng.choice(SUBJECTS), rng.choice(VERBS)
            body, minutes = bodies[n % len(bodies)]
            slug_key = category.slug if (category.slug, 0) in images else None
            rows.append(
                Article(
                    title=f"{subject[0].upper()}{subject[1:]} {verb} ({n + 1})",
                    slug=f"{PREFIX}{n + 1}",
                    lead=f"An archive report on {subject} in {category.name}.",
                    body=body,
                    reading_time=minutes,
                    category=category,
                    author=authors[n % len(authors)],
                    status=Article.Status.PUBLISHED,
                    published_at=now
                    - timedelta(days=60 + rng.random() * 1800, minutes=n % 1440),
                    image=images[(slug_key, n % 2)] if slug_key else "",
                    image_width=1600 if slug_key else None,
                    image_height=900 if slug_key else None,
                    image_alt=f"Illustration for {category.name}",
                )
            )
        saved = copy_articles(rows, now)
        copy_rows(
            TaggedArticle,
            [
                TaggedArticle(content_object_id=article.pk, tag_id=tag.pk)
                for article in saved
                for tag in rng.sample(tags, rng.randint(2, 4))
            ],
        )
        created += len(saved)
        progress(f"  {stop}/{target} archive articles")
    progress("  computing search vectors…")
    refresh_all_search_vectors()
    progress("  rebuilding search indexes…")
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks now: PostgreSQL refuses CREATE INDEX
        # on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        for index in rebuilt:
            editor.add_index(Article, index)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return created
