"""An author's draft goes through review to an editor's publish and unpublish, in
Chromium, by what the admin shows: labels, links and button names only."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from digest.models import AuditEntry
from tests.factories import CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ferry lights at dusk"


def sign_in(live_server, page, username):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Log out").click()


def test_draft_review_publish_unpublish_by_visible_labels(live_server, page):
    CategoryFactory(name="Harbour", slug="harbour")
    author = UserFactory(username="alma", is_staff=True, password=PASSWORD)
    author.groups.add(role_group("Author"))
    editor = UserFactory(username="edna", is_staff=True, password=PASSWORD)
    editor.groups.add(role_group("Editor"))

    # The author writes a draft from the desk and sends it for review.
    sign_in(live_server, page, "alma")
    page.get_by_role("link", name="Write an article").click()
    page.get_by_label("Title:", exact=True).fill("Night ferry returns")
    page.get_by_label("Slug:", exact=True).fill("night-ferry-returns")
    page.get_by_label("Lead:", exact=True).fill("The crossing runs again from Monday.")
    page.get_by_role("textbox", name="Body:").click()
    page.keyboard.type("Crews finished the repairs on Friday.")
    page.get_by_role("combobox", name="Category:").click()
    page.get_by_role("searchbox").fill("Harb")
    page.get_by_role("option", name="Harbour").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text("was saved as a draft")
    page.goto(live_server.url + "/admin/")
    desk_drafts = page.get_by_role("region", name="My drafts")
    desk_drafts.get_by_role("link", name="Night ferry returns").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("was submitted for review")
    sign_out(page)

    # The editor finds it waiting on the desk, publishes it, then takes it down.
    sign_in(live_server, page, "edna")
    waiting = page.get_by_role("region", name="Waiting for review")
    expect(waiting).to_contain_text("by Alma")
    waiting.get_by_role("link", name="Night ferry returns").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was published")
    assert Article.objects.get().is_public

    page.goto(live_server.url + "/admin/")
    published = page.get_by_role("region", name="Recently published")
    expect(published.get_by_role("link", name="Night ferry returns")).to_be_visible()
    # The model (the last "Articles" link; the first is its app's heading).
    page.get_by_role("link", name="Articles", exact=True).last.click()
    page.get_by_role("row").filter(has_text="Night ferry returns").get_by_role(
        "checkbox"
    ).check()
    page.get_by_role("combobox", name="Action:").select_option(
        label="Unpublish selected articles"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Unpublished 1 article.")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor_name")
    ) == [("submitted", "alma"), ("published", "edna"), ("unpublished", "edna")]
