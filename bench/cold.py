"""The bench's cold rows: what a reader gets from no whole-page cache.

Used by bench/bench.py's probe (inside Django, against the bench's database):

- `cold_urls()`: many URLs of each page type, so that no page repeats in a
  run: every published article (shuffled, fixed seed), the first pages of every
  section, tag and author, and the search query list;
- `search_queries()`: the fixed query list, one word per rung of a ladder of hit
  counts from 10 to 10,000 (as close as the archive allows), with its counts;
- `cold_queries()` and `profile()`: SQL queries of a cold page, and its time
  split into SQL, templates and Python, with the page layer off.

"Cold" means Django's whole-page layer (`PageCacheMiddleware`) and nginx off;
the header and footer cache and `versioned()` fragments stay, as the issue
allows per-article fragments.
"""

import math
import random
import re
import statistics
import time
import urllib.parse
from contextlib import contextmanager

COLD_PAGES = ["article", "home", "section", "tag", "author", "search"]
# % of the framework ceiling each cold page must reach (issue 14's targets).
TARGETS = {"article": 0.15, "home": 0.10, "section": 0.15, "tag": 0.15, "search": 0.15}
HIT_LADDER = [10, 30, 100, 300, 1000, 3000, 10_000]
LISTING_PAGES = 5  # pages of each section, tag and author in the URL list
SEED = 14
PAGE_LAYER = "digest.cache.pages.PageCacheMiddleware"
PROFILE_PAGES = 20  # distinct URLs timed per page type


def _listing_urls(counts: dict[str, int], per_page: int) -> list[str]:
    """Pages 1.. of each listing URL with at least one article."""
    urls = []
    for url, count in counts.items():
        pages = min(math.ceil(count / per_page), LISTING_PAGES)
        urls += [
            url if page == 1 else f"{url}?page={page}" for page in range(1, pages + 1)
        ]
    return urls


def _surface_words(cursor, config: str) -> dict[str, str]:
    """Each stem of the archive's titles and leads, with a word a reader types."""
    from articles.models import Article

    words: dict[str, int] = {}
    rows = Article.objects.published().values_list("title", "lead")
    for title, lead in rows.iterator(chunk_size=5000):
        for word in re.findall(r"[a-z]{4,}", f"{title} {lead}".lower()):
            words[word] = words.get(word, 0) + 1
    cursor.execute(
        "SELECT word, array_to_string(tsvector_to_array(to_tsvector(%s::regconfig,"
        " word)), ' ') FROM unnest(%s::text[]) AS word",
        [config, list(words)],
    )
    surface: dict[str, str] = {}
    for word, stem in cursor.fetchall():
        if stem and " " not in stem:
            best = surface.get(stem)
            if best is None or words[word] > words[best]:
                surface[stem] = word
    return surface


def search_queries() -> list[tuple[str, int]]:
    """One word per rung of HIT_LADDER, with how many published articles it finds.

    The words come from the archive's own vectors (ts_stat, as the words
    readers would type, from titles and leads), the closest to each rung on a
    log scale; the counts are those of the search itself.
    """
    from django.db import connection

    from articles.models import Article
    from articles.search import SEARCH_CONFIG, web_search_query

    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat("
            f"'SELECT search_vector FROM {table} WHERE search_vector IS NOT NULL')"
            " WHERE word ~ '^[a-z]{4,}$'"
        )
        stats = cursor.fetchall()
        surface = _surface_words(cursor, SEARCH_CONFIG)
    stats = [(surface[stem], n) for stem, n in stats if stem in surface] or stats
    published = Article.objects.published()
    chosen: list[tuple[str, int]] = []
    for target in HIT_LADDER:
        taken = {word for word, _ in chosen}
        candidates = [(w, n) for w, n in stats if w not in taken]
        if not candidates:
            break
        word, _ = min(candidates, key=lambda row: abs(math.log(row[1] / target)))
        hits = published.filter(search_vector=web_search_query(word)).count()
        chosen.append((word, hits))
    return sorted(chosen, key=lambda row: row[1])


