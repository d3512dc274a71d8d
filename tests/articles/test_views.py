"""The reader's pages: what a reader sees, what a reader may not see, and query budgets."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from digest.models import SiteSettings
from digest.redirects import redirect_to_object
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    PageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TAGS = ["energy", "trade", "climate", "rail", "ports", "budget", "summit"]


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="change_article", content_type__app_label="articles"
        )
    )
    return user


@pytest.fixture
def newsroom():
    """30 published articles with 5 tags each, in two sections and a sub-section."""
    SiteSettings.load()  # a running site has its settings row
    news = CategoryFactory(name="News", slug="news")
    economy = CategoryFactory(name="Economy", slug="economy", parent=news)
    culture = CategoryFactory(name="Culture", slug="culture")
    authors = UserFactory.create_batch(3)
    articles = [
        ArticleFactory(
            category=[news, economy, culture][i % 3],
            author=authors[i % 3],
            tags=[TAGS[(i + k) % len(TAGS)] for k in range(5)],
            is_featured=i < 3,
            published_at=timezone.now() - timedelta(hours=i + 1),
            with_image=i % 2 == 0,
        )
        for i in range(30)
    ]
    return {"news": news, "economy": economy, "culture": culture, "articles": articles}


# Home


def test_home_shows_latest_articles_and_section_blocks(client, newsroom):
    response = client.get("/")
    assert response.status_code == 200
    newest = newsroom["articles"][0]
    assert newest.title in response.text
    assert 'id="section-news"' in response.text
    assert 'id="section-culture"' in response.text
    assert "New articles" in response.text
    assert "Most read" in response.text


def test_each_home_section_block_shows_the_newest_four_of_its_tree(client):
    """A section's block: its own and its sub-sections' newest, newest first; a
    quiet section's newest however old; no draft or scheduled article."""
    now = timezone.now()
    news = CategoryFactory(name="News", slug="news", position=1)
    economy = CategoryFactory(name="Economy", slug="economy", parent=news)
    quiet = CategoryFactory(name="Letters", slug="letters", position=2)
    CategoryFactory(name="Empty", slug="empty", position=3)

    def story(title, category, hours, **kwargs):
        return ArticleFactory(
            title=title,
            category=category,
            published_at=now - timedelta(hours=hours),
            **kwargs,
        )

    story("Ferry timetable grows", news, 1)
    story("Bond yields fall", economy, 2)
    story("Harbour fees rise", news, 3)
    story("Wage talks resume", economy, 4)
    story("Old quay report", news, 5)
    story("Draft on the desk", news, 0, draft=True)
    ArticleFactory(title="Embargoed budget", category=economy, scheduled=True)
    story("A letter from 2019", quiet, 24 * 2000)
    for hours in range(6, 40):
        story(f"Filler {hours}", economy, hours)

    html = client.get("/").text

    def block(slug):
        part = html.split(f'id="section-{slug}"')[1].split("</section>")[0]
        return re.findall(r'class="card__title"><a[^>]*>([^<]+)</a>', part)

    assert block("news") == [
        "Ferry timetable grows",
        "Bond yields fall",
        "Harbour fees rise",
        "Wage talks resume",
    ]
    assert block("letters") == ["A letter from 2019"]
    assert 'id="section-empty"' not in html
    assert "Draft on the desk" not in html and "Embargoed budget" not in html


def test_home_hides_drafts_and_scheduled_articles(client):
    ArticleFactory(title="Quay works are finished")
    ArticleFactory(title="Secret draft headline", draft=True)
    ArticleFactory(title="Tomorrow's embargoed story", scheduled=True)
    response = client.get("/")
    assert "Quay works are finished" in response.text
    assert "Secret draft headline" not in response.text
    assert "Tomorrow&#x27;s embargoed story" not in response.text


