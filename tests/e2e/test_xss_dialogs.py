"""In Chromium: the Content-Security-Policy blocks nothing the site needs, and no
hostile text opens a dialog."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.e2e.conftest import record_csp_violations
from tests.factories import ArticleFactory, UserFactory
from tests.security.xss import payloads

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_to_admin(live_server, page):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def admin_pages() -> list[str]:
    """The admin index plus every registered model's list and add form."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        for action in ("changelist", "add"):
            try:
                urls.append(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}")
                )
            except NoReverseMatch:
                pass
    return urls


def test_admin_works_under_the_content_security_policy(live_server, page):
    violations = record_csp_violations(page)
    sign_in_to_admin(live_server, page)
    article = ArticleFactory(with_image=True, tags=["harbour", "ferries"])
    urls = [
        *admin_pages(),
        "/admin/two-factor/",
        reverse("admin:articles_article_change", args=[article.pk])
        if admin.site.is_registered(type(article))
        else "/admin/",
    ]
    for url in urls:
        response = page.goto(live_server.url + url)
        # 403: an add form the admin refuses on purpose (a singleton, an audit log).
        assert response.status in (200, 403), url
        page.wait_for_load_state("load")
    assert violations == []


def test_reader_pages_work_under_the_content_security_policy(live_server, page):
    violations = record_csp_violations(page)
    article = ArticleFactory(with_image=True, tags=["harbour"])
    for url in [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/search/?q=harbour",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
    assert violations == []


def test_an_inline_script_would_be_reported(live_server, page):
    """The recorder above does see violations: an injected inline script is one."""
    violations = record_csp_violations(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert violations


def record_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def seen(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", seen)
    return dialogs


def provoke(page):
    """Give payloads that wait for a pointer or focus their chance to run."""
    for x, y in [(200, 200), (640, 300), (640, 500), (400, 700)]:
        page.mouse.move(x, y)
    for _ in range(3):
        page.keyboard.press("Tab")
    page.wait_for_timeout(50)


def test_the_dialog_recorder_sees_an_alert(page):
    dialogs = record_dialogs(page)
    page.set_content("<p>no policy here</p><img src=x onerror=alert(1)>")
    page.wait_for_timeout(200)
    assert dialogs


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_no_payload_opens_a_dialog_on_the_article_page(live_server, page):
    dialogs = record_dialogs(page)
    violations = record_csp_violations(page)
    # Three payloads a page, each in every field, keep the page loads few.
    for n, chunk in enumerate(chunks(payloads(), 3)):
        article = ArticleFactory(
            slug=f"xss-{n}",
            title=" ".join(chunk)[:200],
            lead=" ".join(chunk),
            body="<p>Harbour</p>" + "".join(chunk),
            image_caption=" ".join(chunk)[:300],
            image_alt=" ".join(chunk)[:300],
            with_image=n % 3 == 0,
            tags=[payload[:100] for payload in chunk],
        )
        page.goto(live_server.url + article.get_absolute_url())
        page.wait_for_load_state("load")
        provoke(page)
    assert dialogs == []
    # Escaping and the sanitizer did the work: not even an attempt for the CSP to stop.
    assert violations == []


def test_no_payload_opens_a_dialog_on_the_search_page(live_server, page):
    from urllib.parse import quote

    dialogs = record_dialogs(page)
    for n, payload in enumerate(payloads()):
        ArticleFactory(
            slug=f"xss-found-{n}",
            title=f"Harbour {payload}"[:200],
            lead=f"Harbour news {payload}",
        )
    page.goto(live_server.url + "/search/?q=harbour")
    provoke(page)
    assert page.locator("mark").count() > 0
    for chunk in chunks(payloads(), 2):
        query = " ".join(chunk)[:200]
        page.goto(f"{live_server.url}/search/?q={quote(query)}")
        page.wait_for_load_state("load")
        # The query comes back as text in the search box, not as markup.
        assert page.locator("#search-q").input_value().split() == query.split()
        provoke(page)
    assert dialogs == []
