"""The public pages' costliest reads, one statement each: the article, its related
articles, the front page's cards and section blocks, a page of a listing.

The page of a long-tail article is rendered from nothing (no cache holds it),
so these run on most article requests; the front page's blocks after every
change of the newest articles. Written as SQL, not built through the
ORM: composing the querysets (select_related over three tables, a UNION ALL
subquery and a correlated count) cost more Python per page than PostgreSQL
takes to run them (about 6 ms for the related articles alone). The instances
are the ORM's own (what `Model.from_db` makes, the relations in its cache, made
without its per-field loop: `instance()`), so templates,
fragments and cards treat them as if a queryset had loaded them:

- `published_article(slug)`: the article with its section, the section's parent
  and the author (`select_related` would give the same) and its tags by name;
- `tag_at(slug)`: a tag page's tag;
- `related_articles(article, tag_ids)`: "You Might Also Like", loaded as
  `Article.objects.cards()` loads cards;
- `newest_by_section(trees, size)`: the newest cards of each front-page section
  and its sub-sections;
- `front_page_cards(featured, newest)`: the front page's featured cards and its
  newest;
- `published_cards(ids)`: the cards of given articles ("Most read");
- `ListingCards(kind, pk)`: a page of a section's, tag's or author's cards;
- `search_page(ids, query, prefixes)`: a page of search results (the ranking is
  `articles.search`'s) with their highlights.
"""

from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db.models.base import ModelState
from django.db.models.signals import post_init
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleTag, Category, TaggedArticle
from digest.prepared import prepared_cursor


def _concrete(model, *, skip=(), only=None) -> tuple[str, ...]:
    """The attribute names of `model`'s columns, in the model's order (which
    `Model.from_db` expects)."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in skip and (only is None or field.attname in only)
    )


def _select(alias: str, model, names) -> str:
    table = model._meta
    columns = {f.attname: f.column for f in table.concrete_fields}
    return ", ".join(f'{alias}."{columns[name]}"' for name in names)


User = get_user_model()
# The search vector is large and only search reads it (a deferred field).
PAGE_ARTICLE = _concrete(Article, skip={"search_vector"})
PAGE_CATEGORY = _concrete(Category)
PAGE_AUTHOR = _concrete(User)
PAGE_TAG = ("id", "name", "slug")


def _ends(article_names) -> tuple[int, ...]:
    """Where the article's, section's, parent's and author's columns end in a row."""
    return tuple(
        accumulate(
            len(names)
            for names in (article_names, PAGE_CATEGORY, PAGE_CATEGORY, PAGE_AUTHOR)
        )
    )


_PAGE_ENDS = _ends(PAGE_ARTICLE)

ARTICLE_SQL = f"""
SELECT {_select("a", Article, PAGE_ARTICLE)},
       {_select("c", Category, PAGE_CATEGORY)},
       {_select("p", Category, PAGE_CATEGORY)},
       {_select("u", User, PAGE_AUTHOR)},
       (SELECT coalesce(json_agg(json_build_array(t.id, t.name, t.slug)
                                 ORDER BY t.name, t.id), '[]')
        FROM {TaggedArticle._meta.db_table} ta
        JOIN {ArticleTag._meta.db_table} t ON t.id = ta.tag_id
        WHERE ta.content_object_id = a.id)
