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

from dataclasses import dataclass
from datetime import datetime

from articles.models import Article
from digest.page_cache import bump_content_version


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
    """Bring what readers see up to date with a committed change to an article."""
    # Every cached page for now, whatever the change; targeted purges use
    # `before` and `after` to find the pages concerned.
    bump_content_version()
