"""The reader's pages: home, article, category, tag and author listings."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from articles.models import Article, TaggedArticle
from articles.page_sql import (
    ListingCards,
    front_page_cards,
    newest_by_section,
    published_article,
    related_articles,
    tag_at,
)
from articles.popularity import MOST_READ_TTL, most_read
from articles.publishing import can_edit
from articles.sections import all_sections, section, sub_sections
from digest.cache import cacheable_page, render_for_readers, shows, versioned
from digest.pagination import paginate

HOME_BLOCK_SIZE = 4
NEW_ARTICLES_COUNT = 8


def card_queryset():
    """Published articles with what a card shows, newest first."""
    return Article.objects.published().cards().newest_first()


def show_cards(articles) -> list[Article]:
    """Declare to the cache that the page shows these articles' cards."""
    articles = list(articles)
    shows(*(f"article:{a.pk}" for a in articles))
    return articles


def listing_count(listing: str, queryset) -> int:
    """How many articles the listing `listing` (a cache tag: "section:4") holds,
    kept while it is unchanged (`versioned`): each page of a big section would
    otherwise count its whole tree, the costliest query of a cold listing page."""

    def count() -> int:
        shows(listing)
        return queryset.count()

    return versioned(f"count:{listing}", count)


def render_listing(request, template, queryset, *, listing: str, cards, **context):
    """A page of the listing `listing` (its cache tag) of `queryset`'s articles,
    read a page at a time through `cards` (a `page_sql.ListingCards`)."""
    shows(listing)
    count = listing_count(listing, queryset)
    page_obj = paginate(request, cards, count=count)
    show_cards(page_obj.object_list)
    context |= {"page_obj": page_obj, "articles": page_obj.object_list}
    return render(request, template, context)


@cacheable_page("latest")
@require_safe
def home(request):
    """The front page: featured, latest, a block per menu section, most read."""
    # The same for every reader; "Most read" moves, so a minute at most.
    return render_for_readers(
        request, "articles/home.html", _home_context, timeout=MOST_READ_TTL
    )


FEATURED_COUNT = 3
LATEST_COUNT = 9


def _home_context() -> dict:
    # "Latest" is the newest but the featured, and "New articles" the newest:
    # at most FEATURED_COUNT of the newest are featured. One statement for both.
    featured, newest = front_page_cards(FEATURED_COUNT, LATEST_COUNT + FEATURED_COUNT)
    shown = {article.pk for article in featured}
    return {
        "featured": featured,
        "latest": [a for a in newest if a.pk not in shown][:LATEST_COUNT],
        "sections": section_blocks(),
        "most_read": most_read(limit=5, days=7),
        "new_articles": newest[:NEW_ARTICLES_COUNT],
    }


def section_blocks() -> list[dict]:
    """The newest articles of each top-level menu section, in one query (the
    sections themselves are kept: articles/sections.py).

    One LIMIT per section over its tree (articles/page_sql.py), each an index
    scan of articles_category_recent, so the home page costs the same at 1,000
    and at 100,000 articles.
    """
    categories = all_sections()
    sections = [c for c in categories if c.parent_id is None and c.show_in_menu]
    trees = {section.pk: [section.pk] for section in sections}
    for category in categories:
        if category.parent_id in trees:
            trees[category.parent_id].append(category.pk)
    by_section = newest_by_section(trees, HOME_BLOCK_SIZE)
    return [
        {"category": section, "articles": by_section[section.pk]}
        for section in sections
        if section.pk in by_section
    ]


def new_articles(exclude_pk=None) -> list[Article]:
    """The newest articles but `exclude_pk`: the column beside every article.

    One list shared by every article page (`versioned`), so a page rendered from
    nothing does not ask for it again. The list itself is kept while "latest"
    holds (any change to a published article), one version to read instead of
    one per card. The pages showing it declare only its cards: an article in it
    that changes or leaves makes them stale at once; a newly published one
    joins a stored page within PAGE_CACHE_SECONDS, so an edit elsewhere does
    not make every article page stale ("latest").
    """

    def newest():
        return show_cards(card_queryset()[: NEW_ARTICLES_COUNT + 1])

    articles = versioned("new-articles", newest, fresh_while=("latest",)) or []
    return [a for a in articles if a.pk != exclude_pk][:NEW_ARTICLES_COUNT]


