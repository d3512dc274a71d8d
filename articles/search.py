"""PostgreSQL full-text search over articles: the stored vector, results, suggestions."""

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
)
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import (
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, Category, TaggedArticle
from articles.page_sql import SEARCH_PREFIXES, SEARCH_QUERY_SQL, search_page
from digest.cache import versions

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
    """Title (A), lead (B), section and tag names and body text (C), unaccented.

    A reader typing "energy" expects the Energy section's articles; a word in the
    title or lead still ranks above a section or tag that merely names it.
    """
    section_names = Subquery(
        Category.objects.filter(pk=OuterRef("category_id"))
        .annotate(
            names=Concat(
                F("name"),
                Value(" "),
                Coalesce(F("parent__name"), Value("")),
                output_field=TextField(),
            )
        )
        .values("names")
    )
    tag_names = Subquery(
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .values("content_object")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names")
    )
    return (
        SearchVector(_unaccent(F("title")), weight="A", config=SEARCH_CONFIG)
        + SearchVector(_unaccent(F("lead")), weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            _unaccent(Coalesce(section_names, Value(""), output_field=TextField())),
            weight="C",
            config=SEARCH_CONFIG,
        )
        + SearchVector(
            _unaccent(Coalesce(tag_names, Value(""), output_field=TextField())),
            weight="C",
            config=SEARCH_CONFIG,
        )
        + SearchVector(
            _unaccent(_strip_tags(F("body"))), weight="C", config=SEARCH_CONFIG
        )
    )


def refresh_search_vector(*articles: Article) -> None:
    """Recompute the stored search vector of `articles` after their text or tags change."""
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids).update(search_vector=search_vector_expression())


def refresh_section_search_vectors(category: Category) -> int:
    """Recompute the vectors of the articles in `category` and its sub-sections
    after it is renamed; return the row count."""
    return Article.objects.filter(
        Q(category=category) | Q(category__parent=category)
    ).update(search_vector=search_vector_expression())


def refresh_all_search_vectors() -> int:
    """Recompute every article's search vector (bulk loads); return the row count."""
    return Article.objects.update(search_vector=search_vector_expression())


# Reading: search_articles() for results, suggest() for "Did you mean".

MAX_QUERY_LENGTH = 200
RECENCY_DAYS = 30  # a result this many days old counts half as much as a new one
RANK_LIMIT = 300  # matches ranked at most, about; see ranking_cutoff()
CUTOFF_KEY = "digest:search-cutoff:{version}:{category}:{n}"
SUGGEST_SIMILARITY = 0.4  # pg_trgm word similarity a misspelling must reach
SUGGEST_LIMIT = 5
SNIPPET_WORDS = 35  # words in a result's snippet
# ts_headline parses all the text it is given (about 0.8 ms for a 6 KB body on
# the bench VM, ten results a page), so it gets a window of the text around the
# first place its text (tags stripped) uses a query word (`snippet_prefixes`;
# page_sql.SEARCH_WINDOW characters); from the start when no word is found that way.
SUGGEST_TIMEOUT_MS = 150  # per trigram lookup
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


def _headline_options(**options) -> str:
    """ts_headline's options string, the markers as StartSel and StopSel."""
    options = {"StartSel": _MARK_START, "StopSel": _MARK_STOP} | options
    return ", ".join(f"{name}='{value}'" for name, value in options.items())


_HEADLINES = {
    "config": SEARCH_CONFIG,
    "marks": _MARK_START + _MARK_STOP,
    "title_options": _headline_options(HighlightAll="true"),
    # One wide fragment: tidy_snippet() starts it at a sentence.
    "snippet_options": _headline_options(
        MaxWords=SNIPPET_WORDS * 2, MinWords=SNIPPET_WORDS, MaxFragments=1
    ),
}


def snippet_prefixes(text: str) -> list[str]:
    """Lower-case, unaccented starts of the words `text` (a cleaned query) asks
    for, to find where an article first uses one: each word less a stemmed
    ending ("elections" finds "election"), none it excludes (-word) and not
    OR."""
    plain = unicodedata.normalize("NFKD", text).lower()
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    prefixes = []
    for negated, word in re.findall(r'(-?)"?(\w+)', plain):
        if negated or word == "or":
            continue
        # Long words lose two letters (most English endings), middling ones
        # one ("water" finds "waters", not "watching"), short ones none.
        cut = 2 if len(word) > 6 else 1 if len(word) > 4 else 0
        prefix = word[: len(word) - cut]
        if prefix not in prefixes:
            prefixes.append(prefix)
    return prefixes[:SEARCH_PREFIXES]


