"""An article's own part of its page, kept as a fragment (articles/body.py): an edit,
a renamed section, tag or author each show at once, the view count is never as old
as the fragment, and the write path fills it before readers ask."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from articles import body, publishing
from articles.models import Article
from digest.cache import fragments
from digest.cache.chrome import get_chrome
from tests.articles.test_cards import committed
from tests.articles.test_publishing import staff
from tests.client import Client
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

# Printed by the fragment without being a field of their own, or keyed apart
# (the picture, the section, the author: see articles.body._shown).
DERIVED = {"pk", "get_absolute_url", "byline_text", "image", "category", "author"}
NOT_KEPT = {"view_count"}  # filled in per page (VIEWS_SLOT)


def loaded(article: Article) -> Article:
    return (
        Article.objects.select_related("category", "category__parent", "author")
        .defer("search_vector")
        .get(pk=article.pk)
    )


def stored_parts(article: Article) -> body.Parts | None:
    """The article's fragment as its page would find it now."""
    article = loaded(article)
    tags = sorted(article.tags.all(), key=lambda tag: tag.name)
    key = body.body_key(article, tags, get_chrome().settings)
    return fragments.store().get(key)


def stored(article: Article) -> str | None:
    """The body part of the article's fragment, as its page would find it now."""
    found = stored_parts(article)
    return found.body if found else None


@pytest.fixture
def page_cache_off(settings):
    """Every page rendered afresh: the article's part comes from its fragment."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def editor():
    return staff("Editor")


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def news():
    return CategoryFactory(name="News", slug="news")


def main_part(html: str) -> str:
    return html.split('<article class="article">')[1].split('id="related-title"')[0]


@pytest.mark.parametrize("template", [body.TEMPLATE, body.HEAD_TEMPLATE])
def test_every_field_the_fragment_prints_is_part_of_its_key(template):
    source = (Path(django_settings.BASE_DIR) / "templates" / template).read_text()
    fields = set(re.findall(r"\barticle\.(\w+)", source))
    assert {"title", "lead"} <= fields  # parsed at all
    assert "view_count" not in fields, "the count moves: print the views slot"
    assert fields - DERIVED - NOT_KEPT <= set(body.SHOWN), (
        f"a field {template} prints is missing from articles.body.SHOWN"
    )


def test_the_jsonld_reads_only_fields_of_the_key():
    """The head's JSON-LD is built in seo_tags, not the template: read its source."""
    source = (
        Path(django_settings.BASE_DIR) / "articles" / "templatetags" / "seo_tags.py"
    ).read_text()
    code = source.split("def article_structured_data")[1].split("\n@register")[0]
    fields = set(re.findall(r"\barticle\.(\w+)", code))
    assert {"title", "seo_title", "published_at"} <= fields
    assert fields - DERIVED - NOT_KEPT <= set(body.SHOWN)


def test_the_head_names_the_host_the_page_was_asked_for(page_cache_off, news, settings):
    settings.ALLOWED_HOSTS = ["news.example", "testserver"]
    article = ArticleFactory(title="Tide tables", slug="tide-tables", category=news)
    for host in ("news.example", "testserver"):
        html = Client(HTTP_HOST=host).get(article.get_absolute_url()).text
        head = html.split("</head>")[0]
        assert f'<link rel="canonical" href="http://{host}/articles/tide-tables/">' in (
            head
        )
        assert f'"@id": "http://{host}/articles/tide-tables/"' in head
        assert body.BASE_SLOT not in html
    kept = stored_parts(article)
    assert kept is not None and body.BASE_SLOT in kept.head  # one fragment for both


def test_published_article_has_its_fragment_before_any_page_is_read(news, editor):
    draft = ArticleFactory(title="Night ferry returns", category=news, draft=True)
    assert stored(draft) is None
    with committed():
        publishing.change_state(
            article=draft, by=editor, action=publishing.Action.PUBLISH_NOW
        )
    kept = stored(draft)
    assert kept is not None and "Night ferry returns" in kept
    assert body.VIEWS_SLOT in kept  # the count is filled in per page


