"""Sessions (accounts/sessions.py): a signed-in request reads its session and
its user in one query, and every check Django makes on that user still holds."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Session, User
from accounts.sessions import SessionStore
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def signed_in(username: str = "reader") -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_signing_in_stores_whose_session_it_is(reader):
    client = signed_in()
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert session.user == reader
    assert session.get_decoded()[SESSION_KEY] == str(reader.pk)


def test_signed_in_page_reads_session_and_user_in_one_query(reader):
    client = signed_in()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/history/")
    assert response.status_code == 200
    assert reader.username in response.text or reader.public_name in response.text
    first = queries.captured_queries[0]["sql"]
    assert '"accounts_session"' in first and '"accounts_user"' in first
    assert not any(
        'FROM "accounts_user"' in q["sql"] for q in queries.captured_queries[1:]
    )


def test_deactivated_reader_is_signed_out_at_their_next_request(reader):
    client = signed_in()
    assert client.get(PROFILE).status_code == 200
    User.objects.filter(pk=reader.pk).update(is_active=False)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_password_changed_elsewhere_signs_this_browser_out(reader):
    client = signed_in()
    reader.set_password("a brand new passphrase 2026")
    reader.save()
    assert client.get(PROFILE).status_code == 302


def test_deleting_a_user_ends_their_sessions(reader):
    client = signed_in()
    reader.delete()
    assert not Session.objects.exists()
    assert client.get(PROFILE).status_code == 302


def test_signing_out_ends_the_session_on_the_server(reader):
    client = signed_in()
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(PROFILE).status_code == 302


def test_each_reader_gets_their_own_user_on_one_thread(reader):
    """The user read with one request's session never leaks into the next."""
    other = UserFactory(username="other", display_name="Other Reader")
    first, second = signed_in(), signed_in("other")
    for _ in range(2):
        assert "Other Reader" not in first.get(PROFILE).text
        assert "Other Reader" in second.get(PROFILE).text
    assert other.pk != reader.pk


def test_session_from_before_this_engine_stays_signed_in(reader):
    """Sessions copied from Django's own table (migration 0003): no user id on
    the row, and Django's own backend named in the data."""
    data = {
        SESSION_KEY: str(reader.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: reader.get_session_auth_hash(),
    }
    old = Session.objects.create(
        session_key="oldsession0123456789abcdefghijkl",
        session_data=SessionStore().encode(data),
        expire_date=timezone.now() + timedelta(days=1),
    )
    client = Client()
    client.cookies["sessionid"] = old.session_key
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200
    assert any('FROM "accounts_user"' in q["sql"] for q in queries.captured_queries)


def test_clearsessions_removes_expired_sessions_only(reader):
    current = signed_in().cookies["sessionid"].value
    Session.objects.create(
        session_key="expired0123456789abcdefghijklmno",
        session_data=SessionStore().encode({"x": 1}),
        expire_date=timezone.now() - timedelta(seconds=1),
    )
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [current]


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "x" * 40,
        "a" * 5000,
        "%00abc",
        "abcdefgh\x00ijkl",
        "ab\u00e9cdefghij",
        "' OR 1=1 --",
    ],
)
def test_forged_session_cookie_is_a_signed_out_reader(reader, cookie):
    signed_in()  # a real session exists
    client = Client(HTTP_COOKIE=f"sessionid={cookie}")
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
