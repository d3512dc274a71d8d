"""What the site does once a change to an article is committed.

`articles.publishing.change_state` is the only caller: it registers
`article_changed` with `transaction.on_commit`, once per change, for every way an
article changes (each change-form button, bulk actions, scheduling, review,
plain edits through `save_article`, imports, deletes). So everything that has to
follow a change (cache invalidation now; targeted purges, the audit log and
tasks later) hangs off this one function, never off `save_model` or signals.

`before` is the stored row as it was when the change began (`None` for a new
article) and `after` the article as saved (`None` once deleted), so a follow-up
can tell which pages an article left (old slug, category, tags, author) and
which it joined.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from articles import body, cards
from articles.models import Article, Category
from digest.cache import bump

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleSnapshot:
    """What decides where an article shows, read from its stored row."""

    pk: int
    slug: str
    status: str
    published_at: datetime | None
    category_id: int
    author_id: int | None
    tag_slugs: frozenset[str]


def snapshot(article: Article) -> ArticleSnapshot:
    """A snapshot of `article` as stored (its tags are read from the database)."""
    return ArticleSnapshot(
        pk=article.pk,
        slug=article.slug,
        status=article.status,
        published_at=article.published_at,
        category_id=article.category_id,
        author_id=article.author_id,
        tag_slugs=frozenset(article.tags.slugs()),
    )


def article_changed(*, before: ArticleSnapshot | None, after: Article | None) -> None:
    """Bring what readers see up to date with a committed change to an article.

    Stale at once: the article's page and its cards wherever they show (an
    article no longer public leaves every page, no stale copy); if it was or is
    published, the newest-first pages (home, feeds, sitemaps); and when where it
    is listed changed (published, unpublished, moved, retagged, another author
    or time), every page of the listings it left and joined (sections with their
    parents, tags, authors), and the article pages it may be related to (its tags).
    """
    pk = after.pk if after is not None else before.pk
    bump(f"article:{pk}", gone=after is None or not after.is_public)
    if after is not None and after.is_public:
        fill_fragments([pk])
    after_snapshot = snapshot(after) if after is not None else None
    if not _listed(before) and not _listed(after_snapshot):
        return  # a draft's edits show on no public page
    if not _moved(before, after_snapshot):
        bump("latest")  # its cards elsewhere went stale with the article itself
        return
    categories: set[int] = set()
    tags: set[str] = set()
    authors: set[int | None] = set()
    for state in (before, after_snapshot):
        if state is not None:
            categories.add(state.category_id)
            tags |= state.tag_slugs
            authors.add(state.author_id)
    parents = Category.objects.filter(pk__in=categories, parent__isnull=False)
    categories |= set(parents.values_list("parent_id", flat=True))
    bump(
        "latest",
        *(f"section:{c}" for c in categories),
        *(f"tag:{t}" for t in tags),
        *(f"author:{a}" for a in authors if a is not None),
    )


def fill_fragments(pks: list[int]) -> None:
    """Render these articles' cards in every style and their own part of their
    pages (articles/body.py) now, so no reader waits for one.

    Only ahead of readers: a page that finds a fragment missing renders it, so a
    failure here is logged, never the editor's error (the change is committed).
    """
    try:
        cards.fill(Article.objects.cards().filter(pk__in=pks))
        body.fill(pks)
    except Exception:
        logger.exception("Could not render the fragments of articles %s", pks)


def _listed(article: ArticleSnapshot | None) -> bool:
    return article is not None and article.status == Article.Status.PUBLISHED


def _moved(before: ArticleSnapshot | None, after: ArticleSnapshot | None) -> bool:
    """Whether the change can add, remove or reorder the article in a listing."""
    if before is None or after is None:
        return True
    return before != after  # a snapshot holds exactly where it is listed
