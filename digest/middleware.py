"""Site-wide middleware: browser security headers, and a 503 page while the database is away."""

import logging

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

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
