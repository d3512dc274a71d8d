"""Saved articles and reading history list only what readers may read now."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReadingHistory, SavedArticle
from articles.publishing import Action, change_state
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

PAGES = ["accounts:saved", "accounts:history"]


def keep(reader, article):
    SavedArticle.objects.create(user=reader, article=article)
    ReadingHistory.objects.create(user=reader, article=article, read_at=timezone.now())


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user.groups.add(role_group("Editor"))
    return user


@pytest.mark.parametrize("page", PAGES)
def test_an_unpublished_article_leaves_the_page_and_its_new_headline_is_not_shown(
    reader_client, reader, editor, page
):
    kept = ArticleFactory(title="Lighthouse keeper retires")
    pulled = ArticleFactory(title="Ferry strike called off")
    keep(reader, kept)
    keep(reader, pulled)
    assert "Ferry strike called off" in reader_client.get(reverse(page)).text

    pulled.title = "Ferry strike: legal draft, not for readers"
    change_state(article=pulled, by=editor, action=Action.UNPUBLISH)
    html = reader_client.get(reverse(page)).text
    assert "Lighthouse keeper retires" in html
    assert "Ferry strike" not in html
    assert pulled.get_absolute_url() not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_rescheduled_article_waits_for_its_time(reader_client, reader, editor, page):
    article = ArticleFactory(title="Harbour wall repaired")
    keep(reader, article)
    later = timezone.now() + timedelta(days=1)
    change_state(article=article, by=editor, action=Action.SCHEDULE, at=later)
    assert "Harbour wall repaired" not in reader_client.get(reverse(page)).text


@pytest.mark.parametrize("page", PAGES)
def test_a_bad_page_number_is_not_found_like_every_listing(reader_client, page):
    for bad in ["abc", "0", "99", "1\x00"]:
        response = reader_client.get(reverse(page), {"page": bad})
        assert response.status_code == 404, bad
