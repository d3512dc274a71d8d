"""Account emails sent by a real worker through a real SMTP server, links made there."""

import re
from email import message_from_bytes

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tasks import send_account_email
from tests.factories import UserFactory
from tests.tasks.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def body_of(envelope) -> str:
    return message_from_bytes(envelope.content).get_payload(decode=True).decode()


def test_password_reset_email_from_the_worker_resets_the_password(
    workers, smtp, client
):
    user = UserFactory(username="ada", email="ada@example.org")
    result = send_account_email.enqueue(kind="password_reset", user_id=user.pk)
    workers.start_ready()
    wait_for(lambda: smtp.messages, what="the reset email")

    (message,) = smtp.messages
    assert message.rcpt_tos == ["ada@example.org"]
    link = re.search(r"https?://\S+?(/accounts/password-reset/\S+)", body_of(message))
    # No secret in the task row operators can read.
    row = DBTaskResult.objects.get(pk=result.id)
    assert link.group(1).rstrip("/").rsplit("/", 1)[-1] not in str(row.args_kwargs)

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")
    wait_for(
        lambda: (
            DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
        )
    )


def test_sign_up_answers_at_once_and_the_worker_emails_the_confirmation(
    workers, smtp, client
):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.reader@example.org",
            "display_name": "New Reader",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    assert smtp.messages == []  # the request sent nothing itself
    row = DBTaskResult.objects.get(task_path="accounts.tasks.send_account_email")
    assert row.args_kwargs["kwargs"]["kind"] == "confirmation"

    workers.start_ready()
    wait_for(lambda: smtp.messages, what="the confirmation email")
    (message,) = smtp.messages
    assert message.rcpt_tos == ["new.reader@example.org"]
    path = re.search(r"https?://\S+?(/accounts/confirm/\S+)", body_of(message))
    assert client.get(path.group(1)).status_code in (200, 302)
    assert User.objects.get(email="new.reader@example.org").email_verified_at
