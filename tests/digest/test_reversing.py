"""Slug URLs printed without `reverse()`'s per-call cost (digest/reversing.py):
the same links, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from digest.reversing import slug_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["articles:detail", "articles:category", "articles:tag", "page"]
)
@pytest.mark.parametrize("slug", ["harbour-ferry", "a", "2026_budget-Vote"])
def test_slug_url_is_what_reverse_gives(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_slug_url_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        slug_url("articles:detail", "not a slug/..")


def test_slug_url_keeps_the_script_prefix_of_a_site_under_a_path():
    set_script_prefix("/digest/")
    try:
        assert (
            slug_url("articles:detail", "night-ferry")
            == "/digest/articles/night-ferry/"
        )
        assert slug_url("articles:category", "news") == reverse(
            "articles:category", kwargs={"slug": "news"}
        )
    finally:
        set_script_prefix("/")
    assert slug_url("articles:detail", "night-ferry") == "/articles/night-ferry/"
