"""The one write path of an article's state: `change_state`.

Every way an article changes (each change-form button, the bulk actions,
scheduling, review, plain edits through `save_article`, importers, deletes) calls
`change_state`, and it is the only code that assigns `status` or `published_at`.
It holds the rules, on the server, whatever the admin shows:

- who may: an author (no `articles.edit_any_article`) changes only their own
  articles while they are drafts or in review, and may only keep them in those two
  states; holders of `articles.publish_article` publish, schedule and unpublish
  (taking a published or scheduled article back to draft or review is unpublishing);
  deleting needs `articles.delete_article` as well;
- what `published_at` becomes (see `Action`);
- who is recorded: the revision's user, and the author of a new article (`by`
  unless an editor named another).

It locks the stored row, and once the change is committed runs each follow-up once
(`articles.caching.article_changed`, then the audit log). Inside `bulk_changes()`
(an import of thousands of articles) the follow-ups are gathered instead: leaving
it refreshes every page once and writes the audit entries in batches.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractUser as User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.caching import ArticleSnapshot, article_changed, snapshot
from articles.checks import blocking, check_article
from articles.models import Article
from articles.tasks import fill_cards
from digest.audit import Action as Audit
from digest.audit import audit_entry, record_audits
from digest.cache import bump_content_version
from digest.models import AuditEntry, SiteSettings
from digest.redirects import redirect_to_object

PUBLISH_PERM = "articles.publish_article"
EDIT_ANY_PERM = "articles.edit_any_article"
AUTHOR_STATUSES = {Article.Status.DRAFT, Article.Status.REVIEW}


class Action(StrEnum):
    """What a change asks for, and what `published_at` becomes.

    `at` is the publication time the caller gives (the admin's field); only a
    publisher's counts.
    """

    UPDATE = "update"  # keep the stored status; `at` (or the stored time) stays
    SAVE_DRAFT = "save_draft"  # draft; `at` (or the stored time) is kept for later
    SUBMIT = "submit"  # in review; as for a draft
    # Published now; a past `at` or stored time is kept (republishing, importing
    # an old article), a future one (a scheduled article) becomes now.
    PUBLISH_NOW = "publish_now"
    SCHEDULE = "schedule"  # published at `at`, which must be in the future
    UNPUBLISH = "unpublish"  # back to draft; the stored time stays
    DELETE = "delete"


REASONS = {
    Action.UPDATE: "Edited",
    Action.SAVE_DRAFT: "Saved as draft",
    Action.SUBMIT: "Submitted for review",
    Action.PUBLISH_NOW: "Published",
    Action.SCHEDULE: "Scheduled",
    Action.UNPUBLISH: "Unpublished",
}
PUBLISHING = {Action.PUBLISH_NOW, Action.SCHEDULE, Action.UNPUBLISH}


def can_publish(user: User) -> bool:
    return user.has_perm(PUBLISH_PERM)


def can_edit(user: User, article: Article) -> bool:
    """Whether `user` may change `article` as it is stored now (also: preview it)."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm(EDIT_ANY_PERM):
        return True
    if article.pk is None:
        return True
    return article.author_id == user.pk and article.status in AUTHOR_STATUSES


def check_change(
    *,
    stored: Article | None,
    by: User,
    action: Action,
    at: datetime | None = None,
) -> None:
    """Refuse what `by` may not do to `stored` (None: a new article).

    Raises PermissionDenied (not allowed) or ValidationError (not possible, such
    as scheduling without a future time); the admin shows either on the form.
    """
    action = Action(action)
    if stored is None:
        if not by.has_perm("articles.add_article"):
            raise PermissionDenied(_("You may not write articles."))
    elif not can_edit(by, stored):
        raise PermissionDenied(_("You may not change this article."))
    if action is Action.DELETE:
        if not by.has_perm("articles.delete_article"):
            raise PermissionDenied(_("You may not delete articles."))
        return
    was_published = stored is not None and stored.status == Article.Status.PUBLISHED
    unpublishing = was_published and action in {Action.SAVE_DRAFT, Action.SUBMIT}
    if (action in PUBLISHING or unpublishing) and not can_publish(by):
        raise PermissionDenied(_("You may not publish or unpublish articles."))
    if action is Action.SCHEDULE and (at is None or at <= timezone.now()):
        raise ValidationError(
            _("Give a future time to schedule the article."), code="schedule_past"
        )
    if action is Action.UNPUBLISH and not was_published:
        raise ValidationError(
            _("Only a published or scheduled article can be unpublished."),
            code="not_published",
        )


def _new_state(
    *, stored: Article | None, action: Action, time: datetime | None
) -> tuple[str, datetime | None]:
    """The status and `published_at` `action` gives; `time` is the one asked for."""
    now = timezone.now()
    if action is Action.UPDATE:
        status = stored.status if stored else Article.Status.DRAFT
    elif action is Action.PUBLISH_NOW:
        return Article.Status.PUBLISHED, time if time and time <= now else now
    elif action is Action.SCHEDULE:
        return Article.Status.PUBLISHED, time
    elif action is Action.SUBMIT:
        status = Article.Status.REVIEW
    else:  # SAVE_DRAFT, UNPUBLISH
        status = Article.Status.DRAFT
    if status == Article.Status.PUBLISHED and time is None:
        time = now
    return status, time


def _keep_what_by_may_not_change(
    *, article: Article, stored: Article | None, by: User
) -> None:
    """Put back the fields only others may set; name the author of a new article."""
    if not can_publish(by):
        article.is_featured = stored.is_featured if stored else False
    if stored is None:
        if article.author_id is None or not by.has_perm(EDIT_ANY_PERM):
            article.author = by
    elif not by.has_perm(EDIT_ANY_PERM):
        article.author_id = stored.author_id


def change_state(
    *,
    article: Article,
    by: User,
    action: Action | str,
    at: datetime | None = None,
    ip: str | None = None,
) -> Article:
    """Apply `action` to `article` (with any edits made to it) for `by`, and save.

    `at` is the publication time asked for (see `Action`); `ip` the address `by`
    asked from, for the audit log. Raises PermissionDenied or ValidationError,
    writing nothing, when refused.
    """
    # In bulk_changes() the caller's transaction is the unit of work (a failure
    # fails its whole batch): no savepoint round trips per article.
    with transaction.atomic(savepoint=_bulk.get() is None):
        return _change_state(
            article=article, by=by, action=Action(action), at=at, ip=ip
        )


def _change_state(
    *, article: Article, by: User, action: Action, at: datetime | None, ip: str | None
) -> Article:
    stored = (
        Article.objects.select_for_update().filter(pk=article.pk).first()
        if article.pk
        else None
    )
    check_change(stored=stored, by=by, action=action, at=at)
    check_content(article=article, action=action)
    audit = _audit_action(stored=stored, action=action)
    before: ArticleSnapshot | None = snapshot(stored) if stored else None
    if action is Action.DELETE:
        gone = copy.copy(article)  # keeps the pk delete() clears, for the log
        article.delete()
        entry = _audit_entry(action=audit, by=by, article=gone, ip=ip)
        transaction.on_commit(
            lambda: _follow_up(before=before, after=None, audit=entry)
        )
        return article
    if not can_publish(by):  # only publishers set the time
        at = None
    time = at if at is not None else (stored.published_at if stored else None)
    article.status, article.published_at = _new_state(
        stored=stored, action=action, time=time
    )
    _keep_what_by_may_not_change(article=article, stored=stored, by=by)
    article._history_user = by
    article._change_reason = REASONS[action]
    _save_with_revision(article, new=stored is None)
    if stored is not None and stored.status == Article.Status.PUBLISHED:
        _record_slug_change(article=article, old_slug=stored.slug)
    entry = _audit_entry(action=audit, by=by, article=article, ip=ip)
    transaction.on_commit(lambda: _follow_up(before=before, after=article, audit=entry))
    return article


def _save_with_revision(article: Article, *, new: bool) -> None:
    """Save `article`; its revision now, or in a batch inside bulk_changes()."""
    bulk = _bulk.get()
    if bulk is None:
        article.save()
        return
    article.skip_history_when_saving = True
    try:
        article.save()
    finally:
        del article.skip_history_when_saving
    bulk.revisions.append((copy.copy(article), new))


def check_content(*, article: Article, action: Action | str) -> None:
    """Refuse publishing `article` while a check the site settings require fails."""
    if Action(action) not in {Action.PUBLISH_NOW, Action.SCHEDULE}:
        return
    bulk = _bulk.get()
    if bulk is None:
        required = SiteSettings.load().required_checks
    else:  # one read for the whole block
        if bulk.required_checks is None:
            bulk.required_checks = SiteSettings.load().required_checks
        required = bulk.required_checks
    refused = blocking(check_article(article, required=required))
    if refused:
        raise ValidationError(
            [finding.message for finding in refused], code="content_check"
        )


AUDITED = {
    Action.SUBMIT: Audit.SUBMITTED,
    Action.PUBLISH_NOW: Audit.PUBLISHED,
    Action.SCHEDULE: Audit.SCHEDULED,
    Action.UNPUBLISH: Audit.UNPUBLISHED,
    Action.DELETE: Audit.DELETED,
}


def _audit_action(*, stored: Article | None, action: Action) -> str | None:
    """The audit log's name for `action` on `stored`; None for a plain edit."""
    was_published = stored is not None and stored.status == Article.Status.PUBLISHED
    if was_published and action in {Action.SAVE_DRAFT, Action.SUBMIT}:
        return Audit.UNPUBLISHED
    return AUDITED.get(action)


def _audit_entry(
    *, action: str | None, by: User, article: Article, ip: str | None
) -> dict | None:
    """What the audit log is to record of `action`; None for a plain edit."""
    if action is None:
        return None
    detail = ""
    if action == Audit.SCHEDULED and article.published_at:
        detail = f"for {article.published_at.isoformat()}"
    return {
        "action": action,
        "actor": by,
        "target": article,
        "ip": ip,
        "detail": detail,
    }


@dataclass
class _Bulk:
    """What a bulk_changes() block has gathered."""

    entries: list[AuditEntry] = field(default_factory=list)
    required_checks: list[str] | None = None  # the site settings', read once
    # The revisions of articles saved, as (article as saved, whether it was new).
    revisions: list[tuple[Article, bool]] = field(default_factory=list)
    # Articles whose changes were committed: their cards are rendered afterwards.
    changed: set[int] = field(default_factory=set)


_bulk: ContextVar[_Bulk | None] = ContextVar("articles_bulk", default=None)
BULK_AUDIT_BATCH = 500
FILL_TASK_SIZE = 2000  # articles whose cards one task renders


@contextmanager
def bulk_changes() -> Iterator[None]:
    """Many changes as one site-wide change (imports): no per-article follow-ups.

    Changes made inside still go through `change_state` with all its rules; only
    the bookkeeping is batched: no cache version is bumped per article (leaving
    the block refreshes every page once, as any site-wide change does, and the
    worker renders the changed articles' cards), the audit entries are written
    BULK_AUDIT_BATCH at a time, and the revisions (history)
    when the caller calls `write_revisions()` inside its transaction (or
    `drop_revisions()` when that transaction failed); what is left is written on
    leaving the block.
    """
    bulk = _Bulk()
    token = _bulk.set(bulk)
    try:
        yield
        _write_revisions(bulk)
    finally:
        # On an error the revisions still waiting belong to a transaction that
        # did not commit; the audit entries are of committed changes only.
        _bulk.reset(token)
        record_audits(bulk.entries)
        bump_content_version()
        _fill_cards_later(bulk.changed)


def _fill_cards_later(pks: set[int]) -> None:
    """The worker renders the cards of a bulk change's articles (an import's
    thousands would hold up the import); readers render any still missing."""
    ordered = sorted(pks, reverse=True)  # newest first, the likeliest read
    for start in range(0, len(ordered), FILL_TASK_SIZE):
        fill_cards.enqueue(article_ids=ordered[start : start + FILL_TASK_SIZE])


def write_revisions() -> None:
    """Write the revisions gathered in this bulk_changes() block, in two statements.

    Call it inside the transaction that saved the articles (the importer does at
    the end of each batch), so a revision is kept exactly when its change is.
    """
    bulk = _bulk.get()
    if bulk is not None:
        _write_revisions(bulk)


def drop_revisions() -> None:
    """Forget the revisions gathered since the last write: their transaction failed."""
    bulk = _bulk.get()
    if bulk is not None:
        bulk.revisions.clear()


def _write_revisions(bulk: _Bulk) -> None:
    for new in (True, False):
        articles = [article for article, was_new in bulk.revisions if was_new is new]
        if articles:
            Article.history.bulk_history_create(articles, update=not new)
    bulk.revisions.clear()


def _follow_up(
    *, before: ArticleSnapshot | None, after: Article | None, audit: dict | None
) -> None:
    """Run once a change is committed: caches and pages, then the audit log."""
    bulk = _bulk.get()
    if bulk is None:
        article_changed(before=before, after=after)
        if audit is not None:
            audit_entry(**audit).save()
        return
    if after is not None:
        bulk.changed.add(after.pk)
    if audit is not None:
        bulk.entries.append(audit_entry(**audit))
    if len(bulk.entries) >= BULK_AUDIT_BATCH:
        record_audits(bulk.entries)
        bulk.entries.clear()


def save_article(*, article: Article, by: User) -> Article:
    """Save a plain edit of `article` by `by`, its state unchanged (scripts, bench)."""
    return change_state(
        article=article, by=by, action=Action.UPDATE, at=article.published_at
    )


def _record_slug_change(*, article: Article, old_slug: str) -> None:
    """Keep `old_slug` of a published article answering with a redirect to it."""
    if not old_slug or old_slug == article.slug:
        return
    old_path = reverse("articles:detail", kwargs={"slug": old_slug})
    redirect_to_object(old_path=old_path, obj=article, source="slug")
