"""Periodic jobs: `TASKS_SCHEDULE` run once per period by whichever worker is first.

Each job is a `PeriodicJob` row. Every worker loop locks the due rows with
`SELECT ... FOR UPDATE SKIP LOCKED`, enqueues their task and moves `next_run_at` on
by whole periods in the same transaction: a second worker either skips the locked
row or, once it is committed, no longer finds it due. So each period enqueues a
job once, however many workers run; periods missed while no worker ran are not
made up.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from background.models import PeriodicJob


def sync_schedule() -> None:
    """Create the rows of newly scheduled jobs (due at once) and update changed ones."""
    now = timezone.now()
    PeriodicJob.objects.bulk_create(
        [
            PeriodicJob(
                name=name,
                task_path=entry["task"],
                every=entry["every"],
                next_run_at=now,
            )
            for name, entry in settings.TASKS_SCHEDULE.items()
        ],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["task_path", "every"],
    )


@transaction.atomic
def enqueue_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue each scheduled job whose time has come; return their names."""
    now = now or timezone.now()
    due = PeriodicJob.objects.select_for_update(skip_locked=True).filter(
        name__in=settings.TASKS_SCHEDULE, next_run_at__lte=now
    )
    names = []
    for job in due:
        result = import_string(job.task_path).enqueue()
        missed = (now - job.next_run_at) // job.every
        job.next_run_at += job.every * (missed + 1)
        job.last_run_at = now
        job.last_task_id = str(result.id)
        job.save(update_fields=["next_run_at", "last_run_at", "last_task_id"])
        names.append(job.name)
    return names
