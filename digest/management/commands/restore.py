import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from digest.management.backups import (
    DUMP_NAME,
    MEDIA_DIR,
    count_tables,
    database_name,
    run_postgres_program,
)


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even when the database has tables (they are replaced)",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        if not archive.is_file():
            raise CommandError(f"no such backup: {archive}")
        tables = count_tables()
        if tables and not force:
            raise CommandError(
                f"the database {database_name()!r} already has {tables} tables: "
                "restore into an empty database, or pass --force to replace them"
            )
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:*") as tar:
            names = tar.getnames()
            if DUMP_NAME not in names:
                raise CommandError(f"{archive} is not a Digest backup (no {DUMP_NAME})")
            # The "data" filter refuses absolute paths, "..", links out of the
            # target and device files: an archive cannot write outside MEDIA_ROOT.
            tar.extractall(tmp, filter="data")
            connections.close_all()
            restore_args = ["--no-owner", "--no-privileges", "--no-password"]
            if force:
                restore_args += ["--clean", "--if-exists"]
            else:
                restore_args.append("--exit-on-error")
            run_postgres_program(
                "pg_restore",
                [
                    *restore_args,
                    f"--dbname={database_name()}",
                    str(Path(tmp) / DUMP_NAME),
                ],
            )
            media = Path(tmp) / MEDIA_DIR
            count = 0
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file():
                        target = media_root / path.relative_to(media)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                        count += 1
        self.stdout.write(
            f"restored {archive} into database {database_name()!r} "
            f"and {count} media files into {media_root}"
        )
