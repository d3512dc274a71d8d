"""Links in account emails come from SITE_URL, whatever Host the request named."""

import re

import pytest

from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A host ALLOWED_HOSTS lets through (tests.env), but not the site's address.
HOSTILE = {"HTTP_HOST": "localhost"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example"


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def assert_site_links(message):
    found = links(message)
    assert found
    assert all(link.startswith("https://news.example/accounts/") for link in found)
    assert "localhost" not in message.body and "testserver" not in message.body


def test_reset_link(client, mailoutbox):
    UserFactory(email="someone@example.org")

    client.post(
        "/accounts/password-reset/", {"email": "someone@example.org"}, **HOSTILE
    )

    assert_site_links(mailoutbox[0])


def test_reset_notice_for_an_unknown_address(client, mailoutbox):
    client.post("/accounts/password-reset/", {"email": "nobody@example.org"}, **HOSTILE)

    assert_site_links(mailoutbox[0])


def test_confirmation_link(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "display_name": "New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **HOSTILE,
    )

    assert_site_links(mailoutbox[0])


def test_resent_confirmation_link(client, mailoutbox):
    UserFactory(email="late@example.org", email_verified_at=None)

    client.post("/accounts/confirm/resend/", {"email": "late@example.org"}, **HOSTILE)

    assert_site_links(mailoutbox[0])


def test_email_change_link(client, mailoutbox):
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    client.post(
        "/accounts/email/",
        {"new_email": "new@example.org", "password": PASSWORD},
        **HOSTILE,
    )

    assert_site_links(mailoutbox[0])


def test_reset_sent_from_the_admin(client, mailoutbox):
    boss = UserFactory(is_staff=True, is_superuser=True)
    reader = UserFactory(email="forgetful@example.org")
    client.force_login(boss)

    client.post(
        "/admin/accounts/user/",
        {"action": "send_password_reset", "_selected_action": [reader.pk]},
        **HOSTILE,
    )

    assert_site_links(mailoutbox[0])
