"""Email built from templates, sent by a task once per task and recipient.

`send_email` is the task for any email whose context is plain JSON:

    enqueue_on_commit(
        send_email,
        to=[user.email],
        subject_template="accounts/email/welcome_subject.txt",
        text_template="accounts/email/welcome.txt",
        context={"name": user.public_name},
    )

A task that must put a secret in the email (a password-reset link) builds it in
the worker and calls `send_templated_email` itself with its task id as `key`, so
the secret is never stored in the task row.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django_tasks import TaskContext, task

from background.models import SentEmail


def send_templated_email(
    *,
    key: str,
    to: str,
    subject_template: str,
    text_template: str,
    html_template: str = "",
    context: dict | None = None,
    from_email: str | None = None,
) -> bool:
    """Render and send one email unless `key` already sent it to `to`; say if sent."""
    context = context or {}
    subject = " ".join(render_to_string(subject_template, context).split())
    body = render_to_string(text_template, context)
    with transaction.atomic():
        # The row and the send commit together: an SMTP error rolls the row back
        # for the retry; only a crash between the server's accept and the commit
        # (milliseconds) can send twice.
        try:
            with transaction.atomic():
                SentEmail.objects.create(
                    task_id=str(key), recipient=to, subject=subject[:255]
                )
        except IntegrityError:
            return False
        message = EmailMultiAlternatives(
            subject, body, from_email or settings.DEFAULT_FROM_EMAIL, [to]
        )
        if html_template:
            message.attach_alternative(
                render_to_string(html_template, context), "text/html"
            )
        message.send()
    return True


@task(takes_context=True)
def send_email(
    context: TaskContext,
    *,
    to: list[str],
    subject_template: str,
    text_template: str,
    html_template: str = "",
    values: dict | None = None,
) -> int:
    """Send the templated email to each address of `to`; return how many went now."""
    key = context.task_result.id
    return sum(
        send_templated_email(
            key=key,
            to=address,
            subject_template=subject_template,
            text_template=text_template,
            html_template=html_template,
            context=values,
        )
        for address in to
    )
