"""Site-wide middleware: browser security headers, 400 for values the database
cannot take, and a 503 page while the database is away."""

import logging

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, InterfaceError, OperationalError
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


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when the database cannot be reached.

    The pool's timeout (DATABASE_POOL_TIMEOUT) bounds how long a request waits for a
    connection, so workers do not hang; psycopg_pool.PoolTimeout is a psycopg
    OperationalError, which Django re-raises as django.db.OperationalError.
    Installed last, so its process_exception runs first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN_ERRORS):
            return None
        logger.error(
            "database unavailable for %s %s: %s",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        return database_unavailable_response()