def test_home_most_read_ranks_by_views_this_week(client):
    from articles.models import ArticleDailyViews

    quiet = ArticleFactory(title="Quietly read report")
    popular = ArticleFactory(title="Widely read report")
    ArticleFactory(title="Unread report")
    today = timezone.localdate()
    ArticleDailyViews.objects.create(article=quiet, day=today, views=3)
    ArticleDailyViews.objects.create(article=popular, day=today, views=40)
    ArticleDailyViews.objects.create(
        article=quiet, day=today - timedelta(days=30), views=500
    )
    response = client.get("/")
    block = response.text.split('id="most-read-title"')[1].split("</section>")[0]
    assert block.index("Widely read report") < block.index("Quietly read report")
    assert "Unread report" not in block


def test_home_query_budget(client, newsroom, django_assert_max_num_queries):
    from articles.models import ArticleDailyViews

    for views, article in enumerate(newsroom["articles"][:8], start=1):
        ArticleDailyViews.objects.create(
            article=article, day=timezone.localdate(), views=views
        )
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert response.status_code == 200
    assert response.text.count('class="ranked-list"') == 1


def test_header_menu_lists_sections_with_sub_sections(client):
    news = CategoryFactory(name="News", slug="news")
    CategoryFactory(name="Economy", slug="economy", parent=news)
    CategoryFactory(name="Campaign 2026", slug="campaign", is_highlighted=True)
    CategoryFactory(name="Hidden desk", slug="hidden", show_in_menu=False)
    response = client.get("/")
    nav = response.text.split('id="site-nav"')[1].split("</nav>")[0]
    assert 'href="/category/news/"' in nav
    assert 'aria-controls="submenu-news"' in nav
    assert 'href="/category/economy/"' in nav
    assert "menu__item--highlighted" in nav and "Campaign 2026" in nav
    assert "Hidden desk" not in nav


def test_menu_is_cached_until_its_version_changes(client, settings):
    from digest.cache import bump_content_version

    settings.PAGE_CACHE_SECONDS = 0  # no full-page cache in the way
    CategoryFactory(name="Morning desk", slug="morning")
    assert "Morning desk" in client.get("/").text
    CategoryFactory(name="Late desk", slug="late")
    assert "Late desk" not in client.get("/").text
    bump_content_version()  # a site-wide change, as the category admin makes
    assert "Late desk" in client.get("/").text


def test_footer_shows_policy_pages_contact_and_year(client):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "contact_email": "desk@example.org",
            "about": "We read so you don't.",
        },
    )
    PageFactory(title="Privacy Policy", slug="privacy-policy", show_in_footer=True)
    PageFactory(
        title="Internal memo", slug="memo", show_in_footer=True, is_published=False
    )
    response = client.get("/")
    footer = response.text.split('class="site-footer"')[1]
    assert 'href="/privacy-policy/"' in footer
    assert "Internal memo" not in footer
    assert "mailto:desk@example.org" in footer
    assert str(timezone.now().year) in footer


def test_cookie_bar_text_links_and_a_form_without_csrf_token(client):
    response = client.get("/")
    bar = response.text.split('id="cookie-bar"')[1].split("</section>")[0]
    assert (
        "By using this site, you agree to the Privacy Policy and Terms of Use." in bar
    )
    assert 'href="/privacy-policy/"' in bar and 'href="/terms-and-conditions/"' in bar
    assert 'action="/cookies/accept/"' in bar
    assert "csrfmiddlewaretoken" not in response.text  # cacheable page


