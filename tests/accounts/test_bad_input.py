"""Hostile values in every accounts form: a form error or a refusal, never a 500."""

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BAD = ["\x00", "a\x00b@example.org", "x" * 5000, "é" * 300 + "@example.org", ""]

ANONYMOUS_FORMS = {
    "/accounts/login/": ["username", "password"],
    "/admin/login/": ["username", "password", "otp_token"],
    "/accounts/signup/": ["email", "display_name", "password1", "password2"],
    "/accounts/password-reset/": ["email"],
    "/accounts/confirm/resend/": ["email"],
}
SIGNED_IN_FORMS = {
    "/accounts/profile/": ["display_name", "bio"],
    "/accounts/email/": ["new_email", "password"],
    "/accounts/password-change/": ["old_password", "new_password1", "new_password2"],
    "/accounts/delete/": ["password"],
}
VALID = {
    "username": "someone",
    "password": PASSWORD,
    "email": "someone@example.org",
    "display_name": "Someone",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "bio": "",
    "new_email": "new@example.org",
    "old_password": PASSWORD,
    "new_password1": "another long password 42",
    "new_password2": "another long password 42",
    "otp_token": "",
}


def cases(forms):
    return [
        (path, field, value)
        for path, fields in forms.items()
        for field in fields
        for value in BAD
    ]


def post(client, path, field, value):
    fields = ANONYMOUS_FORMS.get(path) or SIGNED_IN_FORMS[path]
    data = {name: VALID[name] for name in fields}
    data[field] = value
    return client.post(path, data)


@pytest.mark.parametrize(("path", "field", "value"), cases(ANONYMOUS_FORMS))
def test_anonymous_forms(path, field, value):
    UserFactory(username="someone", email="someone@example.org")
    client = Client(raise_request_exception=False)

    response = post(client, path, field, value)

    assert response.status_code < 500
    if "\x00" in value or len(value) > 300:
        # Refused: no account made, nobody signed in.
        assert User.objects.count() == 1
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("path", "field", "value"), cases(SIGNED_IN_FORMS))
def test_signed_in_forms(path, field, value):
    user = UserFactory(username="someone", email="someone@example.org")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    response = post(client, path, field, value)

    assert response.status_code < 500
    user.refresh_from_db()
    if "\x00" in value or len(value) > 3000:
        assert user.email == "someone@example.org"
        assert user.check_password(PASSWORD)
        assert "\x00" not in user.display_name and len(user.display_name) <= 80
