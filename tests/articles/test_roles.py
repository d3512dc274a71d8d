"""The roles from the data migration, exercised through the real admin."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from articles.models import Article, Category
from digest.models import Page, SiteSettings
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "author", "editor", "operator"]
GROUPS = {"author": "Author", "editor": "Editor", "operator": "Site operator"}


def make_user(role: str) -> User | None:
    if role == "anonymous":
        return None
    user = UserFactory(username=f"the-{role}", is_staff=role != "reader")
    if role in GROUPS:
        user.groups.add(role_group(GROUPS[role]))
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


def article_form(article: Article | None = None, **overrides) -> dict:
    category = article.category if article else CategoryFactory()
    data = {
        "title": article.title if article else "Ferry timetable changes",
        "slug": article.slug if article else "ferry-timetable-changes",
        "lead": "New crossings from spring.",
        "body": "<p>The morning ferry leaves earlier from March.</p>",
        "category": category.pk,
        "tags": "ferries, transport",
        "byline": "",
        "source_name": "",
        "source_url": "",
        "image_alt": "",
        "image_caption": "",
        "seo_title": "",
        "seo_description": "",
        "status": article.status if article else "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(overrides)
    return data


def test_role_groups_exist_with_their_permissions():
    editor = role_group("Editor")
    codenames = set(editor.permissions.values_list("codename", flat=True))
    assert {
        "publish_article",
        "edit_any_article",
        "change_category",
        "change_tag",
        "change_page",
        "change_usefullink",
        "change_sitesettings",
        "view_historicalarticle",
        "view_auditentry",
    } <= codenames
    author = set(role_group("Author").permissions.values_list("codename", flat=True))
    assert author == {
        "add_article",
        "change_article",
        "view_article",
        "view_category",
        "add_tag",
        "view_tag",
    }
    operator = set(
        role_group("Site operator").permissions.values_list("codename", flat=True)
    )
    assert operator == {
        "add_user",
        "change_user",
        "view_user",
        "view_group",
        "view_accessattempt",
        "delete_accessattempt",
        "view_auditentry",
        "view_backgroundtask",
        "retry_backgroundtask",
        "view_worker",
        "view_periodicjob",
    }


# role -> expected status of GET /admin/articles/article/
LIST = {"anonymous": 302, "reader": 302, "author": 200, "editor": 200, "operator": 403}


@pytest.mark.parametrize("role", ROLES)
def test_open_article_list(role):
    response = client_for(make_user(role)).get(
        reverse("admin:articles_article_changelist")
    )
    assert response.status_code == LIST[role]


ADD = {
    "anonymous": False,
    "reader": False,
    "author": True,
    "editor": True,
    "operator": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_add_article(role):
    user = make_user(role)
    response = client_for(user).post(
        reverse("admin:articles_article_add"), article_form()
    )
    created = Article.objects.filter(slug="ferry-timetable-changes").first()
    assert (created is not None) == ADD[role], response.status_code
    if created:
        assert response.status_code == 302
        assert created.author == user
        assert created.status == Article.Status.DRAFT
        assert set(created.tags.names()) == {"ferries", "transport"}


CHANGE_OWN = {
    "anonymous": False,
    "reader": False,
    "author": True,
    "editor": True,
    "operator": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_change_own_draft(role):
    user = make_user(role)
    article = ArticleFactory(draft=True, author=user)
    client_for(user).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, title="Ferry timetable, revised"),
    )
    article.refresh_from_db()
    assert (article.title == "Ferry timetable, revised") == CHANGE_OWN[role]


CHANGE_OTHERS = {
    "anonymous": False,
    "reader": False,
    "author": False,
    "editor": True,
    "operator": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_change_another_authors_article(role):
    user = make_user(role)
    article = ArticleFactory(draft=True, author=UserFactory(is_staff=True))
    client_for(user).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, title="Rewritten by someone else"),
    )
    article.refresh_from_db()
    assert (article.title == "Rewritten by someone else") == CHANGE_OTHERS[role]


def test_author_cannot_change_own_published_article():
    user = make_user("author")
    article = ArticleFactory(author=user)
    response = client_for(user).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, title="Quietly edited after publication"),
    )
    article.refresh_from_db()
    assert response.status_code == 403
    assert article.title != "Quietly edited after publication"


PUBLISH = {
    "anonymous": False,
    "reader": False,
    "author": False,
    "editor": True,
    "operator": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_publish_via_admin_button(role):
    user = make_user(role)
    article = ArticleFactory(draft=True, author=user)
    client_for(user).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, _publish="Publish"),
    )
    article.refresh_from_db()
    assert (article.status == Article.Status.PUBLISHED) == PUBLISH[role]
    assert Article.objects.published().filter(pk=article.pk).exists() == PUBLISH[role]


def test_author_forging_published_status_is_refused():
    user = make_user("author")
    article = ArticleFactory(draft=True, author=user)
    response = client_for(user).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article, status="published"),
    )
    article.refresh_from_db()
    assert response.status_code == 200  # the form again, with an error
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_publish_bulk_action(role):
    user = make_user(role)
    article = ArticleFactory(draft=True, author=user)
    client_for(user).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert (article.status == Article.Status.PUBLISHED) == PUBLISH[role]


EDITOR_ONLY = {
    "anonymous": False,
    "reader": False,
    "author": False,
    "editor": True,
    "operator": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_change_category(role):
    category = CategoryFactory(name="Energy", slug="energy")
    client_for(make_user(role)).post(
        reverse("admin:articles_category_change", args=[category.pk]),
        {
            "name": "Energy and Power",
            "slug": "energy",
            "parent": "",
            "position": 3,
            "description": "",
            "show_in_menu": "on",
        },
    )
    category.refresh_from_db()
    assert (category.name == "Energy and Power") == EDITOR_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_change_site_settings(role):
    SiteSettings.load()
    client_for(make_user(role)).post(
        reverse("admin:digest_sitesettings_change", args=[1]),
        {
            "site_name": "Digest Weekly",
            "tagline": "Daily Digest",
            "about": "",
            "founded_year": "",
            "contact_email": "editor@digest.example",
            "cookie_bar_text": "Cookies.",
        },
    )
    assert (SiteSettings.load().site_name == "Digest Weekly") == EDITOR_ONLY[role]


CHANGE_USER = {
    "anonymous": False,
    "reader": False,
    "author": False,
    "editor": False,
    "operator": True,
}


@pytest.mark.parametrize("role", ROLES)
def test_change_a_user(role):
    target = UserFactory(username="someone", display_name="Someone")
    response = client_for(make_user(role)).get(
        reverse("admin:accounts_user_change", args=[target.pk])
    )
    expected = (
        200 if CHANGE_USER[role] else (302 if role in {"anonymous", "reader"} else 403)
    )
    assert response.status_code == expected


def test_site_settings_cannot_be_added_twice_or_deleted():
    SiteSettings.load()
    client = client_for(make_user("editor"))
    assert client.get(reverse("admin:digest_sitesettings_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:digest_sitesettings_delete", args=[1]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SiteSettings.objects.count() == 1


def test_author_sees_only_own_articles_in_the_list():
    author = make_user("author")
    ArticleFactory(title="Mine to write", author=author, draft=True)
    ArticleFactory(title="Somebody else's story")
    response = client_for(author).get(reverse("admin:articles_article_changelist"))
    assert "Mine to write" in response.content.decode()
    assert "Somebody else&#x27;s story" not in response.content.decode()
    assert "Somebody else's story" not in response.content.decode()


def test_editor_sees_publish_buttons_author_does_not(django_assert_max_num_queries):
    article = ArticleFactory(draft=True)
    editor_page = client_for(make_user("editor")).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert 'name="_publish"' in editor_page.content.decode()
    author = make_user("author")
    own = ArticleFactory(draft=True, author=author)
    author_page = client_for(author).get(
        reverse("admin:articles_article_change", args=[own.pk])
    )
    html = author_page.content.decode()
    assert 'name="_submit_review"' in html
    assert 'name="_publish"' not in html


def test_article_list_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    editor = make_user("editor")
    client = client_for(editor)
    ArticleFactory.create_batch(3, tags=["a", "b"])
    url = reverse("admin:articles_article_changelist")
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    ArticleFactory.create_batch(30, tags=["c", "d"])
    with django_assert_max_num_queries(20) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_article_list_shows_drafts_and_scheduled_then_newest_first():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = ArticleFactory(title="Old story", published_at=now - timedelta(days=9))
    new = ArticleFactory(title="New story", published_at=now - timedelta(hours=1))
    soon = ArticleFactory(title="Scheduled story", published_at=now + timedelta(days=1))
    draft = ArticleFactory(title="Draft story", status="draft", published_at=None)
    client = client_for(make_user("editor"))
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    positions = [html.index(a.title) for a in (draft, soon, new, old)]
    assert positions == sorted(positions)


def test_category_list_is_editable_inline():
    CategoryFactory(name="Culture", slug="culture")
    html = (
        client_for(make_user("editor"))
        .get(reverse("admin:articles_category_changelist"))
        .content.decode()
    )
    assert 'name="form-0-position"' in html
    assert 'name="form-0-show_in_menu"' in html


def test_admin_header_says_digest_admin():
    html = client_for(make_user("editor")).get(reverse("admin:index")).content.decode()
    assert "Digest admin" in html
    assert Category  # the editor's index lists categories
    assert "Categories" in html


def test_editor_manages_tags_pages_and_links():
    client = client_for(make_user("editor"))
    assert client.get("/admin/taggit/tag/").status_code == 200
    response = client.post(
        reverse("admin:digest_page_add"),
        {
            "title": "Corrections",
            "slug": "corrections",
            "body": "<p>How we correct.</p><script>alert(1)</script>",
            "seo_description": "",
            "is_published": "on",
            "position": 5,
        },
    )
    assert response.status_code == 302
    assert Page.objects.get(slug="corrections").body == "<p>How we correct.</p>"


def test_admin_search_finds_words_in_title_lead_and_body():
    editor = make_user("editor")
    ArticleFactory(title="Lighthouse keepers retire", body="<p>Nothing else.</p>")
    ArticleFactory(title="Budget day", body="<p>The sturgeon quota was cut.</p>")
    ArticleFactory(title="Unrelated story")
    client = client_for(editor)
    url = reverse("admin:articles_article_changelist")
    by_title = client.get(url, {"q": "lighthouse"}).content.decode()
    assert "Lighthouse keepers retire" in by_title
    assert "Unrelated story" not in by_title
    by_body = client.get(url, {"q": "sturgeon"}).content.decode()
    assert "Budget day" in by_body
    assert "Lighthouse keepers retire" not in by_body


@pytest.mark.parametrize("role", ["author", "operator"])
def test_history_of_another_authors_article_is_refused(role):
    article = ArticleFactory(title="Not yours to read back")
    response = client_for(make_user(role)).get(
        reverse("admin:articles_article_history", args=[article.pk])
    )
    assert response.status_code == 403
    assert "Not yours to read back" not in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("editor", 302), ("author", 403)])
def test_site_settings_list_opens_the_single_row_for_editors_only(role, status):
    response = client_for(make_user(role)).get(
        reverse("admin:digest_sitesettings_changelist")
    )
    assert response.status_code == status


def author_search(client, term: str):
    return client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "author",
            "term": term,
        },
    )


def test_editors_find_staff_authors_by_name_without_seeing_the_users_list():
    editor = make_user("editor")
    UserFactory(display_name="Nadia Staffwriter", is_staff=True, email="nadia@x.org")
    UserFactory(display_name="Nadir Reader", is_staff=False)
    client = client_for(editor)

    response = author_search(client, "Nad")
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert names == ["Nadia Staffwriter"]  # staff only
    assert author_search(client, "nadia@x.org").json()["results"] == []  # no emails
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403

    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'data-field-name="author"' in page  # the select searches as you type


@pytest.mark.parametrize("role", ["reader", "anonymous"])
def test_author_search_is_closed_to_readers(role):
    response = author_search(client_for(make_user(role)), "a")
    assert response.status_code == 302  # to the admin sign-in
    assert "/admin/login/" in response["Location"]


def test_the_tags_field_suggests_existing_tags_to_staff_only():
    ArticleFactory(tags=["harbour", "Port Authority", "sport"])
    url = reverse("admin:articles_article_tag_suggestions")

    editor = client_for(make_user("editor"))
    assert editor.get(url, {"q": "port"}).json() == {
        "tags": ["Port Authority", "sport"]  # those starting with it first
    }
    assert editor.get(url, {"q": "p"}).json() == {"tags": []}  # too short
    assert editor.get(url, {"q": "po\x00rt" + "x" * 10_000}).status_code == 200
    page = editor.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-tag-suggestions="{url}"' in page
    assert "articles/tag-suggest" in page

    assert client_for(make_user("author")).get(url, {"q": "port"}).status_code == 200
    assert client_for(make_user("reader")).get(url, {"q": "port"}).status_code == 302
    assert client_for(None).get(url, {"q": "port"}).status_code == 302
