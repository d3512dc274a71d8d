"""A weak SECRET_KEY stops a production start with one clear line."""

import os
import subprocess
import sys

import pytest

from tests.digest.servers import ROOT

WEAK = "digest: error: SECRET_KEY is too weak: use at least 50 random characters"


def start(secret_key: str, *, debug: bool = False) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "true" if debug else "false",
        "SECRET_KEY": secret_key,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key",
    [
        "changeme",  # short
        "x" * 64,  # long, but one character
        "abab" * 20,  # long, two characters
        "django-insecure-" + "k3#vd9!2mq7zr@1l0p$w8e5t6y4u" * 2,  # Django's dev key
    ],
)
def test_weak_secret_key_is_refused_in_production_with_one_line(key):
    result = start(key)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(WEAK)


def test_strong_secret_key_starts_and_debug_allows_a_short_one():
    strong = "Vb2T-4Qn9sLk_8zP1xRw7mYc3Hd6Jf0Ge5Ua2Ii9Oo4Ss7Tt1Zz8Nn3"
    assert len(strong) >= 50
    result = start(strong)
    assert result.returncode == 0, result.stderr
    assert start("dev", debug=True).returncode == 0
