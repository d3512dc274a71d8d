"""The worker loop behind `manage.py worker`.

Task rows are django-tasks-db's; this loop runs them with what its own
`db_worker` lacks:

- Claims: a ready row is taken with `SELECT ... FOR UPDATE SKIP LOCKED` and marked
  running with the worker's id in one transaction, so two workers never take the
  same row.
- Retries: a task that raises goes back to ready with `run_after` pushed out
  (`background.queue.retry_delay`); the attempt count is the row's list of worker
  ids (Django's `TaskResult.attempts`). After the last allowed attempt it is kept
  as failed with its exception and traceback.
- Leases: each worker has a `Worker` row whose `seen_at` a thread refreshes every
  quarter of `TASKS_WORKER_LEASE`. A running task whose worker has not been seen
  for a lease (killed, host lost) is made ready again by any other worker, and
  counts as an attempt, so a task that kills its worker ends as failed.
- Schedule: each loop enqueues the due periodic jobs (background/schedule.py).
- Stopping: SIGTERM or SIGINT stops the worker after the task in hand; the same
  signal again interrupts that task and puts it back as ready.
"""

import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_tasks import TaskContext, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from background import schedule
from background.models import Worker as WorkerRow
from background.queue import attempts_allowed, retry_delay

logger = logging.getLogger("background.worker")


class WorkerStopped(BaseException):
    """Raised inside a running task when the worker is told to stop a second time."""


class WorkerLost(Exception):
    """The error kept on a task whose worker stopped beating too many times."""


def _exception_path(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


class Worker:
    def __init__(
        self,
        *,
        worker_id: str,
        queues: list[str],
        backend: str = "default",
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        run_schedule: bool = True,
    ):
        self.worker_id = worker_id
        self.queues = queues
        self.backend = backend
        self.interval = interval
        self.batch = batch
        self.max_tasks = max_tasks
        self.run_schedule = run_schedule
        self.lease = timedelta(seconds=settings.TASKS_WORKER_LEASE)
        self.running = True
        self.in_task = False
        self.signals_seen: set[int] = set()
        self.tasks_run = 0
        self._wake = threading.Event()
        self._stop_heartbeat = threading.Event()
        self._next_recovery = 0.0

    # Signals

    def install_signals(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        again = signum in self.signals_seen
        self.signals_seen.add(signum)
        self.running = False
        self._wake.set()
        if again and self.in_task:
            logger.warning("%s again: releasing the task", signal.strsignal(signum))
            raise WorkerStopped
        logger.warning(
            "%s: stopping after the current task (send it again to release the task)",
            signal.strsignal(signum),
        )

    # Heartbeat

    def _register(self) -> None:
        WorkerRow.objects.update_or_create(
            id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "seen_at": timezone.now(),
            },
        )

    def _beat(self) -> None:
        every = self.lease.total_seconds() / 4
        try:
            while not self._stop_heartbeat.wait(every):
                try:
                    seen = WorkerRow.objects.filter(id=self.worker_id).update(
                        seen_at=timezone.now()
                    )
                    if not seen:
                        logger.warning("worker %s was taken for gone", self.worker_id)
                        self._register()
                except Exception:
                    # The database may be away for a while; keep beating.
                    logger.exception("heartbeat failed")
                    close_old_connections()
        finally:
            connection.close()

    # The loop

    def run(self) -> None:
        self._register()
        heartbeat = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        heartbeat.start()
        logger.info("worker %s: queues %s", self.worker_id, ",".join(self.queues))
        try:
            if self.run_schedule:
                schedule.sync_schedule()
            while self.running:
                try:
                    close_old_connections()
                    self._housekeeping()
                    row = self._claim()
                except DatabaseError:
                    logger.exception("database unavailable; trying again in 5 s")
                    self._wake.wait(5)
                    continue
                # A database error while recording a task's outcome ends the
                # worker: its heartbeat stops, so the lease hands the task on.
                if row is not None:
                    self._run(row)
                    if self.max_tasks and self.tasks_run >= self.max_tasks:
                        break
                elif self.batch:
                    break
                else:
                    self._wake.wait(self.interval)
        except WorkerStopped:
            pass
        finally:
            self._stop_heartbeat.set()
            heartbeat.join(timeout=5)
            try:
                WorkerRow.objects.filter(id=self.worker_id).delete()
            except DatabaseError:
                logger.exception("could not sign the worker off; its lease runs out")
            close_old_connections()
            logger.info("worker %s stopped", self.worker_id)

    def _housekeeping(self) -> None:
        if self.run_schedule:
            schedule.enqueue_due_jobs()
        if time.monotonic() >= self._next_recovery:
            self._next_recovery = time.monotonic() + self.lease.total_seconds() / 4
            recover_lost_tasks(lease=self.lease)

    def _claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(
            backend_name=self.backend, queue_name__in=self.queues
        )
        with transaction.atomic():
            row = ready.get_locked()
            if row is not None:
                row.claim(self.worker_id)
        return row

    def _run(self, row: DBTaskResult) -> None:
        self.tasks_run += 1
        claimed = list(row.worker_ids)
        try:
            task = row.task
        except Exception as exc:  # its module or function is gone
            _finish(row, claimed, status=TaskResultStatus.FAILED, exc=exc)
            return
        backend_type = type(task.get_backend())
        try:
            self.in_task = True
            result = row.task_result
            task_started.send(sender=backend_type, task_result=result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=result), *result.args, **result.kwargs
                )
            else:
                value = task.call(*result.args, **result.kwargs)
            value = normalize_json(value)
            self.in_task = False
            _finish(row, claimed, status=TaskResultStatus.SUCCESSFUL, value=value)
        except WorkerStopped:
            self.in_task = False
            _release(row, claimed)
            raise
        except BaseException as exc:  # a task's SystemExit fails it too
            self.in_task = False
            attempt = len(claimed)
            if attempt < attempts_allowed(task):
                delay = retry_delay(attempt)
                logger.warning(
                    "task %s (%s) failed, attempt %d; retrying in %s",
                    row.id,
                    row.task_path,
                    attempt,
                    delay,
                    exc_info=exc,
                )
                _finish(
                    row,
                    claimed,
                    status=TaskResultStatus.READY,
                    exc=exc,
                    run_after=timezone.now() + delay,
                )
                return
            logger.error("task %s (%s) failed", row.id, row.task_path, exc_info=exc)
            _finish(row, claimed, status=TaskResultStatus.FAILED, exc=exc)
        finally:
            self.in_task = False
        row.refresh_from_db()
        task_finished.send(sender=backend_type, task_result=row.task_result)