# The search's statements, written as SQL: built through the ORM (querysets
# with SearchRank, an EXPLAIN of a UNION ALL, in_bulk with headlines) they cost
# more Python than PostgreSQL took to run them. They keep Django's client-side
# binding (not `prepared_cursor()`): each query's words need a plan of their
# own, which a prepared statement's generic plan would not give.
_TABLE = Article._meta.db_table
_QUERY = SEARCH_QUERY_SQL
# Articles readers may see, optionally in a section's tree (`in_category_tree`).
_PUBLISHED = "a.status = %(published)s AND a.published_at <= %(now)s"
_IN_TREE = (
    f" AND a.category_id IN (SELECT c.id FROM {Category._meta.db_table} c"
    " WHERE c.id = %(category)s OR c.parent_id = %(category)s)"
)
_MATCHES = f"a.search_vector @@ {_QUERY}"
# Relevance, halved for an article RECENCY_DAYS old.
_SCORE = (
    f"ts_rank(a.search_vector, {_QUERY}) / (1.0 + GREATEST(EXTRACT(EPOCH FROM"
    f" (now() - a.published_at)), 0) / 86400.0 / {float(RECENCY_DAYS)})"
)


def _statement(sql: str, category: Category | None) -> str:
    return sql.replace("{where}", _PUBLISHED + (_IN_TREE if category else ""))


def _params(text: str, category: Category | None, **params) -> dict:
    return {
        "config": SEARCH_CONFIG,
        "query": text,
        "published": Article.Status.PUBLISHED.value,
        "now": timezone.now(),
        "category": category.pk if category else None,
    } | params


