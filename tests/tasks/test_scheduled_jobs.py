"""The scheduled jobs' tasks, run in-process (tests/tasks/test_worker.py runs the schedule)."""

from datetime import timedelta

import pytest
from django.conf import settings as project_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.counting import record_view
from articles.models import Article
from articles.tasks import flush_views
from background.models import PeriodicJob
from background.schedule import enqueue_due_jobs, sync_schedule
from background.tasks import prune_task_results
from tests.articles.test_views_buffer import buffered  # noqa: F401 (fixture)
from tests.factories import ArticleFactory
from tests.tasks.conftest import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def test_flush_views_task_moves_buffered_counts_to_the_database(buffered):  # noqa: F811
    article = ArticleFactory()
    record_view(article_id=article.pk, reader="a:one")
    record_view(article_id=article.pk, reader="a:two")

    result = flush_views.enqueue()

    assert result.return_value["moved"] == 2
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_the_schedule_flushes_views_every_minute_and_clears_sessions_daily():
    schedule = project_settings.TASKS_SCHEDULE
    assert schedule["flush_views"]["every"] == timedelta(minutes=1)
    assert schedule["clearsessions"]["every"] == timedelta(days=1)


def test_a_due_job_is_enqueued_once_and_moved_to_its_next_period(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_SCHEDULE = {
        "prune": {
            "task": "background.tasks.prune_task_results",
            "every": timedelta(hours=1),
        }
    }
    sync_schedule()
    start = PeriodicJob.objects.get(name="prune").next_run_at

    assert enqueue_due_jobs(now=start) == ["prune"]
    assert enqueue_due_jobs(now=start + timedelta(minutes=59)) == []
    # Three hours and a half later: one run for the missed periods, not three.
    assert enqueue_due_jobs(now=start + timedelta(hours=3, minutes=30)) == ["prune"]
    job = PeriodicJob.objects.get(name="prune")
    assert job.next_run_at == start + timedelta(hours=4)


def test_prune_forgets_old_successful_tasks_and_keeps_recent_ones(settings):
    settings.TASKS = DATABASE_TASKS
    old = prune_task_results.enqueue().db_result
    old.claim("w")
    old.set_successful(0)
    recent = prune_task_results.enqueue().db_result
    recent.claim("w")
    recent.set_successful(0)
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - timedelta(days=8)
    )

    assert prune_task_results.call() == 1
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()
