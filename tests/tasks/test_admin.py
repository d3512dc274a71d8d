"""Operators see queued, running and failed tasks in the admin and retry failed ones."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory, role_group
from tests.tasks.conftest import DATABASE_TASKS
from tests.tasks.jobs import always_fails, record

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "author", "editor", "operator", "superuser"]
GROUPS = {"author": "Author", "editor": "Editor", "operator": "Site operator"}
CHANGELIST = reverse("admin:background_backgroundtask_changelist")


@pytest.fixture
def tasks(settings):
    settings.TASKS = DATABASE_TASKS
    queued = record.enqueue(path="/dev/null", label="queued").db_result
    running = record.enqueue(path="/dev/null", label="running").db_result
    running.claim("worker-1")
    failed = always_fails.enqueue(path="/dev/null").db_result
    failed.claim("worker-1")
    failed.set_failed(RuntimeError("the feed is down"))
    return {"queued": queued, "running": running, "failed": failed}


def client_as(name: str) -> Client:
    client = Client()
    if name != "anonymous":
        user = UserFactory(
            username=f"the-{name}",
            is_staff=name != "reader",
            is_superuser=name == "superuser",
        )
        if name in GROUPS:
            user.groups.add(role_group(GROUPS[name]))
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 302),
        ("reader", 302),
        ("author", 403),
        ("editor", 403),
        ("operator", 200),
        ("superuser", 200),
    ],
)
def test_task_list_is_for_operators(tasks, name, status):
    response = client_as(name).get(CHANGELIST)

    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        for shown in ("Ready", "Running", "Failed", "RuntimeError", "always_fails"):
            assert shown in html


def test_operator_sees_a_failed_tasks_error(tasks):
    url = reverse("admin:background_backgroundtask_change", args=[tasks["failed"].pk])
    response = client_as("operator").get(url)

    assert response.status_code == 200
    assert "the feed is down" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "retried"),
    [("editor", False), ("operator", True), ("superuser", True)],
)
def test_retry_action_queues_a_failed_task_again(tasks, name, retried):
    response = client_as(name).post(
        CHANGELIST,
        {
            "action": "retry_selected",
            "_selected_action": [str(t.pk) for t in tasks.values()],
        },
    )

    failed = DBTaskResult.objects.get(pk=tasks["failed"].pk)
    if retried:
        assert response.status_code == 302
        assert failed.status == TaskResultStatus.READY
        assert failed.worker_ids == []
        # Only the failed one is touched.
        assert DBTaskResult.objects.get(pk=tasks["running"].pk).status == "RUNNING"
        assert DBTaskResult.objects.get(pk=tasks["queued"].pk).status == "READY"
    else:
        assert response.status_code == 403
        assert failed.status == TaskResultStatus.FAILED


def test_django_tasks_db_admin_is_replaced():
    from django.contrib import admin

    assert not admin.site.is_registered(DBTaskResult)