def _run(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


ESTIMATE_SQL = f"""
EXPLAIN (FORMAT JSON)
SELECT a.id FROM {_TABLE} a WHERE {{where}}
UNION ALL
SELECT a.id FROM {_TABLE} a
WHERE {{where}} AND {_MATCHES}
"""


def _estimated_rows(text: str, category: Category | None) -> tuple[float, float]:
    """The planner's row estimates for the published articles (in `category`'s
    tree) and for those `text` matches, from one EXPLAIN (planning only, nothing
    is read): a UNION ALL plans each as its own branch."""
    # psycopg reads the json column as Python lists and dicts.
    (plan,) = _run(_statement(ESTIMATE_SQL, category), _params(text, category))[0]
    branches = plan[0]["Plan"]["Plans"]
    return float(branches[0]["Plan Rows"]), float(branches[1]["Plan Rows"])


def _nth_newest(base, n: int) -> datetime | None:
    newest = base.order_by("-published_at").values_list("published_at", flat=True)
    return newest[n - 1 : n].first()


def _window_rung(window: int) -> int:
    """The smallest of ⌈RANK_LIMIT × 2^(k/8)⌉ not below `window`: a few dozen
    cutoffs then serve every query (at most 9% more articles searched)."""
    step = 0
    while (rung := math.ceil(RANK_LIMIT * 2 ** (step / 8))) < window:
        step += 1
    return rung


def _cached_nth_newest(n: int, category: Category | None) -> datetime | None:
    """The publication time of the `n`th newest published article (in
    `category`'s tree), kept per archive version for PAGE_CACHE_SECONDS.

    It depends on the archive, not the query. A newly published article may be
    missing from it as long as from a stored search page: the cutoff then lets
    in a few more articles, never fewer.
    """
    base = Article.objects.published()
    if category is not None:
        base = base.in_category_tree(category)
    if settings.PAGE_CACHE_SECONDS <= 0:
        return _nth_newest(base, n)
    archive = versions.current(["latest", versions.SITE])
    key = CUTOFF_KEY.format(
        version=":".join(map(str, archive.values())),
        category=category.pk if category is not None else "all",
        n=n,
    )
    cached = cache.get(key)
    if cached is not None:
        return cached or None  # "" stands for "fewer than n articles"
    found = _nth_newest(base, n)
    cache.set(key, found or "", settings.PAGE_CACHE_SECONDS)
    return found


def ranking_cutoff(text: str, category: Category | None = None) -> datetime | None:
    """For a broad query, the oldest publication time worth ranking, else None.

    Ranking reads each match's stored vector, so ranking 20,000 matches takes a
    second. The share of articles that match comes from the planner, which
    knows the frequent words; when more than RANK_LIMIT matches are expected,
    only the newest articles holding about RANK_LIMIT of them are searched: an
    index on published_at narrows the match before any vector is read. A query
    the planner expects few matches for is bounded by `SearchResults` instead
    (the newest RANK_LIMIT matches).
    """
    total, expected = _estimated_rows(text, category)
    if total <= RANK_LIMIT or expected <= RANK_LIMIT:
        return None
    share = expected / total
    window = _window_rung(math.ceil(RANK_LIMIT / share))
    if window > total * 0.75:  # finding the cutoff would cost what it saves
        return None
    return _cached_nth_newest(window, category)


# Scores (pk, published_at, score) of the matches since a cutoff, or else of
# the newest RANK_LIMIT + 1 matches (more means the planner guessed low).
RANKING_SINCE_SQL = f"""
SELECT a.id, a.published_at, {_SCORE}
FROM {_TABLE} a
WHERE {{where}} AND {_MATCHES} AND a.published_at >= %(since)s
"""
RANKING_NEWEST_SQL = f"""
SELECT a.id, a.published_at, {_SCORE}
FROM {_TABLE} a
WHERE a.id IN (
    SELECT a.id FROM {_TABLE} a
    WHERE {{where}} AND {_MATCHES}
    ORDER BY a.published_at DESC, a.id DESC LIMIT %(limit)s
)
"""


class SearchResults:
    """The matches of one search in relevance order, for `Paginator`.

    Ranking runs once, on first use, in one statement that returns only each
    match's pk, date and score (at most about RANK_LIMIT rows): its length is
    the result count. A slice then loads just those articles, with author,
    section and highlights (ts_headline parses what it is given: the costly
    part, paid for the rows shown only and over a window of each text,
    `page_sql.search_page`). Each article carries `score`,
    `title_highlight`, `snippet` and, for a broad query, `searched_since`.
    """

    def __init__(self, text="", category=None, *, since=None):
        self._text = text
        self._category = category
        self._prefixes = snippet_prefixes(text)
        self.searched_since = since
        self._ranking: list[tuple[int, float]] | None = None

    def _ranking_statement(self) -> tuple[str, dict]:
        """The statement that scores the matches, with its parameters."""
        if self.searched_since is None:
            # Fewer matches than RANK_LIMIT expected: rank the newest RANK_LIMIT
            # if the planner guessed low; scores are read after the cut.
            sql, extra = RANKING_NEWEST_SQL, {"limit": RANK_LIMIT + 1}
        else:
            sql, extra = RANKING_SINCE_SQL, {"since": self.searched_since}
        return (
            _statement(sql, self._category),
            _params(self._text, self._category, **extra),
        )

    def explain(self, **options) -> str:
        """PostgreSQL's plan of the ranking statement (bench/search_bench.py)."""
        if not self._text:
            return ""
        sql, params = self._ranking_statement()
        words = [name.upper() for name, on in options.items() if on]
        prefix = f"EXPLAIN ({', '.join(words)}) " if words else "EXPLAIN "
        return "\n".join(row[0] for row in _run(prefix + sql, params))

    def _ranked(self) -> list[tuple[int, float]]:
        if self._ranking is not None:
            return self._ranking
        if not self._text:
            self._ranking = []
            return self._ranking
        rows = _run(*self._ranking_statement())
        if self.searched_since is None and len(rows) > RANK_LIMIT:
            rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
            rows = rows[:RANK_LIMIT]
            self.searched_since = rows[-1][1]
        # The order of `ORDER BY score DESC, published_at DESC, pk DESC`.
        rows.sort(key=lambda row: (row[2], row[1], row[0]), reverse=True)
        self._ranking = [(pk, score) for pk, _, score in rows]
        return self._ranking

    def count(self) -> int:
        return len(self._ranked())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        page = self._ranked()[index]
        if not page:
            return []
        loaded = search_page(
            [pk for pk, _ in page], self._text, self._prefixes, **_HEADLINES
        )
        articles = []
        for pk, score in page:
            article = loaded.get(pk)
            if article is None:  # unpublished since it was ranked
                continue
            if _MARK_START not in (article.snippet or ""):
                # The words were found in no window of the text (a tag or the
                # section matched, or a word merely starting alike): the lead,
                # as a headline of the whole text would have started.
                article.snippet = article.lead
            article.score = score
            article.searched_since = self.searched_since
            articles.append(article)
        return articles


def search_articles(query: str, category: Category | None = None) -> SearchResults:
    """Published articles matching `query`, most relevant (and recent) first.

    A broad query (more than RANK_LIMIT expected matches) searches the newest
    articles only (see `ranking_cutoff()`), any other ranks at most the newest
    RANK_LIMIT matches; such rows carry `searched_since`. Each row carries
    `score`, and `title_highlight` / `snippet`: plain text in which the matched
    words sit between private-use markers; `highlight()` turns them into safe
    HTML.
    """
    text = clean_query(query)
    if not text:
        return SearchResults()
    cutoff = ranking_cutoff(text, category)
    return SearchResults(text, category, since=cutoff)


_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9\ue000])")


