import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from digest.management.backups import (
    DUMP_NAME,
    MEDIA_DIR,
    database_name,
    media_files,
    run_postgres_program,
)


class Command(BaseCommand):
    help = "Write the database and the media files to one dated .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "backups",
            help="where the archive goes (default: var/backups)",
        )

    def handle(self, *args, output_dir: Path, **options):
        output_dir.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        archive = output_dir / f"digest-{stamp}.tar.gz"
        partial = archive.with_name(archive.name + ".partial")
        media_root = Path(settings.MEDIA_ROOT)
        files = media_files(media_root)
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / DUMP_NAME
            run_postgres_program(
                "pg_dump", ["--format=custom", "--no-password", f"--file={dump}"]
            )
            # Written under another name first: a half-written archive is never
            # mistaken for a backup.
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(dump, arcname=DUMP_NAME)
                for path in files:
                    tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root)}")
        partial.rename(archive)
        archive.chmod(0o600)
        self.stdout.write(
            f"{archive}: database {database_name()!r} and {len(files)} media files"
        )
