"""The page cache: anonymous readers get cached pages, and every change shows at once."""

import os
import re
import socket
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from articles import publishing
from articles.models import Article
from articles.publishing import Action, change_state
from digest.cache import bump_content_version, render_for_readers
from digest.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    PageFactory,
    UsefulLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/14"


# The test's transaction never commits, so each write here runs its on-commit
# follow-ups (articles.caching.article_changed) as a commit would.
def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def save_article(*, article, by):
    with committed():
        publishing.save_article(article=article, by=by)


def publish_article(*, article, by):
    with committed():
        change_state(article=article, by=by, action=Action.PUBLISH_NOW)


def unpublish_article(*, article, by):
    with committed():
        change_state(article=article, by=by, action=Action.UNPUBLISH)


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture(params=["file", "redis"])
def backend(request, settings, tmp_path):
    """Run a test against the default file cache, and Redis when one answers."""
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "digest.cache.backends.FileCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("no Redis server on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def site():
    """A small site: settings, a section, a tagged article, a footer page, a link."""
    SiteSettings.load()
    news = CategoryFactory(name="News", slug="news")
    article = ArticleFactory(
        title="Harbour council approves the ferry berth",
        slug="ferry-berth",
        category=news,
        tags=["ports", "council"],
    )
    ArticleFactory.create_batch(3, category=news, tags=["ports"])
    page = PageFactory(
        title="Who we are", slug="who-we-are", show_in_footer=True, body="<p>Us.</p>"
    )
    link = UsefulLinkFactory(title="City council minutes")
    return {"news": news, "article": article, "page": page, "link": link}


PAGES = [
    "/",
    "/articles/ferry-berth/",
    "/category/news/",
    "/tag/ports/",
    "/search/?q=harbour",
    "/feed/",
    "/who-we-are/",
    "/sitemap.xml",
]


def reader_client() -> Client:
    """An anonymous reader with the cookies a real one carries."""
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    client.cookies["csrftoken"] = uuid.uuid4().hex
    client.cookies["cookie_consent"] = "1"
    return client


def signed_in_reader(display_name: str) -> Client:
    client = Client()
    client.force_login(UserFactory(display_name=display_name))
    return client


# Hits


@pytest.mark.parametrize("path", PAGES)
def test_second_anonymous_request_is_served_without_a_query(
    client, site, backend, path, django_assert_num_queries
):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_readers_with_other_cookies_share_the_cached_page(site, backend):
    Client().get("/")
    response = reader_client().get("/")
    assert response["X-Page-Cache"] == "hit"


def test_anonymous_page_tells_shared_caches_how_long_to_keep_it(client, site):
    response = client.get("/articles/ferry-berth/")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=300"} <= directives
    assert response["ETag"]
    assert response["Last-Modified"]


