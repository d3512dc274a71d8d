"""Every email the accounts app sends: the calls a request makes.

Each one enqueues `accounts.tasks.send_account_email` once the request's
transaction commits; the worker builds the email there (accounts/tasks.py), links
and their tokens included, so no token is stored in a task row and no request
waits for the mail server.

Links are made from SITE_URL, never from the request's Host header: a request
naming another host (one ALLOWED_HOSTS lets through) must not put that host into
a reset or confirmation link.
"""

from accounts.models import User
from accounts.tasks import send_account_email
from background.queue import enqueue_on_commit


def send_confirmation(*, user: User) -> None:
    """Email `user` a link that confirms their address, valid once for three days."""
    enqueue_on_commit(send_account_email, kind="confirmation", user_id=user.pk)


def send_signup_attempt(*, user: User) -> None:
    """Tell the owner of an address someone tried to sign up with it again."""
    enqueue_on_commit(send_account_email, kind="signup_attempt", user_id=user.pk)


def send_email_change(*, user: User, new_email: str) -> None:
    """Email the new address a link that moves the account to it."""
    enqueue_on_commit(
        send_account_email, kind="email_change", user_id=user.pk, new_email=new_email
    )


def send_password_reset(*, user: User) -> None:
    """Email `user` a link to choose a new password (works once, expires)."""
    enqueue_on_commit(send_account_email, kind="password_reset", user_id=user.pk)


def send_reset_unknown(*, email: str) -> None:
    """Tell `email` that a reset was asked for it, though no account uses it."""
    enqueue_on_commit(send_account_email, kind="reset_unknown", email=email)


def send_invitation(*, user: User, by: User) -> None:
    """Invite an account an operator made to choose a password (confirms the address)."""
    enqueue_on_commit(
        send_account_email, kind="invitation", user_id=user.pk, by_id=by.pk
    )
