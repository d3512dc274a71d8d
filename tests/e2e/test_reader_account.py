"""A reader's account end to end, in Chromium against the live server."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import SavedArticle, User
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "marina@example.org"
PASSWORD = "gulls over the breakwater"
NEW_PASSWORD = "a lighthouse at low tide"


def last_link() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def test_reader_signs_up_confirms_saves_and_resets_the_password(
    live_server, page, settings
):
    settings.SITE_URL = live_server.url  # emailed links are made from it
    first = ArticleFactory(title="Harbour reopens after storm", slug="harbour-reopens")
    second = ArticleFactory(title="Ferry berth opens", slug="ferry-berth")
    mail.outbox.clear()

    # Sign up, then confirm from the emailed link.
    page.goto(live_server.url + "/accounts/signup/")
    main = page.locator("main")
    main.get_by_label("Email address").fill(EMAIL)
    main.get_by_label("Display name").fill("Marina")
    main.locator("input[name=password1]").fill(PASSWORD)
    main.locator("input[name=password2]").fill(PASSWORD)
    main.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert mail.outbox[-1].to == [EMAIL]

    # The link signs the new reader in and says so where screen readers hear it.
    page.goto(last_link())
    expect(page.get_by_role("status")).to_have_text(
        "Your email address is confirmed. You are signed in."
    )
    expect(page.locator("header").get_by_role("link", name="Marina")).to_be_visible()
    page.goto(live_server.url + "/accounts/profile/")
    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()

    # As a guest, save one article: it is kept in the browser.
    page.goto(live_server.url + first.get_absolute_url())
    page.locator("html[data-accounts-ready]").wait_for(state="attached")
    save = page.locator(f'.save-button[data-article-id="{first.pk}"]')
    save.click()
    expect(save).to_have_attribute("aria-pressed", "true")
    assert not SavedArticle.objects.exists()

    # Sign in from the header's modal; back on the same article, the guest's
    # saved article has moved into the account.
    page.get_by_role("link", name="Sign in").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Username or email").fill(EMAIL)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + first.get_absolute_url())
    expect(page.locator("header").get_by_role("link", name="Marina")).to_be_visible()
    expect(save).to_have_attribute("aria-pressed", "true")

    # Save another article as a signed-in reader.
    page.goto(live_server.url + second.get_absolute_url())
    page.locator("html[data-accounts-ready]").wait_for(state="attached")
    save_second = page.locator(f'.save-button[data-article-id="{second.pk}"]')
    expect(save_second).to_have_attribute("aria-pressed", "false")
    save_second.click()
    expect(save_second).to_have_attribute("aria-pressed", "true")

    page.goto(live_server.url + "/accounts/saved/")
    saved = page.locator(".account-articles")
    expect(
        saved.get_by_role("link", name="Harbour reopens after storm")
    ).to_be_visible()
    expect(saved.get_by_role("link", name="Ferry berth opens")).to_be_visible()
    user = User.objects.get(email=EMAIL)
    assert set(user.saved.values_list("article_id", flat=True)) == {first.pk, second.pk}

    # Sign out, reset the password through the emailed link, sign in again.
    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(live_server.url + "/accounts/login/")
    main.get_by_role("link", name="Lost your password?").click()
    main.get_by_label("Email").fill(EMAIL.upper())
    main.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(last_link())
    main.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    main.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    main.get_by_role("button", name="Change my password").click()
    expect(
        page.get_by_role("heading", name="Your password was changed")
    ).to_be_visible()

    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", name="Welcome Back!")).to_be_visible()
    page.locator("#login-form").get_by_label("Email or username").fill(EMAIL)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct email or username")).to_be_visible()

    page.locator("#login-form input[name=password]").fill(NEW_PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.locator("header").get_by_role("link", name="Marina")).to_be_visible()


def test_reader_follows_a_section_and_finds_its_articles_in_my_feed(live_server, page):
    from tests.factories import CategoryFactory, UserFactory

    reader = UserFactory(display_name="Rafael")
    reader.set_password(PASSWORD)
    reader.save()
    harbour = CategoryFactory(name="Harbour", slug="harbour")
    ArticleFactory(title="Pilot boats get a new berth", category=harbour)
    ArticleFactory(title="Choir tours the valley")  # another section

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#login-form").get_by_label("Email or username").fill(reader.username)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/category/harbour/")
    page.locator("html[data-accounts-ready]").wait_for(state="attached")
    follow = page.locator("main .follow-button")
    expect(follow).to_have_text("Follow")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(follow).to_have_text("Following")
    assert list(reader.follows.values_list("category__slug", flat=True)) == ["harbour"]

    page.goto(live_server.url + "/accounts/feed/")
    feed = page.locator("main")
    expect(feed.get_by_role("link", name="Pilot boats get a new berth")).to_be_visible()
    expect(feed.get_by_role("link", name="Choir tours the valley")).to_have_count(0)
