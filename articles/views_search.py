"""The search page: full-text results, highlights, a category filter, "Did you mean"."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from articles.search import (
    MAX_QUERY_LENGTH,
    clean_query,
    highlight,
    search_articles,
    tidy_snippet,
)
from articles.search import suggest as suggest_spelling
from articles.sections import all_sections, section
from digest.cache import cacheable_page, shows
from digest.pagination import paginate

PER_PAGE = 10


class QueryField(forms.CharField):
    """A search box value: control characters dropped, cut (not refused) when long."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(label=_("Search"), max_length=MAX_QUERY_LENGTH, required=False)
    category = forms.SlugField(max_length=80, required=False)


# New matches may show up to PAGE_CACHE_SECONDS late; a result that is
# unpublished or edited leaves at once (its card is declared).
@cacheable_page("search")
def search(request):
    """Show the articles matching ?q=, optionally within ?category= and its children.

    Results are ranked (relevance and recency), PER_PAGE a page; `?page=` follows
    digest.pagination, and the page links keep ?q= and ?category=.
    """
    form = SearchForm(request.GET)
    form.is_valid()  # every field is optional; a bad one is left out of cleaned_data
    query = form.cleaned_data.get("q", "")
    category_slug = form.cleaned_data.get("category") or ""
    category = section(category_slug) if category_slug else None
    page_obj = None
    suggestion = None
    if query:
        # The site's one policy: a bad or out-of-range ?page= is a 404.
        page_obj = paginate(
            request, search_articles(query, category), per_page=PER_PAGE
        )
        for article in page_obj.object_list:
            shows(f"article:{article.pk}")
            article.title_html = highlight(article.title_highlight)
            article.snippet_html = highlight(tidy_snippet(article.snippet))
        if page_obj.paginator.count == 0:
            suggestion = suggest_spelling(query)
    categories = [c for c in all_sections() if c.parent_id is None]
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "query": query,
            "category": category,
            "categories": categories,
            "page_obj": page_obj,
            "articles": page_obj.object_list if page_obj else [],
            "suggestion": suggestion,
        },
    )
