"""Writes of the accounts app: each one function, in one transaction where it matters."""

import re

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import CategoryFollow, ReadingHistory, SavedArticle, User
from accounts.tokens import make_confirmation_token, make_email_change_token
from articles.models import Article, Category
from digest.models import SiteSettings

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


def _send(*, request: HttpRequest, to: str, template: str, context: dict) -> None:
    context = {**context, "site_name": _site_name()}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def _site_name() -> str:
    return SiteSettings.load().site_name


def send_confirmation_email(*, request: HttpRequest, user: User) -> None:
    """Email `user` a link that confirms their address, valid once for three days."""
    link = request.build_absolute_uri(
        reverse("accounts:confirm", kwargs={"token": make_confirmation_token(user)})
    )
    _send(
        request=request,
        to=user.email,
        template="confirm_email",
        context={"user": user, "link": link},
    )


def confirm_email(*, user: User) -> bool:
    """Mark the address confirmed; False if it already was (the link was used)."""
    return bool(
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
    )


def send_email_change_link(*, request: HttpRequest, user: User, new_email: str) -> None:
    """Email the new address a link that moves the account to it."""
    token = make_email_change_token(user, new_email)
    link = request.build_absolute_uri(
        reverse("accounts:email_change_confirm", kwargs={"token": token})
    )
    _send(
        request=request,
        to=new_email,
        template="email_change",
        context={"user": user, "link": link, "new_email": new_email},
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