FROM {Article._meta.db_table} a
JOIN {Category._meta.db_table} c ON c.id = a.category_id
LEFT JOIN {Category._meta.db_table} p ON p.id = c.parent_id
LEFT JOIN {User._meta.db_table} u ON u.id = a.author_id
WHERE a.slug = %(slug)s AND a.status = %(published)s AND a.published_at <= %(now)s
LIMIT 1
"""


def instance(model, names, values):
    """`model.from_db("default", names, values)`, made the way it is: the columns
    in `names` set, the rest deferred, `post_init` sent (an ImageField reads a
    picture's size there when its columns are empty). Without `Model.__init__`'s
    loop over every field, which cost 1.9 ms for the front page's 57 cards
    against 0.3 ms."""
    new = model.__new__(model)
    new._state = ModelState()
    new._state.adding = False
    new._state.db = "default"
    new.__dict__.update(zip(names, values, strict=True))
    post_init.send(sender=model, instance=new)
    return new


def _build(model, names, values):
    """An instance of `model` from its columns, or None for a LEFT JOIN's NULLs."""
    if values[0] is None:
        return None
    return instance(model, names, values)


def published_article(slug: str) -> tuple[Article, list[ArticleTag]] | None:
    """The published article at `slug` with its section (and parent), author and
    tags by name, as `select_related` and `tags.order_by("name")` would load them."""
    with prepared_cursor() as cursor:
        cursor.execute(
            ARTICLE_SQL,
            {
                "slug": slug,
                "published": Article.Status.PUBLISHED.value,
                "now": timezone.now(),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    article = _with_relations(row, PAGE_ARTICLE, _PAGE_ENDS)
    tags = [instance(ArticleTag, PAGE_TAG, values) for values in row[-1]]
    return article, tags


def _with_relations(row, names, ends) -> Article:
    """The article whose columns (`names`) start `row`, with its section, the
    section's parent and its author from the columns after them (`_ends(names)`),
    as `select_related("category__parent", "author")` would load them."""
    article = instance(Article, names, row[: ends[0]])
    category = _build(Category, PAGE_CATEGORY, row[ends[0] : ends[1]])
    category._state.fields_cache["parent"] = _build(
        Category, PAGE_CATEGORY, row[ends[1] : ends[2]]
    )
    article._state.fields_cache["category"] = category
    article._state.fields_cache["author"] = _build(
        User, PAGE_AUTHOR, row[ends[2] : ends[3]]
    )
    return article


TAG_SQL = f"""
SELECT {_select("t", ArticleTag, PAGE_TAG)} FROM {ArticleTag._meta.db_table} t
WHERE t.slug = %(slug)s
"""


def tag_at(slug: str) -> Tag | None:
    """The tag at `slug` (taggit's `Tag`, as `Tag.objects.get(slug=slug)`)."""
    with prepared_cursor() as cursor:
        cursor.execute(TAG_SQL, {"slug": slug})
        row = cursor.fetchone()
    return None if row is None else instance(Tag, PAGE_TAG, row)


RELATED_COUNT = 6
# The newest published articles with one of its tags that are ranked.
RELATED_CANDIDATES = 120

# Columns of a card (Article.objects.cards()), then its section's.
ARTICLE_COLUMNS = _concrete(
    Article,
    only={
        "id",
        "title",
        "slug",
        "lead",
        "category_id",
        "image",
        "image_width",
        "image_height",
        "image_alt",
        "status",
        "published_at",
        "is_featured",
        "reading_time",
    },
)
CATEGORY_COLUMNS = ("id", "name", "slug")


def _columns() -> str:
    return (
        f"{_select('a', Article, ARTICLE_COLUMNS)}, "
        f"{_select('c', Category, CATEGORY_COLUMNS)}"
    )


# Candidates: the newest published articles with one of its tags (the newest
# of each tag's listing index, TaggedArticle.listed_at, then the newest of
# those: one ANY over the tags walked the whole table's primary key backwards,
# filtering), the
# newest of its section and the newest of all, so the
# grid is full; then ranked by shared tags (counted through the (article, tag)
# index), same section, newest.
RELATED_SQL = f"""
WITH candidates AS (
    (SELECT t.content_object_id AS id
     FROM unnest(%(tags)s::integer[]) AS wanted(tag_id)
     CROSS JOIN LATERAL (
         SELECT t.listed_at, t.content_object_id FROM {TaggedArticle._meta.db_table} t
         WHERE t.tag_id = wanted.tag_id AND t.listed_at <= %(now)s
         ORDER BY t.listed_at DESC, t.content_object_id DESC
         LIMIT {RELATED_CANDIDATES}
     ) t
     ORDER BY t.listed_at DESC, t.content_object_id DESC LIMIT {RELATED_CANDIDATES})
    UNION ALL
    (SELECT a.id FROM {Article._meta.db_table} a
     WHERE a.status = %(published)s AND a.published_at <= %(now)s
       AND a.category_id = %(category)s
     ORDER BY a.published_at DESC, a.id DESC LIMIT {RELATED_COUNT + 1})
    UNION ALL
    (SELECT a.id FROM {Article._meta.db_table} a
     WHERE a.status = %(published)s AND a.published_at <= %(now)s
     ORDER BY a.published_at DESC, a.id DESC LIMIT {RELATED_COUNT + 1})
)
SELECT {_columns()}
FROM {Article._meta.db_table} a
JOIN {Category._meta.db_table} c ON c.id = a.category_id
WHERE a.id IN (SELECT id FROM candidates)
  AND a.id <> %(article)s
  AND a.status = %(published)s AND a.published_at <= %(now)s
ORDER BY
    (SELECT count(*) FROM {TaggedArticle._meta.db_table} s
     WHERE s.content_object_id = a.id AND s.tag_id = ANY(%(tags)s::integer[])) DESC,
    (a.category_id = %(category)s) DESC,
    a.published_at DESC, a.id DESC
LIMIT {RELATED_COUNT}
"""


def cards_from_rows(rows) -> list[Article]:
    """Articles with their section, as `Article.objects.cards()` would load them."""
    split = len(ARTICLE_COLUMNS)
    articles = []
    for row in rows:
        article = instance(Article, ARTICLE_COLUMNS, row[:split])
        category = instance(Category, CATEGORY_COLUMNS, row[split:])
        article._state.fields_cache["category"] = category
        articles.append(article)
    return articles


def related_articles(article: Article, tag_ids: list[int]) -> list[Article]:
    """Articles sharing the most tags, then the same section, then the newest, so
    the grid is full (RELATED_COUNT); never `article`, only published ones."""
    params = {
        "tags": list(tag_ids),
        "published": Article.Status.PUBLISHED.value,
        "now": timezone.now(),
        "category": article.category_id,
        "article": article.pk,
    }
    with prepared_cursor() as cursor:
        cursor.execute(RELATED_SQL, params)
        return cards_from_rows(cursor.fetchall())


# The front page's featured cards and its newest, one statement: the ORM's two
# querysets took about 2 and 4 ms of a cold front page on a loaded VM, most of it
# composing and reading them, for well under 1 ms of PostgreSQL each.
FRONT_SQL = f"""
(SELECT true, {_columns()}
 FROM {Article._meta.db_table} a
 JOIN {Category._meta.db_table} c ON c.id = a.category_id
 WHERE a.status = %(published)s AND a.published_at <= %(now)s AND a.is_featured
 ORDER BY a.published_at DESC, a.id DESC LIMIT %(featured)s)
UNION ALL
(SELECT false, {_columns()}
 FROM {Article._meta.db_table} a
 JOIN {Category._meta.db_table} c ON c.id = a.category_id
 WHERE a.status = %(published)s AND a.published_at <= %(now)s
 ORDER BY a.published_at DESC, a.id DESC LIMIT %(newest)s)
"""


def _published_rows(sql: str, **params) -> list[tuple]:
    """The rows of `sql`, given `params` and what it needs to keep to the
    articles readers may see (`Article.objects.published()`)."""
    params |= {"published": Article.Status.PUBLISHED.value, "now": timezone.now()}
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def front_page_cards(featured: int, newest: int) -> tuple[list[Article], list[Article]]:
    """The newest `featured` featured cards and the newest `newest` cards,
    published, each newest first (as `card_queryset()` orders them)."""
    rows = _published_rows(FRONT_SQL, featured=featured, newest=newest)
    cards = cards_from_rows(row[1:] for row in rows)
    split: tuple[list[Article], list[Article]] = ([], [])
    for row, article in zip(rows, cards, strict=True):
        split[0 if row[0] else 1].append(article)
    for articles in split:  # UNION ALL keeps no order of its own
        articles.sort(key=lambda a: (a.published_at, a.pk), reverse=True)
    return split


CARDS_SQL = f"""
SELECT {_columns()}
FROM {Article._meta.db_table} a
JOIN {Category._meta.db_table} c ON c.id = a.category_id
WHERE a.id = ANY(%(ids)s::bigint[]) AND a.status = %(published)s AND a.published_at <= %(now)s
"""


def published_cards(ids: list[int]) -> dict[int, Article]:
    """The cards of the published articles among `ids`, by id (as
    `Article.objects.published().cards().in_bulk(ids)` would load them)."""
    rows = _published_rows(CARDS_SQL, ids=list(ids))
    return {article.pk: article for article in cards_from_rows(rows)}


# A page of a listing's cards, newest first: a section's (its own articles and
# its sub-sections', as `in_category_tree`), a tag's or an author's. The same
# joins and order as the querysets they replace (so the same plans), without
# the ORM's Python for each page (about 2 ms of a cold listing page here). A
# tag's page reads its rows' own publication times (TaggedArticle.listed_at)
# through their index, newest first, as far as the page goes.
LISTING_SQL = f"""
SELECT {_columns()}
FROM {{source}}
JOIN {Category._meta.db_table} c ON c.id = a.category_id
WHERE a.status = %(published)s AND a.published_at <= %(now)s AND {{where}}
ORDER BY {{order}}
LIMIT %(limit)s OFFSET %(offset)s
"""
_NEWEST = "a.published_at DESC, a.id DESC"
LISTINGS = {
    "section": {
        "source": f"{Article._meta.db_table} a",
        "where": "(c.id = %(id)s OR c.parent_id = %(id)s)",
        "order": _NEWEST,
    },
    "tag": {
        "source": f"{TaggedArticle._meta.db_table} t"
        f" JOIN {Article._meta.db_table} a ON a.id = t.content_object_id",
        "where": "t.tag_id = %(id)s AND t.listed_at <= %(now)s",
        "order": "t.listed_at DESC, t.content_object_id DESC",
    },
    "author": {
        "source": f"{Article._meta.db_table} a",
        "where": "a.author_id = %(id)s",
        "order": _NEWEST,
    },
}


class ListingCards:
    """The published cards of one listing (`LISTINGS`: "section", "tag" or
    "author", with its id), for `Paginator` given the count (digest.pagination):
    a slice runs one statement for that page."""

    ordered = True  # newest first; Paginator checks

    def __init__(self, kind: str, pk: int):
        self._sql = LISTING_SQL.format(**LISTINGS[kind])
        self._pk = pk

    def __getitem__(self, index: slice) -> list[Article]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("a listing is read a page (a slice) at a time")
        start = index.start or 0
        if index.stop is None or index.stop <= start:
            return []
        rows = _published_rows(
            self._sql, id=self._pk, limit=index.stop - start, offset=start
        )
        return cards_from_rows(rows)


# The newest of each section's tree: the newest few of each of its categories
# (a LATERAL LIMIT each, an index scan of articles_category_recent, however old
# its newest article), then the newest of those per section.
SECTIONS_SQL = f"""
WITH tree(category_id, section_id) AS (
    SELECT * FROM unnest(%(categories)s::bigint[], %(sections)s::bigint[])
),
picked AS (
    SELECT t.section_id, p.id, p.published_at,
           row_number() OVER (PARTITION BY t.section_id
                              ORDER BY p.published_at DESC, p.id DESC) AS n
    FROM tree t
    CROSS JOIN LATERAL (
        SELECT a.id, a.published_at FROM {Article._meta.db_table} a
        WHERE a.category_id = t.category_id
          AND a.status = %(published)s AND a.published_at <= %(now)s
        ORDER BY a.published_at DESC, a.id DESC
        LIMIT %(size)s
    ) p
)
SELECT picked.section_id, {_columns()}
FROM picked
JOIN {Article._meta.db_table} a ON a.id = picked.id
JOIN {Category._meta.db_table} c ON c.id = a.category_id
WHERE picked.n <= %(size)s
ORDER BY picked.section_id, picked.n
"""


def newest_by_section(
    trees: dict[int, list[int]], size: int
) -> dict[int, list[Article]]:
    """Section id → the newest `size` published cards of the categories in
    `trees[section id]` (the section and its sub-sections), newest first."""
    pairs = [(c, section) for section, ids in trees.items() for c in ids]
    if not pairs:
        return {}
    params = {
        "categories": [c for c, _ in pairs],
        "sections": [section for _, section in pairs],
        "published": Article.Status.PUBLISHED.value,
        "now": timezone.now(),
        "size": size,
    }
    with prepared_cursor() as cursor:
        cursor.execute(SECTIONS_SQL, params)
        rows = cursor.fetchall()
    found: dict[int, list[Article]] = {}
    for row, article in zip(
        rows, cards_from_rows(row[1:] for row in rows), strict=True
    ):
        found.setdefault(row[0], []).append(article)
    return found


# A page of search results: the articles the ranking picked (by id), with
# their section, its parent and the author (what a result shows), and the
# highlights: `title` with every match marked, `snippet` from a window of the
# lead and body text, tags stripped, SEARCH_WINDOW characters from a little
# before the first place a query word starts (`prefixes`, up to
# SEARCH_PREFIXES of them, NULL for none), or from the start. The markers are
# taken out of the text first, so only ts_headline's mark a match. The ORM's
# in_bulk() with these annotations cost about 4 ms of Python a page.
SEARCH_PREFIXES = 3
SEARCH_WINDOW = 1500  # characters of an article's text that ts_headline parses
SEARCH_LEAD_IN = 400  # of them before the query word found first
_SEARCH_ARTICLE = tuple(name for name in PAGE_ARTICLE if name != "body")
_SEARCH_ENDS = _ends(_SEARCH_ARTICLE)
_FIRST_WORD = ", ".join(
    f"NULLIF(strpos(lower(' ' || w.t), ' ' || %(prefix{n})s), 0)"
    for n in range(SEARCH_PREFIXES)
)
# A reader's query in web-search syntax ("phrase", -word, OR), unaccented like
# the stored vector (articles.search's statements use the same expression).
SEARCH_QUERY_SQL = "websearch_to_tsquery(%(config)s::regconfig, unaccent(%(query)s))"
SEARCH_PAGE_SQL = f"""
SELECT {_select("a", Article, _SEARCH_ARTICLE)},
       {_select("c", Category, PAGE_CATEGORY)},
       {_select("p", Category, PAGE_CATEGORY)},
       {_select("u", User, PAGE_AUTHOR)},
       ts_headline(%(config)s::regconfig, translate(a.title, %(marks)s, ''), q.q,
                   %(title_options)s),
       ts_headline(%(config)s::regconfig, translate(
           (SELECT substr(w.t, GREATEST(COALESCE(LEAST({_FIRST_WORD}), 1)
                                        - {SEARCH_LEAD_IN}, 1), {SEARCH_WINDOW})
            FROM (SELECT a.lead || ' ' || regexp_replace(a.body, '<[^>]+>', ' ', 'g')
                  AS t) AS w),
           %(marks)s, ''), q.q, %(snippet_options)s)
FROM {Article._meta.db_table} a
JOIN {Category._meta.db_table} c ON c.id = a.category_id
LEFT JOIN {Category._meta.db_table} p ON p.id = c.parent_id
LEFT JOIN {User._meta.db_table} u ON u.id = a.author_id
CROSS JOIN {SEARCH_QUERY_SQL} AS q(q)
WHERE a.id = ANY(%(ids)s::bigint[])
  AND a.status = %(published)s AND a.published_at <= %(now)s
"""


def search_page(ids: list[int], query: str, prefixes: list[str], **headline) -> dict:
    """Id → the published article among `ids` with its section (and parent) and
    author, and `title_highlight` and `snippet`: ts_headline's output for `query`
    (web-search syntax) in `headline["config"]`, with its `marks` and options."""
    words = (list(prefixes) + [None] * SEARCH_PREFIXES)[:SEARCH_PREFIXES]
    params = {f"prefix{n}": word for n, word in enumerate(words)}
    rows = _published_rows(
        SEARCH_PAGE_SQL, ids=list(ids), query=query, **params, **headline
    )
    found = {}
    for row in rows:
        article = _with_relations(row, _SEARCH_ARTICLE, _SEARCH_ENDS)
        article.title_highlight, article.snippet = row[_SEARCH_ENDS[-1] :]
        found[article.pk] = article
    return found
