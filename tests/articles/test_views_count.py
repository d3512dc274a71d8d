import threading
import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.counting import make_token, record_view
from articles.models import Article, ArticleDailyViews, ArticleViewMark
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2025, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


def beacon(client, article, *, token=None, agent=FIREFOX, ip="203.0.113.7", **headers):
    return client.post(
        reverse("articles:count_view", kwargs={"pk": article.pk}),
        {"token": make_token(article.pk) if token is None else token},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
        **headers,
    )


def views_of(article) -> int:
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


def test_a_reader_view_counts_once_and_writes_the_day_row(client):
    article = ArticleFactory()
    response = beacon(client, article)
    assert response.status_code == 204
    assert views_of(article) == 1
    day = ArticleDailyViews.objects.get(article=article)
    assert day.views == 1


def test_the_same_reader_counts_once_per_30_minutes(client):
    article = ArticleFactory(published_at=LONG_AGO)
    with time_machine.travel(
        datetime(2026, 5, 4, 9, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ):
        beacon(client, article)
        beacon(client, article)
    with time_machine.travel(
        datetime(2026, 5, 4, 9, 29, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ):
        beacon(client, article)
    assert views_of(article) == 1
    with time_machine.travel(
        datetime(2026, 5, 4, 9, 31, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ):
        beacon(client, article)
    assert views_of(article) == 2


def test_different_agents_at_one_address_are_different_readers(client):
    article = ArticleFactory()
    beacon(client, article, agent=FIREFOX)
    beacon(client, article, agent=CHROME)
    assert views_of(article) == 2


def test_signed_in_reader_is_one_reader_on_every_device(client):
    article = ArticleFactory()
    client.force_login(UserFactory())
    beacon(client, article, agent=FIREFOX, ip="198.51.100.1")
    beacon(client, article, agent=CHROME, ip="198.51.100.2")
    assert views_of(article) == 1
    client.logout()
    beacon(client, article, agent=FIREFOX, ip="198.51.100.1")
    assert views_of(article) == 2


def test_no_raw_address_or_agent_is_stored(client):
    article = ArticleFactory()
    beacon(client, article, ip="192.0.2.55")
    mark = ArticleViewMark.objects.get()
    assert "192.0.2.55" not in mark.reader
    assert "Firefox" not in mark.reader


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "",
    ],
)
def test_bots_and_crawlers_are_not_counted(client, agent):
    article = ArticleFactory()
    assert beacon(client, article, agent=agent).status_code == 204
    assert views_of(article) == 0


def test_prefetches_are_not_counted(client):
    article = ArticleFactory()
    beacon(client, article, HTTP_SEC_PURPOSE="prefetch")
    beacon(client, article, HTTP_PURPOSE="prefetch", agent=CHROME)
    assert views_of(article) == 0


@pytest.mark.parametrize("method", ["get", "head", "put"])
def test_only_post_counts(client, method):
    article = ArticleFactory()
    url = reverse("articles:count_view", kwargs={"pk": article.pk})
    response = getattr(client, method)(url, HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 405
    assert views_of(article) == 0


def test_missing_bad_and_foreign_tokens_are_refused(client):
    article, other = ArticleFactory(), ArticleFactory()
    assert beacon(client, article, token="").status_code == 403
    assert beacon(client, article, token="1:forged:sig").status_code == 403
    assert beacon(client, article, token=make_token(other.pk)).status_code == 403
    assert views_of(article) == 0
    assert views_of(other) == 0


def test_expired_tokens_are_refused(client):
    article = ArticleFactory()
    with time_machine.travel(
        datetime(2026, 5, 4, 8, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ):
        token = make_token(article.pk)
    with time_machine.travel(
        datetime(2026, 5, 4, 15, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ):
        assert beacon(client, article, token=token).status_code == 403
    assert views_of(article) == 0


@pytest.mark.parametrize("trait", ["draft", "scheduled", "in_review"])
def test_unpublished_articles_count_nothing(client, trait):
    article = ArticleFactory(**{trait: True})
    assert beacon(client, article).status_code == 404
    assert views_of(article) == 0


def test_clients_sending_too_many_beacons_are_refused(client):
    articles = ArticleFactory.create_batch(2)
    # All 61 within one minute of the clock, however slow the machine.
    start = (timezone.now() + timedelta(minutes=1)).replace(second=5)
    with time_machine.travel(start, tick=False):
        statuses = [
            beacon(client, articles[i % 2], agent=f"{FIREFOX} n{i}").status_code
            for i in range(61)
        ]
    assert statuses[:60] == [204] * 60
    assert statuses[60] == 429
    assert views_of(articles[0]) + views_of(articles[1]) == 60


def test_day_rows_roll_over_at_midnight_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Baku"  # UTC+4
    article = ArticleFactory(published_at=LONG_AGO)
    baku = zoneinfo.ZoneInfo("Asia/Baku")
    with time_machine.travel(datetime(2026, 3, 1, 23, 50, tzinfo=baku)):
        beacon(client, article, agent=FIREFOX)
    with time_machine.travel(datetime(2026, 3, 2, 0, 10, tzinfo=baku)):
        beacon(client, article, agent=CHROME)
    days = dict(ArticleDailyViews.objects.values_list("day", "views"))
    assert {d.isoformat(): v for d, v in days.items()} == {
        "2026-03-01": 1,
        "2026-03-02": 1,
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_from_distinct_readers_are_never_lost():
    article = ArticleFactory()
    # Back to the pool (DATABASE_POOL_MAX is 8): the eight threads each need one.
    connection.close()
    errors = []

    def reader_thread(n: int):
        try:
            for i in range(250):
                record_view(article_id=article.pk, reader=f"a:thread{n}-reader{i}")
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader_thread, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert views_of(article) == 2000
    assert ArticleDailyViews.objects.get(article=article).views == 2000


def test_record_view_reports_whether_it_counted():
    article = ArticleFactory()
    assert record_view(article_id=article.pk, reader="u:1") is True
    assert record_view(article_id=article.pk, reader="u:1") is False
    later = datetime.now(tz=zoneinfo.ZoneInfo("UTC")) + timedelta(minutes=31)
    assert record_view(article_id=article.pk, reader="u:1", at=later) is True


def test_most_read_ranks_by_the_last_seven_days_only():
    from articles.popularity import most_read

    old_hit, steady, fresh, never = ArticleFactory.create_batch(4)
    today = timezone.localdate()
    ArticleDailyViews.objects.create(
        article=old_hit, day=today - timedelta(days=9), views=500
    )
    ArticleDailyViews.objects.create(
        article=steady, day=today - timedelta(days=2), views=30
    )
    ArticleDailyViews.objects.create(article=fresh, day=today, views=50)
    assert [a.pk for a in most_read(limit=5)] == [fresh.pk, steady.pk]


def test_most_read_is_cached_for_a_minute(django_assert_num_queries):
    from articles.popularity import most_read

    article = ArticleFactory()
    record_view(article_id=article.pk, reader="u:1")
    most_read()
    # The articles with what a card shows (cards carry no tags); ids from cache.
    with django_assert_num_queries(1):
        assert [a.pk for a in most_read()] == [article.pk]


def test_article_page_carries_the_same_beacon_for_every_reader(client):
    import re

    from articles.counting import token_is_valid

    article = ArticleFactory()
    anonymous = client.get(article.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    signed_in = client.get(article.get_absolute_url()).content.decode()
    tokens = [
        re.search(r'data-token="([^"]+)"', html).group(1)
        for html in (anonymous, signed_in)
    ]
    # The token names the article and a time, nothing about the reader.
    assert all(token_is_valid(token, article.pk) for token in tokens)
    assert all(token.split(":")[0] == str(article.pk) for token in tokens)


def test_staff_preview_has_no_beacon(client):
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    article = ArticleFactory(draft=True, author=editor)  # theirs to preview
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert b"data-view-beacon" not in response.content
