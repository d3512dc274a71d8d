"""An author's draft goes to review, an editor publishes it, then unpublishes it:
every step by the labels on the article form, as a newsroom would click them."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import record_csp_violations
from tests.factories import CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "tide tables at noon"


def sign_in(live_server, page, username: str, group: str):
    """`username`, with the role `group`, signed in to the admin in `page`."""
    user = UserFactory(username=username, is_staff=True, password=PASSWORD)
    user.groups.add(role_group(group))
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Digest admin")
    return user


def buttons(page) -> list[str]:
    """The labels of the form's buttons, once the form is there."""
    found = page.locator(".workflow-row input[type=submit]")
    expect(found.first).to_be_visible()
    return found.evaluate_all("inputs => inputs.map(input => input.value)")


def test_draft_review_publish_unpublish_by_visible_labels(live_server, page, context):
    CategoryFactory(name="Harbour", slug="harbour")
    author = sign_in(live_server, page, "aida", "Author")
    csp_errors = record_csp_violations(page)

    # The author writes a draft; "Save draft" keeps her on the form.
    page.goto(live_server.url + "/admin/articles/article/")
    page.get_by_role("link", name="Add article").click()
    page.get_by_label("Title:", exact=True).press_sequentially("Ferry crossings double")
    page.get_by_label("Lead:", exact=True).fill("Two more sailings each morning.")
    page.locator(".field-body [contenteditable=true]").click()
    page.keyboard.type("The harbour adds two morning sailings.")
    page.click(".field-category .select2-selection")
    page.fill(".select2-search__field", "Harb")
    page.click(".select2-results__option >> text=Harbour")
    assert buttons(page) == ["Submit for review", "Save draft"]
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Ferry crossings double” was saved as a draft."
    )
    expect(page.get_by_label("Title:", exact=True)).to_have_value(
        "Ferry crossings double"
    )
    article = Article.objects.get(title="Ferry crossings double")
    assert (article.status, article.author) == (Article.Status.DRAFT, author)

    # Then sends it to review; no publishing button is offered to her.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("was submitted for review")
    assert buttons(page) == ["Update", "Save draft"]
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    # The editor opens it from the list and publishes it.
    context.clear_cookies()
    sign_in(live_server, page, "erik", "Editor")
    csp_errors += record_csp_violations(page)
    page.goto(live_server.url + "/admin/articles/article/")
    page.get_by_role("link", name="Ferry crossings double").click()
    expect(page.get_by_label("Title:", exact=True)).to_be_visible()
    assert buttons(page)[0] == "Publish"
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Ferry crossings double” was published."
    )
    article.refresh_from_db()
    assert article.is_public
    reader = context.browser.new_context()
    reader.route("**/views/**", lambda route: route.abort())
    reader_page = reader.new_page()
    assert reader_page.goto(live_server.url + article.get_absolute_url()).status == 200

    # And takes it off the site again from the same form.
    assert buttons(page) == ["Update", "Unpublish"]
    page.get_by_role("button", name="Unpublish").click()
    expect(page.locator(".messagelist")).to_contain_text("was unpublished")
    assert buttons(page)[0] == "Publish"
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert reader_page.goto(live_server.url + article.get_absolute_url()).status == 404
    reader.close()
    assert csp_errors == []
