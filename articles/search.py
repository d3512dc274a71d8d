"""PostgreSQL full-text search over articles: the stored vector and its refresh."""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, Category, TaggedArticle

SEARCH_CONFIG = "english"


def _unaccent(expression):
    return Func(expression, function="unaccent", output_field=TextField())


def _strip_tags(expression):
    return Func(
        expression,
        Value(r"<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_vector_expression():
    """Title (A), tags and lead (B), body text (C), unaccented."""
    tag_names = Subquery(
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names")
    )
    return (
        SearchVector(_unaccent(F("title")), weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            _unaccent(Coalesce(tag_names, Value(""), output_field=TextField())),
            weight="B",
            config=SEARCH_CONFIG,
        )
        + SearchVector(_unaccent(F("lead")), weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            _unaccent(_strip_tags(F("body"))), weight="C", config=SEARCH_CONFIG
        )
    )


def refresh_search_vector(*articles: Article) -> None:
    """Recompute the stored search vector of `articles` after their text or tags change."""
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids).update(search_vector=search_vector_expression())


def refresh_all_search_vectors() -> int:
    """Recompute every article's search vector (bulk loads); return the row count."""
    return Article.objects.update(search_vector=search_vector_expression())


# Reading: search_articles() for results, suggest() for "Did you mean".

MAX_QUERY_LENGTH = 200
RECENCY_DAYS = 30  # a result this many days old counts half as much as a new one
SUGGEST_SIMILARITY = 0.4  # pg_trgm word similarity a misspelling must reach
SUGGEST_LIMIT = 5
# Private-use characters mark highlights inside ts_headline's plain-text output;
# the text is escaped first and only then are they turned into <mark> tags.
_MARK_START, _MARK_STOP = "\ue000", "\ue001"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000\ue001]")
_WORDS = re.compile(r"\w+")


def clean_query(raw: str | None) -> str:
    """Drop NUL and control characters, collapse spaces, cut to MAX_QUERY_LENGTH."""
    text = _CONTROL_CHARS.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def web_search_query(text: str) -> SearchQuery:
    """`text` in web-search syntax ("phrase", -word, OR), unaccented like the vector."""
    return SearchQuery(
        _unaccent(Value(text)), search_type="websearch", config=SEARCH_CONFIG
    )


def _age_in_days():
    return Func(
        F("published_at"),
        template="GREATEST(EXTRACT(EPOCH FROM (now() - %(expressions)s)), 0) / 86400.0",
        output_field=FloatField(),
    )


def _headline(expression, query, **options):
    return SearchHeadline(
        Func(
            expression,
            Value(_MARK_START + _MARK_STOP),
            Value(""),
            function="translate",
            output_field=TextField(),
        ),
        query,
        config=SEARCH_CONFIG,
        start_sel=_MARK_START,
        stop_sel=_MARK_STOP,
        **options,
    )


def search_articles(query: str, category: Category | None = None):
    """Published articles matching `query`, most relevant (and recent) first.

    Each row carries `score`, and `title_highlight` / `snippet`: plain text in
    which the matched words sit between private-use markers; `highlight()` turns
    them into safe HTML with <mark>.
    """
    text = clean_query(query)
    if not text:
        return Article.objects.none()
    search_query = web_search_query(text)
    articles = Article.objects.published().filter(search_vector=search_query)
    if category is not None:
        articles = articles.in_category_tree(category)
    plain_body = Concat(
        F("lead"), Value(" "), _strip_tags(F("body")), output_field=TextField()
    )
    return (
        articles.select_related("category", "category__parent", "author")
        .defer("body", "search_vector")
        .annotate(
            score=SearchRank(F("search_vector"), search_query)
            / (Value(1.0) + _age_in_days() / Value(float(RECENCY_DAYS))),
            title_highlight=_headline(F("title"), search_query, highlight_all=True),
            snippet=_headline(
                plain_body,
                search_query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-score", "-published_at", "-pk")
    )


def highlight(text: str | None) -> str:
    """Escape a headline and turn its markers into <mark>: the only HTML in it."""
    plain = html.unescape(text or "")  # body entities (&amp;) become characters
    escaped = escape(plain.replace(_MARK_START + _MARK_STOP, ""))
    # Safe: everything was escaped above; the only tags are the ones added here.
    return mark_safe(
        escaped.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")
    )


@dataclass
class Suggestion:
    text: str
    articles: list[Article]


def _closest_word(cursor, word: str) -> tuple[str, float] | None:
    """The title word or tag name of published articles nearest to `word`."""
    cursor.execute(
        """
        WITH titles AS (
            SELECT title FROM articles_article
            WHERE status = 'published' AND published_at <= now()
              AND %(word)s <%% title
            LIMIT 200
        ), words AS (
            SELECT DISTINCT regexp_split_to_table(
                lower(unaccent(title)), '[^[:alnum:]]+') AS w
            FROM titles
            UNION
            SELECT lower(unaccent(t.name)) FROM taggit_tag t
            WHERE t.name %% %(word)s OR %(word)s <%% t.name
        )
        SELECT w, similarity(w, %(word)s) AS s FROM words
        WHERE length(w) >= 3
        ORDER BY s DESC, w
        LIMIT 1
        """,
        {"word": word},
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def suggest(query: str) -> Suggestion | None:
    """A spelling correction for `query` and the articles it finds, or None.

    Each word is compared (pg_trgm) with the words of published titles and the
    tag names; the closest close-enough word replaces it.
    """
    text = clean_query(query)
    words = _WORDS.findall(unicodedata.normalize("NFKD", text).lower())
    words = ["".join(c for c in w if not unicodedata.combining(c)) for w in words[:8]]
    if not any(len(w) >= 3 for w in words):
        return None
    corrected = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
            " set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(SUGGEST_SIMILARITY), str(SUGGEST_SIMILARITY)],
        )
        for word in words:
            best = _closest_word(cursor, word) if len(word) >= 3 else None
            corrected.append(best[0] if best and best[1] >= 0.3 else word)
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    articles = list(search_articles(suggestion)[:SUGGEST_LIMIT])
    if not articles:
        return None
    return Suggestion(text=suggestion, articles=articles)
