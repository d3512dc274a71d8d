"""PostgreSQL full-text search over articles: the stored vector and its refresh."""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from articles.models import Article, TaggedArticle

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
