"""The site's article pages outside the `articles:` namespace: the front page,
author pages, sitemaps and robots.txt (included by digest/urls.py)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter
from django.urls.converters import StringConverter

from articles import sitemaps, views
from digest.cache import cacheable_page

# Sitemaps list every published article, section, tag and author.
newest = cacheable_page("latest")


class UsernameConverter(StringConverter):
    """The characters Django's username validator allows: no NUL, no slash."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("", views.home, name="home"),
    path("author/<username:username>/", views.author_detail, name="author"),
    path(
        "sitemap.xml",
        newest(sitemap_views.index),
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        newest(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", newest(sitemaps.news_sitemap), name="news_sitemap"),
    path("robots.txt", cacheable_page("site")(sitemaps.robots_txt), name="robots_txt"),
]
