"""The reader's site audited in a real Chromium: axe-core on every page type, keyboard
focus never under the cookie bar, no layout shift on a phone."""

import time
from pathlib import Path

import pytest

from digest.models import SiteSettings
from tests.accounts.conftest import PASSWORD
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, UserFactory

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def site_data(transactional_db):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "site_name": "Morning Ledger",
            "tagline": "News from the harbour",
            "about": "A small newsroom.",
            "contact_email": "desk@example.org",
            "x_url": "https://x.com/ledger",
        },
    )
    news = CategoryFactory(name="News", slug="news", show_in_menu=True)
    economy = CategoryFactory(
        name="Economy", slug="economy", parent=news, show_in_menu=True
    )
    culture = CategoryFactory(name="Culture", slug="culture", show_in_menu=True)
    CategoryFactory(name="Summit 2026", slug="summit", is_highlighted=True)
    author = UserFactory(
        username="amina", display_name="Amina Rahimova", bio="Covers the harbour."
    )
    articles = [
        ArticleFactory(
            title=f"Harbour story number {i} with a reasonably long headline",
            lead="The quay is getting longer, and the town is arguing about it.",
            body="<p>The council voted.</p><h2>What comes next</h2><p>A review.</p>"
            "<blockquote><p>We will see.</p></blockquote>",
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
    for slug, title in [
        ("privacy-policy", "Privacy Policy"),
        ("terms-and-conditions", "Terms of Use"),
    ]:
        PageFactory(
            title=title, slug=slug, show_in_footer=True, body="<p>We keep little.</p>"
        )
    UserFactory(username="rana", email="rana@example.org", display_name="Rana")
    return {"articles": articles}


PUBLIC_PAGES = [
    "/",
    "article",
    "/category/news/",
    "/category/economy/",
    "/tag/ports/",
    "/author/amina/",
    "/search/?q=harbour",
    "/search/",
    "/privacy-policy/",
    "/no-such-page/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
]
ACCOUNT_PAGES = [
    "/accounts/profile/",
    "/accounts/saved/",
    "/accounts/history/",
    "/accounts/feed/",
    "/accounts/email/",
    "/accounts/password-change/",
    "/accounts/delete/",
]


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
        })).violations""",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results
    ]


def sign_in(page, base_url):
    page.goto(base_url + "/accounts/login/")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill("rana@example.org")
    form.locator("input[name=password]").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_every_page_passes_axe(live_server, browser, site_data, scheme, viewport):
    # bypass_csp: axe is injected as a script the site's CSP does not list.
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, bypass_csp=True
    )
    try:
        page = context.new_page()
        article_url = site_data["articles"][0].get_absolute_url()
        problems = {}
        for url in PUBLIC_PAGES:
            url = article_url if url == "article" else url
            page.goto(live_server.url + url)
            if found := axe_violations(page):
                problems[url] = found
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Sign in").click()
        page.get_by_role("dialog").wait_for()
        if found := axe_violations(page):
            problems["sign-in dialog"] = found
        page.keyboard.press("Escape")
        sign_in(page, live_server.url)
        for url in ACCOUNT_PAGES:
            page.goto(live_server.url + url)
            assert "/accounts/login/" not in page.url
            if found := axe_violations(page):
                problems[url] = found
        assert problems == {}
    finally:
        context.close()


# The focused element's start tag and its place in the walk; "" when nothing new is.
MARK_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el.dataset.walked) return '';
    el.dataset.walked = String(document.querySelectorAll('[data-walked]').length);
    return el.dataset.walked + ' ' + el.outerHTML.slice(0, 160);
}"""
FOCUS_IS_VISIBLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing focused';
    const box = el.getBoundingClientRect();
    const name = el.outerHTML.slice(0, 120);
    if (box.width === 0 || box.height === 0) return 'invisible: ' + name;
    if (box.bottom <= 0 || box.top >= innerHeight) return 'off screen: ' + name;
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(el.contains(hit) || hit.contains(el))) {
        return 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing') + ': ' + name;
    }
    return '';
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_tabbing_through_home_never_hides_focus_under_the_cookie_bar(
    live_server, browser, site_data, viewport
):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator("#cookie-bar").is_visible()
        seen, problems = set(), []
        for _ in range(250):
            page.keyboard.press("Tab")
            element = page.evaluate(MARK_FOCUSED)
            if not element:
                break  # past the last link, or round to the first
            seen.add(element)
            if problem := page.evaluate(FOCUS_IS_VISIBLE):
                problems.append(problem)
        assert len(seen) > 60  # the whole page was walked, not just the header
        assert any("site-footer" in e or "Privacy Policy" in e for e in seen)
        assert problems == []
    finally:
        context.close()


LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) total += entry.value;
        }
    }).observe({type: 'layout-shift', buffered: true});
    document.fonts.ready.then(() => setTimeout(() => resolve(total), 500));
})"""


@pytest.mark.parametrize("cookie_bar", [True, False], ids=["bar", "accepted"])
def test_pages_do_not_shift_once_loaded_on_a_phone(
    live_server, browser, site_data, cookie_bar
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        if not cookie_bar:
            context.add_cookies(
                [{"name": "cookie_consent", "value": "1", "url": live_server.url}]
            )
        # Scripts arrive after the first paint, as on a slow phone network: anything
        # they change in the layout then counts as a shift.
        context.route("**/*.js", lambda route: (time.sleep(0.4), route.continue_()))
        page = context.new_page()
        shifts = {}
        for url in ("/", site_data["articles"][0].get_absolute_url(), "/tag/ports/"):
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            shifts[url] = page.evaluate(LAYOUT_SHIFT)
        assert shifts == dict.fromkeys(shifts, 0)
        # The header's buttons are there from the first paint, not added later.
        assert page.get_by_role("button", name="Text size").is_visible()
        assert page.get_by_role("button", name="Dark theme").is_visible()
        assert page.get_by_role("button", name="Menu").is_visible()
    finally:
        context.close()
