"""Staff preview of unpublished articles at their public URL (issue 13 point 2).

Staff see an unpublished article exactly where the admin lets them edit it: authors
their own drafts and articles in review, editors every one, site operators who are
not editors none. The preview is never cached and never counted as a view.
"""

import pytest
from django.urls import reverse

from accounts.models import ReadingHistory
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "author", "editor", "operator"]
OWNERS = ["own", "other"]
STATUSES = ["draft", "in_review", "scheduled"]
GROUPS = {"author": "Author", "editor": "Editor", "operator": "Site operator"}


def may_preview(role: str, owner: str, status: str) -> bool:
    if role == "editor":
        return True
    return role == "author" and owner == "own" and status != "scheduled"


def make_user(role: str):
    if role == "anonymous":
        return None
    user = UserFactory(is_staff=role != "reader")
    if role in GROUPS:
        user.groups.add(role_group(GROUPS[role]))
    return user


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_preview_matrix(client, role, owner, status):
    user = make_user(role)
    author = user if owner == "own" and user else UserFactory(is_staff=True)
    article = ArticleFactory(
        author=author, title="Embargoed harbour deal", **{status: True}
    )
    if user:
        client.force_login(user)
    response = client.get(article.get_absolute_url())
    if may_preview(role, owner, status):
        assert response.status_code == 200
        assert "Embargoed harbour deal" in response.text
        assert 'class="preview-banner"' in response.text
    else:
        assert response.status_code == 404
        assert "Embargoed harbour deal" not in response.text


@pytest.mark.parametrize("role", ["author", "editor"])
def test_preview_matches_what_the_admin_lets_them_edit(client, role):
    """The same user, the same articles: preview where the change page can save."""
    user = make_user(role)
    client.force_login(user)
    articles = [
        ArticleFactory(author=owner, **{status: True})
        for owner in (user, UserFactory(is_staff=True))
        for status in STATUSES
    ]
    for article in articles:
        preview = client.get(article.get_absolute_url()).status_code
        change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
        # Every editable form has Update or Save draft; a read-only one neither.
        editable = change.status_code == 200 and any(
            f'name="{button}"' in change.text for button in ("_continue", "_save_draft")
        )
        assert (preview == 200) == editable, article.status


@pytest.mark.parametrize("status", STATUSES)
def test_preview_is_never_cached_nor_counted(client, status):
    editor = make_user("editor")
    article = ArticleFactory(**{status: True}, title="Not yet")
    client.force_login(editor)
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
        assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control
        assert "data-view-beacon" not in response.text  # the page asks for no count
        assert '<meta name="robots" content="noindex">' in response.text
    assert Article.objects.get(pk=article.pk).view_count == 0
    assert not ReadingHistory.objects.filter(article=article).exists()


def test_a_published_article_is_counted_for_the_same_editor(client):
    """The contrast: the beacon and the history are there once it is public."""
    editor = make_user("editor")
    article = ArticleFactory(title="Out now")
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert "data-view-beacon" in response.text
    assert ReadingHistory.objects.filter(article=article, user=editor).exists()
