"""Imports started from the admin: who may, and running one (`run_import`).

The admin saves an `ImportRun` (the export, optionally a .zip of wp-content/uploads)
and `wordpress.tasks.start_import` has the worker run `run_import(run_id)` once
the row is committed; the run's progress
(`done` of `total` items) and report are written to the row as it goes, so the
admin page can show them while it runs.
"""

import logging
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.utils import timezone

from accounts.roles import EDITOR, OPERATOR, holds, permissions_of
from wordpress.importer import import_wordpress
from wordpress.models import ImportRun
from wordpress.wxr import ExportError

logger = logging.getLogger(__name__)

IMPORT_ROLES = {EDITOR, OPERATOR}
MAX_UNZIPPED_BYTES = 20 * 1024**3
MAX_FILES = 500_000
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def may_import(user) -> bool:
    """Superusers, and site operators who are also editors (they publish what comes in)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # By the rights the two roles give (the permissions Django already loaded for
    # this request), not by group names: no query per admin page that asks.
    return holds(user, set().union(*(permissions_of(name) for name in IMPORT_ROLES)))


def unpack_uploads(archive: Path, into: Path) -> Path:
    """Extract the images of a .zip of wp-content/uploads into `into`; return its root.

    Refuses paths that leave `into`, links, and archives that unpack to more than
    MAX_UNZIPPED_BYTES or MAX_FILES entries (zip bombs). Only image files are taken.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise ExportError("the uploads archive is not a .zip file") from None
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_FILES:
            raise ExportError(f"the uploads archive holds over {MAX_FILES:,} files")
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise ExportError("the uploads archive unpacks to more than 20 GB")
        for member in members:
            path = PurePosixPath(member.filename)
            if member.is_dir() or path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            if path.is_absolute() or ".." in path.parts or "\\" in member.filename:
                raise ExportError(
                    f"the uploads archive has an unsafe path: {member.filename[:80]!r}"
                )
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                continue  # a symbolic link
            target = into.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
    # "uploads/2024/…" or "wp-content/uploads/2024/…" or "2024/…": find the year folders.
    for candidate in (into / "wp-content" / "uploads", into / "uploads", into):
        if candidate.is_dir():
            return candidate
    return into


def run_import(run_id: int) -> None:
    """Import the export of ImportRun `run_id`, writing progress and the report to it."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:
        return
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(done=done, total=total)

    workdir = Path(tempfile.mkdtemp(prefix="wordpress-uploads-"))
    try:
        uploads = (
            unpack_uploads(Path(run.uploads.path), workdir) if run.uploads else None
        )
        report = import_wordpress(
            path=run.export.path, uploads=uploads, by=run.started_by, progress=progress
        )
        status, text = ImportRun.Status.DONE, "\n".join(report.lines())
    except ExportError as error:
        status, text = (
            ImportRun.Status.FAILED,
            f"Stopped: {error}. Nothing was imported.",
        )
    except Exception:
        logger.exception("WordPress import %s failed", run.pk)
        status, text = (
            ImportRun.Status.FAILED,
            "Stopped by an unexpected error (see the server log).",
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, report=text, finished_at=timezone.now()
    )
