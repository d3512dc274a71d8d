"""Shared benchmark plumbing: a production-settings environment and a gunicorn server."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_env(**extra: str) -> dict[str, str]:
    """Production settings on loopback, with a data dir of their own."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY",
            "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-QRSTUV",
        ),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PGDATA": os.environ.get(
            "EMBEDDED_PGDATA", str(ROOT / "var" / "pgbench")
        ),
    }
    env.update(extra)
    return env


def shipped_gunicorn(env: dict[str, str]) -> str:
    """What gunicorn.conf.py gives in `env`: workers, threads and worker class."""
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['workers'], c['threads'], c['worker_class'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    workers, threads, worker_class = done.stdout.split()
    return (
        f"gunicorn.conf.py as shipped: {workers} workers x {threads} threads "
        f"({worker_class})"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int | None = None,
    threads: int | None = None,
    worker_class: str | None = None,
    app: str = "digest.wsgi",
):
    """Run gunicorn (serving `app`) on a free loopback port; yield its base URL.

    gunicorn.conf.py as shipped decides what is not given here (workers,
    threads, the worker class), as for a newcomer's `gunicorn digest.wsgi`.
    """
    port = free_port()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    command = [sys.executable, "-m", "gunicorn", app]
    for flag, value in (
        ("--workers", workers),
        ("--threads", threads),
        ("--worker-class", worker_class),
    ):
        if value is not None:
            command += [flag, str(value)]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(20)
