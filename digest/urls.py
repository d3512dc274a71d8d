from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter
from django.urls.converters import StringConverter
from django.utils.functional import lazy
from django.views.generic import RedirectView

from articles import sitemaps
from articles import views as article_views
from digest import views


class UsernameConverter(StringConverter):
    """The characters Django's username validator allows: no NUL, no slash."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")


def _static_url(name: str) -> str:
    from django.templatetags.static import static as static_file

    return static_file(name)


static_url = lazy(_static_url, str)

urlpatterns = [
    path("", article_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("articles.urls")),
    path("cookies/accept/", views.accept_cookies, name="accept_cookies"),
    path("author/<username:username>/", article_views.author_detail, name="author"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    # Browsers ask for it on pages without an icon link (the admin's).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static_url("digest/favicon.svg"), permanent=True),
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Policy and static pages: last, so every other route wins.
urlpatterns += [path("<slug:slug>/", views.page_detail, name="page")]
