"""Start-up checks that stop the process with one clear line instead of a traceback."""

import sys
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class DatabaseUnavailable(Exception):
    pass


@contextmanager
def fail_clearly():
    """Turn configuration and database errors at start-up into one line and exit 1."""
    try:
        yield
    except (ImproperlyConfigured, DatabaseUnavailable) as exc:
        sys.stderr.write(f"digest: error: {exc}\n")
        sys.exit(1)


def verify_database() -> None:
    """Connect once to the configured database, or raise DatabaseUnavailable."""
    import django
    import psycopg
    from django.db import connection

    django.setup()
    params = connection.settings_dict
    where = params["HOST"] or params["OPTIONS"].get("host") or "localhost"
    if params["PORT"]:
        where += f":{params['PORT']}"
    # A direct connection, not the pool: the pool would retry and log each try.
    try:
        psycopg.connect(**connection.get_connection_params()).close()
    except psycopg.Error as exc:
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise DatabaseUnavailable(
            f"cannot reach the database {params['NAME']!r} at {where}: {reason}"
        ) from None


def verify_static_files() -> None:
    """With DEBUG off the pages name hashed files: collectstatic must have run."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import (
        ManifestFilesMixin,
        staticfiles_storage,
    )

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    if not manifest.is_file():
        raise ImproperlyConfigured(
            f"static files are not collected in {settings.STATIC_ROOT}: "
            "run `python manage.py collectstatic --noinput` first"
        )
