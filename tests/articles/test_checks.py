"""Content checks before publishing (articles/checks.py): what an editor is told to fix."""

import pytest
from django.test import Client

from articles.checks import blocking, body_images, check_article, lead_repeats_title
from articles.models import Article
from digest.models import ContentCheck, SiteSettings
from tests.factories import CategoryFactory, UserFactory, image_file, role_group

FIGURE = (
    '<figure><img src="/media/articles/body/a.webp" alt="{alt}">'
    "<figcaption>{caption}</figcaption></figure>"
)


def article(**fields) -> Article:
    values = {
        "title": "Harbour council approves the ferry berth",
        "lead": "Work starts in spring and the quay stays open.",
        "body": FIGURE.format(alt="The quay at dawn", caption="The quay in May."),
        "category_id": 1,
        "image_alt": "",
    }
    values.update(fields)
    return Article(**values)


def checks(findings) -> list[str]:
    return [finding.check for finding in findings]


def test_a_clean_article_has_nothing_to_fix():
    assert check_article(article()) == []


def with_image(draft: Article) -> Article:
    draft.image.name = "articles/2026/12/a.jpg"
    return draft


def test_a_featured_image_without_alt_text_is_flagged():
    found = check_article(with_image(article(image_alt=" ")))

    assert checks(found) == [ContentCheck.IMAGE_ALT]
    assert found[0].message == "The featured image has no alt text."
    assert check_article(with_image(article(image_alt="Gulls on the pier"))) == []


def test_body_images_without_alt_text_or_caption_are_counted():
    body = (
        FIGURE.format(alt="", caption="Night shift.")
        + '<p>Text <img src="/media/x.webp"></p>'
        + FIGURE.format(alt="A crane", caption="  ")
    )

    found = {f.check: f.message for f in check_article(article(body=body))}

    assert found == {
        ContentCheck.BODY_IMAGE_ALT: "2 images in the body have no alt text.",
        ContentCheck.BODY_IMAGE_CAPTION: "2 images in the body have no caption.",
    }


def test_body_images_are_read_with_their_figure_caption():
    body = FIGURE.format(alt="A &amp; B", caption="<em>Harbour</em> at   noon")

    assert [(i.alt, i.caption) for i in body_images(body)] == [
        ("A & B", "Harbour at noon")
    ]


@pytest.mark.parametrize(
    ("title", "lead", "repeats"),
    [
        ("Ferry strike ends", "Ferry strike ends", True),
        ("Ferry strike ends", "FERRY STRIKE ENDS.", True),
        ("Ferry strike ends", "Ferry strike ends after talks through the night.", True),
        ("Ferry strike ends", "Crews return to work on Monday.", False),
        ("Ferry strike ends", "Ferry strike endsong is a band.", False),
        ("Ferry strike ends", "", False),
    ],
)
def test_a_lead_that_repeats_the_headline(title, lead, repeats):
    assert lead_repeats_title(title, lead) is repeats
    found = checks(check_article(article(title=title, lead=lead)))
    assert (ContentCheck.LEAD_REPEATS_TITLE in found) is repeats


def test_a_headline_over_110_characters_is_flagged():
    assert check_article(article(title="x" * 110)) == []

    found = check_article(article(title="x" * 111))

    assert checks(found) == [ContentCheck.TITLE_LENGTH]
    assert found[0].message == "The headline has 111 characters; keep it to 110."


def test_no_category_is_flagged():
    assert checks(check_article(article(category_id=None))) == [ContentCheck.CATEGORY]


def test_only_the_required_checks_block():
    found = check_article(
        article(title="x" * 120, category_id=None),
        required=[ContentCheck.CATEGORY],
    )

    assert checks(found) == [ContentCheck.TITLE_LENGTH, ContentCheck.CATEGORY]
    assert checks(blocking(found)) == [ContentCheck.CATEGORY]


@pytest.mark.django_db
def test_an_editor_makes_checks_mandatory_in_the_site_settings():
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    client = Client()
    client.force_login(editor)
    SiteSettings.load()
    url = "/admin/digest/sitesettings/1/change/"

    form = client.get(url).content.decode()
    assert 'value="body_image_alt"' in form
    assert "Body images have alt text" in form

    response = client.post(
        url,
        {
            "site_name": "Digest",
            "tagline": "Daily",
            "cookie_bar_text": "Cookies.",
            "required_checks": ["image_alt", "body_image_alt"],
        },
    )
    bad = client.post(
        url,
        {
            "site_name": "Digest",
            "cookie_bar_text": "Cookies.",
            "required_checks": ["image_alt", "drop_tables"],
        },
    )

    assert response.status_code == 302
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert SiteSettings.load().required_checks == ["image_alt", "body_image_alt"]


@pytest.mark.django_db
def test_checks_read_a_saved_article_without_queries(django_assert_num_queries):
    saved = Article.objects.create(
        title="Quay",
        slug="quay",
        category=CategoryFactory(),
        image=image_file(),
        body=FIGURE.format(alt="", caption="x"),
    )
    saved = Article.objects.get(pk=saved.pk)

    with django_assert_num_queries(0):
        found = check_article(saved)

    assert checks(found) == [ContentCheck.IMAGE_ALT, ContentCheck.BODY_IMAGE_ALT]


@pytest.mark.django_db
def test_the_change_form_lists_the_checks_and_marks_the_required_ones():
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    client = Client()
    client.force_login(editor)
    settings_row = SiteSettings.load()
    settings_row.required_checks = [ContentCheck.BODY_IMAGE_ALT]
    settings_row.save()
    draft = Article.objects.create(
        title="Quay works begin",
        slug="quay-works",
        lead="Quay works begin on Monday.",
        category=CategoryFactory(),
        body=FIGURE.format(alt="", caption="Cranes."),
    )
    url = f"/admin/articles/article/{draft.pk}/change/"

    html = client.get(url).content.decode()

    assert "Before publishing" in html
    assert "<strong>Check:</strong> The lead repeats the headline." in html
    assert "<strong>Required:</strong> 1 image in the body has no alt text." in html

    draft.lead = "Cranes arrive first."
    draft.body = FIGURE.format(alt="Two cranes", caption="Cranes.")
    draft.save()
    assert "Before publishing" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_empty_add_form_has_nothing_to_check_yet():
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    client = Client()
    client.force_login(editor)

    html = client.get("/admin/articles/article/add/").content.decode()

    assert "Before publishing" not in html
