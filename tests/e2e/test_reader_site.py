"""The reader's site in a real Chromium: cookie bar, menu, text size, theme, layout, a11y."""

import pytest

from digest.models import SiteSettings
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, UserFactory


@pytest.fixture
def site_data(transactional_db):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "site_name": "Morning Ledger",
            "about": "A small newsroom.",
            "contact_email": "desk@example.org",
            "x_url": "https://x.com/ledger",
        },
    )
    news = CategoryFactory(name="News", slug="news")
    economy = CategoryFactory(name="Economy", slug="economy", parent=news)
    culture = CategoryFactory(name="Culture", slug="culture")
    CategoryFactory(name="Summit 2026", slug="summit", is_highlighted=True)
    author = UserFactory(username="amina", display_name="Amina Rahimova")
    articles = [
        ArticleFactory(
            title=f"Harbour story number {i} with a reasonably long headline",
            category=[news, economy, culture][i % 3],
            author=author,
            tags=["ports", "budget"] if i % 2 else ["ports"],
            with_image=i % 3 == 0,
            image_alt="Cranes at the harbour",
            image_caption="Cranes at dawn.",
            is_featured=i == 0,
        )
        for i in range(8)
    ]
    PageFactory(
        title="Privacy Policy",
        slug="privacy-policy",
        show_in_footer=True,
        body="<p>We keep little.</p>",
    )
    return {"articles": articles, "news": news, "economy": economy}


def test_accepted_cookie_bar_stays_gone_after_reload(live_server, page, site_data):
    page.goto(live_server.url + "/")
    bar = page.locator("#cookie-bar")
    assert bar.is_visible()
    assert "agree to the Privacy Policy and Terms of Use" in bar.inner_text()
    bar.get_by_role("button", name="Accept").click()
    assert bar.is_hidden()
    page.reload()
    assert page.locator("#cookie-bar").is_hidden()
    page.goto(live_server.url + site_data["articles"][1].get_absolute_url())
    assert page.locator("#cookie-bar").is_hidden()


def test_cookie_bar_accept_works_without_javascript(live_server, browser, site_data):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/category/news/")
        page.locator("#cookie-bar").get_by_role("button", name="Accept").click()
        page.wait_for_url(live_server.url + "/category/news/")
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("cookie_consent") == "1"
    finally:
        context.close()


def test_keyboard_opens_a_sub_section_from_the_menu(live_server, page, site_data):
    page.goto(live_server.url + "/")
    page.locator("#site-nav").get_by_role("link", name="News", exact=True).focus()
    page.keyboard.press("Tab")
    toggle = page.locator("[aria-controls='submenu-news']")
    assert toggle.evaluate("el => el === document.activeElement")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    economy = page.locator("#submenu-news").get_by_role("link", name="Economy")
    assert economy.is_visible()
    page.keyboard.press("Tab")
    assert economy.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/category/economy/")
    assert page.locator("h1").inner_text() == "Economy"


def test_text_size_choice_survives_reload(live_server, page, site_data):
    page.goto(live_server.url + site_data["articles"][0].get_absolute_url())
    base_size = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    page.get_by_role("button", name="Text size").click()
    page.get_by_role("button", name="Large", exact=True).click()
    page.reload()
    larger = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    assert larger > base_size
    page.get_by_role("button", name="Text size").click()
    assert (
        page.get_by_role("button", name="Large", exact=True).get_attribute(
            "aria-pressed"
        )
        == "true"
    )


def test_theme_follows_system_and_toggle_survives_reload(
    live_server, browser, site_data
):
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        background = "getComputedStyle(document.body).backgroundColor"
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        page.get_by_role("button", name="Dark theme").click()
        dark = page.evaluate(background)
        assert dark != "rgb(255, 255, 255)"
        page.reload()
        assert page.evaluate(background) == dark
        assert (
            page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed")
            == "true"
        )
    finally:
        context.close()


def test_you_might_also_like_leads_to_another_article(live_server, page, site_data):
    article = site_data["articles"][1]
    page.goto(live_server.url + article.get_absolute_url())
    related = page.locator(".related .card__title a").first
    title = related.inner_text()
    assert title != article.title
    related.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.url != live_server.url + article.get_absolute_url()


def test_phone_width_has_no_horizontal_scroll_and_a_menu_button(
    live_server, browser, site_data
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        page = context.new_page()
        for url in (
            "/",
            site_data["articles"][0].get_absolute_url(),
            "/category/news/",
        ):
            page.goto(live_server.url + url)
            width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert width[0] <= width[1], f"{url} scrolls sideways: {width}"
        page.goto(live_server.url + "/")
        nav_link = page.locator("#site-nav").get_by_role("link", name="Culture")
        assert nav_link.is_hidden()
        page.get_by_role("button", name="Menu").click()
        assert nav_link.is_visible()
    finally:
        context.close()


def test_sign_in_opens_a_modal(live_server, page, site_data):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert "Welcome Back!" in dialog.inner_text()
    assert "Sign in to your account" in dialog.inner_text()
    assert dialog.get_by_role("link", name="Lost your password?").get_attribute(
        "href"
    ) == ("/accounts/password-reset/")
    assert dialog.get_by_label("Username or email").evaluate(
        "el => el === document.activeElement"
    )
    page.keyboard.press("Escape")
    assert dialog.is_hidden()


def test_reader_pages_run_without_console_errors(live_server, page, site_data):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    for url in ("/", site_data["articles"][0].get_absolute_url(), "/category/news/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Sign in").click()
    assert page.get_by_role("dialog").is_visible()
    assert errors == []


def test_sub_sections_reachable_by_keyboard_without_javascript(
    live_server, browser, site_data
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.locator("#site-nav").get_by_role("link", name="News", exact=True).focus()
        page.keyboard.press("Tab")
        economy = page.locator("#submenu-news").get_by_role("link", name="Economy")
        assert economy.evaluate("el => el === document.activeElement")
        box = economy.bounding_box()
        assert box is not None and box["x"] >= 0
        page.keyboard.press("Enter")
        page.wait_for_url("**/category/economy/")
    finally:
        context.close()
