import pytest
from django.db import connections

from tests.client import Client


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
    `client` fixture's requests end as real ones do (tests/client.py).
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
    from django.core.cache import caches

    from articles.sections import forget as forget_sections
    from digest.cache.chrome import forget_parts
    from digest.cache.fragments import forget_recent

    for cache in caches.all():
        cache.clear()
    forget_recent()
    forget_parts()
    forget_sections()
    yield
    for cache in caches.all():
        cache.clear()
    forget_recent()
    forget_parts()
    forget_sections()


@pytest.fixture
def client():
    """A test client whose requests run their on-commit callbacks (tests/client.py)."""
    return Client()
