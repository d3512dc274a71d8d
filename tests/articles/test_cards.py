"""Article cards kept as fragments: an edit, a renamed section, new renditions or a
deploy each show on every card at once, and the write path fills them before
readers ask."""

import inspect
import re
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles import cards, publishing
from articles.cards import ARCHIVE_STYLES, SHOWN, SHOWN_CATEGORY, STYLES, card_key
from articles.models import Article
from articles.publishing import Action, bulk_changes, change_state
from articles.tasks import make_featured_image_renditions
from articles.templatetags import article_tags
from digest.cache import fragments
from tests.articles.test_publishing import change_form, staff
from tests.client import Client
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

# Printed by a card without being a field of their own: derived from pk and slug.
DERIVED = {"pk", "id", "get_absolute_url"}


def committed():
    """Run the on-commit follow-ups of the writes inside, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def stored(article: Article) -> dict | None:
    """The article's fragment as a page would find it now (fresh from the database)."""
    return fragments.get(card_key(Article.objects.cards().get(pk=article.pk)))


@pytest.fixture
def editor():
    return staff("Editor")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def page_cache_off(settings):
    """Every page rendered afresh: what a reader sees comes from the cards alone."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def news():
    return CategoryFactory(name="News", slug="news")


def listings(article: Article, tag: str = "ports") -> list[str]:
    return ["/", article.category.get_absolute_url(), f"/tag/{tag}/"]


# 1. What a card prints is what its key is made of.


def _template_source(name: str) -> str:
    path = Path(django_settings.BASE_DIR) / "templates" / name
    return path.read_text()


def _card_sources() -> list[str]:
    """_card.html, the templates it includes and the article tags it calls."""
    sources, names = [], [cards.TEMPLATE]
    while names:
        source = _template_source(names.pop())
        sources.append(source)
        names += re.findall(r"""{%\s*include\s+["']([^"']+)["']""", source)
        for tag in re.findall(r"{%\s*(\w+)\s+article\b", source):
            helper = getattr(article_tags, tag, None)
            if helper is not None:
                sources.append(inspect.getsource(helper))
    return sources


def test_every_field_a_card_prints_is_part_of_its_key():
    article_fields, category_fields = set(), set()
    for source in _card_sources():
        for first, second in re.findall(r"\barticle\.(\w+)(?:\.(\w+))?", source):
            if first == "category":
                category_fields.add(second)
            else:
                article_fields.add(first)
    assert {"title", "image_alt", "published_at"} <= article_fields  # parsed at all
    assert "name" in category_fields
    assert article_fields - DERIVED - {"category"} <= set(SHOWN), (
        "a field the card prints is missing from articles.cards.SHOWN"
    )
    assert category_fields - DERIVED <= set(SHOWN_CATEGORY), (
        "a field of the section the card prints is missing from SHOWN_CATEGORY"
    )


# 2. An edit shows at once on every card.


def test_edited_title_shows_at_once_on_home_section_and_tag(client, news, editor):
    article = ArticleFactory(
        title="Harbour council approves the ferry berth",
        category=news,
        tags=["ports"],
    )
    for path in listings(article):
        assert "Harbour council approves the ferry berth" in client.get(path).text
    article.title = "Ferry berth plan is approved"
    with committed():
        publishing.save_article(article=article, by=editor)
    for path in listings(article):
        html = client.get(path).text
        assert "Ferry berth plan is approved" in html, path
        assert "Harbour council approves the ferry berth" not in html, path


def test_title_edited_in_the_admin_shows_at_once(client, news, editor_client):
    article = ArticleFactory(title="Night ferry returns", category=news, tags=["ports"])
    for path in listings(article):
        assert "Night ferry returns" in client.get(path).text
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form(article, title="Night ferry is back", tags="ports", _save="1"),
    )
    assert response.status_code == 302, response.content[:2000]
    for path in listings(article):
        html = client.get(path).text
        assert "Night ferry is back" in html, path
        assert "Night ferry returns" not in html, path


# Each field a reader sees, changed by a raw UPDATE that leaves updated_at alone:
# (field, new value, what the old card shows, what the new one shows).
RAW_CHANGES = [
    ("title", "Quay reopens", ">Harbour lights<", ">Quay reopens<"),
    (
        "lead",
        "Divers found the old anchor.",
        "The council voted to widen the quay",
        "Divers found the old anchor.",
    ),
    ("image_alt", "The new quay", 'alt="The old quay"', 'alt="The new quay"'),
    ("reading_time", 17, "</time> 1 Min Read<", "</time> 17 Min Read<"),
    (
        "published_at",
        datetime(2021, 3, 4, 12, tzinfo=timezone.get_fixed_timezone(0)),
        '<time datetime="{today}">',
        '<time datetime="2021-03-04">March 4, 2021</time>',
    ),
]


def card_markup(html: str) -> str:
    """The cards of a page, without what surrounds them (the header's date)."""
    return "".join(re.findall(r'<article class="card.*?</article>', html, re.S))


@pytest.mark.parametrize(
    ("field", "value", "old", "new"), RAW_CHANGES, ids=[c[0] for c in RAW_CHANGES]
)
def test_a_raw_update_of_a_shown_field_changes_the_card(
    client, page_cache_off, news, field, value, old, new
):
    article = ArticleFactory(
        title="Harbour lights",
        category=news,
        tags=["ports"],
        with_image=True,
        image_alt="The old quay",
    )
    Article.objects.filter(pk=article.pk).update(reading_time=1)
    article.refresh_from_db()
    old = old.format(today=timezone.localdate(article.published_at).isoformat())
    home = card_markup(client.get("/").text)  # the hero: the only article, its lead
    assert old in home
    assert new not in home
    Article.objects.filter(pk=article.pk).update(**{field: value})
    assert Article.objects.get(pk=article.pk).updated_at == article.updated_at
    home = card_markup(client.get("/").text)
    assert new in home
    assert old not in home
    if field != "lead":  # the lead shows on the hero only
        for path in listings(article)[1:]:
            listed = card_markup(client.get(path).text)
            assert new in listed and old not in listed, path


# 3. A renamed section.


def test_renamed_section_shows_on_its_cards_and_leaves_other_cards_alone(
    client, editor_client, news
):
    sport = CategoryFactory(name="Sport", slug="sport")
    ours = ArticleFactory(title="Quay reopens", category=news, tags=["ports"])
    theirs = ArticleFactory(title="Rowing club wins", category=sport, tags=["ports"])
    for path in ["/", "/category/news/", "/tag/ports/"]:
        client.get(path)
    their_key, their_card = card_key(theirs), stored(theirs)
    # Only the styles those pages show: rendering it again would add the others.
    assert their_card is not None and not set(ARCHIVE_STYLES) <= their_card.keys()
    response = editor_client.post(
        reverse("admin:articles_category_change", args=[news.pk]),
        {
            "name": "Harbour News",
            "slug": "news",
            "parent": "",
            "position": "0",
            "description": "",
            "show_in_menu": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    # The worker rendered the renamed section's cards before any reader.
    renamed = stored(ours)
    assert renamed is not None and set(ARCHIVE_STYLES) <= renamed.keys()
    assert "Harbour News" in renamed["card"]
    for path in ["/", "/category/news/", "/tag/ports/"]:
        html = client.get(path).text
        assert '<a class="label" href="/category/news/">Harbour News</a>' in html, path
        assert '<a class="label" href="/category/news/">News</a>' not in html, path
    for path in ["/", "/tag/ports/"]:
        html = client.get(path).text
        assert '<a class="label" href="/category/sport/">Sport</a>' in html, path
    theirs = Article.objects.cards().get(pk=theirs.pk)
    assert card_key(theirs) == their_key
    assert fragments.store().get(their_key) == their_card  # as the worker left it


# 4. The write path fills the cards.


def test_published_article_has_every_card_style_before_any_page_is_read(news, editor):
    draft = ArticleFactory(title="Night ferry returns", category=news, draft=True)
    assert stored(draft) is None
    with committed():
        change_state(article=draft, by=editor, action=Action.PUBLISH_NOW)
    kept = stored(draft)
    assert kept is not None and kept.keys() == STYLES.keys()
    assert all("Night ferry returns" in html for html in kept.values())


def test_a_bulk_change_fills_its_articles_cards_through_the_worker(
    client, news, editor
):
    drafts = ArticleFactory.create_batch(3, category=news, draft=True)
    published = ArticleFactory(category=news)
    with bulk_changes():
        with committed():  # one batch of an import, committed
            for article in drafts:
                change_state(article=article, by=editor, action=Action.PUBLISH_NOW)
            published.title = "Quay reopens after the storm"
            publishing.save_article(article=published, by=editor)
        # Gathered, not rendered one by one while the import runs.
        assert all(stored(article) is None for article in [*drafts, published])
    for article in [*drafts, published]:
        kept = stored(article)
        assert kept is not None and set(ARCHIVE_STYLES) <= kept.keys()
    assert "Quay reopens after the storm" in stored(published)["card"]
    assert "Quay reopens after the storm" in client.get("/category/news/").text


# 5. A deploy that changes the templates or MEDIA_URL changes every key.


def test_a_new_media_url_changes_every_key_and_the_cards_pictures(
    client, settings, page_cache_off, news
):
    article = ArticleFactory(category=news, with_image=True)
    other = ArticleFactory(category=news)
    before = {a.pk: card_key(a) for a in (article, other)}
    assert f'src="/media/{article.image.name}"' in client.get("/category/news/").text
    settings.MEDIA_URL = "https://media.example.org/"
    after = {a.pk: card_key(a) for a in (article, other)}
    assert all(after[pk] != before[pk] for pk in before)
    html = client.get("/category/news/").text
    assert f'src="https://media.example.org/{article.image.name}"' in html
    assert 'src="/media/' not in html


@pytest.fixture
def new_card_template(settings, tmp_path):
    """A release whose card template differs: a template folder searched first."""
    folder = tmp_path / "templates"
    (folder / "includes").mkdir(parents=True)
    card = _template_source(cards.TEMPLATE).replace(
        '<h3 class="card__title">', '<h3 class="card__title card__title--new">'
    )
    (folder / "includes" / "_card.html").write_text(card)

    def deploy():
        engine = settings.TEMPLATES[0]
        settings.TEMPLATES = [
            {**engine, "DIRS": [folder, *engine["DIRS"]]},
            *settings.TEMPLATES[1:],
        ]
        fragments._sources.cache_clear()  # a deploy restarts the processes

    yield deploy
    fragments._sources.cache_clear()


def test_a_changed_card_template_changes_every_key(
    client, page_cache_off, news, new_card_template
):
    article = ArticleFactory(category=news)
    before = card_key(article)
    assert "card__title--new" not in client.get("/category/news/").text
    new_card_template()
    assert card_key(article) != before
    assert "card__title--new" in client.get("/category/news/").text


# 6. New renditions change the card.


def test_new_renditions_change_the_card_and_only_its_articles_pages(
    client, settings, news
):
    settings.PAGE_CACHE_SECONDS = 300
    article = ArticleFactory(
        title="Harbour lights",
        category=news,
        with_image=True,
        published_at=timezone.now() - timedelta(days=30),
    )
    # Newer articles of another section, enough that the pages of the newest
    # show the old one's card neither as related nor among the new articles.
    sport = CategoryFactory(name="Sport", slug="sport")
    *_, other = ArticleFactory.create_batch(9, category=sport)
    listing = client.get("/category/news/").text
    assert f'src="/media/{article.image.name}"' in listing
    assert ".webp" not in listing
    for page in (article, other):
        client.get(page.get_absolute_url())
        assert client.get(page.get_absolute_url())["X-Page-Cache"] == "hit"

    result = make_featured_image_renditions.enqueue(
        article_id=article.pk, name=article.image.name
    )
    assert len(result.return_value) == 8  # 400, 800, 1200, 1600 in WebP and JPEG

    stem = article.image.name.rsplit(".", 1)[0]
    kept = stored(article)
    assert kept is not None and f"{stem}.w400.webp 400w" in kept["card"]
    listing = client.get("/category/news/").text
    assert re.search(
        rf'<source type="image/webp" srcset="[^"]*{re.escape(stem)}\.w400\.webp 400w',
        listing,
    )
    assert client.get(article.get_absolute_url())["X-Page-Cache"] != "hit"
    assert f"{stem}.w800.webp" in client.get(article.get_absolute_url()).text
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


# 7. manage.py fill_fragments.


def fill_fragments() -> str:
    out = StringIO()
    call_command("fill_fragments", stdout=out)
    return out.getvalue()


def test_fill_fragments_fills_the_archive_once_and_never_drafts(news):
    archive = ArticleFactory.create_batch(3, category=news)
    draft = ArticleFactory(category=news, draft=True)
    scheduled = ArticleFactory(category=news, scheduled=True)
    already = ArticleFactory(category=news)
    cards.fill([Article.objects.cards().get(pk=already.pk)], styles=ARCHIVE_STYLES)

    assert "Rendered the cards of 3 articles" in fill_fragments()
    for article in archive:
        kept = stored(article)
        assert kept is not None and kept.keys() == set(ARCHIVE_STYLES)
    assert stored(draft) is None
    assert stored(scheduled) is None
    assert "Rendered the cards of 0 articles" in fill_fragments()


def test_fill_fragments_enqueue_leaves_the_archive_to_the_worker(news):
    archive = ArticleFactory.create_batch(2, category=news)
    draft = ArticleFactory(category=news, draft=True)
    out = StringIO()
    call_command("fill_fragments", "--enqueue", stdout=out)
    assert "The worker will render" in out.getvalue()
    for article in archive:  # tests run a task as soon as it is enqueued
        kept = stored(article)
        assert kept is not None and kept.keys() == set(ARCHIVE_STYLES)
    assert stored(draft) is None


# 8. The read path.


def test_a_missing_card_is_rendered_by_the_page_and_kept(client, news):
    article = ArticleFactory(title="Quay reopens", category=news)
    assert stored(article) is None
    assert "Quay reopens" in client.get("/category/news/").text
    kept = stored(article)
    assert kept is not None and "Quay reopens" in kept["card-eager"]


def test_an_unpublished_article_never_shows_on_listings(client, news, editor):
    shown = ArticleFactory(title="Rowing club wins", category=news, tags=["ports"])
    ArticleFactory(title="Secret draft", category=news, tags=["ports"], draft=True)
    ArticleFactory(
        title="Tomorrow's ferry", category=news, tags=["ports"], scheduled=True
    )
    gone = ArticleFactory(title="Night ferry returns", category=news, tags=["ports"])
    with committed():  # its cards filled by the write path
        publishing.save_article(article=gone, by=editor)
    assert stored(gone) is not None
    with committed():
        change_state(article=gone, by=editor, action=Action.UNPUBLISH)
    for path in listings(shown):
        html = client.get(path).text
        assert "Rowing club wins" in html, path
        for title in ("Secret draft", "Tomorrow&#x27;s ferry", "Night ferry returns"):
            assert title not in html, path


def test_what_readers_render_keeps_the_styles_fill_fragments_stored(client, news):
    """A page that lacks a style in its memory asks the shared cache before it
    renders one, so it never writes back a card with fewer styles."""
    article, other = ArticleFactory.create_batch(2, category=news)
    client.get("/category/news/")  # this process now remembers its card-eager
    assert "Rendered the cards of 2 articles" in fill_fragments()
    client.get(other.get_absolute_url())  # shows `article` among related articles
    assert fragments.store().get(card_key(article)).keys() >= set(ARCHIVE_STYLES)
    assert "Rendered the cards of 0 articles" in fill_fragments()
