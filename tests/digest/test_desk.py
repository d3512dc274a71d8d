"""The desk on the admin home: review queue, scheduled, recently published, my drafts."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def staff(role: str, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role_group(role))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(html: str, name: str) -> str:
    """The HTML of one desk list (`review`, `scheduled`, `published`, `drafts`)."""
    match = re.search(
        rf'<section[^>]*id="desk-{name}".*?</section>', html, flags=re.DOTALL
    )
    assert match, f"no desk section {name}"
    return match.group(0)


def titles(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(
            r'<a href="/admin/articles/article/\d+/change/">([^<]+)</a>', html
        )
    ]


@pytest.fixture
def newsroom():
    """An editor, an author and a second editor with articles in every state."""
    editor = staff("Editor", username="ed", display_name="Edna Editor")
    author = staff("Author", username="al", display_name="Alma Author")
    other = staff("Editor", username="olga", display_name="Olga Other")
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        waiting_long = ArticleFactory(title="Bridge repairs", author=author, draft=True)
    with time_machine.travel(NOW - timedelta(hours=30), tick=False):
        waiting_long.status = Article.Status.REVIEW
        waiting_long.save()
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        waiting_new = ArticleFactory(title="School menus", author=other, in_review=True)
        # A later edit while in review does not restart the wait.
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        waiting_new.lead = "Edited while waiting."
        waiting_new.save()
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(
            title="Budget vote tonight",
            author=editor,
            published_at=NOW + timedelta(hours=5),
        )
        ArticleFactory(
            title="Harbour reopens",
            author=author,
            published_at=NOW - timedelta(hours=2),
        )
        ArticleFactory(
            title="Old news", author=author, published_at=NOW - timedelta(days=30)
        )
        ArticleFactory(title="Notes on the tram", author=editor, draft=True)
        ArticleFactory(title="Olga's sketch", author=other, draft=True)
        ArticleFactory(title="Alma's idea", author=author, draft=True)
    return {"editor": editor, "author": author, "other": other}


def test_an_editor_starts_the_day_from_the_four_lists(newsroom):
    with time_machine.travel(NOW, tick=False):
        html = (
            signed_in(newsroom["editor"]).get(reverse("admin:index")).content.decode()
        )

    # Oldest waiting first, with who and since when.
    review = section(html, "review")
    assert titles(review) == ["Bridge repairs", "School menus"]
    assert "by Alma Author" in review
    assert 'datetime="2026-11-30T03:00:00+00:00"' in review  # went into review then
    assert "1\xa0day, 6\xa0hours ago" in review
    assert 'datetime="2026-12-01T06:00:00+00:00"' in review  # not its later edit

    scheduled = section(html, "scheduled")
    assert titles(scheduled) == ["Budget vote tonight"]
    assert 'datetime="2026-12-01T14:00:00+00:00"' in scheduled
    assert "in 5\xa0hours" in scheduled

    assert titles(section(html, "published")) == ["Harbour reopens"]
    assert titles(section(html, "drafts")) == ["Notes on the tram"]


def test_the_sidebar_counts_each_list(newsroom):
    with time_machine.travel(NOW, tick=False):
        html = (
            signed_in(newsroom["editor"]).get(reverse("admin:index")).content.decode()
        )

    counts = re.search(r'<nav class="module desk-counts".*?</nav>', html, re.DOTALL)
    found = re.findall(
        r'<a href="#desk-(\w+)">[^<]+</a> <span class="desk-count">(\d+)</span>',
        counts.group(0),
    )
    assert found == [
        ("review", "2"),
        ("scheduled", "1"),
        ("published", "1"),
        ("drafts", "1"),
    ]


def test_each_entry_opens_the_article(newsroom):
    client = signed_in(newsroom["editor"])
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("admin:index")).content.decode()
        links = re.findall(r'href="(/admin/articles/article/\d+/change/)"', html)

        assert len(links) == 5
        for link in links:
            page = client.get(link)
            assert page.status_code == 200
            assert "<h1>Change article</h1>" in page.content.decode()


def test_an_author_sees_only_their_own_articles(newsroom):
    with time_machine.travel(NOW, tick=False):
        html = (
            signed_in(newsroom["author"]).get(reverse("admin:index")).content.decode()
        )

    assert titles(section(html, "review")) == ["Bridge repairs"]
    assert titles(section(html, "scheduled")) == []
    assert "Nothing is scheduled." in section(html, "scheduled")
    assert titles(section(html, "published")) == ["Harbour reopens"]
    assert titles(section(html, "drafts")) == ["Alma's idea"]


def test_an_operator_without_article_rights_gets_no_desk(newsroom):
    operator = staff("Site operator")

    html = signed_in(operator).get(reverse("admin:index")).content.decode()

    assert 'id="desk-review"' not in html
    assert "desk-counts" not in html
    assert "Recent actions" in html


def test_a_long_queue_lists_ten_and_links_to_all(newsroom):
    for n in range(12):
        ArticleFactory(title=f"Queued story {n}", in_review=True)

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        html = (
            signed_in(newsroom["editor"]).get(reverse("admin:index")).content.decode()
        )

    review = section(html, "review")
    assert len(titles(review)) == 10
    assert (
        'href="/admin/articles/article/?status__exact=review">All 14 waiting' in review
    )


def index_queries(client, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return len(queries)


def test_the_desk_costs_the_same_few_queries_however_full_it_is(
    newsroom, django_assert_max_num_queries
):
    client = signed_in(newsroom["editor"])
    client.get(reverse("admin:index"))  # content types, permissions: cached after
    with time_machine.travel(NOW, tick=False):
        few = index_queries(client, django_assert_max_num_queries, 10)
    for n in range(30):
        ArticleFactory(title=f"More {n}", in_review=True, author=newsroom["author"])
        ArticleFactory(title=f"Later {n}", published_at=NOW + timedelta(days=n + 1))
        ArticleFactory(title=f"Out {n}", published_at=NOW - timedelta(minutes=n + 1))
        ArticleFactory(title=f"Mine {n}", author=newsroom["editor"], draft=True)
    with time_machine.travel(NOW, tick=False):
        many = index_queries(client, django_assert_max_num_queries, 10)

    assert many == few
