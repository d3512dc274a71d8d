"""What the worker keeps beside django-tasks-db's task rows.

- `BackgroundTask`: a proxy of the task rows, for the admin and its permissions.
- `Worker`: one row per running worker, its heartbeat; a task whose worker stopped
  beating is handed to another (background/worker.py).
- `PeriodicJob`: one row per scheduled job; the worker that locks a due row
  enqueues the job and moves it to its next run, so each period runs it once.
- `SentEmail`: one row per (task, recipient) sent, so a retried email task does not
  send twice (background/mail.py).
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class BackgroundTask(DBTaskResult):
    class Meta:
        proxy = True
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        permissions = [("retry_backgroundtask", _("Can retry a failed task"))]

    def __str__(self):
        return f"{self.task_name} ({self.status.lower()})"


class Worker(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker")

    def __str__(self):
        return f"{self.hostname}:{self.pid}"


class PeriodicJob(models.Model):
    name = models.CharField(primary_key=True, max_length=64)
    task_path = models.CharField(max_length=255)
    every = models.DurationField()
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every__gt=timedelta(0)),
                name="periodic_job_every_gt_0",
            )
        ]

    def __str__(self):
        return self.name


class SentEmail(models.Model):
    # The task result's id: a UUID from the database backend, a random string
    # from the immediate one.
    task_id = models.CharField(max_length=64)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent email")
        constraints = [
            models.UniqueConstraint(
                fields=["task_id", "recipient"], name="sent_email_once_per_task"
            )
        ]
        indexes = [models.Index(fields=["sent_at"], name="sent_email_sent_at_idx")]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
