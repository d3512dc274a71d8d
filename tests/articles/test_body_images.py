"""Images inside article bodies: the editor's picker uploads or picks them, and
the article page shows them."""

import html
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import Article, BodyImage
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db

PICKER = "/admin/articles/article/body-images/"
GROUPS = {"author": "Author", "editor": "Editor", "operator": "Site operator"}


def jpeg(name="harbour.jpg", size=(1600, 900)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 110, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        user = UserFactory(username=f"the-{role}", is_staff=role != "reader")
        if role in GROUPS:
            user.groups.add(role_group(GROUPS[role]))
        client.force_login(user)
    return client


def upload(client, **fields):
    data = {"image": jpeg(), "alt_text": "Cranes over the harbour at dawn"}
    return client.post(f"{PICKER}?CKEditorFuncNum=-1", data | fields)


def test_the_editor_offers_browse_in_its_image_dialog():
    response = client_for("editor").get(reverse("admin:articles_article_add"))
    config = re.search(
        r'data-django-prose-editor-digest="([^"]+)"', response.content.decode()
    ).group(1)
    figure = json.loads(html.unescape(config))["extensions"]["Figure"]
    assert figure == {"pickerUrl": PICKER}


def test_uploaded_image_is_handed_to_the_editor_and_stored_clean():
    author = client_for("author")
    response = upload(author, caption="The new container cranes.")
    image = BodyImage.objects.get()
    # Redirected (a reload does not upload it again) to the page that inserts it.
    assert response.status_code == 302
    assert response.url == f"{PICKER}?CKEditorFuncNum=-1&picked={image.pk}"
    response = author.get(response.url)
    assert image.uploaded_by.username == "the-author"
    assert (image.width, image.height) == (1600, 900)
    html = response.content.decode()
    picked = re.search(r"<p[^>]+data-picked[^>]*>", html).group(0)
    assert f'data-url="{image.body_url()}"' in picked
    assert 'data-alt="Cranes over the harbour at dawn"' in picked
    assert 'data-caption="The new container cranes."' in picked
    assert image.body_url().endswith(".w1200.webp")
    # The URL it hands over exists: a 1,200-pixel WebP next to the original.
    stored = Path(settings.MEDIA_ROOT) / image.body_url().removeprefix("/media/")
    with Image.open(stored) as rendition:
        assert (rendition.format, rendition.width) == ("WEBP", 1200)


def test_the_picker_lists_earlier_images_and_searches_them():
    client = client_for("editor")
    upload(client, alt_text="Cranes over the harbour")
    upload(client, alt_text="Ferry at the old pier")
    html = client.get(f"{PICKER}?CKEditorFuncNum=-3").content.decode()
    assert html.count("data-pick ") == 2
    found = client.get(f"{PICKER}?CKEditorFuncNum=-3&q=ferry").content.decode()
    assert "Ferry at the old pier" in found
    assert "Cranes over the harbour" not in found
    none = client.get(f"{PICKER}?q=volcano").content.decode()
    assert "No image matches" in none


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=" + "x" * 10_000,
        "CKEditorFuncNum=%22%3E%3Cscript%3E",
        "q=%F0%9F",
        "picked=-1",
        "picked=%00",
        "picked=99999999999999999999",
        "picked=%C2%B9",
    ],
)
def test_odd_query_strings_get_the_picker_not_an_error(query):
    response = client_for("editor").get(f"{PICKER}?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_a_fake_image_is_refused_and_nothing_is_stored():
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", "image/jpeg")
    response = upload(client_for("editor"), image=fake)
    assert response.status_code == 200
    assert "not a JPEG, PNG, WebP or GIF image" in response.content.decode()
    assert "data-picked" not in response.content.decode()
    assert not BodyImage.objects.exists()


def test_alt_text_is_required():
    response = upload(client_for("editor"), alt_text="  ")
    assert "This field is required." in response.content.decode()
    assert not BodyImage.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("reader", 302),
        ("operator", 403),
        ("author", 200),
        ("editor", 200),
    ],
)
def test_who_may_upload_body_images(role, status):
    client = client_for(role)
    assert client.get(PICKER).status_code == status
    response = upload(client)
    assert BodyImage.objects.exists() == (status == 200)
    if status == 200:
        assert response.status_code == 302
        assert "picked=" in response.url
    else:
        assert response.status_code == status


def test_authors_browse_body_images_but_only_editors_delete_them():
    image = BodyImage.objects.create(
        image=jpeg(), alt_text="Cranes", uploaded_by=UserFactory()
    )
    delete = reverse("admin:articles_bodyimage_delete", args=[image.pk])
    author, editor = client_for("author"), client_for("editor")
    assert author.get(reverse("admin:articles_bodyimage_changelist")).status_code == 200
    assert author.post(delete, {"post": "yes"}).status_code == 403
    assert BodyImage.objects.exists()
    assert editor.post(delete, {"post": "yes"}).status_code == 302
    assert not BodyImage.objects.exists()


def test_a_body_with_an_uploaded_image_shows_it_to_readers():
    upload(client_for("editor"), caption="Cranes at dawn.")
    image = BodyImage.objects.get()
    article = ArticleFactory(
        slug="new-cranes",
        body=(
            f'<p>The port grew.</p><figure class="figure"><img src="{image.body_url()}"'
            ' alt="Cranes over the harbour at dawn"><figcaption>Cranes at dawn.'
            "</figcaption></figure>"
        ),
    )
    assert f'src="{image.body_url()}"' in Article.objects.get(pk=article.pk).body
    html = Client().get("/articles/new-cranes/").content.decode()
    assert (
        f'<img src="{image.body_url()}" alt="Cranes over the harbour at dawn"' in html
    )
    assert "<figcaption>Cranes at dawn.</figcaption>" in html


def test_an_author_may_also_add_one_from_the_body_images_list():
    author = client_for("author")
    response = author.post(
        reverse("admin:articles_bodyimage_add"),
        {"image": jpeg(size=(900, 600)), "alt_text": "Fishing boats at the quay"},
    )
    assert response.status_code == 302
    image = BodyImage.objects.get()
    assert image.uploaded_by.username == "the-author"
    assert image.body_url().endswith(".w900.webp")  # narrower than 1,200: as is
    assert (
        Path(settings.MEDIA_ROOT) / image.body_url().removeprefix("/media/")
    ).exists()
    listing = author.get(reverse("admin:articles_bodyimage_changelist")).content
    assert b"Fishing boats at the quay" in listing
