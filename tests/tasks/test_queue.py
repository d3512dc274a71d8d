"""The queue's rules, in-process: sent-email records, lost workers, enqueue on commit."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.mail import send_templated_email
from background.models import Worker
from background.queue import enqueue_on_commit, retry_delay
from background.worker import recover_lost_tasks
from tests.tasks.conftest import DATABASE_TASKS
from tests.tasks.jobs import always_fails, record

pytestmark = pytest.mark.django_db

NOTE = {
    "subject_template": "tasks_test/note_subject.txt",
    "text_template": "tasks_test/note.txt",
}


@pytest.fixture
def note_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [
                *settings.TEMPLATES[0]["DIRS"],
                Path(__file__).parent / "templates",
            ],
        }
    ]


def test_an_email_is_sent_once_per_task_and_recipient(mailoutbox, note_templates):
    sent = [
        send_templated_email(
            key="task-1", to="ada@example.org", context={"name": "Ada"}, **NOTE
        ),
        send_templated_email(
            key="task-1", to="ada@example.org", context={"name": "Ada"}, **NOTE
        ),
        send_templated_email(
            key="task-1", to="bob@example.org", context={"name": "Bob"}, **NOTE
        ),
        send_templated_email(
            key="task-2", to="ada@example.org", context={"name": "Ada"}, **NOTE
        ),
    ]

    assert sent == [True, False, True, True]
    assert [m.to for m in mailoutbox] == [
        ["ada@example.org"],
        ["bob@example.org"],
        ["ada@example.org"],
    ]
    assert mailoutbox[0].subject == "A note for Ada"


def running_row(task, *, worker_ids):
    row = task.enqueue(path="/dev/null").db_result
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now(),
    )
    return row


def test_a_task_whose_worker_is_gone_is_ready_again_until_its_attempts_run_out(
    settings,
):
    settings.TASKS = DATABASE_TASKS
    Worker.objects.create(id="alive", pid=1, seen_at=timezone.now())
    Worker.objects.create(
        id="stale", pid=2, seen_at=timezone.now() - timedelta(minutes=5)
    )
    alive = running_row(record, worker_ids=["alive"])
    lost = running_row(record, worker_ids=["stale"])
    exhausted = running_row(always_fails, worker_ids=["a", "b", "stale"])  # max 3

    assert recover_lost_tasks(lease=timedelta(seconds=60)) == 2

    states = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert states[alive.pk] == TaskResultStatus.RUNNING
    assert states[lost.pk] == TaskResultStatus.READY
    assert states[exhausted.pk] == TaskResultStatus.FAILED
    failed = DBTaskResult.objects.get(pk=exhausted.pk)
    assert failed.exception_class_path == "background.worker.WorkerLost"
    assert not Worker.objects.filter(id="stale").exists()


def test_enqueue_on_commit_adds_the_task_only_once_committed(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(record, path="/dev/null", label="later")
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert len(callbacks) == 1
    assert DBTaskResult.objects.get().args_kwargs["kwargs"]["label"] == "later"


def test_retry_delay_doubles_and_is_capped(settings):
    settings.TASKS_RETRY_DELAY = 30
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(40) == timedelta(hours=6)


def test_worker_refuses_an_unknown_queue():
    with pytest.raises(CommandError, match="unknown queue"):
        call_command("worker", "--queue", "nope")