def _finish(
    row: DBTaskResult,
    claimed: list[str],
    *,
    status: str,
    value=None,
    exc: BaseException | None = None,
    run_after=None,
) -> bool:
    """Record the outcome of a run, unless the row was handed to another worker."""
    done = status != TaskResultStatus.READY
    updated = (
        DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=claimed
        ).update(
            status=status,
            return_value=value,
            finished_at=timezone.now() if done else None,
            started_at=row.started_at if done else None,
            run_after=run_after or (row.run_after if done else get_date_max()),
            exception_class_path=_exception_path(exc) if exc else "",
            traceback="".join(format_exception(exc)) if exc else "",
        )
        == 1
    )
    if not updated:
        logger.warning("task %s was given to another worker meanwhile", row.pk)
    return updated


def _release(row: DBTaskResult, claimed: list[str]) -> None:
    """Put an interrupted task back as ready; the interrupted run is not counted."""
    DBTaskResult.objects.filter(
        pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=claimed
    ).update(status=TaskResultStatus.READY, started_at=None, worker_ids=claimed[:-1])
    logger.warning("task %s released", row.pk)


def recover_lost_tasks(*, lease: timedelta) -> int:
    """Make ready again the running tasks whose worker has not been seen for `lease`."""
    WorkerRow.objects.filter(seen_at__lt=timezone.now() - lease).delete()
    lost = (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        .alias(last_worker=RawSQL("worker_ids ->> -1", []))
        .exclude(last_worker__in=WorkerRow.objects.values("id"))
    )
    count = 0
    with transaction.atomic():
        for row in lost.select_for_update(skip_locked=True):
            count += 1
            try:
                allowed = attempts_allowed(row.task)
            except Exception:
                allowed = settings.TASKS_MAX_ATTEMPTS
            if len(row.worker_ids) < allowed:
                logger.warning("task %s lost its worker; ready again", row.pk)
                DBTaskResult.objects.filter(pk=row.pk).update(
                    status=TaskResultStatus.READY, started_at=None
                )
            else:
                logger.error("task %s lost its worker %d times", row.pk, allowed)
                error = WorkerLost(
                    f"The worker running this task stopped without finishing it, "
                    f"{len(row.worker_ids)} times."
                )
                DBTaskResult.objects.filter(pk=row.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path=_exception_path(error),
                    traceback="".join(format_exception(error)),
                )
    return count


def queue_names(backend: str = "default") -> list[str]:
    return sorted(task_backends[backend].queues)
