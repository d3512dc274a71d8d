import pytest
from django.db import connection, connections
from django.test import Client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Close the connection pools before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close_pool()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, plain static storage (no collectstatic) and a throwaway MEDIA_ROOT."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_when_enqueued(settings):
    """Background tasks run in the test's process as soon as they are enqueued.

    Tasks are enqueued on commit, which a test's transaction never does; the
    `client` fixture's requests end as real ones do (see CommittingClient).
    tests/tasks/ runs tasks in real worker processes instead.
    """
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class CommittingClient(Client):
    """A test client whose requests end as in production: on-commit callbacks run.

    A real request commits when it ends, and then its `transaction.on_commit`
    callbacks run (enqueued tasks, cache bumps). In a test the request shares the
    test's transaction, which never commits, so this runs them at the request's end.
    """

    def request(self, **request):
        start = len(connection.run_on_commit)
        response = super().request(**request)
        while len(connection.run_on_commit) > start:
            pending = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _savepoints, callback, _robust in pending:
                callback()
        return response


@pytest.fixture
def client():
    return CommittingClient()
