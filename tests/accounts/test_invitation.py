"""Accounts an operator makes: one role control, an emailed invitation that confirms."""

import re

import pytest

from accounts import roles
from accounts.models import User
from tests.client import Client
from tests.factories import UserFactory, role_group

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new lighthouse keeper"


@pytest.fixture
def operator_client():
    operator = UserFactory(username="op", display_name="Omar", is_staff=True)
    operator.groups.add(role_group(roles.OPERATOR), role_group(roles.EDITOR))
    client = Client()
    client.force_login(operator)
    return client


def invite(client, django_capture_on_commit_callbacks, **fields):
    data = {
        "username": "amina",
        "email": "amina@example.org",
        "display_name": "Amina",
        "roles": [roles.AUTHOR],
        **fields,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/admin/accounts/user/add/", data, follow=True)


def test_the_add_form_has_one_role_control_and_no_password(operator_client):
    html = operator_client.get("/admin/accounts/user/add/").content.decode()

    assert 'name="roles"' in html
    assert 'name="password1"' not in html and 'name="is_staff"' not in html
    assert "emailed an invitation" in html


def test_an_invited_author_chooses_a_password_and_can_sign_in(
    operator_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://news.example"
    response = invite(operator_client, django_capture_on_commit_callbacks)

    assert "An invitation to choose a password was emailed to amina@example.org" in (
        response.content.decode()
    )
    amina = User.objects.get(username="amina")
    assert amina.is_staff and roles.roles_of(amina) == [roles.AUTHOR]
    assert amina.email_verified_at is None and not amina.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["amina@example.org"]
    assert "Omar made you an account" in message.body and "amina" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith("https://news.example/accounts/password-reset/")

    reader = Client()
    form_page = reader.get(link.removeprefix("https://news.example"), follow=True)
    reader.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    amina.refresh_from_db()
    assert amina.check_password(NEW_PASSWORD)
    assert amina.email_verified_at is not None
    signed_in = reader.post(
        "/admin/login/", {"username": "amina", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "a\x00b"},
        {"username": "x" * 500},
        {"email": "not an address"},
        {"email": "a\x00@example.org"},
        {"display_name": "n" * 500},
        {"display_name": "bad\x00name"},
        {"roles": ["Superuser"]},
        {"email": ""},
    ],
)
def test_bad_input_is_a_form_error_and_makes_nothing(
    operator_client, mailoutbox, django_capture_on_commit_callbacks, fields
):
    response = invite(operator_client, django_capture_on_commit_callbacks, **fields)

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not User.objects.filter(email="amina@example.org").exists()
    assert mailoutbox == []


def test_an_address_already_in_use_is_a_form_error(
    operator_client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="amina@example.org")

    response = invite(
        operator_client, django_capture_on_commit_callbacks, email="AMINA@example.org"
    )

    assert "A user with that email address already exists." in (
        response.content.decode()
    )
    assert mailoutbox == []
