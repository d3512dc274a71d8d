"""Signed, expiring, one-time links for confirming an email address."""

from django.core import signing

from accounts.models import User

CONFIRM_SALT = "accounts.confirm-email"
EMAIL_CHANGE_SALT = "accounts.change-email"
LINK_MAX_AGE = 60 * 60 * 24 * 3  # three days


class InvalidLink(Exception):
    """A link that was tampered with, has expired or was already used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "used"


def make_confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=CONFIRM_SALT)


def make_email_change_token(user: User, new_email: str) -> str:
    # The current address is part of the token, so the link stops working once
    # the change (or any other change of address) has happened.
    return signing.dumps(
        {"u": user.pk, "old": user.email.lower(), "new": new_email},
        salt=EMAIL_CHANGE_SALT,
    )


def _load(token: str, salt: str) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink("expired") from None
    except signing.BadSignature:
        raise InvalidLink("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidLink("invalid")
    return data


def read_confirmation_token(token: str) -> User:
    """The unconfirmed user a sign-up link is for; InvalidLink otherwise."""
    data = _load(token, CONFIRM_SALT)
    user = User.objects.filter(pk=data["u"]).first()
    if user is None or user.email.lower() != data.get("e"):
        raise InvalidLink("invalid")
    if user.email_verified_at is not None:
        raise InvalidLink("used")
    return user


def read_email_change_token(token: str) -> tuple[User, str]:
    """The user and the new address an email-change link is for."""
    data = _load(token, EMAIL_CHANGE_SALT)
    user = User.objects.filter(pk=data["u"]).first()
    if user is None or not isinstance(data.get("new"), str):
        raise InvalidLink("invalid")
    if user.email.lower() != data.get("old"):
        raise InvalidLink("used")
    return user, data["new"]
