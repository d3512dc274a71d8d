import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.search import search_articles, suggest, tidy_snippet
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

SEARCH_URL = "/search/"


def found(query, **kwargs):
    return [article.slug for article in search_articles(query, **kwargs)]


def test_search_url_is_named():
    assert reverse("articles:search") == SEARCH_URL


def test_title_match_ranks_above_body_match():
    ArticleFactory(slug="body", title="Council news", body="<p>The lighthouse.</p>")
    ArticleFactory(slug="title", title="Lighthouse reopens", body="<p>Nothing</p>")
    assert found("lighthouse") == ["title", "body"]


def test_newer_article_ranks_above_older_one_with_the_same_text():
    now = timezone.now()
    ArticleFactory(
        slug="old", title="Ferry strike", published_at=now - timedelta(days=200)
    )
    ArticleFactory(
        slug="new", title="Ferry strike", published_at=now - timedelta(days=1)
    )
    assert found("ferry strike") == ["new", "old"]


def test_exact_phrase_exclusion_and_or():
    ArticleFactory(slug="a", title="Night ferry cancelled", body="<p>storm</p>")
    ArticleFactory(slug="b", title="Ferry at night", body="<p>calm</p>")
    ArticleFactory(slug="c", title="Bus timetable", body="<p>storm</p>")
    assert found('"night ferry"') == ["a"]
    assert set(found("ferry -storm")) == {"b"}
    assert set(found("timetable OR cancelled")) == {"a", "c"}


def test_tag_names_are_searchable():
    ArticleFactory(slug="tagged", tags=["Wildfires"])
    assert found("wildfire") == ["tagged"]


def test_search_ignores_accents_and_letter_case():
    ArticleFactory(slug="cafe", title="Café owners protest")
    ArticleFactory(slug="zurich", title="New tram line for zurich")
    assert found("CAFE") == ["cafe"]
    assert found("café") == ["cafe"]
    assert found("Zürich") == ["zurich"]


def test_category_filter_includes_sub_categories():
    news = CategoryFactory(name="News")
    local = CategoryFactory(name="Local", parent=news)
    sport = CategoryFactory(name="Sport")
    ArticleFactory(slug="in-news", title="Harbour storm", category=news)
    ArticleFactory(slug="in-local", title="Harbour storm again", category=local)
    ArticleFactory(slug="in-sport", title="Harbour storm regatta", category=sport)
    assert set(found("storm", category=news)) == {"in-news", "in-local"}
    response_html = _get({"q": "storm", "category": "news"}).content.decode()
    assert "/articles/in-local/" in response_html
    assert "/articles/in-sport/" not in response_html


def test_drafts_scheduled_and_review_articles_are_never_found(client):
    ArticleFactory(slug="draft", title="Secret budget", draft=True)
    ArticleFactory(slug="later", title="Secret budget", scheduled=True)
    ArticleFactory(slug="review", title="Secret budget", in_review=True)
    assert found("secret budget") == []
    response = client.get(SEARCH_URL, {"q": "secret budget"})
    assert "/articles/draft/" not in response.content.decode()
    assert "/articles/later/" not in response.content.decode()


def test_misspelled_word_gets_did_you_mean(client):
    ArticleFactory(slug="harbour", title="Harbour council approves ferry berth")
    suggestion = suggest("harbuor")
    assert suggestion is not None
    assert suggestion.text == "harbour"
    assert [a.slug for a in suggestion.articles] == ["harbour"]
    response = client.get(SEARCH_URL, {"q": "harbuor"})
    html = response.content.decode()
    assert "Did you mean" in html
    assert "?q=harbour" in html
    assert "/articles/harbour/" in html


def test_misspelled_tag_name_gets_did_you_mean():
    ArticleFactory(slug="tagged", title="Weekend plans", tags=["Photography"])
    suggestion = suggest("photograpy")
    assert suggestion is not None
    assert suggestion.text == "photography"


def test_no_suggestion_when_nothing_is_close():
    ArticleFactory(title="Harbour council")
    assert suggest("xylophone") is None


def _get(params):
    return Client().get(SEARCH_URL, params)


