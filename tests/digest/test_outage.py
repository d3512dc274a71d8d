"""The database goes away and comes back while gunicorn keeps running."""

import statistics
import threading
import time

import pytest

from digest.middleware import BREAKER_OPEN_SECONDS
from tests.digest import servers

PUBLIC_PAGES = ["/", "/search/?q=harbour", "/feed/"]
# Pages no reader asked for before the outage: in no cache.
FRESH_PAGES = ["/search/?q=ferry", "/feed/atom/", "/sitemap.xml"]


@pytest.fixture(scope="module")
def migrated_server():
    with servers.second_server() as server:
        migrated = servers.manage(
            "migrate", "--noinput", env={"DATABASE_URL": servers.database_url(server)}
        )
        assert migrated.returncode == 0, migrated.stderr
        yield server


def timed_get(url: str) -> tuple[int, float, dict]:
    started = time.monotonic()
    try:
        status, headers, _ = servers.get(url, timeout=30)
    except OSError:
        status, headers = 0, {}
    return status, time.monotonic() - started, headers


def hammer(urls: list[str], seconds: float, clients: int = 3) -> list[tuple]:
    """GET `urls` round robin from `clients` threads for `seconds`: (url, status, s)."""
    results: list[tuple] = []
    deadline = time.monotonic() + seconds

    def client(offset: int):
        i = offset
        while time.monotonic() < deadline:
            url = urls[i % len(urls)]
            status, elapsed, _ = timed_get(url)
            results.append((url, status, elapsed))
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def test_during_an_outage_cached_pages_stay_fast_and_the_rest_fail_at_once(
    migrated_server,
):
    env = {"DATABASE_URL": servers.database_url(migrated_server)}
    with servers.gunicorn(env) as (base, app):
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        for path in PUBLIC_PAGES:
            assert servers.get(base + path)[0] == 200, path
            assert timed_get(base + path)[2].get("X-Page-Cache") == "hit", path

        servers.stop(migrated_server)
        # The first request to need the database waits out the pool's timeout...
        status, first, _ = timed_get(base + FRESH_PAGES[0])
        assert status == 503
        assert first < 10
        # ...the others are answered at once, through several breaker trials.
        seconds = 3 * BREAKER_OPEN_SECONDS
        cached = hammer([base + path for path in PUBLIC_PAGES], seconds)
        fresh = hammer([base + path for path in FRESH_PAGES], seconds)

        assert {status for _, status, _ in cached} == {200}
        cached_p99 = p99([s for _, _, s in cached])
        assert cached_p99 < 1, f"cached pages p99 {cached_p99:.2f}s during the outage"
        assert {status for _, status, _ in fresh} == {503}
        # Only the one trial request every BREAKER_OPEN_SECONDS waits for the pool.
        slow = [s for _, _, s in fresh if s >= 1]
        assert len(slow) <= seconds / BREAKER_OPEN_SECONDS + 1, slow
        assert len(fresh) > 10 * len(PUBLIC_PAGES), "fresh pages answered too slowly"
        assert statistics.median(s for _, _, s in fresh) < 0.2

        migrated_server.ensure_postgres_running()
        for path in FRESH_PAGES + PUBLIC_PAGES:
            status, _, body = servers.wait_for(base + path, 200, seconds=20)
            assert status == 200, (path, body[:500])
            assert "We will be right back" not in body
        assert app.poll() is None, "gunicorn must not have restarted"


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
