"""The publishing workflow: one path (publishing.change_state) for every state change.

The matrix: role × current state × action -> resulting status and published_at, at a
frozen time, once through the function and once through the admin's change form
(its buttons by their POST names) and bulk actions.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article
from articles.publishing import Action, change_state, save_article
from digest.models import Redirect
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PAST = NOON - timedelta(hours=1)  # a published article's time
SOON = NOON + timedelta(days=1)  # a scheduled article's time
LATER = NOON + timedelta(hours=2)  # the time a Schedule asks for

ROLES = ["author_own", "author_other", "editor", "operator"]
STATES = ["draft", "review", "scheduled", "published"]
ACTIONS = ["update", "save_draft", "submit", "publish_now", "schedule", "unpublish"]
STORED = {
    "draft": ("draft", None),
    "review": ("review", None),
    "scheduled": ("published", SOON),
    "published": ("published", PAST),
}
REFUSED = "refused"
# What an editor gets; an author the same for their own drafts and articles in
# review, with update / save_draft / submit only; everyone else: refused.
EDITOR = {
    ("draft", "update"): ("draft", None),
    ("draft", "save_draft"): ("draft", None),
    ("draft", "submit"): ("review", None),
    ("draft", "publish_now"): ("published", NOON),
    ("draft", "schedule"): ("published", LATER),
    ("draft", "unpublish"): REFUSED,  # nothing to take off the site
    ("review", "update"): ("review", None),
    ("review", "save_draft"): ("draft", None),
    ("review", "submit"): ("review", None),
    ("review", "publish_now"): ("published", NOON),
    ("review", "schedule"): ("published", LATER),
    ("review", "unpublish"): REFUSED,
    ("scheduled", "update"): ("published", SOON),
    ("scheduled", "save_draft"): ("draft", SOON),
    ("scheduled", "submit"): ("review", SOON),
    ("scheduled", "publish_now"): ("published", NOON),  # now, not at its time
    ("scheduled", "schedule"): ("published", LATER),
    ("scheduled", "unpublish"): ("draft", SOON),
    ("published", "update"): ("published", PAST),
    ("published", "save_draft"): ("draft", PAST),
    ("published", "submit"): ("review", PAST),
    ("published", "publish_now"): ("published", PAST),  # keeps its first time
    ("published", "schedule"): ("published", LATER),
    ("published", "unpublish"): ("draft", PAST),
}
AUTHOR_MAY = {"update", "save_draft", "submit"}


def expected(role: str, state: str, action: str):
    if role == "editor":
        return EDITOR[state, action]
    if role == "author_own" and state in {"draft", "review"} and action in AUTHOR_MAY:
        return EDITOR[state, action]
    return REFUSED


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def staff(group: str):
    user = UserFactory(is_staff=True)
    user.groups.add(role_group(group))
    return user


def user_and_article(role: str, state: str):
    group = {"editor": "Editor", "operator": "Site operator"}.get(role, "Author")
    user = staff(group)
    status, published_at = STORED[state]
    author = user if role == "author_own" else staff("Author")
    article = ArticleFactory(author=author, status=status, published_at=published_at)
    return user, article


def stored_state(article: Article):
    article.refresh_from_db()
    return article.status, article.published_at


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_change_state_matrix(frozen, role, state, action):
    user, article = user_and_article(role, state)
    want = expected(role, state, action)
    at = LATER if action == "schedule" else None
    if want == REFUSED:
        with pytest.raises((PermissionDenied, ValidationError)):
            change_state(article=article, by=user, action=action, at=at)
        assert stored_state(article) == STORED[state]
    else:
        change_state(article=article, by=user, action=action, at=at)
        assert stored_state(article) == want


# The change form: each action by the button that asks for it.
BUTTONS = {
    "update": "_save",  # Django's own Save, the status left as it was
    "save_draft": "_save_draft",
    "submit": "_submit_review",
    "publish_now": "_publish",
    "schedule": "_schedule",
}


def field_time(value: datetime | None) -> dict:
    local = timezone.localtime(value) if value else None
    return {
        "published_at_0": local.strftime("%Y-%m-%d") if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
    }


def change_form(article: Article, **overrides) -> dict:
    """The change form as the browser posts it, with the stored values."""
    return {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        # The field offers staff only (factories' default authors are readers).
        "author": article.author_id if getattr(article.author, "is_staff", 0) else "",
        "byline": "",
        "source_name": "",
        "source_url": "",
        "image_alt": "",
        "image_caption": "",
        "seo_title": "",
        "seo_description": "",
        "status": article.status,
        **field_time(article.published_at),
        **overrides,
    }


def post_action(client, article: Article, action: str):
    if action == "unpublish":  # no button on the form: the list's bulk action
        return client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "unpublish_selected", "_selected_action": [article.pk]},
        )
    data = change_form(article, **{BUTTONS[action]: "1"})
    if action == "schedule":
        data |= field_time(LATER)
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, data)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_admin_matrix(client, frozen, role, state, action):
    user, article = user_and_article(role, state)
    client.force_login(user)
    want = expected(role, state, action)
    response = post_action(client, article, action)
    assert response.status_code < 500
    if want == REFUSED:
        assert stored_state(article) == STORED[state]
        if role == "author_own" and state in {"draft", "review"} and action in BUTTONS:
            assert response.status_code == 200  # the form again, saying why
            assert "You may not publish" in response.text
    else:
        assert response.status_code == 302, response.text[-3000:]
        assert stored_state(article) == want


# The bugs of issue 15 and issue 13 point 6


def test_publish_now_on_a_scheduled_article_publishes_it_now(client, frozen):
    """The breaking-news button: readers see the article at once."""
    editor = staff("Editor")
    article = ArticleFactory(title="Storm closes the bridge", scheduled=True)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'value="Publish now"' in page.text
    response = post_action(client, article, "publish_now")
    assert response.status_code == 302
    assert stored_state(article) == ("published", NOON)
    client.logout()
    assert "Storm closes the bridge" in client.get(article.get_absolute_url()).text


def test_publish_now_on_an_article_in_review(client, frozen):
    client.force_login(staff("Editor"))
    article = ArticleFactory(in_review=True, author=staff("Author"))
    assert post_action(client, article, "publish_now").status_code == 302
    assert stored_state(article) == ("published", NOON)


def test_author_scheduling_own_draft_is_refused_on_the_form(client, frozen):
    author = staff("Author")
    article = ArticleFactory(draft=True, author=author, title="First draft")
    client.force_login(author)
    data = change_form(article, title="Sneaked out", _schedule="1") | field_time(LATER)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "You may not publish or unpublish articles." in response.text
    article.refresh_from_db()
    assert (article.title, article.status, article.published_at) == (
        "First draft",
        "draft",
        None,
    )


def test_schedule_button_needs_a_future_time(client, frozen):
    client.force_login(staff("Editor"))
    article = ArticleFactory(draft=True)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form(article, _schedule="Schedule")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give a future time" in response.text
    response = client.post(url, data | field_time(PAST))
    assert "Give a future time" in response.text
    assert stored_state(article) == ("draft", None)
    assert client.post(url, data | field_time(LATER)).status_code == 302
    assert stored_state(article) == ("published", LATER)


# Django's Save buttons: the status chosen in the form decides.


@pytest.mark.parametrize(
    ("state", "status", "when", "result"),
    [
        ("draft", "published", None, ("published", NOON)),
        ("draft", "published", PAST, ("published", PAST)),  # backdated
        ("draft", "published", LATER, ("published", LATER)),  # scheduled
        ("review", "draft", None, ("draft", None)),
        ("published", "draft", PAST, ("draft", PAST)),  # unpublished
        ("published", "published", LATER, ("published", LATER)),  # rescheduled
    ],
)
def test_save_with_a_status_chosen(client, frozen, state, status, when, result):
    editor, article = user_and_article("editor", state)
    client.force_login(editor)
    data = change_form(article, status=status, _continue="1") | field_time(when)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 302
    assert stored_state(article) == result


def test_author_forging_published_status_is_refused(client, frozen):
    author, article = user_and_article("author_own", "draft")
    client.force_login(author)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form(article, status="published"),
    )
    assert response.status_code == 200
    assert stored_state(article) == ("draft", None)


# Bulk actions


def test_bulk_publish_publishes_drafts_and_scheduled_ones_now(client, frozen):
    client.force_login(staff("Editor"))
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)
    old = ArticleFactory(published_at=PAST)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [draft.pk, scheduled.pk, old.pk],
        },
        follow=True,
    )
    assert "Published 2 articles." in response.text
    assert stored_state(draft) == ("published", NOON)
    assert stored_state(scheduled) == ("published", NOON)
    assert stored_state(old) == ("published", PAST)


def test_bulk_feature_goes_through_the_one_path(client, frozen):
    editor = staff("Editor")
    client.force_login(editor)
    article = ArticleFactory()
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "feature_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.is_featured
    assert article.history.latest().history_user == editor


# Deletes


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_delete_matrix(frozen, role, state):
    user, article = user_and_article(role, state)
    if role == "editor":
        change_state(article=article, by=user, action=Action.DELETE)
        assert not Article.objects.filter(pk=article.pk).exists()
    else:  # authors may not delete, even their drafts
        with pytest.raises(PermissionDenied):
            change_state(article=article, by=user, action=Action.DELETE)
        assert Article.objects.filter(pk=article.pk).exists()


def test_deleting_in_the_admin_takes_the_page_off_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 300
    article = ArticleFactory(title="Pier closes")
    assert "Pier closes" in client.get(article.get_absolute_url()).text
    editor_client = type(client)()
    editor_client.force_login(staff("Editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_article_delete", args=[article.pk]),
            {"post": "yes"},
        )
    assert response.status_code == 302
    assert client.get(article.get_absolute_url()).status_code == 404


# Follow-ups: once, after commit, through articles.caching.article_changed


def test_each_change_runs_one_follow_up_after_commit(
    frozen, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        publishing, "article_changed", lambda **kwargs: calls.append(kwargs)
    )
    editor = staff("Editor")
    article = ArticleFactory(slug="old-slug", tags=["ports"], published_at=PAST)
    with django_capture_on_commit_callbacks() as callbacks:
        article.slug = "new-slug"
        change_state(article=article, by=editor, action=Action.UNPUBLISH)
    assert calls == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    (call,) = calls
    assert call["before"].slug == "old-slug"
    assert call["before"].status == "published"
    assert call["before"].tag_slugs == frozenset({"ports"})
    assert call["after"].slug == "new-slug"
    assert call["after"].status == "draft"


def test_a_refused_change_writes_nothing_and_runs_no_follow_up(
    frozen, django_capture_on_commit_callbacks
):
    author, article = user_and_article("author_own", "draft")
    article.title = "Changed"
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(PermissionDenied):
            change_state(article=article, by=author, action=Action.PUBLISH_NOW)
    assert callbacks == []
    article.refresh_from_db()
    assert article.title != "Changed"


def test_who_is_recorded(frozen):
    author = staff("Author")
    editor = staff("Editor")
    new = ArticleFactory.build(category=ArticleFactory().category, author=None)
    new.author = None
    change_state(article=new, by=author, action=Action.SAVE_DRAFT)
    assert new.author == author
    assert new.history.latest().history_user == author
    change_state(article=new, by=editor, action=Action.PUBLISH_NOW)
    latest = new.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Published")
    assert new.author == author  # an editor publishing does not sign it


def test_an_author_cannot_take_over_or_feature_through_a_plain_edit(frozen):
    author, article = user_and_article("author_own", "draft")
    article.author = staff("Author")
    article.is_featured = True
    save_article(article=article, by=author)
    article.refresh_from_db()
    assert article.author == author
    assert not article.is_featured


# Scheduling, slugs, reading time


def test_scheduled_article_appears_only_when_its_time_comes():
    editor = staff("Editor")
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory(draft=True)
        change_state(article=article, by=editor, action=Action.SCHEDULE, at=LATER)
        assert article.status == Article.Status.PUBLISHED
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(LATER - timedelta(minutes=1), tick=False):
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(LATER, tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_scheduled_article_page_is_404_for_readers_until_published(client):
    editor = staff("Editor")
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory(draft=True, title="Tomorrow's budget")
        change_state(article=article, by=editor, action=Action.SCHEDULE, at=SOON)
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(SOON + timedelta(minutes=1), tick=False):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Tomorrow" in response.content.decode()


def change_slug(client, article, new_slug):
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form(article, slug=new_slug),
    )


def test_changing_a_published_slug_redirects_the_old_url(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(slug="old-name", title="Bridge reopens")
    assert change_slug(client, article, "new-name").status_code == 302
    assert Redirect.objects.get(old_path="/articles/old-name/").target == article
    client.logout()
    response = client.get("/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"].endswith("/articles/new-name/")


def test_changing_back_to_an_old_slug_removes_that_redirect(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(slug="first")
    change_slug(client, article, "second")
    article.refresh_from_db()
    change_slug(client, article, "first")
    assert list(Redirect.objects.values_list("old_path", flat=True)) == [
        "/articles/second/"
    ]
    assert client.get("/articles/first/").status_code == 200


def test_draft_slug_change_makes_no_redirect(client):
    client.force_login(staff("Editor"))
    article = ArticleFactory(draft=True, slug="working-title")
    change_slug(client, article, "final-title")
    assert not Redirect.objects.exists()


def test_reading_time_follows_the_body_length():
    article = ArticleFactory(body="<p>" + "word " * 610 + "</p>")
    assert article.reading_time == 3
    article.body = "<p>short</p>"
    article.save()
    article.refresh_from_db()
    assert article.reading_time == 1


def test_admin_edit_shows_at_once_on_a_page_readers_have_cached(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 300
    article = ArticleFactory(title="Bridge reopens", slug="bridge-reopens")
    assert "Bridge reopens" in client.get("/articles/bridge-reopens/").text
    editor_client = type(client)()
    editor_client.force_login(staff("Editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            change_form(article, title="Bridge reopens to traffic"),
        )
    assert response.status_code == 302
    assert "Bridge reopens to traffic" in client.get("/articles/bridge-reopens/").text
