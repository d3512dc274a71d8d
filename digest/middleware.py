"""Site-wide middleware: browser security headers, 400 for values the database
cannot take, and a 503 page while the database is away."""

import logging
import threading
import time

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    DatabaseError,
    DataError,
    InterfaceError,
    OperationalError,
    connection,
)
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)

# Browser features the site never uses; interest-cohort opts out of FLoC-style tracking.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
RETRY_AFTER_SECONDS = 30
# After a database failure, requests get the 503 page at once for this long; then
# one request tries the database (waiting DATABASE_POOL_TIMEOUT at most).
BREAKER_OPEN_SECONDS = 3
# Django re-raises driver errors as its own; the psycopg ones cover code that talks to
# the pool directly.
DATABASE_DOWN_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


class PermissionsPolicyMiddleware:
    """Add a Permissions-Policy header, which Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy",
            getattr(settings, "PERMISSIONS_POLICY", PERMISSIONS_POLICY),
        )
        return response


def _raised_by_a_model_field(exception: BaseException) -> bool:
    """Whether a field's to_python()/get_prep_value() refused the value."""
    tb = exception.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals.get("__name__", "").startswith(
        "django.db.models.fields"
    )


def is_bad_input(exception: BaseException) -> bool:
    """A value from the request that no row can hold: the client's mistake, not ours.

    DataError: PostgreSQL refused a parameter (a NUL byte in any filter, search
    term or id). ValueError/TypeError/ValidationError raised inside a model
    field: a lookup got a value of the wrong type (`/history/abc/`, `?id=1.5`).
    """
    if isinstance(exception, DataError):
        return True
    return isinstance(
        exception, (ValueError, TypeError, ValidationError)
    ) and _raised_by_a_model_field(exception)


class BadInputMiddleware:
    """Answer 400 to a request whose values the database cannot take, wherever read.

    Every admin list filter, autocomplete term and URL id, and any view that
    passes a query value to the ORM, is covered at once: a view need not clean
    each value itself. Nothing is half-written: the exception has already left
    every atomic block. Logged as a warning, with the traceback, in case a bug
    rather than a client sent the value.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_bad_input(exception):
            return None
        logger.warning(
            "bad input refused for %s %s: %s",
            request.method,
            request.path[:200],
            str(exception)[:200],
            exc_info=exception,
        )
        return bad_request(request, exception)


def database_unavailable_response() -> HttpResponse:
    """The styled 503 page, rendered without a request: no context processor may query."""
    response = HttpResponse(
        render_to_string("503.html"), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class CircuitBreaker:
    """Whether requests may use the database, after what the last ones found.

    Closed: every request goes through. A failure opens it: for `open_seconds`
    every request is refused at once instead of waiting for the pool's timeout.
    Then the next request is let through alone as a trial (half-open), and its
    outcome closes or reopens it. Per process: each worker finds out for itself,
    at the cost of one slow request.
    """

    def __init__(self, open_seconds: float):
        self.open_seconds = open_seconds
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed
        self._trying = False

    def allow(self) -> str | None:
        """ "closed" or "trial" when the request may use the database; None when not."""
        with self._lock:
            if self._open_until is None:
                return "closed"
            if self._trying or time.monotonic() < self._open_until:
                return None
            self._trying = True
            return "trial"

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.open_seconds
            self._trying = False

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = None
            self._trying = False


database_breaker = CircuitBreaker(BREAKER_OPEN_SECONDS)


def database_answers() -> bool:
    """Run one trivial query; tell the breaker how it went."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, *DATABASE_DOWN_ERRORS):
        database_breaker.failed()
        return False
    database_breaker.succeeded()
    return True


def database_breaker_exempt(view):
    """Mark a view that checks the database itself (healthz): the breaker lets it by."""
    view.database_breaker_exempt = True
    return view


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when the database cannot be reached, at once.

    The pool's timeout (DATABASE_POOL_TIMEOUT) bounds how long a request waits for a
    connection; psycopg_pool.PoolTimeout is a psycopg OperationalError, which Django
    re-raises as django.db.OperationalError. After one such failure the circuit
    breaker answers 503 before the view runs, so readers and workers do not wait out
    that timeout on every request while the database is away; pages served from the
    page cache (outside this middleware) never touch the database. A trial request
    every BREAKER_OPEN_SECONDS notices the database is back. Installed last, so its
    process_exception runs first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "database_breaker_exempt", False):
            return None
        state = database_breaker.allow()
        if state == "closed" or (state == "trial" and database_answers()):
            return None
        return database_unavailable_response()

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN_ERRORS):
            return None
        database_breaker.failed()
        logger.error(
            "database unavailable for %s %s: %s",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        return database_unavailable_response()
