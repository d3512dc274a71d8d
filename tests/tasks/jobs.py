"""Tasks the worker tests enqueue; each writes what it did to a file."""

import os
import time
from pathlib import Path

from django_tasks import task

from background.queue import max_attempts


def _log(path: str, line: str) -> None:
    with Path(path).open("a") as f:
        f.write(f"{line}\n")


@task()
def record(*, path: str, label: str, seconds: float = 0) -> str:
    time.sleep(seconds)
    _log(path, f"{label} {os.getpid()}")
    return label


@task()
@max_attempts(3)
def always_fails(*, path: str) -> None:
    _log(path, f"attempt {os.getpid()}")
    raise RuntimeError("the feed is down")


@task()
def slow(*, path: str, seconds: float) -> str:
    _log(path, f"start {os.getpid()}")
    time.sleep(seconds)
    _log(path, f"done {os.getpid()}")
    return "done"
