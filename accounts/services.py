"""Writes of the accounts app: each one function, in one transaction where it matters."""

import re

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from accounts import emails
from accounts.models import CategoryFollow, ReadingHistory, SavedArticle, User
from articles.models import Article, Category

HISTORY_LIMIT = 100
MERGE_LIMIT = 500


def unique_username(email: str) -> str:
    """A free username made from the local part of an email address."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0])[:30] or "reader"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def create_reader(*, email: str, display_name: str, password: str) -> User:
    """Create a reader who can sign in once the email address is confirmed."""
    user = User(
        username=unique_username(email),
        email=email,
        display_name=display_name,
        email_verified_at=None,
    )
    user.set_password(password)
    user.save()
    return user


def sign_up(*, email: str, display_name: str, password: str) -> None:
    """Make a reader account and email a confirmation link, or tell the owner.

    For an address that already has an account nothing is made; its owner is
    emailed that someone tried (or, if unconfirmed, sent a new confirmation
    link). Both paths hash a password and send one email, so neither the
    answer nor its timing tells whether the address has an account.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            user = create_reader(
                email=email, display_name=display_name, password=password
            )
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.filter(email__iexact=email).first()
        else:
            emails.send_confirmation(user=user)
            return
    make_password(password)  # the work creating an account does
    if existing is None:
        return
    if existing.email_verified_at is None and not existing.is_staff:
        emails.send_confirmation(user=existing)
    else:
        emails.send_signup_attempt(user=existing)


def request_password_reset(*, email: str) -> None:
    """Email a reset link to the active account with `email`, or say there is none."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        emails.send_reset_unknown(email=email)
    else:
        emails.send_password_reset(user=user)


def confirm_email(*, user: User) -> bool:
    """Mark the address confirmed; False if it already was (the link was used)."""
    return bool(
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
    )


@transaction.atomic
def change_email(*, user: User, new_email: str) -> bool:
    """Move the account to `new_email`; False when another account has it."""
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        return False
    User.objects.filter(pk=user.pk).update(
        email=new_email, email_verified_at=timezone.now()
    )
    return True


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the account with its saved articles, history and follows.

    Articles the user wrote stay, with no author (the foreign key sets NULL).
    """
    SavedArticle.objects.filter(user=user).delete()
    ReadingHistory.objects.filter(user=user).delete()
    CategoryFollow.objects.filter(user=user).delete()
    if user.avatar:
        storage, name = user.avatar.storage, user.avatar.name
        transaction.on_commit(lambda: storage.delete(name))
    user.delete()


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


HISTORY_RELOAD_SECONDS = 300
LAST_READ_KEY = "digest:history:last:{user_id}"


def record_reading(*, user: User, article: Article) -> None:
    """Note that `user` read `article` now, keeping their last 100 readings.

    Reloading the article read last (within HISTORY_RELOAD_SECONDS) writes
    nothing: it is already at the top of the history.
    """
    last_read = LAST_READ_KEY.format(user_id=user.pk)
    if cache.get(last_read) == article.pk:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # History is not worth an fsync per page view (a crash may lose the
            # last moments of it); this transaction only.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ReadingHistory.objects.bulk_create(
            [ReadingHistory(user=user, article=article, read_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["read_at"],
        )
        newest = ReadingHistory.objects.filter(user=user).order_by("-read_at", "-pk")
        ReadingHistory.objects.filter(user=user).exclude(
            pk__in=Subquery(newest.values("pk")[:HISTORY_LIMIT])
        ).delete()
    cache.set(last_read, article.pk, HISTORY_RELOAD_SECONDS)


def clear_history(*, user: User) -> None:
    ReadingHistory.objects.filter(user=user).delete()
    cache.delete(LAST_READ_KEY.format(user_id=user.pk))


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
