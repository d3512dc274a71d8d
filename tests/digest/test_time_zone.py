"""The newsroom's time zones: the admin in a staff member's own, readers in the site's."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_zone(settings):
    settings.TIME_ZONE = "America/New_York"


def editor(**kwargs) -> User:
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role_group("Editor"))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article_form(article: Article, **overrides) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_an_editor_in_baku_enters_ten_and_utc_stores_six(client):
    baku = editor(time_zone="Asia/Baku")
    client.force_login(baku)
    article = ArticleFactory(title="Ferry strike ends", draft=True)
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = client.post(
        url,
        article_form(article, published_at_0="2026-11-20", published_at_1="10:00:00"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == datetime(2026, 11, 20, 6, 0, tzinfo=UTC)

    # The form shows it back as she entered it, and says in which zone.
    html = client.get(url).content.decode()
    assert 'name="published_at_1" value="10:00:00"' in html
    assert "Times in Asia/Baku" in html

    # Readers see the site's zone: 06:00 UTC is 01:00 in New York.
    page = Client().get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2026-11-20T01:00:00-0500">November 20, 2026</time>' in page


def test_without_a_zone_of_their_own_staff_work_in_the_newsroom_zone():
    client = signed_in(editor())
    article = ArticleFactory(
        published_at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC), title="Tram"
    )

    html = client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()

    assert 'name="published_at_1" value="01:00:00"' in html
    assert "Times in America/New_York" in html


def test_the_article_list_shows_times_in_the_editors_zone():
    client = signed_in(editor(time_zone="Asia/Tokyo"))
    ArticleFactory(published_at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC))

    html = client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "Nov. 20, 2026, 3 p.m." in html


def test_a_staff_member_reading_the_site_sees_the_site_zone():
    client = signed_in(editor(time_zone="Asia/Tokyo"))
    article = ArticleFactory(published_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC))

    page = client.get(article.get_absolute_url()).content.decode()

    # 03:00 UTC is still the 19th in New York (noon in Tokyo).
    assert '<time datetime="2026-11-19T22:00:00-0500">November 19, 2026</time>' in page


def test_staff_set_their_zone_in_their_profile():
    user = editor()
    client = signed_in(user)

    form = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="Asia/Baku">Asia/Baku</option>' in form
    assert "Newsroom time (America/New_York)" in form

    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Leyla", "bio": "", "time_zone": "Asia/Baku"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Asia/Baku"


@pytest.mark.parametrize(
    "value", ["Mars/Olympus_Mons", "Asia/Baku\x00", "x" * 5000, "../../etc/passwd"]
)
def test_a_zone_that_does_not_exist_is_refused(value):
    user = editor(time_zone="Europe/Paris")
    client = signed_in(user)

    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Leyla", "bio": "", "time_zone": value},
    )

    assert response.status_code == 200
    assert re.search(r"Select a valid choice", response.content.decode())
    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris"


def test_readers_get_no_time_zone_field_and_cannot_set_one():
    reader = UserFactory()
    client = signed_in(reader)

    form = client.get(reverse("accounts:profile")).content.decode()
    client.post(
        reverse("accounts:profile"),
        {"display_name": "R", "bio": "", "time_zone": "Asia/Baku"},
    )

    assert 'name="time_zone"' not in form
    reader.refresh_from_db()
    assert reader.time_zone == ""


def test_an_administrator_sets_a_staff_members_zone_in_the_user_admin():
    # An operator may change only accounts whose rights they hold (accounts.roles).
    operator = UserFactory(is_staff=True, is_superuser=True)
    target = editor(username="leyla")
    client = signed_in(operator)
    url = reverse("admin:accounts_user_change", args=[target.pk])

    assert 'name="time_zone"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": target.username,
            "email": target.email,
            "display_name": target.display_name,
            "is_active": "on",
            "is_staff": "on",
            "roles": [g.name for g in target.groups.all()],
            "time_zone": "Asia/Baku",
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.time_zone == "Asia/Baku"
