"""Invalidation across processes: edits made here, pages read through two gunicorn
workers, on the default file cache and on Redis."""

import shutil
import subprocess
import time
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from accounts.models import User
from articles import publishing
from articles.publishing import Action, change_state
from digest.cache import bump_content_version
from digest.models import SiteSettings
from tests.digest import servers
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["file", "redis"])
def cache_url(request, settings, tmp_path):
    """The cache both this process and the workers use."""
    if request.param == "file":
        url = f"file://{tmp_path / 'cache'}"
    else:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        port = servers.free_port()
        redis = subprocess.Popen(
            [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        request.addfinalizer(lambda: (redis.terminate(), redis.wait(10)))
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                servers.socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
    from digest.settings import _cache

    settings.CACHES = {"default": _cache_for(url, _cache)}
    return url


def _cache_for(url, build):
    import os

    saved = os.environ.get("CACHE_URL")
    os.environ["CACHE_URL"] = url
    try:
        return build()
    finally:
        if saved is None:
            os.environ.pop("CACHE_URL")
        else:
            os.environ["CACHE_URL"] = saved


@pytest.fixture
def site_url(cache_url):
    """Two gunicorn workers on this test's database and cache."""
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
        + (f"&port={db['PORT']}" if db.get("PORT") else ""),
        "DATABASE_POOL": "false",
        "CACHE_URL": cache_url,
        "PAGE_CACHE_SECONDS": "300",
        "WEB_CONCURRENCY": "2",
    }
    with servers.gunicorn(env) as (base, _process):
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        yield base


def fetch(url: str) -> tuple[str, str]:
    """The page's cache state (hit/miss/stale) and its text."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.headers.get("X-Page-Cache", ""), response.read().decode()


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["change_article", "publish_article", "edit_any_article"],
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def newsroom():
    SiteSettings.load()
    news = CategoryFactory(name="News", slug="news")
    sport = CategoryFactory(name="Sport", slug="sport")
    story = ArticleFactory(
        title="Harbour council approves the ferry berth",
        slug="ferry-berth",
        category=news,
        tags=["ports"],
        published_at=timezone.now() - timedelta(days=10),
    )
    # Newer than the story: none shows it in its "new articles" column.
    weather = CategoryFactory(name="Weather", slug="weather")
    for i in range(9):
        ArticleFactory(
            title=f"Weather outlook {i}",
            slug=f"weather-{i}",
            category=weather,
            tags=["weather"],
            published_at=timezone.now() - timedelta(hours=i + 1),
        )
    return {"news": news, "sport": sport, "story": story}


PAGES = ["/", "/articles/ferry-berth/", "/category/news/", "/category/sport/", "/feed/"]


def test_an_edit_in_one_process_shows_at_once_in_the_workers(
    site_url, newsroom, editor
):
    unrelated = site_url + "/articles/weather-3/"
    for path in [*PAGES, "/articles/weather-3/"]:
        fetch(site_url + path)
        assert fetch(site_url + path)[0] == "hit", path

    story = newsroom["story"]
    story.title = "Ferry berth plan moves to the sport desk"
    story.category = newsroom["sport"]
    publishing.save_article(article=story, by=editor)

    title = "Ferry berth plan moves to the sport desk"
    for path in ["/", "/articles/ferry-berth/", "/category/sport/", "/feed/"]:
        state, text = fetch(site_url + path)
        assert title in text, path
        assert state == "miss", path
    state, text = fetch(site_url + "/category/news/")
    assert "ferry-berth" not in text and state == "miss"
    # Not the whole archive: an article the edit does not touch is still cached.
    assert fetch(unrelated)[0] == "hit"


def test_an_unpublished_article_leaves_every_page_at_once(site_url, newsroom, editor):
    for path in PAGES:
        fetch(site_url + path)
    change_state(article=newsroom["story"], by=editor, action=Action.UNPUBLISH)
    with pytest.raises(urllib.error.HTTPError) as gone:
        fetch(site_url + "/articles/ferry-berth/")
    assert gone.value.code == 404
    for path in ["/", "/category/news/", "/feed/"]:
        assert "ferry-berth" not in fetch(site_url + path)[1], path


def test_a_site_wide_change_refreshes_every_page(site_url, newsroom):
    for path in PAGES:
        fetch(site_url + path)
    row = SiteSettings.load()
    row.site_name = "Harbour Daily"
    row.save()
    bump_content_version()
    for path in PAGES:
        state, text = fetch(site_url + path)
        assert "Harbour Daily" in text and state == "miss", path


def test_a_scheduled_article_appears_on_time(site_url, newsroom):
    ArticleFactory(
        title="Embargoed budget story",
        slug="budget",
        category=newsroom["news"],
        published_at=timezone.now() + timedelta(seconds=3),
    )
    assert "Embargoed budget story" not in fetch(site_url + "/")[1]
    assert fetch(site_url + "/")[0] == "hit"
    time.sleep(4)
    assert "Embargoed budget story" in fetch(site_url + "/")[1]
    assert "Embargoed budget story" in fetch(site_url + "/category/news/")[1]