def listing_counts() -> dict[str, dict[str, int]]:
    """Published articles of each section, tag and author page, by its URL."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, Category, TaggedArticle

    published = Article.objects.published()
    sections = {
        category.get_absolute_url(): published.in_category_tree(category).count()
        for category in Category.objects.all()
    }
    tags = {
        reverse("articles:tag", args=[row["tag__slug"]]): row["n"]
        for row in TaggedArticle.objects.filter(content_object__in=published)
        .values("tag__slug")
        .annotate(n=Count("id"))
    }
    authors = {
        reverse("author", args=[row["author__username"]]): row["n"]
        for row in published.exclude(author=None)
        .values("author__username")
        .annotate(n=Count("id"))
    }
    return {"section": sections, "tag": tags, "author": authors}


def cold_urls(queries: list[tuple[str, int]]) -> dict[str, list[str]]:
    """Many distinct URLs of each cold page type, in a fixed shuffled order."""
    from django.urls import reverse

    from articles.models import Article
    from digest.pagination import PER_PAGE

    rng = random.Random(SEED)
    published = Article.objects.published()
    counts = listing_counts()
    urls = {
        "article": [
            reverse("articles:detail", args=[slug])
            for slug in published.values_list("slug", flat=True)
        ],
        "home": ["/"],
        "section": _listing_urls(counts["section"], PER_PAGE),
        "tag": _listing_urls(counts["tag"], PER_PAGE),
        "author": _listing_urls(counts["author"], PER_PAGE),
        "search": ["/search/?q=" + urllib.parse.quote(word) for word, _ in queries],
    }
    for name in ("article", "section", "tag", "author"):
        rng.shuffle(urls[name])
    return urls


@contextmanager
def page_layer_off():
    """Django's whole-page layer left out, as in the cold rows' server."""
    from django.conf import settings
    from django.test import override_settings

    assert PAGE_LAYER in settings.MIDDLEWARE, f"{PAGE_LAYER} renamed: update bench/"
    with override_settings(
        MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != PAGE_LAYER]
    ):
        yield


def cold_queries(client, urls: dict[str, list[str]]) -> dict[str, int]:
    """SQL queries of a cold page of each type (median of up to five URLs).

    One request first, so the header and footer cache is warm, as on a site
    that serves any page at all.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name in COLD_PAGES:
        sample = urls[name][:6]
        if not sample:
            continue
        client.get(sample[0])
        found = []
        for url in sample[1:] or sample:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found.append(len(queries))
        counts[name] = round(statistics.median(found))
    return counts


class Split:
    """Time inside SQL and inside template rendering during requests."""

    def __init__(self):
        self.sql = 0.0
        self.templates = 0.0
        self.depth = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - started

    def wrap_render(self, render):
        """Template.render timed at its outermost call, less the SQL inside it."""

        def timed(template, context):
            if self.depth:
                return render(template, context)
            self.depth += 1
            sql_before, started = self.sql, time.perf_counter()
            try:
                return render(template, context)
            finally:
                self.depth -= 1
                self.templates += (
                    time.perf_counter() - started - (self.sql - sql_before)
                )

        return timed


@contextmanager
def split_timing():
    """A `Split` that counts while the block runs (one thread)."""
    from django.db import connection
    from django.template.base import Template

    split = Split()
    render = Template.render
    Template.render = split.wrap_render(render)
    try:
        with connection.execute_wrapper(split.execute):
            yield split
    finally:
        Template.render = render


def profile(client, urls: dict[str, list[str]]) -> dict[str, dict]:
    """Per page type: ms per cold page in all, in SQL, in templates, in Python."""
    results = {}
    for name in COLD_PAGES:
        if not urls[name]:
            continue
        # Past the URLs cold_queries() asked for; round again when there are
        # fewer (home, the search list): with no page cache each is cold.
        sample = [urls[name][(6 + n) % len(urls[name])] for n in range(PROFILE_PAGES)]
        client.get(sample[0])  # warm the header and footer cache
        with split_timing() as split:
            started = time.perf_counter()
            for url in sample:
                client.get(url)
            total = time.perf_counter() - started
        count = len(sample)
        results[name] = {
            "pages": count,
            "total": total / count * 1000,
            "sql": split.sql / count * 1000,
            "templates": split.templates / count * 1000,
            "python": (total - split.sql - split.templates) / count * 1000,
        }
    return results


def lua_url_list(urls: list[str], threads: int) -> str:
    """A wrk script walking `urls` in order, each thread on its own stride.

    wrk's first argument after `--` is where this run starts in the list, so
    successive runs continue where the last left off.
    """
    paths = ",\n".join(
        '"' + url.replace("\\", "\\\\").replace('"', '\\"') + '"' for url in urls
    )
    return (
        "paths = {\n" + paths + "\n}\n"
        "local counter = 0\n"
        "function setup(thread)\n"
        '  thread:set("id", counter)\n'
        "  counter = counter + 1\n"
        "end\n"
        "function init(args)\n"
        "  n = (tonumber(args[1]) or 0) + id\n"
        "end\n"
        "request = function()\n"
        "  local path = paths[(n % #paths) + 1]\n"
        f"  n = n + {threads}\n"
        '  return wrk.format("GET", path)\n'
        "end\n"
    )
