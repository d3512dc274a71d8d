"""An account's life: sign-up, confirmation, email change, password reset, deletion."""

import re

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import emails
from accounts.models import CategoryFollow, ReadingHistory, SavedArticle, User


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
