"""The article change form: one button per intent, the primary one fitting the
article's state and the user's role; every button stays on the form and says what
it did; a refusal says so plainly."""

import re

import pytest
from django.urls import reverse

from tests.articles.test_publishing import (
    LATER,
    NOON,
    PAST,
    STORED,
    change_form,
    field_time,
    frozen,  # noqa: F401 (a fixture)
    staff,
    stored_state,
    user_and_article,
)
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

WHEN_SCHEDULED = "March 3, 2026, noon"  # SOON in the site's time zone

# (role, state) -> the buttons shown, in order; the first is the primary one.
LABELS = {
    ("author_own", "new"): ["Submit for review", "Save draft"],
    ("author_own", "draft"): ["Submit for review", "Save draft"],
    ("author_own", "review"): ["Update", "Save draft"],
    ("author_own", "scheduled"): [],  # read-only for its author
    ("author_own", "published"): [],
    ("editor", "new"): ["Publish", "Schedule", "Save draft"],
    ("editor", "draft"): ["Publish", "Schedule", "Save draft"],
    ("editor", "review"): ["Publish", "Schedule", "Update", "Save draft"],
    ("editor", "scheduled"): ["Update", "Publish now", "Unpublish"],
    ("editor", "published"): ["Update", "Unpublish"],
}
DJANGO_DEFAULTS = ["Save and add another", "Save and continue editing", "Save as new"]


def buttons(html: str) -> list[tuple[str, bool]]:
    """The submit buttons of the page: (label, is primary)."""
    found = re.findall(
        r'<input type="submit" name="_\w+" value="([^"]*)"([^>]*)>', html
    )
    return [(label, "default" in rest) for label, rest in found]


def form_url(article=None):
    if article is None:
        return reverse("admin:articles_article_add")
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize(("role", "state"), list(LABELS))
def test_labels_per_role_and_state(client, frozen, role, state):  # noqa: F811
    if state == "new":
        user, article = staff("Author" if role == "author_own" else "Editor"), None
    else:
        user, article = user_and_article(role, state)
    client.force_login(user)
    html = client.get(form_url(article)).text
    shown = buttons(html)
    assert [label for label, _ in shown] == LABELS[role, state]
    if shown:
        assert [primary for _, primary in shown] == [True] + [False] * (len(shown) - 1)
    for label in DJANGO_DEFAULTS:
        assert f'value="{label}"' not in html
    assert 'name="_save"' not in html


def test_a_draft_with_a_future_time_offers_schedule_for_that_time(client, frozen):  # noqa: F811
    client.force_login(staff("Editor"))
    article = ArticleFactory(draft=True, published_at=LATER.replace(day=3, hour=12))
    shown = buttons(client.get(form_url(article)).text)
    assert shown[0] == (f"Schedule for {WHEN_SCHEDULED}", True)
    assert [label for label, _ in shown[1:]] == ["Publish", "Save draft"]


# Each button, posted: the resulting state, back on the same form, the message.
POSTS = [
    ("author_own", "draft", "_save_draft", ("draft", None), "was saved as a draft"),
    ("author_own", "draft", "_submit_review", ("review", None), "submitted for review"),
    ("author_own", "review", "_continue", ("review", None), "was updated"),
    ("author_own", "review", "_save_draft", ("draft", None), "was saved as a draft"),
    ("editor", "draft", "_publish", ("published", NOON), "was published"),
    ("editor", "draft", "_schedule", ("published", LATER), "was scheduled for"),
    ("editor", "draft", "_save_draft", ("draft", None), "was saved as a draft"),
    ("editor", "review", "_publish", ("published", NOON), "was published"),
    ("editor", "review", "_continue", ("review", None), "was updated"),
    ("editor", "scheduled", "_publish", ("published", NOON), "was published"),
    ("editor", "scheduled", "_unpublish", ("draft", STORED["scheduled"][1]), "unpub"),
    ("editor", "published", "_continue", ("published", PAST), "was updated"),
    ("editor", "published", "_unpublish", ("draft", PAST), "was unpublished"),
]


@pytest.mark.parametrize(("role", "state", "button", "result", "said"), POSTS)
def test_each_button_changes_state_and_stays_on_the_form(
    client,
    frozen,  # noqa: F811
    role,
    state,
    button,
    result,
    said,
):
    user, article = user_and_article(role, state)
    client.force_login(user)
    data = change_form(article, title="Tide tables for March", **{button: "1"})
    if button == "_schedule":
        data |= field_time(LATER)
    response = client.post(form_url(article), data, follow=True)
    assert response.redirect_chain[-1][0] == form_url(article)
    assert stored_state(article) == result
    assert article.title == "Tide tables for March"
    assert said in response.text


def test_adding_a_draft_stays_on_its_form(client, frozen):  # noqa: F811
    author = staff("Author")
    client.force_login(author)
    data = change_form(ArticleFactory.build(title="Harbour lights", slug="lights"))
    data |= {"author": "", "category": CategoryFactory().pk, "status": "draft"}
    data["_save_draft"] = "1"
    response = client.post(form_url(), data, follow=True)
    article = author.articles.get(slug="lights")
    assert response.redirect_chain[-1][0] == form_url(article)
    assert "“Harbour lights” was saved as a draft." in response.text


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish"])
def test_a_refused_button_says_why_and_the_form_stays_editable(
    client,
    frozen,  # noqa: F811
    button,
):
    author, article = user_and_article("author_own", "draft")
    client.force_login(author)
    data = change_form(article, title="Sneaked out", **{button: "1"})
    response = client.post(form_url(article), data | field_time(LATER))
    assert response.status_code == 200
    html = response.text
    assert "Nothing was saved: You may not publish or unpublish articles." in html
    assert "Please correct the error" not in html
    # Still the author's form with what they typed, their buttons on it.
    assert 'name="title"' in html and 'value="Sneaked out"' in html
    assert [label for label, _ in buttons(html)] == ["Submit for review", "Save draft"]
    assert stored_state(article) == ("draft", None)


def test_unpublishing_a_draft_is_refused_with_a_message(client, frozen):  # noqa: F811
    editor, article = user_and_article("editor", "draft")
    client.force_login(editor)
    response = client.post(form_url(article), change_form(article, _unpublish="1"))
    assert response.status_code == 200
    assert "Nothing was saved: Only a published or scheduled article" in response.text
    assert "Please correct the error" not in response.text


def test_a_field_error_beside_a_refusal_still_asks_for_corrections(client, frozen):  # noqa: F811
    author, article = user_and_article("author_own", "draft")
    client.force_login(author)
    data = change_form(article, title="", _publish="1")
    response = client.post(form_url(article), data)
    assert "Please correct the errors below" in response.text
    assert "Nothing was saved: You may not publish" in response.text
