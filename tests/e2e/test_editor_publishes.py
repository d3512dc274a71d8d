"""An editor writes and publishes an article in the admin; a reader then sees it."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Article, BodyImage
from tests.e2e.conftest import record_csp_violations
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "quay lights at dusk"


def photo(tmp_path):
    image = Image.new("RGB", (1200, 675), (20, 90, 140))
    ImageDraw.Draw(image).ellipse([400, 150, 800, 550], fill=(240, 200, 60))
    path = tmp_path / "sunrise.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def sign_in_editor(live_server, page):
    """Elena, an Editor, signed in to the admin in `page`."""
    editor = UserFactory(username="elena", is_staff=True, password=PASSWORD)
    editor.groups.add(role_group("Editor"))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Digest admin")
    return editor


def test_editor_publishes_an_article_a_reader_can_open(
    live_server, page, context, tmp_path
):
    CategoryFactory(name="Energy", slug="energy")
    ArticleFactory(tags=["solar"])  # an existing tag to be suggested
    editor = sign_in_editor(live_server, page)

    csp_errors = record_csp_violations(page)
    page.goto(live_server.url + "/admin/articles/article/add/")
    # Typed key by key: the admin fills the slug in on keyup.
    page.locator("#id_title").press_sequentially("Solar farm opens on the coast")
    expect(page.locator("#id_slug")).to_have_value("solar-farm-opens-on-the-coast")
    page.fill("#id_lead", "Panels now cover the old salt flats.")
    # The body is a rich-text editor: type, then make the next words bold, on
    # with the toolbar's button and off with the keyboard.
    body = page.locator(".field-body [contenteditable=true]")
    bold = page.locator(".field-body .prose-menubar__button[title=bold]")
    expect(bold).to_be_visible()
    body.click()
    body.press_sequentially("The plant feeds the grid ")
    bold.click()
    expect(bold).to_have_class(re.compile(r"\bactive\b"))
    body.press_sequentially("from today")
    page.keyboard.press("Control+b")
    body.press_sequentially(".")
    # The category is an autocomplete: open it, search, pick the match.
    page.click(".field-category .select2-selection")
    page.fill(".select2-search__field", "Ener")
    page.click(".select2-results__option >> text=Energy")
    # The tags field suggests existing tags as you type the last one.
    page.locator("#id_tags").press_sequentially("coast, sol")
    expect(page.locator("#id_tags-suggestions option")).to_have_attribute(
        "value", "coast, solar"
    )
    page.fill("#id_tags", "solar, coast")
    page.set_input_files("#id_image", str(photo(tmp_path)))
    page.fill("#id_image_alt", "Sun over the panels")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Solar farm opens on the coast” was published."
    )
    assert csp_errors == []  # the editor runs under the admin's strict policy

    article = Article.objects.get(slug="solar-farm-opens-on-the-coast")
    assert (
        article.body == "<p>The plant feeds the grid <strong>from today</strong>.</p>"
    )
    assert article.status == Article.Status.PUBLISHED
    assert article.is_public
    assert article.author == editor
    assert set(article.tags.names()) == {"solar", "coast"}
    assert article.image_width == 1200
    assert Article.objects.published().filter(pk=article.pk).exists()

    # The list shows it as published; then a reader without a session opens it.
    page.goto(live_server.url + "/admin/articles/article/")
    expect(page.locator("#result_list")).to_contain_text(
        "Solar farm opens on the coast"
    )
    context.clear_cookies()
    # View counting is tested elsewhere; its beacon must not race the teardown.
    context.route("**/views/**", lambda route: route.abort())
    response = page.goto(live_server.url + "/articles/solar-farm-opens-on-the-coast/")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("Solar farm opens on the coast")
    expect(page.locator(".article__body strong")).to_have_text("from today")


def test_editor_uploads_a_photo_into_the_body_through_the_image_dialog(
    live_server, page, context, tmp_path
):
    article = ArticleFactory(title="Port opens new berth", body="<p>Ships dock.</p>")
    sign_in_editor(live_server, page)

    csp_errors = record_csp_violations(page)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator(".field-body [contenteditable=true]").click()
    page.locator(".field-body .prose-menubar__button[title=figure]").click()
    dialog = page.locator("dialog[open]")
    with context.expect_page() as opened:
        dialog.get_by_role("button", name="Browse...").click()
    picker = opened.value
    picker.wait_for_load_state()
    picker_csp = record_csp_violations(picker)
    picker.set_input_files("#id_image", str(photo(tmp_path)))
    picker.fill("#id_alt_text", "Sunrise over the new berth")
    picker.fill("#id_caption", "The berth at first light.")
    with picker.expect_event("close"):
        picker.click("input[value='Upload and insert']")

    # The dialog now holds the uploaded image's address, alt text and caption.
    body_url = BodyImage.objects.get().body_url()
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(body_url)
    expect(dialog.locator("input[name=altText]")).to_have_value(
        "Sunrise over the new berth"
    )
    dialog.get_by_role("button", name="Insert").click()
    expect(page.locator(f".field-body figure img[src='{body_url}']")).to_be_visible()
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was updated")
    assert csp_errors == [] and picker_csp == []

    article.refresh_from_db()
    assert f'<img src="{body_url}" alt="Sunrise over the new berth">' in article.body
    assert "<figcaption>The berth at first light.</figcaption>" in article.body


def test_videos_survive_editing_and_the_toolbar_inserts_one(live_server, page, context):
    existing = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    article = ArticleFactory(
        title="Harbour festival in pictures",
        body=f'<p>The parade.</p><iframe src="{existing}" title="The parade"></iframe>',
    )
    context.route(
        re.compile(r"https://(www\.youtube|player\.vimeo)"), lambda r: r.abort()
    )
    sign_in_editor(live_server, page)

    csp_errors = record_csp_violations(page)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    body = page.locator(".field-body [contenteditable=true]")
    expect(body.locator(f"iframe[src='{existing}']")).to_be_attached()
    # A second video from the toolbar, given as the address a reader copies.
    body.locator("p").click()
    page.locator(".field-body .prose-menubar__button[title=video]").click()
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=url]").fill("https://vimeo.com/76979871")
    dialog.locator("input[name=title]").fill("The fireworks")
    dialog.get_by_role("button", name="Insert").click()
    expect(body.locator("iframe")).to_have_count(2)
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was updated")
    assert csp_errors == []

    article.refresh_from_db()
    assert f'src="{existing}"' in article.body  # kept through the edit
    assert 'src="https://player.vimeo.com/video/76979871"' in article.body
    assert 'title="The fireworks"' in article.body