def test_accepting_cookies_without_javascript_sets_cookie_and_goes_back(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/cookies/accept/", {"next": "/category/news/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/category/news/?page=2"
    assert response.cookies["cookie_consent"].value == "1"


def test_accepting_cookies_never_redirects_off_site(client):
    response = client.post("/cookies/accept/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


# Article page


def test_article_page_shows_the_story(client):
    author = UserFactory(username="amina", display_name="Amina Rahimova")
    category = CategoryFactory(name="Energy", slug="energy")
    article = ArticleFactory(
        title="Grid link opens",
        lead="Power flows across the strait.",
        body="<p>Engineers switched the cable on at dawn.</p>",
        category=category,
        author=author,
        tags=["cables", "power"],
        source_name="Example Wire",
        source_url="https://wire.example/grid",
        with_image=True,
        image_caption="The converter station at night.",
        image_alt="A lit converter station",
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert '<h1 class="article__title">Grid link opens</h1>' in text
    assert "Power flows across the strait." in text
    assert "<p>Engineers switched the cable on at dawn.</p>" in text
    assert 'href="/author/amina/">Amina Rahimova</a>' in text
    assert 'href="/category/energy/"' in text
    assert 'href="/tag/cables/"' in text and 'href="/tag/power/"' in text
    assert 'href="https://wire.example/grid"' in text
    assert "The converter station at night." in text
    assert 'alt="A lit converter station"' in text
    assert 'fetchpriority="high"' in text
    assert "Min Read" in text
    assert "{#" not in text and "{%" not in text  # no template source leaks
    for network in (
        "x.com/intent",
        "facebook.com/sharer",
        "t.me/share",
        "wa.me",
        "linkedin.com",
        "mailto:?subject=",
    ):
        assert network in text
    assert '<meta name="robots" content="noindex">' not in text


def test_breadcrumbs_lead_from_site_to_category_to_title(client):
    parent = CategoryFactory(name="News", slug="news")
    child = CategoryFactory(name="Economy", slug="economy", parent=parent)
    article = ArticleFactory(title="Rates hold", category=child)
    response = client.get(article.get_absolute_url())
    crumbs = response.text.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert (
        crumbs.index("/category/news/")
        < crumbs.index("/category/economy/")
        < crumbs.index("Rates hold")
    )


@pytest.mark.parametrize(
    ("views", "shown"),
    [
        (0, "0 Views"),
        (999, "999 Views"),
        (1234, "1.2K Views"),
        (3_400_000, "3.4M Views"),
    ],
)
def test_article_view_count_is_compact(client, views, shown):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(view_count=views)
    response = client.get(article.get_absolute_url())
    assert shown in response.text


def test_compact_number_filter_rounds_down():
    template = Template("{% load article_tags %}{{ n|compact_number }}")
    assert template.render(Context({"n": 1999})) == "1.9K"
    assert template.render(Context({"n": 1000})) == "1K"
    assert template.render(Context({"n": 999_999})) == "999.9K"


@pytest.mark.parametrize("trait", ["draft", "scheduled", "in_review"])
def test_reader_gets_404_for_unpublished_article(client, trait):
    article = ArticleFactory(**{trait: True})
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(article.get_absolute_url()).status_code == 404


def test_staff_preview_of_draft_is_marked_and_never_cached(client, editor):
    article = ArticleFactory(title="Work in progress", draft=True, author=editor)
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Work in progress" in response.text
    assert 'class="preview-banner"' in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= cache_control


def test_old_slug_redirects_permanently_to_current_url(client):
    article = ArticleFactory(slug="new-name")
    redirect_to_object(old_path="/articles/old-name/", obj=article, source="slug")
    response = client.get("/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-name/"


def test_old_slug_of_unpublished_article_is_404(client):
    article = ArticleFactory(slug="pulled", draft=True)
    redirect_to_object(old_path="/articles/was-public/", obj=article, source="slug")
    assert client.get("/articles/was-public/").status_code == 404


def test_related_articles_prefer_shared_tags_then_fill_the_grid_never_with_itself(
    client,
):
    culture = CategoryFactory(name="Culture", slug="culture")
    sport = CategoryFactory(name="Sport", slug="sport")
    article = ArticleFactory(
        title="Main story", category=culture, tags=["opera", "budget"]
    )
    both = ArticleFactory(
        title="Shares two tags", category=sport, tags=["opera", "budget"]
    )
    one = ArticleFactory(title="Shares one tag", category=sport, tags=["opera"])
    same_section = ArticleFactory(title="Same section only", category=culture)
    ArticleFactory(title="Unrelated story", category=sport, tags=["football"])
    ArticleFactory(
        title="Related but draft", category=culture, tags=["opera"], draft=True
    )
    response = client.get(article.get_absolute_url())
    related = response.text.split('id="related-title"')[1].split("</section>")[0]
    # The newest of the rest fill the grid, after everything related.
    assert (
        related.index(both.title)
        < related.index(one.title)
        < related.index(same_section.title)
        < related.index("Unrelated story")
    )
    assert "Main story" not in related
    assert "Related but draft" not in related


def test_related_articles_come_from_the_published_not_the_newest_tagged(client):
    """Drafts and scheduled articles tagged since do not crowd out an older
    published article sharing the tag: the candidates are each tag's newest
    published articles."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.page_sql import RELATED_CANDIDATES

    now = timezone.now()
    ArticleFactory(
        title="Older opera review",
        category=CategoryFactory(name="Culture"),
        tags=["opera"],
        published_at=now - timedelta(days=30),
    )
    sport = CategoryFactory(name="Sport")
    ArticleFactory.create_batch(8, category=sport, published_at=now - timedelta(days=1))
    ArticleFactory.create_batch(RELATED_CANDIDATES, tags=["opera"], draft=True)
    article = ArticleFactory(title="Main story", category=sport, tags=["opera"])

    response = client.get(article.get_absolute_url())
    related = response.text.split('id="related-title"')[1].split("</section>")[0]
    cards = related.split('<article class="card')[1:]
    assert len(cards) == 6
    assert "Older opera review" in cards[0]  # the one sharing a tag, first


def test_article_query_budget(client, newsroom, django_assert_max_num_queries):
    article = newsroom["articles"][5]
    with django_assert_max_num_queries(10):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "You Might Also Like" in response.text


# Listings


def test_category_page_includes_sub_category_articles(client):
    news = CategoryFactory(name="News", slug="news")
    economy = CategoryFactory(name="Economy", slug="economy", parent=news)
    ArticleFactory(title="Front page news", category=news)
    ArticleFactory(title="Rates hold steady", category=economy)
    ArticleFactory(title="Opera season opens", category=CategoryFactory(name="Culture"))
    response = client.get("/category/news/")
    assert response.status_code == 200
    assert "Front page news" in response.text
    assert "Rates hold steady" in response.text
    assert "Opera season opens" not in response.text
    sub = client.get("/category/economy/")
    assert "Rates hold steady" in sub.text and "Front page news" not in sub.text


def test_category_pages_have_12_articles_each(client):
    news = CategoryFactory(name="News", slug="news")
    ArticleFactory.create_batch(13, category=news)
    first = client.get("/category/news/")
    assert first.text.count('<article class="card') == 12
    assert 'href="?page=2"' in first.text
    second = client.get("/category/news/?page=2")
    assert second.text.count('<article class="card') == 1


@pytest.mark.parametrize(
    "page", ["-1", "abc", "0", "99999", "1%00", "9" * 30, "%C2%B2", "1.5"]
)
def test_bad_page_number_is_404(client, page):
    news = CategoryFactory(name="News", slug="news")
    ArticleFactory(category=news)
    response = client.get(f"/category/news/?page={page}")
    assert response.status_code == 404


def test_nul_byte_in_query_string_is_not_a_server_error(client):
    ArticleFactory(tags=["energy"])
    for url in (
        "/tag/energy/?page=%00",
        "/?q=%00",
        "/author/nobody/?page=1%00",
        "/author/a%00b/",
    ):
        assert client.get(url).status_code in (200, 400, 404)


def test_tag_page_lists_tagged_published_articles(client):
    ArticleFactory(title="Tagged and public", tags=["Ports"])
    ArticleFactory(title="Tagged but draft", tags=["Ports"], draft=True)
    ArticleFactory(title="Not tagged")
    response = client.get("/tag/ports/")
    assert response.status_code == 200
    assert "Tagged and public" in response.text
    assert "Tagged but draft" not in response.text
    assert "Not tagged" not in response.text
    assert client.get("/tag/no-such-tag/").status_code == 404


def test_author_page_shows_profile_and_published_articles(client):
    author = UserFactory(
        username="jonas", display_name="Jonas Berg", bio="Covers the ports."
    )
    ArticleFactory(title="Jonas on the quay", author=author)
    ArticleFactory(title="Jonas draft", author=author, draft=True)
    ArticleFactory(title="Someone else's piece")
    response = client.get("/author/jonas/")
    assert response.status_code == 200
    assert '<h1 class="page-title">Jonas Berg</h1>' in response.text
    assert "Covers the ports." in response.text
    assert "Jonas on the quay" in response.text
    assert "Jonas draft" not in response.text
    assert "Someone else" not in response.text


def test_reader_without_articles_has_no_author_page(client):
    UserFactory(username="quiet-reader")
    assert client.get("/author/quiet-reader/").status_code == 404
    assert client.get("/author/nobody-at-all/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/category/news/", "/tag/energy/", "/author/{author}/"]
)
def test_listing_query_budget(client, newsroom, url, django_assert_max_num_queries):
    url = url.format(author=newsroom["articles"][0].author.username)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('<article class="card') >= 10


# Pages and errors


def test_published_page_is_served_at_its_slug(client):
    PageFactory(
        title="Who we are",
        slug="who-we-are",
        body="<p>A small newsroom.</p><script>alert(1)</script>",
    )
    response = client.get("/who-we-are/")
    assert response.status_code == 200
    assert '<h1 class="page-title">Who we are</h1>' in response.text
    assert "<p>A small newsroom.</p>" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_unpublished_or_missing_page_is_a_styled_404(client):
    PageFactory(slug="draft-policy", is_published=False)
    for url in ("/draft-policy/", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert 'class="site-header"' in response.text


@pytest.mark.parametrize(
    ("view", "code", "heading"),
    [
        ("bad_request", 400, "Bad request"),
        ("permission_denied", 403, "Access denied"),
        ("page_not_found", 404, "Page not found"),
    ],
)
def test_error_pages_are_styled_with_their_code_and_a_way_home(rf, view, code, heading):
    from django.views import defaults

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = getattr(defaults, view)(request, exception=Exception("x"))
    text = response.content.decode()
    assert response.status_code == code
    assert f'<p class="error-page__code" aria-hidden="true">{code}</p>' in text
    assert f'<h1 class="page-title">{heading}</h1>' in text
    assert f"<title>{heading} – " in text
    assert 'action="/search/"' in text and 'class="site-header"' in text


def test_500_template_renders_without_database_or_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong" in html


def test_page_url_is_the_last_route(client):
    assert reverse("page", kwargs={"slug": "healthz-like"}) == "/healthz-like/"
    assert client.get("/healthz").status_code == 200


def test_you_might_also_like_fills_its_grid_when_little_is_related(client):
    article = ArticleFactory(title="Lonely story", tags=["unique-tag"])
    ArticleFactory.create_batch(8)

    response = client.get(article.get_absolute_url())

    related = response.text.split('id="related-title"')[1].split("</section>")[0]
    assert related.count('class="card__title"') == 6
    assert "Lonely story" not in related


@pytest.mark.parametrize("listing", ["section", "tag", "author"])
def test_a_listing_that_grows_past_a_page_links_its_second_page_at_once(
    client, listing
):
    """The page count is kept per listing (articles.views.listing_count): a
    thirteenth article makes page 2 appear on page 1 at once, and unpublishing
    one takes it away."""
    from articles import publishing
    from tests.articles.test_cards import committed
    from tests.articles.test_publishing import staff

    editor = staff("Editor")
    news = CategoryFactory(name="News", slug="news")
    writer = UserFactory(username="mira", is_staff=True)
    for hours in range(1, 13):
        ArticleFactory(
            category=news,
            author=writer,
            tags=["ports"],
            published_at=timezone.now() - timedelta(hours=hours),
        )
    url = {
        "section": "/category/news/",
        "tag": "/tag/ports/",
        "author": "/author/mira/",
    }[listing]
    assert 'href="?page=2"' not in client.get(url).text
    draft = ArticleFactory(category=news, author=writer, tags=["ports"], draft=True)
    with committed():
        publishing.change_state(
            article=draft, by=editor, action=publishing.Action.PUBLISH_NOW
        )
    assert 'href="?page=2"' in client.get(url).text
    assert client.get(url + "?page=2").status_code == 200
    with committed():
        publishing.change_state(
            article=Article.objects.get(pk=draft.pk),
            by=editor,
            action=publishing.Action.UNPUBLISH,
        )
    assert 'href="?page=2"' not in client.get(url).text
    assert client.get(url + "?page=2").status_code == 404
