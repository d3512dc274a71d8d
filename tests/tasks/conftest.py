"""Real worker processes (`manage.py worker`) on the test database, and a real SMTP server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from background.models import Worker
from tests.digest.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def wait_for(predicate, *, timeout: float = 20, what: str = "the condition"):
    """Poll `predicate` until it returns something true; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_database_url() -> str:
    """The URL of pytest-django's test database, for another process."""
    s = connection.settings_dict
    user = quote(s["USER"] or "")
    password = f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    host = s["HOST"] or ""
    port = s["PORT"] or ""
    if host.startswith("/"):
        query = f"?host={quote(host)}" + (f"&port={port}" if port else "")
        return f"postgresql://{user}{password}@/{s['NAME']}{query}"
    return f"postgresql://{user}{password}@{host}:{port}/{s['NAME']}"


test_database_url.__test__ = False


class SMTPInbox:
    """aiosmtpd handler: keeps each message; refuses the first `refuse` with a 451."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


class Workers:
    """Starts `manage.py worker` processes; stops whatever is left at the end."""

    def __init__(self, env: dict):
        self.env = env
        self.procs: list[subprocess.Popen] = []

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.procs.append(proc)
        return proc

    def start_ready(self, *args: str, count: int = 1, env=None):
        """Start `count` workers and wait until each has registered."""
        before = set(Worker.objects.values_list("pid", flat=True))
        procs = [self.start(*args, env=env) for _ in range(count)]
        pids = {p.pid for p in procs}
        wait_for(
            lambda: pids <= set(Worker.objects.values_list("pid", flat=True)) - before,
            what="the workers to start",
        )
        return procs

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(transactional_db, settings, smtp):
    """Worker processes on this test's database, sending email to `smtp`."""
    settings.TASKS = DATABASE_TASKS
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.tasks.settings",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "TASKS_RETRY_DELAY": "1",
        "TASKS_WORKER_LEASE": "4",
        "PYTHONUNBUFFERED": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    pool = Workers(env)
    yield pool
    pool.stop_all()
