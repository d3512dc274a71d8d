from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_file
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from digest import views

static_url = lazy(static_file, str)

# The apps' pages are included by name: digest imports neither app.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("articles.site_urls")),  # home, authors, sitemaps, robots.txt
    path("", include("articles.urls")),
    path("cookies/accept/", views.accept_cookies, name="accept_cookies"),
    # Browsers ask for it on pages without an icon link (the admin's).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static_url("digest/favicon.svg"), permanent=True),
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    # DEBUG shows Django's technical 404 and 500: these show the site's own pages.
    urlpatterns += [
        path("errors/<int:code>/", views.error_preview, name="error_preview")
    ]
elif settings.SERVE_MEDIA:
    # Production without nginx in front (`make serve` where nginx is missing).
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(
            rf"^{prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        )
    ]

# Policy and static pages: last, so every other route wins.
urlpatterns += [path("<slug:slug>/", views.page_detail, name="page")]