def test_unchanged_page_answers_304_to_a_revalidating_browser(client, site):
    first = client.get("/articles/ferry-berth/")
    again = client.get("/articles/ferry-berth/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_search_results_are_cached_per_query(client, site):
    ArticleFactory(title="Ferry timetable changes for winter", category=site["news"])
    assert "ferry-berth" in client.get("/search/?q=harbour").text
    winter = client.get("/search/?q=winter")
    assert "Ferry timetable changes" in winter.text
    assert "/articles/ferry-berth/" not in winter.text


def test_reader_gets_the_last_copy_while_another_request_renders_the_page(
    client, site, backend, editor, django_assert_num_queries
):
    from django.core.cache import cache

    from digest.cache.pages import LOCK_KEY, url_digest

    client.get("/")
    article = site["article"]
    article.title = "Ferry berth plan is approved"
    save_article(article=article, by=editor)
    request = client.get("/").wsgi_request  # renders and caches the new home page
    save_article(article=article, by=editor)  # a second edit: the page is stale
    cache.add(LOCK_KEY.format(digest=url_digest(request)), 1, 30)  # being rendered
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response["X-Page-Cache"] == "stale"
    assert "Ferry berth plan is approved" in response.text


def test_unpublished_article_is_never_served_as_a_last_copy(client, site, editor):
    from django.core.cache import cache

    from digest.cache.pages import LOCK_KEY, url_digest

    article = site["article"]
    request = client.get(article.get_absolute_url()).wsgi_request
    unpublish_article(article=article, by=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    cache.add(LOCK_KEY.format(digest=url_digest(request)), 1, 30)
    assert client.get(article.get_absolute_url()).status_code == 404


# Bypasses


@pytest.mark.parametrize("path", ["/", "/articles/ferry-berth/"])
def test_signed_in_reader_gets_their_own_page_with_every_edit(
    client, site, backend, path
):
    editor = UserFactory(is_staff=True, is_superuser=True)
    client.get(path)  # cached for anonymous readers
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(path)  # the parts every reader shares, cached for signed-in readers

    article = site["article"]
    article.title = "Quay reopens early"
    save_article(article=article, by=editor)
    response = client.get(path)
    assert "Quay reopens early" in response.text
    assert "Ada Reader" in response.text
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_signed_in_reader_gets_related_articles_from_the_cache(client, site, backend):
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as first:
        client.get("/articles/ferry-berth/")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/articles/ferry-berth/")
    assert len(second) <= len(first) - 2  # related and new articles
    assert "Harbour council approves the ferry berth" in response.text


def test_signed_in_reader_sees_a_newly_published_related_article_at_once(
    client, site, backend, editor
):
    client.force_login(UserFactory())
    client.get("/articles/ferry-berth/")
    draft = ArticleFactory(
        title="Council sets the ferry fares",
        category=site["news"],
        tags=["council", "ports"],
        draft=True,
    )
    publish_article(article=draft, by=editor)
    assert "Council sets the ferry fares" in client.get("/articles/ferry-berth/").text


@pytest.mark.parametrize("path", ["/", "/articles/ferry-berth/"])
def test_signed_in_readers_share_one_page_but_each_sees_their_own_name(
    site, backend, path
):
    first = signed_in_reader("Ada Firstreader")
    second = signed_in_reader("<b>Bo</b> & Co")
    with time_machine.travel(timezone.now(), tick=False):  # the header's date
        ada = first.get(path).text
        bo = second.get(path).text
    assert ada.count("Ada Firstreader") == 1
    assert "&lt;b&gt;Bo&lt;/b&gt; &amp; Co" in bo
    assert "<b>Bo</b>" not in bo
    assert ada.replace("Ada Firstreader", "&lt;b&gt;Bo&lt;/b&gt; &amp; Co") == bo


@pytest.mark.parametrize(
    "markup",
    [
        "<form>{% csrf_token %}</form>",
        '<meta name="csrf-token" content="{{ csrf_token }}">',
    ],
)
def test_a_page_with_a_csrf_token_is_never_shared_between_readers(
    settings, tmp_path, rf, markup
):
    (tmp_path / "form.html").write_text(markup + "<p>{{ user.public_name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    pages = []
    for name in ("Ada Reader", "Bo Reader"):
        request = rf.get("/a-form/")
        request.user = UserFactory(display_name=name)
        pages.append(render_for_readers(request, "form.html", dict).content.decode())
    tokens = [re.search(r'(?:value|content)="([^"]+)"', p).group(1) for p in pages]
    assert tokens[0] != tokens[1]
    assert "Ada Reader" in pages[0] and "Bo Reader" in pages[1]


def test_signed_in_reader_sees_their_new_name_at_once(client, site):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get("/articles/ferry-berth/")
    reader.display_name = "Ada Lovelace"
    reader.save()
    assert "Ada Lovelace" in client.get("/articles/ferry-berth/").text


def test_signed_in_reader_with_a_query_string_gets_it_back_in_forms(client, site):
    client.force_login(UserFactory())
    client.get("/articles/ferry-berth/")
    tagged = client.get("/articles/ferry-berth/?utm_source=newsletter").text
    assert 'value="/articles/ferry-berth/?utm_source=newsletter"' in tagged
    plain = client.get("/articles/ferry-berth/").text
    assert "utm_source" not in plain


def test_signed_in_reader_reopening_an_article_costs_one_query(client, site):
    client.force_login(UserFactory())
    client.get("/articles/ferry-berth/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/ferry-berth/")
    assert "Harbour council approves the ferry berth" in response.text
    # Their user: the session comes from the cache (SESSION_ENGINE cached_db).
    assert [q["sql"].split(" FROM ")[1].split()[0] for q in queries] == [
        '"accounts_user"'
    ]


def test_signed_in_reader_page_is_never_served_to_anonymous_readers(client, site):
    client.force_login(UserFactory(display_name="Ada Reader"))
    client.get("/")
    assert "Ada Reader" not in Client().get("/").text


@pytest.mark.parametrize(
    "path", ["/", "/articles/ferry-berth/", "/category/news/", "/tag/ports/"]
)
def test_post_is_never_served_from_the_cache(client, site, path):
    assert client.get(path).status_code == 200  # now cached
    response = client.post(path)
    assert response.status_code == 405  # reading pages only read
    assert response["Allow"] == "GET, HEAD"
    assert "X-Page-Cache" not in response


def test_staff_preview_is_not_cached(client, site):
    ArticleFactory(title="Embargoed ferry story", slug="embargoed", draft=True)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "edit_any_article"])
    )
    client.force_login(editor)
    assert "Embargoed ferry story" in client.get("/articles/embargoed/").text
    assert Client().get("/articles/embargoed/").status_code == 404


