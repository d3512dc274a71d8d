"""Environment of the test run, loaded by pytest (`-p tests.env`) before Django's settings.

Tests get their own embedded PostgreSQL data directory, unless DATABASE_URL names
a server, and never depend on a developer's environment for the rest.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("EMBEDDED_PGDATA", str(ROOT / "var" / "pgtest"))
os.environ["DEBUG"] = "false"
os.environ["SECRET_KEY"] = "tests-only-secret-key-not-for-production-use-0123456789"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
os.environ["SECURE_COOKIES"] = "false"
os.environ["SECURE_HSTS_SECONDS"] = "0"
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.pop("EMAIL_BACKEND", None)