def test_an_edit_shows_at_once_and_the_page_reads_the_new_fragment(
    client, page_cache_off, news, editor
):
    article = ArticleFactory(title="Quay reopens", category=news, tags=["ports"])
    assert "Quay reopens" in main_part(client.get(article.get_absolute_url()).text)
    article.title = "Quay reopens after repairs"
    article.body = "<p>The new stones were laid in a week.</p>"
    with committed():
        publishing.save_article(article=article, by=editor)
    html = main_part(client.get(article.get_absolute_url()).text)
    assert "Quay reopens after repairs" in html
    assert "The new stones were laid in a week." in html
    assert '<h1 class="article__title">Quay reopens</h1>' not in html


def test_a_raw_update_of_the_body_shows_on_the_page(client, page_cache_off, news):
    article = ArticleFactory(category=news, body="<p>First words.</p>")
    assert "First words." in client.get(article.get_absolute_url()).text
    Article.objects.filter(pk=article.pk).update(body="<p>Second words.</p>")
    html = client.get(article.get_absolute_url()).text
    assert "Second words." in html
    assert "First words." not in html


def test_the_view_count_is_current_though_the_fragment_is_kept(
    client, page_cache_off, news
):
    article = ArticleFactory(category=news)
    Article.objects.filter(pk=article.pk).update(view_count=999)
    assert "999 Views" in client.get(article.get_absolute_url()).text
    kept = stored(article)
    Article.objects.filter(pk=article.pk).update(view_count=1234)
    html = client.get(article.get_absolute_url()).text
    assert "1.2K Views" in html
    assert "999 Views" not in html
    assert stored(article) == kept  # the same fragment, the count filled in


def test_renamed_section_tag_and_author_show_on_the_article(
    client, page_cache_off, news, admin_client
):
    writer = UserFactory(username="rosa", display_name="Rosa Reyes", is_staff=True)
    world = CategoryFactory(name="World", slug="world")
    ports = CategoryFactory(name="Ports", slug="ports", parent=world)
    article = ArticleFactory(category=ports, author=writer, tags=["harbour"])
    url = article.get_absolute_url()
    html = main_part(client.get(url).text)
    assert ">World</a>" in html and ">Ports</a>" in html
    assert "#harbour" in html and "Rosa Reyes" in html

    world.name = "Abroad"
    world.save()
    ports.name = "Harbours"
    ports.save()
    tag = article.tags.get()
    tag.name = "harbour life"
    tag.save()
    writer.display_name = "Rosa R. Reyes"
    writer.save()

    html = main_part(client.get(url).text)
    assert ">Abroad</a>" in html and ">World</a>" not in html  # the breadcrumb
    assert ">Harbours</a>" in html and ">Ports</a>" not in html
    assert "#harbour life" in html
    assert "Rosa R. Reyes" in html


def test_renaming_a_tag_in_the_admin_renders_its_articles_fragments(news, admin_client):
    article = ArticleFactory(category=news, tags=["harbour"])
    other = ArticleFactory(category=news, tags=["weather"])
    tag = article.tags.get()
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    form = admin_client.get(url).text
    # The form as the browser sends it: taggit's inline's management fields too.
    data = dict(
        re.findall(r'<input type="hidden" name="([^"]+_FORMS)"[^>]*value="(\d+)"', form)
    )
    assert data, "the tag's change form has no inline management fields"
    data |= {"name": "Harbour life", "slug": "harbour-life"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    kept = stored(article)
    assert kept is not None and "#Harbour life" in kept  # before any reader
    assert stored(other) is None  # not shown there: left alone


def test_a_preview_is_rendered_and_never_kept(news, editor):
    draft = ArticleFactory(title="Embargoed story", category=news, draft=True)
    client = Client()
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Embargoed story" in response.text
    assert stored(draft) is None


def test_fill_fragments_renders_the_archive_pages_once_and_never_drafts(news):
    archive = ArticleFactory.create_batch(3, category=news)
    draft = ArticleFactory(category=news, draft=True)
    out = StringIO()
    call_command("fill_fragments", stdout=out)
    assert "the pages' own part of 3" in out.getvalue()
    assert all(stored(article) is not None for article in archive)
    assert stored(draft) is None
    out = StringIO()
    call_command("fill_fragments", stdout=out)
    assert "the pages' own part of 0" in out.getvalue()