# Nothing per reader


@pytest.mark.parametrize("path", PAGES)
def test_page_is_byte_identical_for_two_anonymous_readers(site, settings, path):
    settings.PAGE_CACHE_SECONDS = 0  # render twice, really
    with time_machine.travel(timezone.now(), tick=False):
        first = reader_client().get(path, REMOTE_ADDR="192.0.2.1")
        second = Client().get(
            path, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="curl/8.0"
        )
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert b"csrfmiddlewaretoken" not in first.content
    assert "csrftoken" not in first.cookies


@pytest.mark.parametrize("path", PAGES)
def test_cached_page_carries_no_csrf_token(client, site, path):
    client.get(path)
    cached = client.get(path)
    assert cached["X-Page-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" not in cached.content
    assert not cached.cookies


# Invalidation: what a reader sees right after each kind of change


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["change_article", "publish_article", "edit_any_article"],
        )
    )
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_edited_title_shows_at_once(client, site, backend, editor):
    assert "Harbour council approves" in client.get("/").text
    article = site["article"]
    article.title = "Ferry berth plan is approved"
    save_article(article=article, by=editor)
    assert "Ferry berth plan is approved" in client.get("/").text
    assert "Ferry berth plan is approved" in client.get(article.get_absolute_url()).text


def test_published_article_shows_at_once(client, site, backend, editor):
    draft = ArticleFactory(
        title="Night ferry returns",
        slug="night-ferry",
        draft=True,
        category=site["news"],
    )
    assert client.get("/articles/night-ferry/").status_code == 404
    client.get("/")
    publish_article(article=draft, by=editor)
    assert "Night ferry returns" in client.get("/").text
    assert client.get("/articles/night-ferry/").status_code == 200


def test_published_article_joins_the_new_articles_of_the_next_article_page(
    client, site, backend, editor
):
    """The "New articles" column is one list every article page shares: an
    article page rendered after a publication lists the new article, though the
    list was kept by another page before it."""
    others = ArticleFactory.create_batch(2, category=site["news"])
    assert "Night ferry returns" not in client.get(others[0].get_absolute_url()).text
    draft = ArticleFactory(
        title="Night ferry returns", draft=True, category=site["news"]
    )
    publish_article(article=draft, by=editor)
    page = client.get(others[1].get_absolute_url()).text
    column = page.split('id="new-articles-title"')[1].split("</section>")[0]
    assert "Night ferry returns" in column


