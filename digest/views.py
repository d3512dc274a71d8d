from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from digest.cache import cacheable_page
from digest.middleware import database_answers, database_breaker_exempt
from digest.models import Page


@database_breaker_exempt  # asks the database every time, and tells the breaker
@require_safe
@never_cache
def healthz(request):
    """Answer 200 when a query succeeds, 503 when the database does not answer."""
    if not database_answers():
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


@cacheable_page("site")  # policy pages: edits are site-wide changes
def page_detail(request, slug):
    """A published policy or static page at /<slug>/."""
    page = get_object_or_404(Page, slug=slug, is_published=True)
    return render(request, "digest/page_detail.html", {"page": page})


ERROR_PAGES = {
    400: lambda request: defaults.bad_request(request, exception=None),
    403: lambda request: defaults.permission_denied(request, exception=None),
    404: lambda request: defaults.page_not_found(request, exception=None),
    500: defaults.server_error,
    # What digest.middleware answers while the database is down.
    503: lambda request: HttpResponse(render_to_string("503.html"), status=503),
}


@require_safe
@never_cache
def error_preview(request, code):
    """The styled error page for `code`, as production shows it (routed only with
    DEBUG on, where Django shows its technical pages instead)."""
    if code not in ERROR_PAGES:
        raise Http404
    return ERROR_PAGES[code](request)


COOKIE_CONSENT = "cookie_consent"


# Exempt from CSRF on purpose: the bar is on pages that may be cached for anonymous
# readers, so it cannot carry a per-reader token, and all this view does is set a
# harmless preference cookie (a forged request can only hide the bar).
@csrf_exempt
@require_POST
def accept_cookies(request):
    """Remember that the reader accepted cookies, and go back where they were."""
    next_url = request.POST.get("next", "")
    # Only a path on this site: redirect() would take a bare word for a view name.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        COOKIE_CONSENT,
        "1",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
