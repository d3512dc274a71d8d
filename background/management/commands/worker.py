import logging
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from background.worker import Worker, queue_names


class Command(BaseCommand):
    help = (
        "Run background tasks and the periodic jobs (README: Background work). "
        "SIGTERM or Ctrl-C stops it after the current task; a second one releases "
        "that task for another worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            default="",
            help="Comma-separated queues to run (default: all of TASKS' queues).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when no task is ready (default: 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the ready tasks, then exit.",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many tasks."
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not enqueue the periodic jobs from this worker.",
        )

    def handle(self, *args, queue, interval, batch, max_tasks, no_schedule, **options):
        known = queue_names()
        queues = [q.strip() for q in queue.split(",") if q.strip()] or known
        unknown = sorted(set(queues) - set(known))
        if unknown:
            raise CommandError(f"unknown queue {', '.join(unknown)}; TASKS has {known}")
        if not 0 < interval <= 60:
            raise CommandError("--interval must be between 0 and 60 seconds")
        logger = logging.getLogger("background")
        if not logger.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(
                logging.Formatter("%(asctime)s worker %(levelname)s %(message)s")
            )
            logger.addHandler(handler)
            logger.propagate = False
        logger.setLevel(logging.INFO if options["verbosity"] >= 1 else logging.WARNING)
        worker = Worker(
            worker_id=get_random_string(32),
            queues=queues,
            interval=interval,
            batch=batch,
            max_tasks=max_tasks,
            run_schedule=not no_schedule,
        )
        worker.install_signals()
        worker.run()
