"""The desk on the admin home: what waits for review, what is scheduled, what went
out lately, and the signed-in writer's drafts, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from articles.publishing import EDIT_ANY_PERM

SHOWN = 10  # per list; the counts and "all" links cover the rest
RECENT_DAYS = 7
Status = Article.Status
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Desk:
    review: list = field(default_factory=list)
    scheduled: list = field(default_factory=list)
    published: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    recent_days: int = RECENT_DAYS


def can_use_desk(user) -> bool:
    return user.has_perm("articles.view_article") or user.has_perm(
        "articles.change_article"
    )


def desk_articles(user) -> QuerySet:
    """The articles `user` may open in the admin: all for editors, their own else."""
    articles = Article.objects.all()
    if not user.has_perm(EDIT_ANY_PERM):
        articles = articles.filter(author=user)
    return articles


def in_review_since():
    """When each article last went into review, from its history.

    The first review version after the last version in any other status; the
    article's own `updated_at` when no history says (rows older than history).
    """
    history = Article.history.model.objects
    left_other_status = (
        history.filter(id=OuterRef(OuterRef("pk")))
        .exclude(status=Status.REVIEW)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    entered = (
        history.filter(
            id=OuterRef("pk"),
            status=Status.REVIEW,
            history_date__gt=Coalesce(Subquery(left_other_status), Value(EPOCH)),
        )
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Coalesce(Subquery(entered), "updated_at")


def build_desk(user, *, now: datetime | None = None) -> Desk:
    """The four lists and their counts for `user`."""
    now = now or timezone.now()
    since = now - timedelta(days=RECENT_DAYS)
    articles = desk_articles(user)
    review = Q(status=Status.REVIEW)
    scheduled = Q(status=Status.PUBLISHED, published_at__gt=now)
    published = Q(
        status=Status.PUBLISHED, published_at__lte=now, published_at__gt=since
    )
    drafts = Q(status=Status.DRAFT, author=user)
    # The outer filter lets PostgreSQL use the status and published_at indexes
    # instead of counting through every article.
    counts = articles.filter(review | scheduled | published | drafts).aggregate(
        review=Count("pk", filter=review),
        scheduled=Count("pk", filter=scheduled),
        published=Count("pk", filter=published),
        drafts=Count("pk", filter=drafts),
    )
    card = articles.select_related("author").only(
        "pk",
        "title",
        "status",
        "published_at",
        "updated_at",
        "byline",
        "author",
        "author__username",
        "author__display_name",
        "author__first_name",
        "author__last_name",
    )

    def listed(name: str, queryset: QuerySet, *order: str) -> list:
        if not counts[name]:
            return []  # nothing to list, no query
        return list(queryset.order_by(*order)[:SHOWN])

    return Desk(
        review=listed(
            "review",
            card.filter(review).annotate(review_since=in_review_since()),
            "review_since",
            "pk",
        ),
        scheduled=listed("scheduled", card.filter(scheduled), "published_at", "pk"),
        published=listed("published", card.filter(published), "-published_at", "-pk"),
        drafts=listed("drafts", card.filter(drafts), "-updated_at", "-pk"),
        counts=counts,
    )
