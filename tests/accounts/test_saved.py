import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import SavedArticle
from tests.accounts.conftest import PASSWORD
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def toggle_url(article):
    return f"/accounts/saved/{article.pk}/toggle/"


def test_fetch_toggle_saves_then_unsaves(reader_client, reader):
    article = ArticleFactory()

    first = reader_client.post(toggle_url(article), **JSON)
    assert first.json() == {"saved": True}
    assert SavedArticle.objects.filter(user=reader, article=article).exists()

    second = reader_client.post(toggle_url(article), **JSON)
    assert second.json() == {"saved": False}
    assert not SavedArticle.objects.filter(user=reader).exists()


def test_form_toggle_redirects_to_a_safe_next(reader_client):
    article = ArticleFactory()

    response = reader_client.post(toggle_url(article), {"next": "/category/x/"})

    assert response.url == "/category/x/"


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example", "/\\evil.example"]
)
def test_form_toggle_never_redirects_off_site(reader_client, target):
    article = ArticleFactory()

    response = reader_client.post(toggle_url(article), {"next": target})

    assert response.url == "/accounts/saved/"


def test_guests_cannot_save(client):
    article = ArticleFactory()

    assert client.post(toggle_url(article), **JSON).status_code == 401
    assert client.post(toggle_url(article)).url.startswith("/accounts/login/")
    assert not SavedArticle.objects.exists()


def test_toggle_is_post_only(reader_client):
    assert reader_client.get(toggle_url(ArticleFactory())).status_code == 405


def test_drafts_and_scheduled_articles_cannot_be_saved(reader_client):
    for article in [ArticleFactory(draft=True), ArticleFactory(scheduled=True)]:
        assert reader_client.post(toggle_url(article), **JSON).status_code == 404
    assert not SavedArticle.objects.exists()


def test_saved_page_lists_newest_first_and_paginates(reader_client, reader):
    articles = [ArticleFactory(title=f"Saved story {n:02d}") for n in range(25)]
    for article in articles:
        SavedArticle.objects.create(user=reader, article=article)

    first = reader_client.get("/accounts/saved/").content.decode()
    second = reader_client.get("/accounts/saved/?page=2").content.decode()

    assert "Saved story 24" in first and "Saved story 05" in first
    assert "Saved story 04" not in first
    assert "Saved story 04" in second and "Saved story 00" in second
    assert first.index("Saved story 24") < first.index("Saved story 23")
    assert reader_client.get("/accounts/saved/?page=abc").status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_saved_page_query_count_does_not_grow_with_items(reader_client, reader):
    SavedArticle.objects.create(user=reader, article=ArticleFactory())
    count_queries(reader_client, "/accounts/saved/")  # site settings row created
    one = count_queries(reader_client, "/accounts/saved/")
    for article in ArticleFactory.create_batch(19):
        SavedArticle.objects.create(user=reader, article=article)

    assert count_queries(reader_client, "/accounts/saved/") == one


def test_saved_page_needs_sign_in(client):
    assert (
        client.get("/accounts/saved/").url == "/accounts/login/?next=/accounts/saved/"
    )


def test_saved_ids_tell_the_script_who_saved_what_and_are_never_cached(
    client, reader_client, reader
):
    article = ArticleFactory()
    SavedArticle.objects.create(user=reader, article=article)

    mine = reader_client.get("/accounts/saved/ids/")
    guest = Client().get("/accounts/saved/ids/")

    assert mine.json() == {"authenticated": True, "ids": [article.pk], "following": []}
    assert guest.json() == {"authenticated": False, "ids": [], "following": []}
    assert "no-cache" in mine["Cache-Control"]
    assert "private" in mine["Cache-Control"]


def test_csrf_endpoint_gives_a_token_and_is_never_cached(client):
    response = client.get("/accounts/csrf/")

    assert len(response.json()["token"]) >= 32
    assert "no-cache" in response["Cache-Control"]


def test_merge_adds_only_published_articles(reader_client, reader):
    published = ArticleFactory.create_batch(3)
    draft = ArticleFactory(draft=True)
    SavedArticle.objects.create(user=reader, article=published[0])
    ids = [a.pk for a in published] + [draft.pk, 999999]

    response = reader_client.post(
        "/accounts/saved/merge/",
        json.dumps({"ids": ids}),
        content_type="application/json",
    )

    assert response.json() == {"added": 2}
    assert set(
        SavedArticle.objects.filter(user=reader).values_list("article_id", flat=True)
    ) == {a.pk for a in published}


def test_merge_takes_at_most_500_ids(reader_client, reader):
    articles = ArticleFactory.create_batch(3)
    ids = [999999] * 500 + [a.pk for a in articles]

    reader_client.post(
        "/accounts/saved/merge/",
        json.dumps({"ids": ids}),
        content_type="application/json",
    )

    assert not SavedArticle.objects.filter(user=reader).exists()


def test_merge_refuses_guests_and_garbage(reader_client):
    assert (
        Client()
        .post("/accounts/saved/merge/", "{}", content_type="application/json")
        .status_code
        == 401
    )
    assert (
        reader_client.post(
            "/accounts/saved/merge/", "not json", content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        reader_client.post(
            "/accounts/saved/merge/",
            json.dumps({"ids": ["x"]}),
            content_type="application/json",
        ).status_code
        == 400
    )


def test_save_button_carries_no_per_reader_state(rf, reader):
    article = ArticleFactory()
    SavedArticle.objects.create(user=reader, article=article)
    request = rf.get("/")
    request.user = reader

    html = render_to_string(
        "includes/_save_button.html", {"article": article}, request=request
    )

    assert f'data-article-id="{article.pk}"' in html
    assert "csrfmiddlewaretoken" not in html
    # A link to sign in until accounts.js makes it a toggle (role, aria-pressed).
    assert "aria-pressed" not in html
    assert f'href="/accounts/login/?save={article.pk}"' in html


def test_without_javascript_save_signs_in_saves_and_returns_to_the_article(reader):
    article = ArticleFactory(title="Harbour tolls")
    browser = Client()
    save_link = f"/accounts/login/?save={article.pk}"

    form = browser.get(save_link).content.decode()
    assert f'name="save" value="{article.pk}"' in form
    response = browser.post(
        save_link,
        {"username": "reader", "password": PASSWORD, "save": article.pk},
    )

    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert SavedArticle.objects.filter(user=reader, article=article).exists()
    # Saving again (the link followed twice) keeps it saved.
    Client().post(
        save_link, {"username": "reader", "password": PASSWORD, "save": article.pk}
    )
    assert SavedArticle.objects.filter(user=reader, article=article).count() == 1


def test_save_on_sign_in_ignores_what_is_not_a_published_article(reader):
    draft = ArticleFactory(draft=True)
    browser = Client()

    response = browser.post(
        "/accounts/login/",
        {"username": "reader", "password": PASSWORD, "save": draft.pk},
    )

    assert response.url == "/"
    assert not SavedArticle.objects.filter(user=reader).exists()
    for odd in ("x", "²", "-1", "9" * 40):  # the sign-in page, no 500
        assert browser.get("/accounts/login/", {"save": odd}).status_code == 200


def test_article_page_has_a_save_button_without_a_csrf_token(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'data-article-id="{article.pk}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "digest/js/accounts.js" in html
