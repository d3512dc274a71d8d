"""Helpers for the WordPress import tests: the shared export, small WXR files built here."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User

REPO = Path(__file__).resolve().parents[2]


def _shared_export() -> Path:
    """`../shared/wordpress-export` from the repository (a worktree: one more up)."""
    if os.environ.get("WORDPRESS_EXPORT_DIR"):
        return Path(os.environ["WORDPRESS_EXPORT_DIR"])
    candidates = [
        p / "shared" / "wordpress-export" for p in (REPO.parent, REPO.parent.parent)
    ]
    return next((c for c in candidates if c.is_dir()), candidates[0])


SHARED_EXPORT = _shared_export()
SHARED_XML = SHARED_EXPORT / "digest-peer.WordPress.2026-12-01.xml"


@pytest.fixture
def shared_export() -> Path:
    if not SHARED_XML.is_file():
        pytest.skip(f"the shared WordPress export is not at {SHARED_EXPORT}")
    return SHARED_XML


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser(
        "operator", "operator@digest.example", "a-long-password-2026"
    )


def run_import(path, uploads=None, **options) -> str:
    """Run `manage.py import_wordpress` and return what it printed."""
    out = io.StringIO()
    args = [str(path)]
    if uploads is not None:
        args += ["--uploads", str(uploads)]
    call_command("import_wordpress", *args, no_progress=True, stdout=out, **options)
    return out.getvalue()
