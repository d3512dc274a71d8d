from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import limits
from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reset_emails_to_one_address_stop_after_the_limit_with_the_same_answer(
    client, reader, mailoutbox
):
    answers = [
        client.post(
            "/accounts/password-reset/", {"email": "reader@example.org"}, follow=True
        )
        for _ in range(limits.EMAILS_PER_ADDRESS + 2)
    ]

    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS
    assert len({a.content for a in answers}) == 1
    assert all(
        a.redirect_chain[-1][0] == "/accounts/password-reset/sent/" for a in answers
    )


def test_reset_emails_from_one_client_stop_after_the_limit(client, mailoutbox):
    for n in range(limits.EMAILS_PER_CLIENT + 2):
        UserFactory(email=f"r{n}@example.org")
        client.post("/accounts/password-reset/", {"email": f"r{n}@example.org"})

    assert len(mailoutbox) == limits.EMAILS_PER_CLIENT


def test_another_client_is_not_held_back_by_the_first(client, mailoutbox):
    for n in range(limits.EMAILS_PER_CLIENT):
        client.post(
            "/accounts/password-reset/",
            {"email": f"x{n}@example.org"},
            REMOTE_ADDR="10.0.0.1",
        )
    UserFactory(email="fresh@example.org")

    client.post(
        "/accounts/password-reset/",
        {"email": "fresh@example.org"},
        REMOTE_ADDR="10.0.0.2",
    )

    assert mailoutbox[-1].to == ["fresh@example.org"]
    assert "/accounts/password-reset/" in mailoutbox[-1].body


def test_unknown_addresses_count_too_so_limits_reveal_nothing(client, mailoutbox):
    for _ in range(limits.EMAILS_PER_ADDRESS):
        client.post("/accounts/password-reset/", {"email": "later@example.org"})
    UserFactory(email="later@example.org")

    client.post("/accounts/password-reset/", {"email": "later@example.org"})

    # Three notices that no account uses the address, then nothing: no link.
    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS
    assert not any("/accounts/password-reset/" in m.body for m in mailoutbox)


def test_resend_confirmation_is_limited_per_address(client, mailoutbox):
    UserFactory(email="slow@example.org", email_verified_at=None)

    answers = [
        client.post(
            "/accounts/confirm/resend/", {"email": "slow@example.org"}, follow=True
        )
        for _ in range(limits.EMAILS_PER_ADDRESS + 2)
    ]

    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS
    assert len({a.content for a in answers}) == 1


def test_sign_ups_from_one_client_are_limited(client, mailoutbox):
    for n in range(limits.EMAILS_PER_CLIENT + 1):
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"new{n}@example.org",
                "display_name": "New",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 200
    assert "Too many sign-ups from here" in response.content.decode()
    assert (
        User.objects.filter(email__startswith="new").count() == limits.EMAILS_PER_CLIENT
    )
    assert len(mailoutbox) == limits.EMAILS_PER_CLIENT


def test_limits_end_with_their_window(client, reader, mailoutbox, time_machine):
    time_machine.move_to(timezone.now())
    for _ in range(limits.EMAILS_PER_ADDRESS + 1):
        client.post("/accounts/password-reset/", {"email": "reader@example.org"})
    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS

    time_machine.move_to(timezone.now() + timedelta(minutes=61))
    client.post("/accounts/password-reset/", {"email": "reader@example.org"})

    assert len(mailoutbox) == limits.EMAILS_PER_ADDRESS + 1


def test_behind_a_proxy_clients_are_told_apart_by_forwarded_address(
    client, reader, settings
):
    settings.NUM_PROXIES = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    other_client = client.post(
        "/accounts/login/",
        {"username": "reader", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    same_client = client.post(
        "/accounts/login/",
        {"username": "reader", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert other_client.status_code == 302
    assert same_client.status_code == 429
