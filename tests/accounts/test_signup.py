import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tokens import make_confirmation_token
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def sign_up(client, email="new.reader@example.org", **overrides):
    data = {
        "email": email,
        "display_name": "New Reader",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_creates_an_unconfirmed_reader_and_emails_a_link(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm/sent/"
    user = User.objects.get(email="new.reader@example.org")
    assert user.username == "new.reader"
    assert user.display_name == "New Reader"
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.reader@example.org"]
    assert "/accounts/confirm/" in link_in(mailoutbox[0])


def test_the_confirmation_link_confirms_once_and_signs_the_reader_in(
    client, mailoutbox
):
    sign_up(client)
    link = link_in(mailoutbox[0])

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your email address is confirmed. You are signed in." in (
        response.content.decode()
    )
    assert client.get(reverse("accounts:profile")).status_code == 200  # signed in
    assert User.objects.get(username="new.reader").email_verified_at is not None
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": "new.reader@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    again = client.get(link)
    assert again.status_code == 400
    assert "This link was already used." in again.content.decode()


def test_a_tampered_confirmation_link_is_refused(client, mailoutbox):
    sign_up(client)
    link = link_in(mailoutbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = client.get(tampered)

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert User.objects.get(username="new.reader").email_verified_at is None


def test_a_link_for_another_user_id_cannot_be_forged(client):
    victim = UserFactory(email_verified_at=None)
    forged = signing.dumps({"u": victim.pk, "e": victim.email}, salt="something-else")

    response = client.get(f"/accounts/confirm/{forged}/")

    assert response.status_code == 400
    victim.refresh_from_db()
    assert victim.email_verified_at is None


def test_an_expired_confirmation_link_is_refused(client, time_machine):
    user = UserFactory(email_verified_at=None)
    time_machine.move_to(timezone.now() - timedelta(days=4))
    token = make_confirmation_token(user)
    time_machine.move_to(timezone.now() + timedelta(days=4))

    response = client.get(f"/accounts/confirm/{token}/")

    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()


def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told(client, mailoutbox):
    owner = UserFactory(email="taken@example.org")

    other = "a different harbour password"
    taken = sign_up(client, email="TAKEN@Example.org", password1=other, password2=other)
    fresh = sign_up(client, email="fresh@example.org")

    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url == "/accounts/confirm/sent/"
    assert User.objects.filter(email__iexact="taken@example.org").get() == owner
    owner.refresh_from_db()
    assert not owner.check_password(other)
    told, confirm = mailoutbox
    assert told.to == ["taken@example.org"]
    assert "Someone tried to sign up" in told.subject
    assert "No new account was made" in told.body
    assert "/accounts/password-reset/" in told.body
    assert confirm.to == ["fresh@example.org"]


def test_signing_up_again_before_confirming_sends_a_new_confirmation_link(
    client, mailoutbox
):
    sign_up(client, email="twice@example.org")
    sign_up(client, email="twice@example.org")

    assert User.objects.filter(email="twice@example.org").count() == 1
    assert [m.to for m in mailoutbox] == [["twice@example.org"]] * 2
    assert all("/accounts/confirm/" in link_in(m) for m in mailoutbox)


def test_weak_and_mismatched_passwords_are_refused(client):
    weak = sign_up(client, password1="12345678", password2="12345678")
    mismatch = sign_up(client, password2="something else entirely")

    assert "This password is too common." in weak.content.decode()
    assert "The two password fields didn’t match." in mismatch.content.decode()
    assert not User.objects.filter(email="new.reader@example.org").exists()


def test_usernames_derived_from_email_are_unique(client):
    UserFactory(username="sam", email="sam@elsewhere.example")

    sign_up(client, email="sam@example.org")

    assert User.objects.get(email="sam@example.org").username == "sam2"


def test_resend_sends_a_new_link_to_an_unconfirmed_account(client, mailoutbox):
    UserFactory(email="late@example.org", email_verified_at=None)

    response = client.post("/accounts/confirm/resend/", {"email": "LATE@example.org"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["late@example.org"]


def test_resend_answers_the_same_whether_or_not_the_account_exists(client, mailoutbox):
    UserFactory(email="late@example.org", email_verified_at=None)

    known = client.post(
        "/accounts/confirm/resend/", {"email": "late@example.org"}, follow=True
    )
    unknown = client.post(
        "/accounts/confirm/resend/", {"email": "who@example.org"}, follow=True
    )

    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mailoutbox) == 1


def test_resend_sends_nothing_for_a_confirmed_account(client, mailoutbox):
    UserFactory(email="done@example.org")

    client.post("/accounts/confirm/resend/", {"email": "done@example.org"})

    assert mailoutbox == []


def test_signed_in_readers_are_sent_from_sign_up_to_their_profile(reader_client):
    assert reader_client.get(SIGNUP).url == "/accounts/profile/"


def test_sign_up_form_needs_a_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        SIGNUP,
        {
            "email": "x@example.org",
            "display_name": "X",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()
