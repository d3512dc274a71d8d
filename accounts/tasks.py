"""The accounts app's background tasks: emails whose links are made in the worker.

A link's token is made when the email is sent, never stored in a task row (which
operators can read in the admin). The request enqueues only who and what:

    enqueue_on_commit(
        send_account_email,
        user_id=user.pk,
        kind="confirm_email",
        base_url=request.build_absolute_uri("/"),
    )
"""

from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import TaskContext, task

from accounts.models import User
from accounts.tokens import make_confirmation_token, make_email_change_token
from background.mail import send_templated_email
from digest.models import SiteSettings

KINDS = ("confirm_email", "email_change", "password_reset")


@task(takes_context=True)
def send_account_email(
    context: TaskContext,
    *,
    user_id: int,
    kind: str,
    base_url: str,
    new_email: str = "",
) -> bool:
    """Email user `user_id` the `kind` link under `base_url`; False if nothing was sent."""
    if kind not in KINDS:
        raise ValueError(f"unknown account email {kind!r}")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False  # gone or deactivated since the request
    base = base_url.rstrip("/")
    values = {"user": user, "site_name": SiteSettings.load().site_name}
    to = user.email
    if kind == "confirm_email":
        if user.email_verified_at is not None:
            return False
        token = make_confirmation_token(user)
        values["link"] = base + reverse("accounts:confirm", kwargs={"token": token})
    elif kind == "email_change":
        to = new_email
        token = make_email_change_token(user, new_email)
        values["new_email"] = new_email
        values["link"] = base + reverse(
            "accounts:email_change_confirm", kwargs={"token": token}
        )
    else:
        # The context Django's PasswordResetForm gives these templates.
        parts = urlsplit(base)
        values |= {
            "email": user.email,
            "protocol": parts.scheme,
            "domain": parts.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    return send_templated_email(
        key=context.task_result.id,
        to=to,
        subject_template=f"accounts/email/{kind}_subject.txt",
        text_template=f"accounts/email/{kind}.txt",
        context=values,
    )
