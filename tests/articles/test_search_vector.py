import pytest
from django.contrib.postgres.search import SearchQuery

from articles.models import Article
from articles.search import SEARCH_CONFIG, refresh_search_vector
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def matches(words: str):
    query = SearchQuery(words, config=SEARCH_CONFIG)
    return set(
        Article.objects.filter(search_vector=query).values_list("slug", flat=True)
    )


def test_adding_a_tag_makes_the_article_findable_by_it():
    article = ArticleFactory(slug="quay")
    assert "quay" not in matches("lighthouse")
    article.tags.add("Lighthouse")
    refresh_search_vector(article)
    assert "quay" in matches("lighthouse")


def test_body_text_is_searchable_but_markup_is_not():
    ArticleFactory(slug="tides", body='<p class="tideclass">Spring tides flooded</p>')
    assert "tides" in matches("flooded")
    assert "tides" not in matches("tideclass")


def test_accented_words_match_plain_queries():
    ArticleFactory(slug="cafe", title="Café owners protest new rent rules")
    assert "cafe" in matches("cafe")
