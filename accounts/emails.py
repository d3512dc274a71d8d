"""Every email the accounts app sends, each built here and sent by send().

Links are made from SITE_URL, never from the request's Host header: a request
naming another host (one ALLOWED_HOSTS lets through) must not put that host into
a reset or confirmation link.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import make_confirmation_token, make_email_change_token
from digest.models import SiteSettings


def site_link(path: str) -> str:
    """The absolute address of `path` on this site, from SITE_URL."""
    return settings.SITE_URL + path


def send(*, to: str, template: str, context: dict) -> None:
    """Render accounts/email/<template>[_subject].txt and send it to `to`.

    The one place the accounts app sends mail (a task queue can take it over).
    """
    context = {**context, "site_name": SiteSettings.load().site_name}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def _set_password_link(user: User) -> str:
    return site_link(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


def send_confirmation(*, user: User) -> None:
    """Email `user` a link that confirms their address, valid once for three days."""
    link = site_link(
        reverse("accounts:confirm", kwargs={"token": make_confirmation_token(user)})
    )
    send(to=user.email, template="confirm_email", context={"user": user, "link": link})


def send_signup_attempt(*, user: User) -> None:
    """Tell the owner of an address someone tried to sign up with it again."""
    send(
        to=user.email,
        template="signup_exists",
        context={
            "user": user,
            "login_link": site_link(reverse("accounts:login")),
            "reset_link": site_link(reverse("accounts:password_reset")),
        },
    )


def send_email_change(*, user: User, new_email: str) -> None:
    """Email the new address a link that moves the account to it."""
    token = make_email_change_token(user, new_email)
    link = site_link(reverse("accounts:email_change_confirm", kwargs={"token": token}))
    send(
        to=new_email,
        template="email_change",
        context={"user": user, "link": link, "new_email": new_email},
    )


def send_password_reset(*, user: User) -> None:
    """Email `user` a link to choose a new password (works once, expires)."""
    send(
        to=user.email,
        template="password_reset",
        context={"user": user, "link": _set_password_link(user)},
    )


def send_reset_unknown(*, email: str) -> None:
    """Tell `email` that a reset was asked for it, though no account uses it."""
    send(
        to=email,
        template="password_reset_unknown",
        context={"email": email, "signup_link": site_link(reverse("accounts:signup"))},
    )


def send_invitation(*, user: User, by: User) -> None:
    """Invite an account an operator made to choose a password (confirms the address)."""
    send(
        to=user.email,
        template="invitation",
        context={"user": user, "by": by, "link": _set_password_link(user)},
    )