def test_unpublished_article_is_gone_at_once(client, site, backend, editor):
    article = site["article"]
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get("/").text
    unpublish_article(article=article, by=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/").text


def test_deleted_article_is_gone_at_once(client, site, backend):
    article = site["article"]
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    client.get("/tag/council/")
    article.delete()
    bump_content_version()
    assert client.get(url).status_code == 404
    assert client.get("/tag/council/").status_code in (200, 404)
    assert "Harbour council approves" not in client.get("/tag/council/").text


def test_renamed_category_shows_at_once(client, site, backend):
    assert "News" in client.get("/articles/ferry-berth/").text
    site["news"].name = "Harbour News"
    site["news"].save()
    bump_content_version()
    assert "Harbour News" in client.get("/articles/ferry-berth/").text
    assert "Harbour News" in client.get("/category/news/").text


def test_edited_page_shows_at_once(client, site, backend):
    assert "Who we are" in client.get("/who-we-are/").text
    page = site["page"]
    page.title = "About the newsroom"
    page.save()
    bump_content_version()
    assert "About the newsroom" in client.get("/who-we-are/").text


def test_edited_useful_link_shows_at_once(client, site, backend):
    assert "City council minutes" in client.get("/").text
    link = site["link"]
    link.title = "Port authority notices"
    link.save()
    bump_content_version()
    assert "Port authority notices" in client.get("/").text


def test_edited_site_settings_show_at_once(client, site, backend):
    client.get("/")
    settings_row = SiteSettings.load()
    settings_row.site_name = "Harbour Daily"
    settings_row.save()
    bump_content_version()
    assert "Harbour Daily" in client.get("/").text


def test_change_made_in_another_process_shows_at_once(client, site, settings, tmp_path):
    """On the default file cache, e.g. a bump by `manage.py load_demo`."""
    location = tmp_path / "shared-cache"
    settings.CACHES = {
        "default": {"BACKEND": "digest.cache.backends.FileCache", "LOCATION": location}
    }
    assert "Harbour council approves" in client.get("/").text
    Article.objects.filter(pk=site["article"].pk).update(title="Quay reopens early")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from digest.cache import bump_content_version, render_for_readers; "
            "bump_content_version()",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "digest.settings",
            "CACHE_URL": f"file://{location}",
        },
        check=True,
    )
    assert "Quay reopens early" in client.get("/").text


# Scheduling


def test_a_deploy_that_changes_media_url_shows_at_once(client, site, settings):
    """A stored page is under the release (templates, template tags, MEDIA_URL):
    after a deploy that changes it, readers get the page rendered anew, not the
    stored one until it expires."""
    article = ArticleFactory(
        slug="with-picture", category=site["news"], with_image=True
    )
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert f'src="/media/{article.image.name}"' in client.get(url).text

    settings.MEDIA_URL = "https://media.example.org/"

    response = client.get(url)
    assert response["X-Page-Cache"] != "hit"
    assert f'src="https://media.example.org/{article.image.name}"' in response.text


def test_scheduled_article_appears_on_time(client, site):
    ArticleFactory(
        title="Embargoed budget story",
        slug="budget",
        category=site["news"],
        published_at=timezone.now() + timedelta(minutes=2),
    )
    assert "Embargoed budget story" not in client.get("/").text
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "s-maxage=300" not in response["Cache-Control"]
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert "Embargoed budget story" in client.get("/").text
        assert client.get("/articles/budget/").status_code == 200


# Through the admin, as editors make changes


def saved(response) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]


def test_article_deleted_in_admin_is_gone_at_once(admin_client, client, site, backend):
    article = site["article"]
    assert client.get(article.get_absolute_url()).status_code == 200
    with committed():
        saved(
            admin_client.post(
                f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
            )
        )
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/").text


def test_category_renamed_in_admin_shows_at_once(admin_client, client, site, backend):
    news = site["news"]
    assert "Harbour News" not in client.get("/category/news/").text
    saved(
        admin_client.post(
            f"/admin/articles/category/{news.pk}/change/",
            {
                "name": "Harbour News",
                "slug": "news",
                "parent": "",
                "position": "0",
                "description": "",
                "show_in_menu": "on",
            },
        )
    )
    assert "Harbour News" in client.get("/category/news/").text
    assert "Harbour News" in client.get("/articles/ferry-berth/").text


def test_page_edited_in_admin_shows_at_once(admin_client, client, site, backend):
    page = site["page"]
    assert "About the newsroom" not in client.get("/who-we-are/").text
    saved(
        admin_client.post(
            f"/admin/digest/page/{page.pk}/change/",
            {
                "title": "About the newsroom",
                "slug": "who-we-are",
                "body": "<p>Us.</p>",
                "seo_description": "",
                "is_published": "on",
                "show_in_footer": "on",
                "position": "0",
            },
        )
    )
    assert "About the newsroom" in client.get("/who-we-are/").text
    assert "About the newsroom" in client.get("/").text  # footer link


def test_useful_link_edited_in_admin_shows_at_once(admin_client, client, site, backend):
    link = site["link"]
    assert "City council minutes" in client.get("/").text
    saved(
        admin_client.post(
            f"/admin/digest/usefullink/{link.pk}/change/",
            {"title": "Port authority notices", "url": link.url, "position": "0"},
        )
    )
    assert "Port authority notices" in client.get("/").text


