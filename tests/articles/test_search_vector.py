import pytest
from django.contrib.postgres.search import SearchQuery
from django.urls import reverse

from articles.models import Article
from articles.search import (
    SEARCH_CONFIG,
    refresh_search_vector,
    refresh_section_search_vectors,
    search_articles,
)
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, role_group

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


def test_a_section_name_finds_the_sections_articles():
    energy = CategoryFactory(name="Energy", slug="energy")
    for n in range(4):
        ArticleFactory(
            slug=f"grid-{n}", title=f"Grid link {n} approved", category=energy
        )
    ArticleFactory(slug="ferry", title="Ferry line opens")

    found = [a.slug for a in search_articles("energy")]

    assert sorted(found) == ["grid-0", "grid-1", "grid-2", "grid-3"]


def test_renaming_a_section_makes_its_articles_findable_by_the_new_name():
    section = CategoryFactory(name="Power", slug="power")
    child = CategoryFactory(name="Wind", slug="wind", parent=section)
    ArticleFactory(slug="turbines", title="Turbines arrive", category=child)
    section.name = "Renewables"
    section.save()
    refresh_section_search_vectors(section)
    assert "turbines" in matches("renewables")


def test_a_title_match_ranks_above_a_section_or_tag_match():
    energy = CategoryFactory(name="Energy", slug="energy")
    ArticleFactory(slug="by-section", title="Grid link approved", category=energy)
    ArticleFactory(slug="by-tag", title="Pipeline talks resume", tags=["energy"])
    ArticleFactory(slug="by-title", title="Energy prices fall again")

    found = [a.slug for a in search_articles("energy")]

    assert found[0] == "by-title"
    assert set(found) == {"by-title", "by-section", "by-tag"}


def test_renaming_a_section_in_the_admin_makes_its_articles_findable_by_the_new_name(
    client,
):
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    client.force_login(editor)
    section = CategoryFactory(name="Power", slug="power")
    child = CategoryFactory(name="Wind", slug="wind", parent=section)
    ArticleFactory(slug="turbines", title="Turbines arrive", category=child)
    assert "turbines" not in matches("renewables")
    response = client.post(
        reverse("admin:articles_category_change", args=[section.pk]),
        {"name": "Renewables", "slug": "power", "position": 0, "description": ""},
    )
    assert response.status_code == 302
    assert "turbines" in matches("renewables")
