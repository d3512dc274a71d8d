"""gunicorn settings: `gunicorn digest.wsgi` picks this file up from the project root."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, as the bench measures; the worker reads each request in its event loop
# before a thread gets it, so slow or idle clients hold no thread (see the module).
worker_class = "digest.gunicorn_worker.Worker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5  # seconds an idle kept-alive connection stays open; it holds no thread
timeout = 30  # a worker whose event loop is stuck this long is restarted
graceful_timeout = 20
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None


def on_starting(server):
    """Refuse to start with one clear line when settings or the database are wrong."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    from digest.startup import fail_clearly, verify_database, verify_static_files

    with fail_clearly():
        verify_static_files()
        verify_database()