def test_site_settings_edited_in_admin_show_at_once(
    admin_client, client, site, backend
):
    client.get("/")
    row = SiteSettings.load()
    data = {
        field.name: getattr(row, field.name) or ""
        for field in SiteSettings._meta.get_fields()
        if getattr(field, "editable", False) and field.name not in ("id", "updated_at")
    }
    data["site_name"] = "Harbour Daily"
    saved(admin_client.post(f"/admin/digest/sitesettings/{row.pk}/change/", data))
    assert "Harbour Daily" in client.get("/").text


def test_article_published_by_admin_action_shows_at_once(
    admin_client, client, site, backend
):
    draft = ArticleFactory(
        title="Night ferry returns",
        slug="night-ferry",
        draft=True,
        category=site["news"],
    )
    assert "Night ferry returns" not in client.get("/").text
    with committed():
        saved(
            admin_client.post(
                "/admin/articles/article/",
                {"action": "publish_selected", "_selected_action": [draft.pk]},
            )
        )
    assert "Night ferry returns" in client.get("/").text


def test_tag_renamed_in_admin_shows_at_once(admin_client, client, site, backend):
    from taggit.models import Tag

    tag = Tag.objects.get(name="council")
    assert "Town hall" not in client.get("/articles/ferry-berth/").text
    prefix = "taggit_taggeditem_items"
    saved(
        admin_client.post(
            f"/admin/taggit/tag/{tag.pk}/change/",
            {
                "name": "Town hall",
                "slug": tag.slug,
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
            },
        )
    )
    assert "Town hall" in client.get("/articles/ferry-berth/").text


@pytest.mark.parametrize("path", ["/", "/articles/ferry-berth/"])
def test_parts_shared_by_signed_in_readers_carry_nothing_of_the_first_reader(
    site, backend, path
):
    first = signed_in_reader("Ada Firstreader")
    second = signed_in_reader("Bo Secondreader")
    assert "Ada Firstreader" in first.get(path).text  # renders the shared parts

    for response in (second.get(path), Client().get(path)):
        assert response.status_code == 200
        assert "Ada Firstreader" not in response.text
        assert "csrfmiddlewaretoken" not in response.text
    assert "Bo Secondreader" in second.get(path).text


# Every cacheable page type declares what it shows

SAMPLE_OF_EACH_CACHEABLE_VIEW = {
    "home": "/",
    "articles:detail": "/articles/ferry-berth/",
    "articles:category": "/category/news/",
    "articles:tag": "/tag/ports/",
    "articles:search": "/search/?q=harbour",
    "articles:feed": "/feed/",
    "articles:feed_atom": "/feed/atom/",
    "articles:category_feed": "/category/news/feed/",
    "author": None,  # the site fixture's article's author, below
    "page": "/who-we-are/",
    "sitemap": "/sitemap.xml",
    "sitemap_section": "/sitemap-articles.xml",
    "news_sitemap": "/news-sitemap.xml",
    "robots_txt": "/robots.txt",
}


def _cacheable_view_names(patterns, namespace=""):
    from django.urls import URLPattern

    for entry in patterns:
        if isinstance(entry, URLPattern):
            if getattr(entry.callback, "cacheable_page", False):
                yield namespace + entry.name
        else:
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _cacheable_view_names(entry.url_patterns, inner)


def test_every_cacheable_view_has_a_sample_page_here():
    from django.urls import get_resolver

    assert set(_cacheable_view_names(get_resolver().url_patterns)) == set(
        SAMPLE_OF_EACH_CACHEABLE_VIEW
    )


@pytest.mark.parametrize("name", sorted(SAMPLE_OF_EACH_CACHEABLE_VIEW))
def test_every_cacheable_page_declares_what_it_shows(client, site, name):
    """A cacheable view that declares nothing is never stored: this names it."""
    path = SAMPLE_OF_EACH_CACHEABLE_VIEW[name]
    if path is None:
        path = f"/author/{site['article'].author.username}/"
    assert client.get(path).status_code == 200
    assert client.get(path)["X-Page-Cache"] == "hit", f"{name} declares nothing"


def test_a_cached_page_goes_out_compressed_as_the_client_accepts(client, site):
    import gzip

    plain = client.get("/articles/ferry-berth/").content
    zipped = client.get("/articles/ferry-berth/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain
    assert len(zipped.content) < len(plain) / 3
    brotli = client.get("/articles/ferry-berth/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert brotli["Content-Encoding"] == "br"
    assert brotli["ETag"] != zipped["ETag"]
