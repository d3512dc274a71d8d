"""gunicorn entry for `make bench`: the site, plus the two in-server ceilings.

    /__ceiling__/django/  a trivial Django view through the whole middleware stack
                          (the framework ceiling)
    /__ceiling__/wsgi/    the same bytes straight from WSGI, no Django (gunicorn's)

Both answer BENCH_CEILING_BYTES bytes from memory, the size of the article page,
so the comparison is fair. The site itself is untouched: this module only adds a
URLconf in front of digest.urls for the benchmark's server.
"""

import os

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path

from digest.wsgi import application as site

BODY = b"x" * int(os.environ.get("BENCH_CEILING_BYTES", "40000"))


def ceiling(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("__ceiling__/django/", ceiling),
    path("", include("digest.urls")),
]
# Before the first request: the resolver is built from this name then.
settings.ROOT_URLCONF = __name__


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/__ceiling__/wsgi/":
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(BODY))),
            ],
        )
        return [BODY]
    return site(environ, start_response)
