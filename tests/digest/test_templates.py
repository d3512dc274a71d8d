"""The templates' own syntax: what Django would print instead of ignoring."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ArticleFactory, CategoryFactory


def _template_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(root.glob("templates/**/*.html")) + sorted(
        root.glob("*/templates/**/*.html")
    )


def test_every_short_comment_ends_on_its_own_line():
    """`{# … #}` is one line only: a longer one is printed in the page as text
    (use {% comment %})."""
    broken = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in _template_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert _template_files() and not broken, broken


@pytest.mark.django_db
def test_a_paginated_listing_shows_no_template_comment(client):
    news = CategoryFactory(name="News", slug="news")
    ArticleFactory.create_batch(13, category=news)
    html = client.get("/category/news/").text
    assert 'href="?page=2"' in html
    assert "{#" not in html and "#}" not in html
    assert "The one pagination of the site" not in html