@cacheable_page()
@require_safe
def article_detail(request, slug):
    """An article; staff may preview unpublished ones.

    Old slugs answer 404 here and a 301 from digest.redirects (the redirect table).
    """
    if len(slug) > Article._meta.get_field("slug").max_length:
        raise Http404("No such article")  # and no cache key from a hostile path

    # The article with its section, author and tags in one statement
    # (articles/page_sql.py). Shared by signed-in readers until the next content
    # change (or scheduled article), like the page around it; the view count in
    # it is as old as that.
    def published():
        found = published_article(slug)
        if found is not None:
            shows(f"article:{found[0].pk}")
        return found

    # A reader without a session missed the page cache: a page rendered from
    # nothing (the long tail) would only pay for storing the row as well.
    if request.user.is_authenticated:
        found = versioned(f"article:{slug}", published)
    else:
        found = published()
    preview = False
    if found is None:
        if not request.user.is_authenticated:
            raise Http404("No such article")
        article = get_object_or_404(
            Article.objects.select_related(
                "category", "category__parent", "author"
            ).defer("search_vector"),
            slug=slug,
        )
        tags = list(article.tags.order_by("name"))
        preview = not article.is_public
        # Staff preview only what the admin would let them edit; to anyone else
        # the article does not exist yet.
        if preview and not can_edit(request.user, article):
            raise Http404("No such article")
    else:
        article, tags = found
    if preview:
        context = _article_context(request, article, tags, preview=True)
        response = render(request, "articles/article_detail.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response
    # accounts.middleware notes it in a signed-in reader's history.
    request.shown_article = article
    return render_for_readers(
        request,
        "articles/article_detail.html",
        lambda: _article_context(request, article, tags, preview=False),
    )


def _article_context(request, article: Article, tags: list, *, preview: bool) -> dict:
    """What the article page shows besides the reader's own parts."""
    # Its related articles come from its tags' listings.
    shows(f"article:{article.pk}", *(f"tag:{t.slug}" for t in tags))
    context = {
        "article": article,
        "category": article.category,
        "tags": tags,
        "preview": preview,
        "related": show_cards(related_articles(article, [t.pk for t in tags])),
        # Newly published articles may join this column up to
        # PAGE_CACHE_SECONDS late; removed ones leave it at once (their cards).
        "new_articles": show_cards(new_articles(exclude_pk=article.pk)),
    }
    return context


@cacheable_page()
@require_safe
def category_detail(request, slug):
    """A section with its sub-sections' articles."""
    category = section(slug)
    if category is None:
        raise Http404("No such section")
    return render_listing(
        request,
        "articles/category_detail.html",
        card_queryset().in_category_tree(category),
        listing=f"section:{category.pk}",
        cards=ListingCards("section", category.pk),
        category=category,
        subcategories=sub_sections(category) if category.parent_id is None else [],
    )


@cacheable_page()
@require_safe
def tag_detail(request, slug):
    tag = tag_at(slug)
    if tag is None:
        raise Http404("No such tag")
    return render_listing(
        request,
        "articles/tag_detail.html",
        # Counted from the tag's own rows (their index), as ListingCards reads them.
        TaggedArticle.objects.filter(tag_id=tag.pk, listed_at__lte=timezone.now()),
        listing=f"tag:{tag.slug}",
        cards=ListingCards("tag", tag.pk),
        tag=tag,
    )


@cacheable_page()
@require_safe
def author_detail(request, username):
    """A writer's page; readers who never published have none (no user listing)."""
    author = get_object_or_404(
        get_user_model(), username__iexact=username, is_active=True
    )
    listing = f"author:{author.pk}"
    shows(listing)
    articles = card_queryset().filter(author=author)
    page_obj = paginate(
        request,
        ListingCards("author", author.pk),
        count=listing_count(listing, articles),
    )
    show_cards(page_obj.object_list)
    if page_obj.paginator.count == 0 and not author.is_staff:
        raise Http404("No such author")
    return render(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": page_obj, "articles": page_obj.object_list},
    )
