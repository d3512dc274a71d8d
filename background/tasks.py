"""Housekeeping tasks, run by the schedule (TASKS_SCHEDULE in settings)."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import SentEmail

KEEP_SUCCESSFUL = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


@task()
def clear_sessions() -> None:
    """Delete expired sessions (Django's `clearsessions`)."""
    call_command("clearsessions")


@task()
def prune_task_results() -> int:
    """Forget successful tasks after a week, failed ones and sent-email marks after 30 days."""
    now = timezone.now()
    done, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL
    ).delete()
    failed, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED
    ).delete()
    marks, _ = SentEmail.objects.filter(sent_at__lt=now - KEEP_FAILED).delete()
    return done + failed + marks
