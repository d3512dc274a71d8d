"""The accounts app's background tasks: its emails, built and sent in the worker.

`accounts.emails` enqueues them. A link's token is made here, when the email is
sent, so none is stored in a task row (which operators can read in the admin).
Links come from SITE_URL, never from a request's Host header.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import TaskContext, task

from accounts.models import User
from accounts.tokens import make_confirmation_token, make_email_change_token
from background.mail import send_templated_email
from digest.models import SiteSettings


def site_link(path: str) -> str:
    """The absolute address of `path` on this site, from SITE_URL."""
    return settings.SITE_URL + path


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


def _confirmation(user: User, **_) -> tuple[str, str, dict]:
    token = make_confirmation_token(user)
    link = site_link(reverse("accounts:confirm", kwargs={"token": token}))
    return user.email, "confirm_email", {"user": user, "link": link}


def _signup_attempt(user: User, **_) -> tuple[str, str, dict]:
    return (
        user.email,
        "signup_exists",
        {
            "user": user,
            "login_link": site_link(reverse("accounts:login")),
            "reset_link": site_link(reverse("accounts:password_reset")),
        },
    )


def _email_change(user: User, *, new_email: str, **_) -> tuple[str, str, dict]:
    token = make_email_change_token(user, new_email)
    link = site_link(reverse("accounts:email_change_confirm", kwargs={"token": token}))
    return (
        new_email,
        "email_change",
        {"user": user, "link": link, "new_email": new_email},
    )


def _password_reset(user: User, **_) -> tuple[str, str, dict]:
    return (
        user.email,
        "password_reset",
        {"user": user, "link": _set_password_link(user)},
    )


def _invitation(user: User, *, by: User | None, **_) -> tuple[str, str, dict]:
    return (
        user.email,
        "invitation",
        {"user": user, "by": by, "link": _set_password_link(user)},
    )


FOR_USERS = {
    "confirmation": _confirmation,
    "signup_attempt": _signup_attempt,
    "email_change": _email_change,
    "password_reset": _password_reset,
    "invitation": _invitation,
}


@task(takes_context=True)
def send_account_email(
    context: TaskContext,
    *,
    kind: str,
    user_id: int | None = None,
    email: str = "",
    new_email: str = "",
    by_id: int | None = None,
) -> bool:
    """Build the accounts email `kind` and send it once; False if nothing was sent."""
    if kind == "reset_unknown":
        to, template, values = (
            email,
            "password_reset_unknown",
            {"email": email, "signup_link": site_link(reverse("accounts:signup"))},
        )
    else:
        build = FOR_USERS[kind]
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return False  # deleted since the request
        by = User.objects.filter(pk=by_id).first() if by_id else None
        to, template, values = build(user, new_email=new_email, by=by)
    values["site_name"] = SiteSettings.load().site_name
    return send_templated_email(
        key=context.task_result.id,
        to=to,
        subject_template=f"accounts/email/{template}_subject.txt",
        text_template=f"accounts/email/{template}.txt",
        context=values,
    )
