from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.history import clear_history, record_reading
from accounts.models import CategoryFollow, ReadingHistory
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_reading_an_article_twice_keeps_one_row_with_the_latest_time(
    reader, time_machine
):
    article = ArticleFactory()
    time_machine.move_to(timezone.now(), tick=False)
    record_reading(user=reader, article=article)
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    record_reading(user=reader, article=article)

    rows = ReadingHistory.objects.filter(user=reader)
    assert rows.count() == 1
    assert rows.get().read_at == timezone.now()


def test_reloading_the_last_read_article_writes_nothing_but_going_back_does(
    reader, django_assert_num_queries
):
    first, second = ArticleFactory.create_batch(2)
    record_reading(user=reader, article=first)
    with django_assert_num_queries(0):
        record_reading(user=reader, article=first)  # a reload
    record_reading(user=reader, article=second)
    record_reading(user=reader, article=first)  # back to the first one

    newest_first = ReadingHistory.objects.filter(user=reader).order_by("-read_at")
    assert [row.article_id for row in newest_first] == [first.pk, second.pk]

    clear_history(user=reader)
    record_reading(user=reader, article=first)  # read again right after clearing
    assert ReadingHistory.objects.filter(user=reader).count() == 1


def test_history_keeps_the_last_hundred_readings(reader, time_machine):
    articles = ArticleFactory.create_batch(102)
    start = timezone.now()
    for n, article in enumerate(articles):
        time_machine.move_to(start + timedelta(minutes=n))
        record_reading(user=reader, article=article)

    kept = set(
        ReadingHistory.objects.filter(user=reader).values_list("article_id", flat=True)
    )
    assert len(kept) == 100
    assert articles[0].pk not in kept and articles[1].pk not in kept
    assert articles[-1].pk in kept


def test_history_page_lists_reads_newest_first_and_clears(
    reader_client, reader, time_machine
):
    old = ArticleFactory(title="The older read")
    new = ArticleFactory(title="The newer read")
    time_machine.move_to(timezone.now())
    record_reading(user=reader, article=old)
    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    record_reading(user=reader, article=new)

    html = reader_client.get("/accounts/history/").content.decode()
    assert html.index("The newer read") < html.index("The older read")
    assert 'action="/accounts/history/clear/"' in html

    response = reader_client.post("/accounts/history/clear/", follow=True)
    assert "Your reading history is empty." in response.content.decode()
    assert not ReadingHistory.objects.filter(user=reader).exists()


def test_clearing_history_is_post_only(reader_client, reader):
    record_reading(user=reader, article=ArticleFactory())

    assert reader_client.get("/accounts/history/clear/").status_code == 405
    assert ReadingHistory.objects.filter(user=reader).exists()


def test_history_is_private(client):
    assert client.get("/accounts/history/").status_code == 302


def test_follow_toggles(reader_client, reader):
    CategoryFactory(name="Harbour", slug="harbour")

    first = reader_client.post(
        "/accounts/follow/harbour/", HTTP_ACCEPT="application/json"
    )
    assert first.json() == {"following": True}
    assert CategoryFollow.objects.filter(user=reader, category__slug="harbour").exists()

    second = reader_client.post(
        "/accounts/follow/harbour/", {"next": "https://evil.example"}
    )
    assert second.url == "/accounts/feed/"
    assert not CategoryFollow.objects.filter(user=reader).exists()


def test_follow_unknown_category_is_404_and_guests_go_to_sign_in(client, reader_client):
    assert reader_client.post("/accounts/follow/nope/").status_code == 404
    CategoryFactory(slug="harbour")
    from django.test import Client

    assert Client().post("/accounts/follow/harbour/").url.startswith("/accounts/login/")


def test_feed_shows_followed_categories_and_their_subcategories(reader_client, reader):
    news = CategoryFactory(name="News", slug="news")
    local = CategoryFactory(name="Local", slug="local", parent=news)
    sport = CategoryFactory(name="Sport", slug="sport")
    CategoryFollow.objects.create(user=reader, category=news)
    ArticleFactory(title="Top news story", category=news)
    ArticleFactory(
        title="Local council story",
        category=local,
        published_at=timezone.now() - timedelta(hours=2),
    )
    ArticleFactory(title="Sport story", category=sport)
    ArticleFactory(title="Draft news story", category=news, draft=True)
    ArticleFactory(title="Scheduled news story", category=news, scheduled=True)

    html = reader_client.get("/accounts/feed/").content.decode()

    assert "Top news story" in html and "Local council story" in html
    assert html.index("Top news story") < html.index("Local council story")
    assert "Sport story" not in html
    assert "Draft news story" not in html and "Scheduled news story" not in html


def test_feed_paginates(reader_client, reader):
    news = CategoryFactory(slug="news")
    CategoryFollow.objects.create(user=reader, category=news)
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            title=f"Feed story {n:02d}",
            category=news,
            published_at=now - timedelta(hours=25 - n),
        )

    first = reader_client.get("/accounts/feed/").content.decode()
    second = reader_client.get("/accounts/feed/?page=2").content.decode()

    assert "Feed story 24" in first and "Feed story 04" not in first
    assert "Feed story 04" in second


def test_feed_without_follows_invites_to_follow(reader_client):
    html = reader_client.get("/accounts/feed/").content.decode()

    assert "Follow categories to see their newest articles here" in html


def test_opening_an_article_records_it_for_signed_in_readers_only(client, reader):
    article = ArticleFactory(title="Ferry timetable changes")

    client.get(article.get_absolute_url())
    assert not ReadingHistory.objects.exists()

    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 200
    html = client.get("/accounts/history/").content.decode()

    assert "Ferry timetable changes" in html
    assert ReadingHistory.objects.filter(user=reader, article=article).count() == 1


def test_followed_slugs_reach_the_script_and_the_button_carries_no_state(
    reader_client, reader, rf
):
    from django.template.loader import render_to_string

    harbour = CategoryFactory(name="Harbour", slug="harbour")
    CategoryFactory(slug="sport")
    CategoryFollow.objects.create(user=reader, category=harbour)

    state = reader_client.get("/accounts/saved/ids/").json()
    request = rf.get("/")
    request.user = reader
    html = render_to_string(
        "accounts/_follow_button.html", {"category": harbour}, request=request
    )

    assert state["following"] == ["harbour"]
    assert 'data-category-slug="harbour"' in html
    assert 'aria-pressed="false"' in html
    assert "csrfmiddlewaretoken" not in html
