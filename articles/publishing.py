"""Write path of the editorial workflow: submit, publish/schedule, unpublish, slugs.

Who may do what is decided here, on the server, whatever the admin shows:
an author (no `articles.edit_any_article`) edits only their own articles while they
are drafts or in review and may only set those two statuses; holders of
`articles.publish_article` publish, schedule and unpublish.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractUser as User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleSlugRedirect
from digest.page_cache import bump_content_version

PUBLISH_PERM = "articles.publish_article"
EDIT_ANY_PERM = "articles.edit_any_article"
AUTHOR_STATUSES = {Article.Status.DRAFT, Article.Status.REVIEW}


def can_publish(user: User) -> bool:
    return user.has_perm(PUBLISH_PERM)


def can_edit(user: User, article: Article) -> bool:
    """Whether `user` may change `article` as it is stored now."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm(EDIT_ANY_PERM):
        return True
    if article.pk is None:
        return True
    return article.author_id == user.pk and article.status in AUTHOR_STATUSES


def check_edit(*, article: Article, by: User, new_status: str) -> None:
    """Refuse an edit of `article` (as stored) that `by` may not save with `new_status`."""
    if not can_edit(by, article):
        raise PermissionDenied("You may not change this article.")
    if new_status == Article.Status.PUBLISHED and not can_publish(by):
        stored = article.status if article.pk else None
        if stored != Article.Status.PUBLISHED:
            raise PermissionDenied("You may not publish articles.")


@transaction.atomic
def submit_for_review(*, article: Article, by: User) -> Article:
    """Move a draft of `by`'s into review."""
    check_edit(article=article, by=by, new_status=Article.Status.REVIEW)
    article.status = Article.Status.REVIEW
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def publish_article(
    *, article: Article, by: User, at: datetime | None = None
) -> Article:
    """Publish now or at `at` (a future time schedules), and record who did it."""
    if not can_publish(by):
        raise PermissionDenied("You may not publish articles.")
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    if at is None and article.published_at > timezone.now():
        # "Publish" on a scheduled article means now.
        article.published_at = timezone.now()
    article._change_reason = "Published"
    article.save(update_fields=["status", "published_at", "updated_at"])
    bump_content_version()
    return article


@transaction.atomic
def unpublish_article(*, article: Article, by: User) -> Article:
    """Take `article` off the site; it goes back to draft."""
    if not can_publish(by):
        raise PermissionDenied("You may not unpublish articles.")
    article.status = Article.Status.DRAFT
    article._change_reason = "Unpublished"
    article.save(update_fields=["status", "updated_at"])
    bump_content_version()
    return article


@transaction.atomic
def record_slug_change(*, article: Article, old_slug: str) -> None:
    """Keep `old_slug` of a published article answering with a redirect to it."""
    if not old_slug or old_slug == article.slug:
        return
    ArticleSlugRedirect.objects.filter(old_slug=article.slug).delete()
    ArticleSlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"article": article}
    )


@transaction.atomic
def save_article(*, article: Article, by: User) -> Article:
    """Save an edited `article` for `by`: permission checks, then slug redirects."""
    stored = Article.objects.filter(pk=article.pk).first() if article.pk else None
    check_edit(article=stored or Article(), by=by, new_status=article.status)
    if stored is None and article.author_id is None:
        article.author = by
    if article.status == Article.Status.PUBLISHED and not article.published_at:
        article.published_at = timezone.now()
    article.save()
    if stored is not None and stored.status == Article.Status.PUBLISHED:
        record_slug_change(article=article, old_slug=stored.slug)
    bump_content_version()
    return article
