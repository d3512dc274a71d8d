import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.conftest import PASSWORD
from tests.client import Client

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
NEW_PASSWORD = "a brand new lighthouse keeper"


def reset_link(mailoutbox) -> str:
    return re.search(r"https?://\S+", mailoutbox[-1].body).group(0)


def choose_password(client, link, password=NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_reset_emails_a_link_to_the_account(client, reader, mailoutbox):
    response = client.post(RESET, {"email": "READER@example.org"})

    assert response.status_code == 302
    assert response.url == "/accounts/password-reset/sent/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reader@example.org"]
    assert "/accounts/password-reset/" in reset_link(mailoutbox)


def test_reset_answers_the_same_for_an_unknown_address(client, reader, mailoutbox):
    known = client.post(RESET, {"email": "reader@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    link, notice = mailoutbox
    assert link.to == ["reader@example.org"]
    assert "/accounts/password-reset/" in link.body
    assert notice.to == ["nobody@example.org"]
    assert "no active account uses this address" in notice.body
    assert "/accounts/password-reset/" not in notice.body


def test_reset_link_sets_a_new_password_and_works_once(client, reader, mailoutbox):
    client.post(RESET, {"email": "reader@example.org"})
    link = reset_link(mailoutbox)

    done = choose_password(client, link)

    assert done.url == "/accounts/password-reset/done/"
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "The password reset link was invalid" in again.content.decode()


def test_an_expired_reset_link_is_refused(client, reader, mailoutbox, time_machine):
    client.post(RESET, {"email": "reader@example.org"})
    link = reset_link(mailoutbox)

    time_machine.move_to(timezone.now() + timedelta(days=4))
    response = client.get(link, follow=True)

    assert "The password reset link was invalid" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_reset_signs_the_user_out_everywhere(client, reader, mailoutbox):
    elsewhere = Client()
    elsewhere.force_login(reader)
    client.post(RESET, {"email": "reader@example.org"})

    choose_password(client, reset_link(mailoutbox))

    assert elsewhere.get("/accounts/profile/").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(reader):
    here, elsewhere = Client(), Client()
    here.force_login(reader)
    elsewhere.force_login(reader)

    response = here.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert "Your password was changed" in response.content.decode()
    assert here.get("/accounts/profile/").status_code == 200
    assert elsewhere.get("/accounts/profile/").status_code == 302
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_password_change_needs_the_old_password(reader_client, reader):
    response = reader_client.post(
        "/accounts/password-change/",
        {
            "old_password": "not it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert "Your old password was entered incorrectly" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_password_change_is_for_signed_in_readers_only(client):
    response = client.get("/accounts/password-change/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_resetting_the_password_also_confirms_the_address(client, mailoutbox):
    from tests.factories import UserFactory

    UserFactory(username="late", email="late@example.org", email_verified_at=None)
    client.post(RESET, {"email": "late@example.org"})
    choose_password(client, reset_link(mailoutbox))

    response = client.post(
        "/accounts/login/", {"username": "late", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
