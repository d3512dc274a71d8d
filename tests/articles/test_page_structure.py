"""Every page type's head and outline: what search engines, validators and screen
readers read before a reader sees anything."""

import re

import lxml.html
import pytest

from accounts.models import User
from digest.models import SiteSettings
from tests.accounts.conftest import PASSWORD
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "Morning Ledger"
# HTML's "valid global date and time string": seconds may carry 1 to 3 decimals.
HTML_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
# Elements that are landmarks wherever they sit in these templates.
LANDMARKS = "//nav | //aside | //main | //*[@role='search'] | //section[@aria-label]"


@pytest.fixture
def site(db):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "site_name": SITE_NAME,
            "tagline": "News from the harbour",
            "about": "A small newsroom reporting on the harbour towns every day.",
        },
    )
    news = CategoryFactory(name="News", slug="news", show_in_menu=True)
    energy = CategoryFactory(
        name="Energy",
        slug="energy",
        parent=news,
        description="Power, fuel and the grid.",
        show_in_menu=True,
    )
    author = UserFactory(
        username="amina", display_name="Amina Rahimova", bio="Covers the ports."
    )
    article = ArticleFactory(
        title="Ferry berth opens on the north quay",
        category=energy,
        author=author,
        tags=["ports"],
    )
    ArticleFactory.create_batch(3, category=news, author=author, tags=["ports"])
    PageFactory(slug="privacy-policy", title="Privacy Policy", is_published=True)
    return {"article": article}


PAGES = {
    "home": "/",
    "article": "article",
    "category": "/category/news/",
    "sub-category": "/category/energy/",
    "tag": "/tag/ports/",
    "author": "/author/amina/",
    "search": "/search/?q=ferry",
    "policy page": "/privacy-policy/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password reset": "/accounts/password-reset/",
    "404": "/no-such-page/",
}


def get_page(client, site, name):
    url = PAGES[name]
    if url == "article":
        url = site["article"].get_absolute_url()
    response = client.get(url)
    assert response.status_code == (404 if name == "404" else 200)
    return lxml.html.fromstring(response.content)


def accessible_name(doc, element) -> str:
    if element.get("aria-label"):
        return element.get("aria-label")
    if element.get("aria-labelledby"):
        return " ".join(
            doc.get_element_by_id(ref).text_content().strip()
            for ref in element.get("aria-labelledby").split()
        )
    return ""


@pytest.mark.parametrize("name", PAGES)
def test_page_has_a_real_description_and_a_title_with_the_site_name(client, site, name):
    doc = get_page(client, site, name)
    title = doc.findtext(".//title")
    assert SITE_NAME in title, title
    descriptions = doc.xpath("//meta[@name='description']/@content")
    assert len(descriptions) == 1, descriptions
    assert descriptions[0].strip() not in ("", "None")
    assert len(descriptions[0]) <= 160


@pytest.mark.parametrize("name", PAGES)
def test_page_datetimes_are_valid_html(client, site, name):
    doc = get_page(client, site, name)
    for value in doc.xpath("//time/@datetime"):
        assert HTML_DATETIME.match(value), value


@pytest.mark.parametrize("name", PAGES)
def test_page_has_one_h1_and_skips_no_heading_level(client, site, name):
    doc = get_page(client, site, name)
    levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert levels.count(1) == 1, levels
    previous = 0
    for level in levels:
        assert level <= previous + 1, f"h{previous} then h{level} in {levels}"
        previous = level


@pytest.mark.parametrize("name", PAGES)
def test_page_landmarks_are_unique(client, site, name):
    doc = get_page(client, site, name)
    seen = []
    for element in doc.xpath(LANDMARKS):
        role = element.get("role") or element.tag
        seen.append((role, accessible_name(doc, element)))
    duplicates = {key for key in seen if seen.count(key) > 1}
    assert not duplicates, seen


def test_header_offers_sign_up_beside_sign_in(client, site):
    doc = get_page(client, site, "home")
    header = doc.xpath("//header[@class='site-header']")[0]
    links = {a.text_content().strip(): a.get("href") for a in header.iter("a")}
    assert links["Sign up"] == "/accounts/signup/"
    assert links["Sign in"] == "/accounts/login/"


def test_deleting_the_account_lands_on_home_with_an_announced_message(client, site):
    reader = UserFactory(username="leaving")
    client.force_login(reader)

    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    doc = lxml.html.fromstring(response.content)
    (region,) = doc.xpath("//*[@role='status' and @aria-live='polite']")
    assert region.text_content().strip() == "Your account was deleted."
    assert not User.objects.filter(username="leaving").exists()


def test_sign_up_help_is_what_the_password_field_points_at(client, site):
    doc = get_page(client, site, "sign-up")
    for field in doc.xpath("//input[@aria-describedby]"):
        for ref in field.get("aria-describedby").split():
            assert doc.xpath(f"//*[@id='{ref}']"), f"{field.get('name')} -> {ref}"
    # Help lists sit in a div: a <ul> inside <p> or <small> is invalid HTML.
    assert not doc.xpath("//p//ul | //small//ul")


def test_a_byline_naming_someone_else_does_not_link_to_the_account(client, site):
    article = ArticleFactory(byline="Guest Writer", author=UserFactory())
    doc = lxml.html.fromstring(client.get(article.get_absolute_url()).content)
    (byline,) = doc.xpath("//*[@class='byline']")
    assert byline.text_content().strip() == "By Guest Writer"
    assert byline.xpath(".//a") == []
    own = site["article"]
    doc = lxml.html.fromstring(client.get(own.get_absolute_url()).content)
    (link,) = doc.xpath("//*[@class='byline']//a")
    assert link.text_content() == "Amina Rahimova"
    assert link.get("href") == "/author/amina/"
