"""Tag pages for any name a newsroom writes: ASCII slugs, never a broken article page."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from lxml import etree, html
from taggit.models import Tag

from articles.models import Article, ArticleTag
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}

NAMES = [
    ("Qarabağ", "/tag/qarabag/"),
    ("Bakı", "/tag/baki/"),
    ("Şəki", "/tag/seki/"),
    ("Москва", "/tag/moskva/"),
    ("القاهرة", None),  # transliterated; any ASCII slug will do
    ("東京", None),
    ("Ağdam—Füzuli: 2026!", "/tag/agdam-fuzuli-2026/"),
    (">", None),  # nothing left after slugifying
    ("…", None),
    ("北" * 100, None),  # transliterates to 300 characters
]


def tag_link(page: bytes, name: str) -> str:
    """The href of the article page's tag chip for `name`."""
    doc = html.fromstring(page)
    hrefs = [
        a.get("href") for a in doc.xpath('//a[@class="chip"]') if a.text == f"#{name}"
    ]
    assert len(hrefs) == 1, f"no tag link for {name!r}"
    return hrefs[0]


def sitemap_tag_locs(client) -> list[str]:
    response = client.get("/sitemap-tags.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    return [loc.text for loc in document.iterfind(".//sm:loc", SITEMAP_NS)]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_any_tag_name_gets_a_working_page_link_and_sitemap_entry(
    client, name, expected
):
    ArticleFactory(slug="ferry", title="Ferry to the islands resumes", tags=[name])

    page = client.get("/articles/ferry/")
    assert page.status_code == 200
    href = tag_link(page.content, name)
    if expected:
        assert href == expected
    slug = href.removeprefix("/tag/").removesuffix("/")
    assert slug.isascii() and 0 < len(slug) <= 100

    listing = client.get(href)
    assert listing.status_code == 200
    assert "Ferry to the islands resumes" in listing.content.decode()
    heading = html.fromstring(listing.content).xpath("//h1")[0].text_content()
    assert heading == name

    assert f"http://testserver{href}" in sitemap_tag_locs(client)


def test_names_with_the_same_slug_get_distinct_pages(client):
    ArticleFactory(slug="one", title="First story", tags=["Qarabağ", ">"])
    ArticleFactory(slug="two", title="Second story", tags=["Qarabag", "…"])
    first = client.get("/articles/one/").content
    second = client.get("/articles/two/").content
    hrefs = {
        tag_link(first, "Qarabağ"),
        tag_link(first, ">"),
        tag_link(second, "Qarabag"),
        tag_link(second, "…"),
    }
    assert len(hrefs) == 4
    assert tag_link(first, "Qarabağ") == "/tag/qarabag/"
    assert tag_link(second, "Qarabag") == "/tag/qarabag-2/"
    assert "Second story" in client.get("/tag/qarabag-2/").content.decode()
    assert "Second story" not in client.get("/tag/qarabag/").content.decode()


def test_database_refuses_a_tag_slug_the_route_cannot_take():
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="Gəncə", slug="gəncə")
    Tag.objects.create(name="Gence", slug="gence")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.update(slug="")
    assert list(Tag.objects.values_list("slug", flat=True)) == ["gence"]


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="the-editor", is_staff=True)
    editor.groups.add(role_group("Editor"))
    client.force_login(editor)
    return client


def test_editor_adding_a_tag_without_slug_gets_the_ascii_one(editor_client):
    response = editor_client.post(
        reverse("admin:taggit_tag_add"), {"name": "Lənkəran", "slug": ""}
    )
    assert response.status_code == 302
    assert Tag.objects.get(name="Lənkəran").slug == "lenkeran"


def test_editor_typing_a_unicode_slug_gets_a_form_error(editor_client):
    response = editor_client.post(
        reverse("admin:taggit_tag_add"), {"name": "Lənkəran", "slug": "lənkəran"}
    )
    assert response.status_code == 200
    assert "Enter a valid “slug”" in response.content.decode()
    assert not Tag.objects.exists()


def test_taggit_merge_action_that_ignores_articles_is_not_offered(editor_client):
    ArticleFactory(tags=["Harbour"])
    changelist = editor_client.get(reverse("admin:taggit_tag_changelist"))
    assert "render_tag_form" not in changelist.content.decode()
    merge = editor_client.post(
        reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Liman"}
    )
    assert merge.status_code == 404
    assert not Tag.objects.filter(name="Liman").exists()


def test_tags_made_through_an_article_are_article_tags():
    article = ArticleFactory(tags=["Naxçıvan"])
    tag = article.tags.get()
    assert isinstance(tag, ArticleTag)
    assert tag.slug == "naxcivan"


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_tags_routable_unique_slugs(client):
    executor = MigrationExecutor(connection)
    before = [("articles", "0006_body_images")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("taggit", "Tag")
    # What taggit made before: Unicode slugs, and an empty one.
    old.objects.create(name="Qarabağ", slug="qarabağ")
    old.objects.create(name="Qarabag", slug="qarabag")  # already has the plain slug
    old.objects.create(name=">", slug="")
    old.objects.create(name="Harbour", slug="harbour_1")  # taggit's suffix: kept

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs["Qarabag"] == "qarabag"
    assert slugs["Qarabağ"] == "qarabag-2"
    assert slugs[">"].startswith("tag-") and slugs[">"].isascii()
    assert slugs["Harbour"] == "harbour_1"
    article = ArticleFactory(slug="ferry")
    article.tags.add(*ArticleTag.objects.all())
    page = client.get("/articles/ferry/")
    assert page.status_code == 200
    for name, slug in slugs.items():
        assert tag_link(page.content, name) == f"/tag/{slug}/"
        assert client.get(f"/tag/{slug}/").status_code == 200


@pytest.mark.parametrize("tags", ["x" * 101, "ok, " + "Qarabağ " * 20])
def test_a_tag_name_too_long_is_a_form_error_on_the_article(editor_client, tags):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Ferry resumes",
            "slug": "ferry-resumes",
            "lead": "",
            "body": "<p>Boats again.</p>",
            "category": CategoryFactory().pk,
            "tags": tags,
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "at most 100 characters" in " ".join(errors["tags"])
    assert not Article.objects.exists()
    assert not Tag.objects.exists()
