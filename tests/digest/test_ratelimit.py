"""digest.ratelimit: fixed windows in PostgreSQL, shared by every process."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from digest import ratelimit
from digest.models import RateLimitWindow
from tests.digest.servers import ROOT

pytestmark = pytest.mark.django_db


def test_uses_beyond_the_limit_are_refused():
    answers = [ratelimit.allow("t", "k", limit=3, period=60) for _ in range(5)]

    assert answers == [True, True, True, False, False]


def test_keys_and_scopes_are_counted_apart():
    for _ in range(3):
        ratelimit.allow("t", "one", limit=3, period=60)

    assert ratelimit.allow("t", "two", limit=3, period=60)
    assert ratelimit.allow("other", "one", limit=3, period=60)
    assert not ratelimit.allow("t", "one", limit=3, period=60)


def test_keys_are_compared_without_letter_case():
    ratelimit.allow("t", "Someone@Example.org", limit=1, period=60)

    assert not ratelimit.allow("t", "someone@example.org", limit=1, period=60)


def test_a_new_window_starts_afresh(time_machine):
    time_machine.move_to(timezone.now().replace(second=5))
    for _ in range(2):
        ratelimit.allow("t", "k", limit=2, period=60)
    assert not ratelimit.allow("t", "k", limit=2, period=60)

    time_machine.move_to(timezone.now() + timedelta(seconds=60))

    assert ratelimit.allow("t", "k", limit=2, period=60)


def test_no_limit_writes_nothing():
    assert all(ratelimit.allow("t", "k", limit=0, period=60) for _ in range(5))
    assert not RateLimitWindow.objects.exists()


@pytest.mark.parametrize("key", ["\x00", "a\x00b", "x" * 10_000, "Bakı ☃", ""])
def test_any_key_is_counted(key):
    assert ratelimit.allow("t", key, limit=1, period=60)
    assert not ratelimit.allow("t", key, limit=1, period=60)


def test_the_table_holds_no_key_in_clear():
    ratelimit.allow("signup:addr", "someone@example.org", limit=3, period=60)

    row = RateLimitWindow.objects.get()
    assert "someone" not in row.key_hash
    assert row.hits == 1


def test_ended_windows_are_pruned(time_machine):
    time_machine.move_to(timezone.now())
    ratelimit.allow("t", "old", limit=3, period=60)
    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    ratelimit.allow("t", "new", limit=3, period=60)  # a new window prunes in passing

    assert list(RateLimitWindow.objects.values_list("hits", flat=True)) == [1]
    assert ratelimit.prune(before=timezone.now() + timedelta(hours=1)) == 1
    assert not RateLimitWindow.objects.exists()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_count():
    """Another process (a second gunicorn worker) sees and adds to the same count."""
    assert ratelimit.allow("shared", "203.0.113.7", limit=3, period=3600)
    assert ratelimit.allow("shared", "203.0.113.7", limit=3, period=3600)

    other = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from digest import ratelimit; print(["
            "ratelimit.allow('shared', '203.0.113.7', limit=3, period=3600)"
            " for _ in range(2)])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DATABASE_POOL": "false",
            "SECRET_KEY": settings.SECRET_KEY,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "[True, False]"
    assert not ratelimit.allow("shared", "203.0.113.7", limit=3, period=3600)
    assert ratelimit.hits("shared", "203.0.113.7", period=3600) == 5
