import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.digest import servers
from tests.digest.servers import ROOT, manage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def second_server():
    """A separately started PostgreSQL server, reached only through DATABASE_URL."""
    with servers.second_server() as server:
        yield server


def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"PostgreSQL server {version}")
    assert int(version.split(".")[0]) >= 15


def test_search_extensions_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        names = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= names


def test_connections_come_from_the_psycopg_pool():
    assert connection.pool is not None
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_database_url_selects_another_server(second_server):
    url = servers.database_url(second_server)
    migrated = manage("migrate", "--noinput", env={"DATABASE_URL": url})
    assert migrated.returncode == 0, migrated.stderr
    shown = manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('SHOW data_directory'); print(c.fetchone()[0])\n"
        "from accounts.models import User; print('users', User.objects.count())",
        env={"DATABASE_URL": url},
    )
    assert shown.returncode == 0, shown.stderr
    assert str(second_server.pgdata) in shown.stdout
    assert "users 0" in shown.stdout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/digest", "DATABASE_URL must be a postgres"),
        ("postgres://host:notaport/db", "DATABASE_URL is malformed"),
        ("postgres://localhost", "DATABASE_URL names no database"),
    ],
)
def test_bad_database_url_stops_with_one_clear_line(url, expected):
    result = manage("migrate", env={"DATABASE_URL": url})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_url_stops_with_one_clear_line():
    result = manage(
        "migrate", env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/digest"}
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "digest: error: cannot reach the database 'digest' at 127.0.0.1:1"
    )


def test_debug_off_without_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "digest: error: SECRET_KEY must be set when DEBUG is off"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("86400", "PAGE_CACHE_SECONDS must be between 0 and 3600"),
        ("soon", "PAGE_CACHE_SECONDS must be a whole number, not 'soon'"),
    ],
)
def test_bad_page_cache_seconds_stops_with_one_clear_line(value, expected):
    result = manage("check", env={"PAGE_CACHE_SECONDS": value})
    assert result.returncode == 1
    assert result.stderr.strip() == f"digest: error: {expected}"


def test_healthz_follows_the_database_down_and_back_without_restart(second_server):
    with servers.gunicorn({"DATABASE_URL": servers.database_url(second_server)}) as (
        base,
        app,
    ):
        status, _, body = servers.wait_for(base + "/healthz", 200)
        assert (status, body) == (200, '{"database": "ok"}')
        servers.stop(second_server)
        started = time.monotonic()
        status, _, body = servers.wait_for(base + "/healthz", 503)
        assert (status, body) == (503, '{"database": "unavailable"}')
        assert time.monotonic() - started < 15
        second_server.ensure_postgres_running()
        status, _, body = servers.wait_for(base + "/healthz", 200)
        assert (status, body) == (200, '{"database": "ok"}')
        assert app.poll() is None, "the app must not have restarted"


def test_gunicorn_without_collected_static_files_stops_with_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "digest.wsgi"],
        cwd=ROOT,
        env={
            **os.environ,
            "STATIC_ROOT": str(tmp_path),
            "GUNICORN_BIND": f"127.0.0.1:{servers.free_port()}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        f"digest: error: static files are not collected in {tmp_path}: "
        "run `python manage.py collectstatic --noinput` first"
    ) in result.stderr.splitlines()
