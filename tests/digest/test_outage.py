"""The database goes away and comes back while gunicorn keeps running."""

import time

import pytest

from tests.digest import servers

PUBLIC_PAGES = ["/", "/search/?q=harbour", "/feed/"]


@pytest.fixture(scope="module")
def migrated_server():
    with servers.second_server() as server:
        migrated = servers.manage(
            "migrate", "--noinput", env={"DATABASE_URL": servers.database_url(server)}
        )
        assert migrated.returncode == 0, migrated.stderr
        yield server


def test_public_pages_answer_a_styled_503_while_the_database_is_down(
    migrated_server,
):
    env = {
        "DATABASE_URL": servers.database_url(migrated_server),
        "PAGE_CACHE_SECONDS": "0",
    }
    with servers.gunicorn(env) as (base, app):
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        for path in PUBLIC_PAGES:
            assert servers.get(base + path)[0] == 200, path

        servers.stop(migrated_server)
        for path in PUBLIC_PAGES:
            started = time.monotonic()
            status, headers, body = servers.get(base + path)
            elapsed = time.monotonic() - started
            assert status == 503, (path, body[:500])
            assert elapsed < 10, f"{path} took {elapsed:.1f}s"
            assert headers["Retry-After"] == "30"
            assert "We will be right back" in body
            assert '<link rel="stylesheet" href="/static/digest/css/site.' in body
        assert servers.get(base + "/healthz")[0] == 503

        migrated_server.ensure_postgres_running()
        for path in PUBLIC_PAGES:
            status, _, body = servers.wait_for(base + path, 200, seconds=20)
            assert status == 200, (path, body[:500])
            assert "We will be right back" not in body
        assert app.poll() is None, "gunicorn must not have restarted"


def test_the_503_page_renders_without_a_database():
    """No django_db mark: a query while rendering it would raise here."""
    from digest.middleware import database_unavailable_response

    response = database_unavailable_response()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"We will be right back" in response.content
