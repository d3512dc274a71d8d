"""Sign-up and reset answer alike, in about the same time, for any address.

Whether an address has an account shows only in the email sent to it.
"""

import re
import statistics
import time

import pytest

from accounts import limits
from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.client import Client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
RESET = "/accounts/password-reset/"


def sign_up(client, email, **extra):
    return client.post(
        SIGNUP,
        {
            "email": email,
            "display_name": "Someone",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
        **extra,
    )


def page(response) -> tuple:
    # The CSRF token differs per response; everything else must not.
    html = re.sub(r'value="[^"]{64}"', "", response.content.decode())
    return response.redirect_chain, response.status_code, html


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.org")


def test_sign_up_answers_alike_and_only_the_email_differs(client, owner, mailoutbox):
    known = sign_up(client, "owner@example.org")
    unknown = sign_up(Client(), "someone.new@example.org")

    assert page(known) == page(unknown)
    assert [m.to for m in mailoutbox] == [
        ["owner@example.org"],
        ["someone.new@example.org"],
    ]
    assert "Someone tried to sign up" in mailoutbox[0].subject
    assert "/accounts/confirm/" in mailoutbox[1].body
    assert User.objects.filter(email__iexact="owner@example.org").count() == 1


def test_reset_answers_alike_and_only_the_email_differs(client, owner, mailoutbox):
    known = client.post(RESET, {"email": "owner@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert page(known) == page(unknown)
    link, notice = mailoutbox
    assert link.to == ["owner@example.org"] and "/accounts/password-reset/" in link.body
    assert notice.to == ["nobody@example.org"]
    assert "no active account uses this address" in notice.body


def median_seconds(post, emails: list[str]) -> dict[str, float]:
    times = {email: [] for email in emails}
    for n in range(5):
        for email in emails:  # interleaved, so load on the machine hits both
            started = time.perf_counter()
            post(email, n)
            times[email].append(time.perf_counter() - started)
    return {email: statistics.median(values) for email, values in times.items()}


def test_sign_up_takes_about_as_long_for_a_taken_address(owner, settings):
    # The real hasher: creating an account costs one password hash, and so
    # must the answer for an address that has one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.LOGIN_FAILURES_PER_ADDRESS = 1000

    def post(email, n):
        address = email.replace("@", f"+{n}@") if email.startswith("new") else email
        sign_up(Client(), address, REMOTE_ADDR=f"10.1.0.{n}")

    medians = median_seconds(post, ["owner@example.org", "new@example.org"])

    slow, fast = max(medians.values()), min(medians.values())
    assert slow / fast < 2, medians


def test_reset_takes_about_as_long_for_an_unknown_address(owner):
    def post(email, n):
        Client().post(RESET, {"email": email}, REMOTE_ADDR=f"10.2.0.{n}")

    medians = median_seconds(post, ["owner@example.org", "nobody@example.org"])

    slow, fast = max(medians.values()), min(medians.values())
    assert slow / fast < 3, medians


@pytest.mark.parametrize("path", [SIGNUP, RESET])
def test_one_target_address_gets_at_most_the_limit_from_many_clients(
    path, owner, mailoutbox
):
    for n in range(limits.EMAILS_PER_ADDRESS + 3):
        data = {"email": "owner@example.org"}
        if path == SIGNUP:
            data.update(display_name="X", password1=PASSWORD, password2=PASSWORD)
        Client().post(path, data, REMOTE_ADDR=f"10.3.0.{n}")

    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS


@pytest.mark.parametrize("path", [SIGNUP, RESET])
def test_one_client_reaches_at_most_the_limit_of_addresses(path, owner, mailoutbox):
    client = Client()
    for n in range(limits.EMAILS_PER_CLIENT + 3):
        data = {"email": f"target{n}@example.org"}
        if path == SIGNUP:
            data.update(display_name="X", password1=PASSWORD, password2=PASSWORD)
        client.post(path, data, REMOTE_ADDR="10.4.0.1")

    assert len(mailoutbox) == limits.EMAILS_PER_CLIENT
