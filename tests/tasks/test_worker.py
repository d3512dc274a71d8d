"""`manage.py worker` as real processes on the test database (README: Background work)."""

import signal
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.mail import send_email
from background.models import SentEmail, Worker
from tests.factories import UserFactory, role_group
from tests.tasks.conftest import wait_for
from tests.tasks.jobs import always_fails, record, slow

pytestmark = pytest.mark.django_db(transaction=True)


def lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def finished(result):
    result.refresh()
    return result.is_finished


def test_email_task_arrives_through_smtp_once_per_recipient(workers, smtp):
    result = send_email.enqueue(
        to=["ada@example.org", "bob@example.org"],
        subject_template="tasks_test/note_subject.txt",
        text_template="tasks_test/note.txt",
        values={"name": "Ada"},
    )
    workers.start_ready()
    wait_for(lambda: finished(result), what="the email task")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "ada@example.org",
        "bob@example.org",
    ]
    message = message_from_bytes(smtp.messages[0].content)
    assert message["Subject"] == "A note for Ada"
    assert "this note came from the worker" in message.get_payload()
    assert SentEmail.objects.filter(task_id=result.id).count() == 2


def test_retried_email_task_does_not_send_again(workers, smtp):
    result = send_email.enqueue(
        to=["ada@example.org"],
        subject_template="tasks_test/note_subject.txt",
        text_template="tasks_test/note.txt",
        values={"name": "Ada"},
    )
    workers.start_ready()
    wait_for(lambda: finished(result), what="the email task")
    # Run the same task again, as after a crash between the send and the
    # task's own success being recorded.
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.READY)
    wait_for(lambda: finished(result) and result.attempts == 2, what="the rerun")

    assert result.return_value == 0
    assert len(smtp.messages) == 1


def test_email_refused_by_the_server_is_retried_and_sent_once(workers, smtp):
    smtp.refuse = 1
    result = send_email.enqueue(
        to=["ada@example.org"],
        subject_template="tasks_test/note_subject.txt",
        text_template="tasks_test/note.txt",
        values={"name": "Ada"},
    )
    workers.start_ready()
    wait_for(lambda: finished(result), what="the email task")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.attempts == 2
    assert len(smtp.messages) == 1


def test_failing_task_is_retried_with_back_off_then_kept_as_failed(
    workers, tmp_path, client
):
    log = tmp_path / "attempts"
    result = always_fails.enqueue(path=str(log))
    workers.start_ready()
    wait_for(lambda: finished(result), what="the task to fail", timeout=30)

    assert result.status == TaskResultStatus.FAILED
    assert len(lines(log)) == 3  # max_attempts(3)
    assert result.attempts == 3
    error = result.errors[0]
    assert error.exception_class_path == "builtins.RuntimeError"
    assert "the feed is down" in error.traceback
    row = DBTaskResult.objects.get(pk=result.id)
    # Waits of 1 s then 2 s (TASKS_RETRY_DELAY=1, doubled each time).
    assert row.finished_at - row.enqueued_at >= timedelta(seconds=3)

    operator = UserFactory(username="the-operator", is_staff=True)
    operator.groups.add(role_group("Site operator"))
    client.force_login(operator)
    page = client.get(reverse("admin:background_backgroundtask_changelist"))
    assert "always_fails" in page.content.decode()
    assert "Failed" in page.content.decode()


def test_two_workers_share_a_queue_without_running_a_task_twice(workers, tmp_path):
    log = tmp_path / "runs"
    first, second = workers.start_ready(count=2)
    results = [
        record.enqueue(path=str(log), label=f"t{n}", seconds=0.05) for n in range(60)
    ]
    wait_for(lambda: all(finished(r) for r in results), what="all 60 tasks")

    runs = [line.split() for line in lines(log)]
    assert sorted(label for label, _ in runs) == sorted(f"t{n}" for n in range(60))
    assert {int(pid) for _, pid in runs} == {first.pid, second.pid}
    assert all(r.attempts == 1 for r in results)


def test_task_of_a_killed_worker_is_completed_by_another(workers, tmp_path):
    log = tmp_path / "slow"
    (killed,) = workers.start_ready()
    result = slow.enqueue(path=str(log), seconds=2)
    wait_for(lambda: lines(log), what="the task to start")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    (survivor,) = workers.start_ready()
    # The killed worker's lease (TASKS_WORKER_LEASE=4) runs out, then the task runs again.
    wait_for(lambda: finished(result), what="the task to finish", timeout=30)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert lines(log) == [
        f"start {killed.pid}",
        f"start {survivor.pid}",
        f"done {survivor.pid}",
    ]
    assert result.attempts == 2
    assert not Worker.objects.filter(pid=killed.pid).exists()


def test_sigterm_lets_the_running_task_finish(workers, tmp_path):
    log = tmp_path / "slow"
    (worker,) = workers.start_ready()
    result = slow.enqueue(path=str(log), seconds=1.5)
    wait_for(lambda: lines(log), what="the task to start")
    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=15) == 0
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert lines(log) == [f"start {worker.pid}", f"done {worker.pid}"]
    assert not Worker.objects.filter(pid=worker.pid).exists()


def test_second_sigterm_releases_the_task_to_another_worker(workers, tmp_path):
    log = tmp_path / "slow"
    (stopped,) = workers.start_ready()
    result = slow.enqueue(path=str(log), seconds=3)
    wait_for(lambda: lines(log), what="the task to start")
    stopped.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # two signals at once would arrive as one
    stopped.send_signal(signal.SIGTERM)
    stopped.wait(timeout=15)
    result.refresh()
    assert result.status == TaskResultStatus.READY

    (other,) = workers.start_ready()
    wait_for(lambda: finished(result), what="the task to finish")
    assert lines(log) == [
        f"start {stopped.pid}",
        f"start {other.pid}",
        f"done {other.pid}",
    ]


def test_schedule_runs_clearsessions_once_per_period_with_two_workers(workers):
    now = timezone.now()
    Session.objects.create(
        session_key="expired" * 4, session_data="", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="current" * 4, session_data="", expire_date=now + timedelta(days=1)
    )
    workers.start_ready(count=2)
    runs = result_rows("background.tasks.clear_sessions")
    wait_for(lambda: runs.filter(status=TaskResultStatus.SUCCESSFUL).exists())
    first = runs.earliest("enqueued_at").enqueued_at
    wait_for(lambda: timezone.now() - first > timedelta(seconds=9), timeout=15)
    seen = runs.filter(enqueued_at__lte=timezone.now()).count()

    # Every 2 s for 9 s: the first run and four more (or five, at the edge);
    # two workers each enqueueing it would make about ten.
    assert 4 <= seen <= 6
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        "current" * 4
    ]


def result_rows(task_path):
    return DBTaskResult.objects.filter(task_path=task_path)
