"""Settings of the worker processes the tests start: the project's, plus test jobs.

The schedule runs clearsessions every two seconds, so a test sees several periods;
test templates live beside this file.
"""

from datetime import timedelta
from pathlib import Path

from digest.settings import *  # noqa: F403
from digest.settings import TEMPLATES

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]
TASKS_SCHEDULE = {
    "clearsessions": {
        "task": "background.tasks.clear_sessions",
        "every": timedelta(seconds=2),
    },
}