def test_results_highlight_matches_and_escape_hostile_text(client):
    ArticleFactory(
        slug="hostile",
        title="<script>alert(1)</script> Lighthouse",
        lead="Keepers & <b>lighthouse</b> staff",
        body="<p>The lighthouse &lt;img src=x onerror=alert(2)&gt; stays open.</p>",
    )
    response = client.get(SEARCH_URL, {"q": "lighthouse"})
    html = response.content.decode()
    assert "<mark>Lighthouse</mark>" in html
    assert "<mark>lighthouse</mark>" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>lighthouse" not in html


def test_query_is_echoed_escaped(client):
    response = client.get(SEARCH_URL, {"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "the and of",
        "!!! ??? ... ,,, &&& |||",
        "x" * 10_000,
        "harbour " * 2_000,
        "harbour\x00council",
        "\x00",
        '"unbalanced quote',
        "'single",
        "-",
        "OR",
        "OR OR -",
        "(harbour",
        "harbour:*",
        "a & b | !c <-> d",
        "'; DROP TABLE articles_article; --",
        "1' OR '1'='1",
        "\\",
        "%_%",
        "\u202e\u200b emoji 🚢",
    ],
)
def test_bad_input_gives_a_normal_page(client, query):
    ArticleFactory(title="Harbour council approves plan")
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    assert b'<meta name="robots" content="noindex">' in response.content


def test_long_query_is_cut_not_refused(client):
    ArticleFactory(slug="harbour", title="Harbour council approves plan")
    response = client.get(SEARCH_URL, {"q": "harbour " + "x" * 10_000})
    assert response.status_code == 200
    assert response.context["query"].startswith("harbour")
    assert len(response.context["query"]) == 200


def test_nul_bytes_are_dropped_from_the_query(client):
    ArticleFactory(slug="harbour", title="Harbour council approves plan")
    response = client.get(SEARCH_URL, {"q": "harb\x00our"})
    assert response.status_code == 200
    assert response.context["query"] == "harb our"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "4", "9" * 5000, "1.5", ""])
def test_bad_or_out_of_range_page_is_404_as_on_every_listing(client, page):
    ArticleFactory.create_batch(23, title="Ferry timetable")  # three pages
    response = client.get(SEARCH_URL, {"q": "ferry", "page": page})
    assert response.status_code == 404


@pytest.mark.parametrize("category", ["missing", "../../etc", "x" * 500, "ünïcode"])
def test_unknown_category_is_ignored(client, category):
    ArticleFactory(slug="ferry", title="Ferry timetable")
    response = client.get(SEARCH_URL, {"q": "ferry", "category": category})
    assert response.status_code == 200
    assert "/articles/ferry/" in response.content.decode()


