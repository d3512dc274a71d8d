"""The one pagination policy of the site's listings (articles' and accounts')."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404

PER_PAGE = 12


def paginate(
    request, queryset, *, per_page: int = PER_PAGE, count: int | None = None
) -> Page:
    """The requested `?page=` of `queryset`; a bad or out-of-range number is a 404.

    `count`, when the caller knows how many `queryset` holds, spares the query.

    The page carries `page_range`: the numbers to link, elided around the current
    one, as templates/includes/_pagination.html shows them, and `page_query`:
    the start of each link, the request's other parameters kept ("?q=x&page="),
    made once rather than by a `{% querystring %}` per link.
    """
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise Http404("No such page")
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not queried
    try:
        page_obj = paginator.page(int(raw))
    except InvalidPage:
        raise Http404("No such page") from None
    others = request.GET.copy()
    others.pop("page", None)
    kept = others.urlencode()
    page_obj.page_query = f"?{kept}&page=" if kept else "?page="
    page_obj.page_range = list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=2, on_ends=1
        )
    )
    return page_obj
