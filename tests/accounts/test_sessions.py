"""Sessions (Django's cached_db engine, digest/sessions.py): a signed-in page costs
at most one query for its session and user, and every check Django makes on that
user holds."""

import http.client
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.digest import servers
from tests.digest.test_page_cache_processes import cache_url  # noqa: F401 (fixture)
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def signed_in(username: str = "reader") -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def session_and_user_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if '"django_session"' in q["sql"] or '"accounts_user"' in q["sql"]
    ]


@pytest.mark.parametrize("path", ["/accounts/history/", "article"])
def test_signed_in_page_costs_one_query_for_its_session_and_user(reader, path):
    client = signed_in()
    if path == "article":
        path = ArticleFactory().get_absolute_url()
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert reader.public_name in response.text
    # The session comes from the cache; only the user is read.
    found = session_and_user_queries(queries)
    assert len(found) == 1 and '"django_session"' not in found[0]


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


def test_deleting_a_user_signs_them_out(reader):
    client = signed_in()
    assert client.get(PROFILE).status_code == 200
    reader.delete()
    assert client.get(PROFILE).status_code == 302


def test_signing_out_ends_the_session_on_the_server(reader):
    client = signed_in()
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(PROFILE).status_code == 302


def test_each_reader_gets_their_own_user(reader):
    UserFactory(username="other", display_name="Other Reader")
    first, second = signed_in(), signed_in("other")
    for _ in range(2):
        assert "Other Reader" not in first.get(PROFILE).text
        assert "Other Reader" in second.get(PROFILE).text


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


def fetch(url: str, headers: dict) -> tuple[int, str, str]:
    """GET `url` on a new connection, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request("GET", parts.path, headers=headers)
        response = conn.getresponse()
        return (
            response.status,
            response.getheader("Location", ""),
            response.read().decode(),
        )
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_signing_out_in_one_process_signs_out_in_every_worker(cache_url):  # noqa: F811
    """Two gunicorn workers share the session's cache with this process."""
    reader = UserFactory(username="reader")
    client = Client()
    client.force_login(reader)
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
        + (f"&port={db['PORT']}" if db.get("PORT") else ""),
        "DATABASE_POOL": "false",
        "CACHE_URL": cache_url,
        "WEB_CONCURRENCY": "2",
    }
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    assert cache_url.startswith(("file://", "redis://"))
    with servers.gunicorn(env) as (base, _process):
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        for _ in range(6):  # new connections: both workers answer some
            status, _location, text = fetch(base + PROFILE, cookie)
            assert status == 200 and reader.public_name in text
        client.post("/accounts/logout/")
        for _ in range(6):
            status, location, _text = fetch(base + PROFILE, cookie)
            assert status == 302 and location.startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_readers_signed_in_before_the_move_to_cached_db_stay_signed_in():
    """Migration accounts 0009 moves live sessions out of accounts_session."""
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0008_roles_redirects")])
    try:
        reader = UserFactory(username="reader")
        store = SessionStore()
        with connection.cursor() as cursor:
            for key, backend, expires in [
                ("live" * 8, "accounts.auth.SessionUserBackend", timedelta(days=1)),
                (
                    "old0" * 8,
                    "django.contrib.auth.backends.ModelBackend",
                    timedelta(days=1),
                ),
                ("gone" * 8, "accounts.auth.SessionUserBackend", -timedelta(days=1)),
            ]:
                data = {
                    SESSION_KEY: str(reader.pk),
                    BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: reader.get_session_auth_hash(),
                }
                cursor.execute(
                    "INSERT INTO accounts_session"
                    " (session_key, session_data, expire_date, user_id)"
                    " VALUES (%s, %s, %s, %s)",
                    [key, store.encode(data), timezone.now() + expires, reader.pk],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    cache.clear()
    assert sorted(Session.objects.values_list("session_key", flat=True)) == [
        "live" * 8,
        "old0" * 8,
    ]
    for key in ["live" * 8, "old0" * 8]:
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = key
        assert reader.public_name in browser.get(PROFILE).text