def result_titles(response) -> list[str]:
    html = response.content.decode()
    titles = re.findall(r'class="search-result__title"><a [^>]*>(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def test_results_are_paginated_in_relevance_order(client):
    now = timezone.now()
    for index in range(23):  # newest ranks first among equal texts
        ArticleFactory(
            title=f"Ferry timetable {index:02}",
            published_at=now - timedelta(days=index + 1),
        )
    first = client.get(SEARCH_URL, {"q": "ferry"})
    assert "23 results" in first.content.decode()
    assert result_titles(first) == [f"Ferry timetable {i:02}" for i in range(10)]
    second = client.get(SEARCH_URL, {"q": "ferry", "page": 2})
    assert second.status_code == 200
    assert result_titles(second) == [f"Ferry timetable {i:02}" for i in range(10, 20)]
    last = client.get(SEARCH_URL, {"q": "ferry", "page": 3})
    assert result_titles(last) == [f"Ferry timetable {i:02}" for i in range(20, 23)]


def test_page_links_keep_the_query_and_the_section(client):
    section = CategoryFactory(slug="transport")
    ArticleFactory.create_batch(23, title="Ferry timetable", category=section)
    page = client.get(
        SEARCH_URL, {"q": "ferry timetable", "category": "transport", "page": 2}
    ).content.decode()
    nav = page.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    assert (
        'rel="prev" href="?q=ferry+timetable&amp;category=transport&amp;page=1"' in nav
    )
    assert (
        'rel="next" href="?q=ferry+timetable&amp;category=transport&amp;page=3"' in nav
    )
    assert '<span aria-current="page">2</span>' in nav
    # Results run by relevance, not date: the links say Previous and Next.
    assert "← Previous</a>" in nav and "Next →</a>" in nav
    assert "Newer" not in nav and "Older" not in nav


def test_search_page_is_noindex(client):
    response = client.get(SEARCH_URL, {"q": "anything"})
    assert b'<meta name="robots" content="noindex">' in response.content


def test_search_page_query_budget(client, django_assert_max_num_queries):
    categories = CategoryFactory.create_batch(3)
    for index in range(24):
        ArticleFactory(
            title=f"Ferry timetable {index}",
            category=categories[index % 3],
            tags=["Transport", f"Route {index}", "Harbour"],
        )
    client.get(SEARCH_URL, {"q": "ferry"})  # warm the cached header and footer
    with django_assert_max_num_queries(5):  # the section, then as without one
        response = client.get(
            SEARCH_URL, {"q": "ferry", "category": categories[0].slug}
        )
    assert response.content.decode().count('class="search-result"') == 8


def test_broad_query_ranks_only_the_newest_matches(monkeypatch):
    from django.db import connection

    from articles import search

    now = timezone.now()
    for day in range(12):
        ArticleFactory(
            slug=f"ferry-{day}",
            title="Ferry news",
            published_at=now - timedelta(days=day),
        )
    ArticleFactory(slug="rare", title="Lighthouse keeper", lead="", published_at=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    assert found("ferry") == ["ferry-0", "ferry-1", "ferry-2"]
    assert found("lighthouse") == ["rare"]
    html = _get({"q": "ferry"}).content.decode()
    assert "Many articles match" in html
    assert "/articles/ferry-2/" in html
    assert "/articles/ferry-3/" not in html
    assert "Many articles match" not in _get({"q": "lighthouse"}).content.decode()


def test_search_condition_can_use_the_gin_index():
    from django.db import connection

    from articles.models import Article
    from articles.search import web_search_query

    ArticleFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    matches = Article.objects.filter(search_vector=web_search_query("harbour -plan"))
    assert "Bitmap Index Scan on articles_search_vector" in matches.explain()


def test_suggest_leaves_the_connection_settings_as_it_found_them():
    from django.db import connection

    ArticleFactory(title="Harbour council approves ferry berth")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
        assert suggest("harbuor").text == "harbour"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


def test_result_snippets_start_at_a_sentence(client):
    ArticleFactory(
        slug="quay",
        title="Council meets",
        lead="The council met on Monday.",
        body="<p>Costs rose again this year. The harbour quay will be widened "
        "next spring, officials said, after a long debate.</p>",
    )

    page = client.get("/search/?q=quay").content.decode()

    snippet = page.split('class="search-result__snippet">', 1)[1].split("</p>")[0]
    assert snippet.startswith("The harbour <mark>quay</mark> will be widened"), snippet


def test_tidy_snippet_marks_a_cut_it_cannot_start_at_a_sentence():
    assert tidy_snippet("widened next spring, officials said") == (
        "… widened next spring, officials said"
    )
    long = " ".join(["Word"] * 50)
    assert tidy_snippet(long).endswith("Word …")
    assert len(tidy_snippet(long).split()) == 36


def _cold_search(client, params):
    """A search page rendered afresh (a URL not asked before) and its SQL count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def test_cold_search_page_costs_as_many_queries_for_a_large_archive(
    client, monkeypatch
):
    """The planner's estimate, the ranking with the count, the page's articles
    with their highlights and bylines: the same three queries whether a query
    finds three articles or more than the ranking limit (cutoff kept per
    archive); the section list is kept with the menu (articles/sections.py)."""
    from django.db import connection

    from articles import search

    now = timezone.now()
    for index in range(3):
        ArticleFactory(
            title=f"Zeppelin hangar {index}",
            published_at=now - timedelta(hours=index),
        )
    client.get(SEARCH_URL, {"q": "harbour"})  # warm the cached header and footer
    small_html, small = _cold_search(client, {"q": "zeppelin"})
    assert "3 results" in small_html

    for day in range(40):
        ArticleFactory(
            title=f"Gondola news {day}",
            byline="",  # the author's name, from the same query
            published_at=now - timedelta(days=day, hours=1),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(search, "RANK_LIMIT", 12)
    client.get(SEARCH_URL, {"q": "gondola"})  # finds the archive's cutoff
    large_html, large = _cold_search(client, {"q": "gondola", "page": 2})
    assert "Many articles match" in large_html
    shown = search.search_articles("gondola")[10:20]
    assert shown and all(a.author.public_name in large_html for a in shown)
    assert large == small == 3


def test_more_matches_than_the_planner_expects_ranks_the_newest(monkeypatch):
    """A query the planner expects few matches for is still bounded: the newest
    RANK_LIMIT matches are ranked, and the page says since when."""
    from articles import search

    now = timezone.now()
    for day in range(6):
        ArticleFactory(
            slug=f"quay-{day}",
            title="Quay works",
            published_at=now - timedelta(days=day),
        )
    # No ANALYZE: the planner knows nothing of these rows, and the limit is
    # below what it guesses for a word it has no statistics of.
    monkeypatch.setattr(search, "RANK_LIMIT", 4)
    results = search.search_articles("quay")
    assert [article.slug for article in results] == [f"quay-{d}" for d in range(4)]
    assert results.count() == 4
    assert results.searched_since == results[3].published_at
    assert "Many articles match" in _get({"q": "quay"}).content.decode()


def test_a_match_deep_in_a_long_body_is_highlighted_in_its_snippet(client):
    filler = "<p>Crews resurfaced the ring road overnight without incident.</p>" * 120
    ArticleFactory(
        slug="deep",
        title="Council meets",
        lead="The council met on Monday.",
        body=filler + "<p>Later the harbour quay was closed for repairs.</p>",
    )

    page = client.get("/search/?q=quay").content.decode()

    snippet = page.split('class="search-result__snippet">', 1)[1].split("</p>")[0]
    assert "Later the harbour <mark>quay</mark> was closed" in snippet, snippet


def test_a_snippet_starting_inside_a_tag_shows_none_of_it(client):
    link = '<a href="https://example.org/' + "x" * 600 + '">the plans</a>'
    ArticleFactory(
        slug="tagged",
        title="Council meets",
        lead="The council met on Monday.",
        body="<p>" + "Traffic was light. " * 100 + link + " Officials said the quay "
        "would reopen in spring.</p>",
    )

    page = client.get("/search/?q=quay").content.decode()

    snippet = page.split('class="search-result__snippet">', 1)[1].split("</p>")[0]
    assert "the <mark>quay</mark> would reopen" in snippet, snippet
    assert "xxx" not in snippet and "href" not in snippet and "&gt;" not in snippet


def test_snippet_prefixes_are_the_wanted_words_less_their_endings():
    from articles.search import snippet_prefixes

    assert snippet_prefixes('Élections -plan "harbour quay" OR tax') == [
        "electio",
        "harbo",
        "quay",
    ]
    assert snippet_prefixes("water cities") == ["wate", "citie"]


def test_a_result_matched_only_by_its_tag_shows_its_lead(client):
    ArticleFactory(
        slug="tagged-only",
        title="Council meets",
        lead="The council met on Monday to plan the year.",
        body="<p>" + "Traffic was light. " * 60 + "The soup was watery.</p>",
        tags=["water"],
    )

    page = client.get("/search/?q=water").content.decode()

    snippet = page.split('class="search-result__snippet">', 1)[1].split("</p>")[0]
    assert snippet.strip().startswith("The council met on Monday"), snippet


def test_a_word_first_met_in_an_images_alt_text_still_finds_the_sentence(client):
    alt = "The quay at dawn" + ", seen from the old ferry steps" * 60
    figure = f'<figure><img alt="{alt}" src="/media/q.jpg"></figure>'

    ArticleFactory(
        slug="figure",
        title="Council meets",
        lead="The council met on Monday.",
        body="<p>Costs rose again.</p>" + figure + "<p>Later the quay reopened.</p>",
    )

    page = client.get("/search/?q=quay").content.decode()

    snippet = page.split('class="search-result__snippet">', 1)[1].split("</p>")[0]
    assert "Later the <mark>quay</mark> reopened" in snippet, snippet