def tidy_snippet(text: str | None) -> str:
    """`text` (a headline with markers) from the start of a sentence, about
    SNIPPET_WORDS long, ending at a word with "…" when cut."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    if not text[0].isupper() and not text[0].isdigit():
        first_mark = text.find(_MARK_START)
        starts = [
            m.end()
            for m in _SENTENCE_END.finditer(text)
            if first_mark < 0 or m.end() <= first_mark
        ]
        # The sentence holding the first match; without one in view, the cut
        # word stays, marked as a cut.
        text = text[starts[-1] :] if starts else "… " + text
    words = text.split(" ")
    if len(words) > SNIPPET_WORDS:
        text = " ".join(words[:SNIPPET_WORDS]).rstrip(",;:") + " …"
        if text.count(_MARK_START) > text.count(_MARK_STOP):
            text = text.replace(" …", _MARK_STOP + " …")
    return text


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


def _unknown_words(cursor, words: list[str]) -> set[str]:
    """The words no published article contains (stop words count as known)."""
    cursor.execute(
        """
        SELECT w FROM unnest(%s::text[]) AS w
        WHERE numnode(plainto_tsquery(%s::regconfig, w)) > 0
          AND NOT EXISTS (
            SELECT 1 FROM articles_article
            WHERE search_vector @@ plainto_tsquery(%s::regconfig, w)
              AND status = 'published' AND published_at <= now()
          )
        """,
        [words, SEARCH_CONFIG, SEARCH_CONFIG],
    )
    return {row[0] for row in cursor.fetchall()}


_SETTINGS = (
    "pg_trgm.word_similarity_threshold",
    "pg_trgm.similarity_threshold",
    "statement_timeout",
)
_SETTING_READ = [f"current_setting('{name}', true)" for name in _SETTINGS]


def _set_local(cursor, *values) -> None:
    """SET LOCAL each of _SETTINGS to its value; None (never set) is left alone."""
    pairs = [
        (n, str(v)) for n, v in zip(_SETTINGS, values, strict=True) if v is not None
    ]
    cursor.execute(
        "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in pairs),
        [item for pair in pairs for item in pair],
    )


def suggest(query: str) -> Suggestion | None:
    """A spelling correction for `query` and the articles it finds, or None.

    Each word no article contains is compared (pg_trgm) with the words of
    published titles and the tag names; the closest close-enough word replaces
    it. A lookup slower than SUGGEST_TIMEOUT_MS is given up: suggestions are
    a courtesy, never worth a slow page.
    """
    text = clean_query(query)
    words = _WORDS.findall(unicodedata.normalize("NFKD", text).lower())
    words = ["".join(c for c in w if not unicodedata.combining(c)) for w in words[:8]]
    if not any(len(w) >= 3 for w in words):
        return None
    corrected = list(words)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_SETTING_READ)}")
        previous = cursor.fetchone()
        _set_local(cursor, SUGGEST_SIMILARITY, SUGGEST_SIMILARITY, SUGGEST_TIMEOUT_MS)
        unknown = _unknown_words(cursor, [w for w in words if len(w) >= 3])
        for index, word in enumerate(words):
            if word not in unknown:
                continue
            try:
                with transaction.atomic():
                    best = _closest_word(cursor, word)
            except OperationalError:  # statement_timeout: keep the word as typed
                continue
            if best and best[1] >= 0.3:
                corrected[index] = best[0]
        # SET LOCAL lasts to the end of the outermost transaction: restore.
        _set_local(cursor, *previous)
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    articles = list(search_articles(suggestion)[:SUGGEST_LIMIT])
    if not articles:
        return None
    return Suggestion(text=suggestion, articles=articles)
