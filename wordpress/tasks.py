"""The WordPress import's background task: an export uploaded in the admin is
imported by `manage.py worker`, never inside the request that uploaded it."""

from django_tasks import task

from background.queue import enqueue_on_commit, max_attempts
from wordpress.models import ImportRun
from wordpress.runs import run_import


# Once: run_import only takes a queued run, and the report says what went wrong.
@task()
@max_attempts(1)
def import_wordpress_run(*, run_id: int) -> None:
    """Import the export of ImportRun `run_id`, writing progress to its row."""
    run_import(run_id)


def start_import(run: ImportRun) -> None:
    """Queue `run` for the worker once the transaction that saved it commits."""
    enqueue_on_commit(import_wordpress_run, run_id=run.pk)
