"""The admin in Chromium: no axe violations (WCAG 2 A/AA, 2.1 AA) on the pages a
newsroom lives in, and no Content-Security-Policy violation on any admin page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article
from digest.audit import Action, record_audit
from digest.models import SiteSettings
from tests.e2e.conftest import record_csp_violations
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "harbour lights at dusk"


@pytest.fixture
def newsroom(transactional_db):
    """A superuser who sees every admin page, and content in every state."""
    boss = UserFactory(
        username="boss", is_staff=True, is_superuser=True, password=PASSWORD
    )
    author = UserFactory(username="alma", display_name="Alma Author", is_staff=True)
    author.groups.add(role_group("Author"))
    role_group("Editor")
    role_group("Site operator")
    news = CategoryFactory(name="News", slug="news")
    published = ArticleFactory(
        title="Harbour reopens after the storm", category=news, tags=["ports"]
    )
    ArticleFactory(title="Bridge repairs", category=news, author=author, in_review=True)
    ArticleFactory(title="Budget vote tonight", category=news, scheduled=True)
    ArticleFactory(title="Notes on the tram", category=news, author=boss, draft=True)
    record_audit(action=Action.PUBLISHED, actor=boss, target=published, ip="::1")
    SiteSettings.load()
    return {"boss": boss, "author": author, "article": published}


def sign_in(live_server, page, username="boss"):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Digest admin")


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
        })).violations""",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        f"{[n['target'] for n in v['nodes'][:4]]}"
        for v in results
    ]


def main_pages(newsroom) -> list[str]:
    article = newsroom["article"]
    return [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/accounts/user/{newsroom['author'].pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/digest/auditentry/",
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_newsrooms_admin_pages_pass_axe(live_server, browser, newsroom, scheme):
    # bypass_csp: axe is injected as an inline script, which the admin's CSP forbids.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True
    )
    try:
        page = context.new_page()
        sign_in(live_server, page)
        found = {}
        for url in main_pages(newsroom):
            page.goto(live_server.url + url)
            # The body editor and the pickers are built by scripts: wait for them.
            page.wait_for_load_state("networkidle")
            if violations := axe_violations(page):
                found[url] = violations
        assert found == {}
    finally:
        context.close()


def admin_pages(page, live_server, newsroom) -> list[str]:
    """Every page the admin home links to, one change and history page of each
    model with rows, and the pages those lead to."""
    page.goto(live_server.url + "/admin/")
    links = page.eval_on_selector_all(
        "#content-main a[href^='/admin/']",
        "els => els.map(e => e.getAttribute('href'))",
    )
    urls = dict.fromkeys(["/admin/", *links])
    for href in list(urls):
        if href.endswith("/add/") or "/change/" in href or "#" in href:
            continue
        if href.count("/") != 4:  # /admin/<app>/<model>/
            continue
        page.goto(live_server.url + href)
        first = page.locator("#result_list tbody tr th a, #result_list tbody tr td a")
        if first.count():
            change = first.first.get_attribute("href")
            urls[change] = None
            urls[change.replace("/change/", "/history/")] = None
    article = newsroom["article"]
    version = Article.history.filter(id=article.pk).earliest()
    urls.update(
        dict.fromkeys(
            [
                f"/admin/articles/article/{article.pk}/history/{version.pk}/",
                f"/admin/accounts/user/{newsroom['author'].pk}/password/",
                "/admin/articles/article/body-images/",
                "/admin/password_change/",
            ]
        )
    )
    return list(urls)


def test_no_admin_page_breaks_the_content_security_policy(live_server, page, newsroom):
    sign_in(live_server, page)
    urls = admin_pages(page, live_server, newsroom)
    assert len(urls) > 25

    errors = record_csp_violations(page)
    found, statuses = {}, {}
    for url in urls:
        before = len(errors)
        response = page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        statuses[url] = response.status
        if len(errors) > before:
            found[url] = errors[before:]

    assert found == {}
    assert {url: status for url, status in statuses.items() if status >= 400} == {}
