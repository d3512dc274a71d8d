"""The article body's rich-text editor in the admin: shipped assets, strict CSP, clean HTML."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    client.force_login(editor)
    return client


def test_the_change_page_loads_the_editor_from_our_own_static_files(editor_client):
    article = ArticleFactory()
    response = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-django-prose-editor-digest=" in html
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert any("/static/articles/body-editor" in src for src in scripts)
    # Every script comes from this site: no CDN.
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts)

    # The import map is the one inline script: it carries this response's nonce.
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', html).group(1)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert f"'nonce-{nonce}'" in script_src
    assert "unsafe-inline" not in policy


def test_the_revert_page_gives_the_import_map_its_nonce_too(editor_client):
    # simple_history renders it without render_change_form; the form's media
    # carries the nonce, else the browser refuses the import map and the editor.
    article = ArticleFactory()
    version = article.history.earliest()
    response = editor_client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, version.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-django-prose-editor-digest=" in html
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "/static/articles/body-editor-menubar.css" in html


def test_pages_without_the_editor_carry_no_nonce(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert "nonce-" not in response["Content-Security-Policy"]


def test_hostile_html_in_the_body_is_cleaned_on_save(editor_client):
    article = ArticleFactory(title="Quay works", body="<p>Old text.</p>")
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": '<p onclick="alert(1)">New <strong>text</strong>.</p>'
            "<script>alert(2)</script>",
            "category": article.category_id,
            "tags": "",
            "status": article.status,
            "published_at_0": article.published_at.strftime("%Y-%m-%d"),
            "published_at_1": article.published_at.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == (
        "<p>New <strong>text</strong>.</p>"
    )
