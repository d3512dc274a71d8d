"""Defining and enqueuing tasks in Digest.

A task is a module-level function under Django's `@task()` decorator (the
django-tasks backport; `django.tasks` from Django 6), in the `tasks.py` of the app
whose work it does. Its arguments must be JSON: pass ids, not model instances.

    from django_tasks import task

    from background.queue import enqueue_on_commit, max_attempts

    @task()
    @max_attempts(1)  # optional: run once, never retried
    def import_feed(*, feed_id: int) -> int:
        ...

    enqueue_on_commit(import_feed, feed_id=feed.pk)

`enqueue_on_commit` adds the task once the current transaction commits, so a
worker never runs it against rows it cannot see yet, nor after a rollback.
`manage.py worker` runs it; a task that raises is run again later (see
`retry_delay`), up to `TASKS_MAX_ATTEMPTS` runs in all, then kept as failed.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import get_date_max

MAX_RETRY_DELAY = timedelta(hours=6)


def enqueue_on_commit(task: Task, /, *args, **kwargs) -> None:
    """Enqueue `task` with these arguments once the current transaction commits."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def max_attempts(attempts: int) -> Callable:
    """Let the decorated task function run at most `attempts` times in all."""
    if attempts < 1:
        raise ValueError("a task runs at least once")

    def mark(func: Callable) -> Callable:
        func.max_attempts = attempts
        return func

    return mark


def attempts_allowed(task: Task) -> int:
    return getattr(task.func, "max_attempts", settings.TASKS_MAX_ATTEMPTS)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed run number `attempt` (1, 2, ...) before the next."""
    seconds = settings.TASKS_RETRY_DELAY * 2 ** min(attempt - 1, 20)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def retry_failed(queryset) -> int:
    """Queue the failed tasks of `queryset` again with fresh attempts; return how many."""
    return queryset.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=get_date_max(),
        worker_ids=[],
        started_at=None,
        finished_at=None,
    )
