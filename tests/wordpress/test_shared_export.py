"""The real export in ../shared/wordpress-export, imported end to end (images included)."""

import html
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from lxml import etree

from accounts.models import User
from articles.models import Article, Category
from digest.models import Page, Redirect
from tests.wordpress.conftest import SHARED_EXPORT, run_import
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def expected_posts(path: Path) -> tuple[list[dict], dict[str, dict]]:
    """What the export says, read with lxml (not the importer's parser)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
    attachments = {}
    posts = []
    for item in tree.iterfind(".//item"):
        kind = item.findtext("wp:post_type", namespaces=NS)
        meta = {
            m.findtext("wp:meta_key", namespaces=NS): m.findtext(
                "wp:meta_value", namespaces=NS
            )
            for m in item.iterfind("wp:postmeta", namespaces=NS)
        }
        post_id = item.findtext("wp:post_id", namespaces=NS)
        if kind == "attachment":
            attachments[post_id] = {
                "alt": meta.get("_wp_attachment_image_alt", ""),
                "caption": item.findtext("excerpt:encoded", namespaces=NS),
                "url": item.findtext("wp:attachment_url", namespaces=NS),
                "link": item.findtext("link"),
            }
        elif kind == "post":
            posts.append(
                {
                    "id": int(post_id),
                    "title": html.unescape(item.findtext("title")),
                    "link": item.findtext("link"),
                    "guid": item.findtext("guid"),
                    "slug": item.findtext("wp:post_name", namespaces=NS),
                    "date": datetime.strptime(
                        item.findtext("wp:post_date_gmt", namespaces=NS),
                        "%Y-%m-%d %H:%M:%S",
                    ).replace(tzinfo=UTC),
                    "lead": item.findtext("excerpt:encoded", namespaces=NS),
                    "category": [
                        c.get("nicename")
                        for c in item.iterfind("category")
                        if c.get("domain") == "category"
                    ][0],
                    "tags": sorted(
                        c.text
                        for c in item.iterfind("category")
                        if c.get("domain") == "post_tag"
                    ),
                    "thumbnail": meta["_thumbnail_id"],
                }
            )
    return posts, attachments


def snapshot() -> dict:
    media = Path(settings.MEDIA_ROOT)
    return {
        "articles": list(
            Article.objects.order_by("pk").values(
                "pk",
                "title",
                "slug",
                "lead",
                "body",
                "status",
                "published_at",
                "updated_at",
                "image",
                "image_alt",
                "view_count",
                "category_id",
            )
        ),
        "tags": sorted(
            Article.tags.through.objects.values_list("content_object_id", "tag__name")
        ),
        "categories": list(Category.objects.order_by("pk").values()),
        "pages": list(Page.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "username", "password")),
        "redirects": list(Redirect.objects.order_by("pk").values()),
        "files": sorted(str(p) for p in media.rglob("*") if p.is_file()),
    }


def test_the_shared_export_imports_every_post_with_its_links_and_a_second_run_changes_nothing(
    client, shared_export, operator
):
    posts, attachments = expected_posts(shared_export)
    assert len(posts) == 200

    output = run_import(shared_export, SHARED_EXPORT / "uploads")

    assert (
        "Imported: 1 author, 16 categories, 200 images, 1 page, 200 posts, 40 tags"
        in output
    )
    assert "Images missing (imported without them): 0" in output
    assert Article.objects.count() == 200
    assert not mail.outbox
    for post in posts:
        article = Article.objects.get(
            pk=ImportedItem.objects.get(kind="post", wp_id=post["id"]).object_id
        )
        assert article.title == post["title"]
        assert article.slug == post["slug"]
        assert article.published_at == post["date"]
        assert article.is_public
        assert article.lead == post["lead"]
        assert article.category.slug == post["category"]
        assert sorted(article.tags.names()) == post["tags"]
        attachment = attachments[post["thumbnail"]]
        assert article.image and Path(article.image.path).is_file()
        assert article.image_alt == attachment["alt"] != ""
        assert article.image_caption == attachment["caption"]
        assert "<!-- wp:" not in article.body and article.body.startswith("<p>")
        assert article.author.username == "editor"

        old = urlsplit(post["link"]).path
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == article.get_absolute_url()
        assert client.get(f"/?p={post['id']}")["Location"] == article.get_absolute_url()
        assert client.get(urlsplit(post["guid"]).path)["Location"] == (
            article.get_absolute_url()
        )
        # The attachment page leads to the article it illustrates.
        attachment_page = client.get(urlsplit(attachment["link"]).path)
        assert attachment_page["Location"] == article.get_absolute_url()

    page = client.get(
        posts[0]["link"].replace("http://127.0.0.1:8081", ""), follow=True
    )
    assert page.status_code == 200
    assert posts[0]["title"] in html.unescape(page.content.decode())

    # Nested category archive, its feed, an original upload.
    economy = client.get("/category/news/economy/")
    assert (economy.status_code, economy["Location"]) == (301, "/category/economy/")
    feed = client.get("/category/news/economy/feed/", follow=True)
    assert feed.status_code == 200 and b"<rss" in feed.content
    upload_url = urlsplit(next(iter(attachments.values()))["url"]).path
    upload = client.get(upload_url)
    assert upload.status_code == 301
    stored = Path(settings.MEDIA_ROOT) / upload["Location"].removeprefix(
        settings.MEDIA_URL
    )
    assert stored.is_file()

    author = User.objects.get(username="editor")
    assert author.is_staff and not author.has_usable_password()
    assert list(author.groups.values_list("name", flat=True)) == ["Author"]
    news = Category.objects.get(slug="news")
    assert set(news.children.values_list("slug", flat=True)) == {
        "economy",
        "energy",
        "climate-ecology",
    }
    privacy = Page.objects.get(slug="privacy-policy")
    assert not privacy.is_published  # a draft in WordPress
    assert "<!-- wp:" not in privacy.body

    before = snapshot()
    again = run_import(shared_export, SHARED_EXPORT / "uploads")
    assert "Imported: nothing" in again
    assert "Updated: nothing" in again
    assert "Redirects made: 0" in again
    assert snapshot() == before
