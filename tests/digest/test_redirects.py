"""The one redirect table (digest.Redirect) answered by RedirectMiddleware."""

import pytest
from django.db import IntegrityError, transaction

from digest.models import Page, Redirect
from digest.redirects import redirect_to_object
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_an_old_path_leads_to_the_object_wherever_it_moves_later(client):
    article = ArticleFactory(slug="first-name")
    redirect_to_object(old_path="/2019/05/old-post/", obj=article, source="wordpress")
    article.slug = "second-name"
    article.save()
    response = client.get("/2019/05/old-post/")
    assert (response.status_code, response["Location"]) == (
        301,
        "/articles/second-name/",
    )
    # With or without the trailing slash, as WordPress answered both.
    assert client.get("/2019/05/old-post")["Location"] == "/articles/second-name/"


def test_a_query_string_link_is_answered_before_the_home_page(client):
    article = ArticleFactory(slug="short-link")
    redirect_to_object(old_path="/?p=42", obj=article, source="wordpress")
    response = client.get("/?p=42")
    assert (response.status_code, response["Location"]) == (
        301,
        "/articles/short-link/",
    )
    assert client.get("/?p=43").status_code == 200  # the home page
    assert client.get("/?p=42&x=1").status_code == 200


def test_no_redirect_to_what_readers_may_not_see(client):
    draft = ArticleFactory(slug="not-yet", draft=True)
    redirect_to_object(old_path="/old-draft/", obj=draft, source="wordpress")
    page = Page.objects.create(title="Hidden", slug="hidden", is_published=False)
    redirect_to_object(old_path="/old-hidden/", obj=page, source="wordpress")
    assert client.get("/old-draft/").status_code == 404
    assert client.get("/old-hidden/").status_code == 404
    draft.delete()
    assert client.get("/old-draft/").status_code == 404


def test_a_live_page_is_never_shadowed_by_a_redirect(client):
    article = ArticleFactory(slug="here")
    Redirect.objects.create(old_path="/articles/here/", new_path="/elsewhere/")
    assert client.get("/articles/here/").status_code == 200
    assert article.is_public


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_targets_are_local_paths_only(target):
    with pytest.raises(IntegrityError), transaction.atomic():
        Redirect.objects.create(old_path="/x/", new_path=target)


def test_a_path_target_and_hostile_paths(client):
    Redirect.objects.create(
        old_path="/wp-content/uploads/a.jpg", new_path="/media/a.jpg"
    )
    response = client.get("/wp-content/uploads/a.jpg")
    assert (response.status_code, response["Location"]) == (301, "/media/a.jpg")
    assert client.get("/" + "x" * 5000 + "/").status_code == 404
    assert client.get("/%00/").status_code in (400, 404)
    assert client.post("/wp-content/uploads/a.jpg").status_code in (404, 405)
