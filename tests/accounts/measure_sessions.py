"""A signed-in article page per session engine, measured (issue 15.5); not a test.

Queries of a warm signed-in article page, its in-process time (Django's test
client, REQUESTS requests a round, the engines' rounds interleaved) and the time
to load a session and its user alone, on the file cache and on a private Redis:

    .venv/bin/python -m pytest -q -s --reuse-db -p no:randomly \
        tests/accounts/measure_sessions.py
"""

import shutil
import statistics
import subprocess
import tempfile
import time
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUESTS = 500
ROUNDS = 7
# README "Caching and performance" compares accounts.sessions, an engine of our
# own removed since, with cached_db: that run is this file as of the commit that
# added it. Now it measures the engine in use.
ENGINES = {
    "digest.sessions": ("digest.sessions", "accounts.auth.AccountBackend"),
}
BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.auth.AccountBackend"]


@pytest.fixture(scope="module")
def redis_url():
    folder = Path(tempfile.mkdtemp())
    sock = folder / "redis.sock"
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    yield f"unix://{sock}"
    process.terminate()
    process.wait()
    shutil.rmtree(folder, ignore_errors=True)


def caches(kind, redis_url, folder):
    if kind == "file":
        return {
            "default": {
                "BACKEND": "digest.cache.backends.FileCache",
                "LOCATION": str(folder),
                "OPTIONS": {"MAX_ENTRIES": 30000, "CULL_FREQUENCY": 4},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }


@pytest.mark.parametrize("cache_kind", ["file", "redis"])
def test_measure(cache_kind, redis_url, tmp_path):
    with override_settings(
        AUTHENTICATION_BACKENDS=BACKENDS,
        CACHES=caches(cache_kind, redis_url, tmp_path / "cache"),
        PAGE_CACHE_SECONDS=300,
    ):
        cache.clear()
        reader = UserFactory(username="reader")
        article = ArticleFactory(tags=["Energy", "Ports"])
        ArticleFactory.create_batch(8, category=article.category)
        url = article.get_absolute_url()
        clients, found = {}, {}
        for name, (engine, backend) in ENGINES.items():
            with override_settings(SESSION_ENGINE=engine):
                client = clients[name] = Client()
                client.force_login(reader, backend=backend)
                for _ in range(3):
                    response = client.get(url)
                    assert response.status_code == 200
                    assert reader.public_name in response.text
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                # Read now: each request's start empties the connection's query log.
                found[name] = [q["sql"] for q in queries.captured_queries]
        page = {name: [] for name in ENGINES}
        alone = {name: [] for name in ENGINES}
        for _ in range(ROUNDS):  # interleaved: the VM's drift hits both alike
            for name, (engine, _backend) in ENGINES.items():
                with override_settings(SESSION_ENGINE=engine):
                    client = clients[name]
                    start = time.perf_counter()
                    for _ in range(REQUESTS):
                        client.get(url)
                    page[name].append((time.perf_counter() - start) / REQUESTS)
                    alone[name].append(session_and_user(engine, client, reader))
        for name in ENGINES:
            print(
                f"\n{name:18} cache={cache_kind:5} queries={len(found[name])}"
                f" page ms best={min(page[name]) * 1000:.3f}"
                f" median={statistics.median(page[name]) * 1000:.3f}"
                f" | session+user ms best={min(alone[name]) * 1000:.3f}"
                f" median={statistics.median(alone[name]) * 1000:.3f}"
            )
            for text in found[name]:
                print("   ", text[:100])


def session_and_user(engine, client, reader) -> float:
    """Seconds to load a request's session and its user, as the middleware does."""
    store_class = import_module(engine).SessionStore
    key = client.cookies["sessionid"].value
    start = time.perf_counter()
    for _ in range(REQUESTS):
        request = SimpleNamespace(session=store_class(key))
        user = get_user(request)
    elapsed = (time.perf_counter() - start) / REQUESTS
    assert user.pk == reader.pk
    return elapsed


@pytest.mark.parametrize("cache_kind", ["file", "redis"])
def test_cache_get(cache_kind, redis_url, tmp_path):
    with override_settings(CACHES=caches(cache_kind, redis_url, tmp_path / "c")):
        cache.set("k", {"a": "x" * 200})
        best = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(REQUESTS):
                cache.get("k")
            best.append((time.perf_counter() - start) / REQUESTS)
        print(
            f"\ncache.get {cache_kind}: best {min(best) * 1000:.3f} ms median {statistics.median(best) * 1000:.3f}"
        )
