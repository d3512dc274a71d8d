"""Helpers for the WordPress import tests: the shared export, small WXR files built here."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User

REPO = Path(__file__).resolve().parents[2]


def _shared_export() -> Path:
    """`../shared/wordpress-export` from the repository (a worktree: one more up)."""
    if os.environ.get("WORDPRESS_EXPORT_DIR"):
        return Path(os.environ["WORDPRESS_EXPORT_DIR"])
    candidates = [
        p / "shared" / "wordpress-export" for p in (REPO.parent, REPO.parent.parent)
    ]
    return next((c for c in candidates if c.is_dir()), candidates[0])


SHARED_EXPORT = _shared_export()
SHARED_XML = SHARED_EXPORT / "digest-peer.WordPress.2026-12-01.xml"


@pytest.fixture
def shared_export() -> Path:
    if not SHARED_XML.is_file():
        pytest.skip(f"the shared WordPress export is not at {SHARED_EXPORT}")
    return SHARED_XML


@pytest.fixture
def operator() -> User:
    return User.objects.create_superuser(
        "operator", "operator@digest.example", "a-long-password-2026"
    )


def run_import(path, uploads=None, **options) -> str:
    """Run `manage.py import_wordpress` and return what it printed."""
    out = io.StringIO()
    args = [str(path)]
    if uploads is not None:
        args += ["--uploads", str(uploads)]
    call_command("import_wordpress", *args, no_progress=True, stdout=out, **options)
    return out.getvalue()


SITE = "https://old.example"


def _cdata(value: str) -> str:
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr_item(
    post_id: int,
    title: str = "",
    *,
    post_type: str = "post",
    status: str = "publish",
    slug: str | None = None,
    content: str = "",
    excerpt: str = "",
    date_gmt: str = "2024-05-06 07:08:09",
    date: str | None = None,
    creator: str = "editor",
    password: str = "",
    parent: int = 0,
    link: str | None = None,
    categories: tuple = (("news", "News"),),
    tags: tuple = (),
    meta: dict | None = None,
    attachment_url: str = "",
    comments: int = 0,
    menu_order: int = 0,
) -> str:
    """One <item> of a WXR 1.2 file."""
    slug = slug if slug is not None else f"post-{post_id}"
    link = link if link is not None else f"{SITE}/{slug}/"
    terms = "".join(
        f'<category domain="category" nicename="{s}">{_cdata(n)}</category>'
        for s, n in (categories if post_type == "post" else ())
    ) + "".join(
        f'<category domain="post_tag" nicename="{s}">{_cdata(n)}</category>'
        for s, n in tags
    )
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{_cdata(k)}</wp:meta_key>"
        f"<wp:meta_value>{_cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in (meta or {}).items()
    )
    comment_xml = "".join(
        f"<wp:comment><wp:comment_id>{n + 1}</wp:comment_id>"
        f"<wp:comment_author>{_cdata('A reader')}</wp:comment_author>"
        f"<wp:comment_content>{_cdata('Nice piece.')}</wp:comment_content>"
        "</wp:comment>"
        for n in range(comments)
    )
    return f"""
    <item>
      <title>{_cdata(title)}</title>
      <link>{link}</link>
      <dc:creator>{_cdata(creator)}</dc:creator>
      <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
      <content:encoded>{_cdata(content)}</content:encoded>
      <excerpt:encoded>{_cdata(excerpt)}</excerpt:encoded>
      <wp:post_id>{post_id}</wp:post_id>
      <wp:post_date>{_cdata(date or date_gmt)}</wp:post_date>
      <wp:post_date_gmt>{_cdata(date_gmt)}</wp:post_date_gmt>
      <wp:post_name>{_cdata(slug)}</wp:post_name>
      <wp:status>{_cdata(status)}</wp:status>
      <wp:post_parent>{parent}</wp:post_parent>
      <wp:menu_order>{menu_order}</wp:menu_order>
      <wp:post_type>{_cdata(post_type)}</wp:post_type>
      <wp:post_password>{_cdata(password)}</wp:post_password>
      {f"<wp:attachment_url>{_cdata(attachment_url)}</wp:attachment_url>" if attachment_url else ""}
      {terms}{metas}{comment_xml}
    </item>"""


def wxr_attachment(
    post_id: int, file: str, *, parent: int = 0, alt: str = "", caption: str = ""
) -> str:
    return wxr_item(
        post_id,
        f"Image {post_id}",
        post_type="attachment",
        status="inherit",
        slug=f"image-{post_id}",
        excerpt=caption,
        parent=parent,
        link=f"{SITE}/?attachment_id={post_id}",
        attachment_url=f"{SITE}/wp-content/uploads/{file}",
        meta={"_wp_attached_file": file, "_wp_attachment_image_alt": alt},
    )


DEFAULT_AUTHORS = (("editor", "editor@old.example", "Ed Itor"),)
DEFAULT_CATEGORIES = (("news", "News", ""),)


def wxr(
    *items: str,
    authors=DEFAULT_AUTHORS,
    categories=DEFAULT_CATEGORIES,
    tags=(),
) -> str:
    """A WXR 1.2 file as WordPress writes it, with `items`."""
    author_xml = "".join(
        f"<wp:author><wp:author_id>{n + 1}</wp:author_id>"
        f"<wp:author_login>{_cdata(login)}</wp:author_login>"
        f"<wp:author_email>{_cdata(email)}</wp:author_email>"
        f"<wp:author_display_name>{_cdata(name)}</wp:author_display_name>"
        "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
        "<wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>"
        for n, (login, email, name) in enumerate(authors)
    )
    category_xml = "".join(
        f"<wp:category><wp:term_id>{n + 100}</wp:term_id>"
        f"<wp:category_nicename>{_cdata(slug)}</wp:category_nicename>"
        f"<wp:category_parent>{_cdata(parent)}</wp:category_parent>"
        f"<wp:cat_name>{_cdata(name)}</wp:cat_name>"
        f"<wp:category_description>{_cdata('About ' + name)}</wp:category_description>"
        "</wp:category>"
        for n, (slug, name, parent) in enumerate(categories)
    )
    tag_xml = "".join(
        f"<wp:tag><wp:term_id>{n + 200}</wp:term_id>"
        f"<wp:tag_slug>{_cdata(slug)}</wp:tag_slug>"
        f"<wp:tag_name>{_cdata(name)}</wp:tag_name></wp:tag>"
        for n, (slug, name) in enumerate(tags)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old Site</title>
  <link>{SITE}</link>
  <description>A news site</description>
  <language>en-US</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  {author_xml}{category_xml}{tag_xml}
  {"".join(items)}
</channel>
</rss>
"""


def jpeg(path: Path, size=(900, 600), colour=(30, 90, 160)) -> Path:
    """A real JPEG at `path` (Pillow)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=85)
    return path


@pytest.fixture
def write_export(tmp_path):
    def write(text: str, name: str = "export.xml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
