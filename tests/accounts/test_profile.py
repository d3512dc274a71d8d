import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import CategoryFollow, ReadingHistory, SavedArticle, User
from articles.models import Article
from tests.accounts.conftest import PASSWORD
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, image_bytes

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_exif(width=800, height=600) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Maker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_profile_needs_sign_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/profile/"


def test_reader_edits_display_name_and_bio(reader_client, reader):
    response = reader_client.post(
        PROFILE,
        {"display_name": "Harbour Watcher", "bio": "I read about ferries."},
        follow=True,
    )

    assert "Your profile was saved." in response.content.decode()
    reader.refresh_from_db()
    assert reader.display_name == "Harbour Watcher"
    assert reader.bio == "I read about ferries."


def test_avatar_is_resized_and_stripped_of_exif(reader_client, reader):
    reader_client.post(
        PROFILE,
        {"display_name": "R", "bio": "", "avatar": upload("me.jpg", jpeg_with_exif())},
    )

    reader.refresh_from_db()
    with Image.open(reader.avatar.path) as saved:
        assert saved.size == (256, 256)
        assert not saved.getexif()


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_avatar_accepts_png_gif_and_webp(reader_client, reader, fmt):
    content = image_bytes(width=300, height=400, fmt=fmt)

    reader_client.post(
        PROFILE,
        {"display_name": "R", "bio": "", "avatar": upload(f"a.{fmt.lower()}", content)},
    )

    reader.refresh_from_db()
    assert reader.avatar.name.endswith(".webp")


def test_avatar_that_is_not_an_image_is_refused(reader_client, reader):
    response = reader_client.post(
        PROFILE,
        {"display_name": "R", "bio": "", "avatar": upload("me.jpg", b"not an image")},
    )

    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    reader.refresh_from_db()
    assert not reader.avatar


def test_avatar_in_another_format_is_refused(reader_client, reader):
    response = reader_client.post(
        PROFILE,
        {
            "display_name": "R",
            "bio": "",
            "avatar": upload("me.bmp", image_bytes(fmt="BMP")),
        },
    )

    assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
    reader.refresh_from_db()
    assert not reader.avatar


def test_avatar_over_the_pixel_limit_is_refused(reader_client, reader):
    buffer = io.BytesIO()
    Image.new("L", (8000, 5100)).save(buffer, "PNG")  # 40.8 MP, a small file

    response = reader_client.post(
        PROFILE,
        {
            "display_name": "R",
            "bio": "",
            "avatar": upload("big.png", buffer.getvalue(), "image/png"),
        },
    )

    assert "(40.8 megapixels); images may have at most 25 megapixels." in (
        response.content.decode()
    )
    reader.refresh_from_db()
    assert not reader.avatar


def test_email_change_waits_for_the_link_sent_to_the_new_address(
    reader_client, reader, mailoutbox
):
    response = reader_client.post(
        "/accounts/email/", {"new_email": "moved@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.email == "reader@example.org"
    assert mailoutbox[0].to == ["moved@example.org"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)

    confirmed = reader_client.get(link, follow=True)

    assert "Your email address is now moved@example.org." in confirmed.content.decode()
    reader.refresh_from_db()
    assert reader.email == "moved@example.org"
    assert reader_client.get(link).status_code == 400


def test_email_change_needs_the_password(reader_client, reader, mailoutbox):
    response = reader_client.post(
        "/accounts/email/", {"new_email": "moved@example.org", "password": "nope"}
    )

    assert "Your password was entered incorrectly." in response.content.decode()
    assert mailoutbox == []


def test_email_change_to_a_taken_address_sends_nothing_and_says_the_same(
    reader_client, mailoutbox
):
    UserFactory(email="taken@example.org")

    response = reader_client.post(
        "/accounts/email/",
        {"new_email": "Taken@example.org", "password": PASSWORD},
        follow=True,
    )

    assert (
        "If that address can be used, we sent a link to it."
        in response.content.decode()
    )
    assert mailoutbox == []


def test_delete_account_needs_the_password(reader_client, reader):
    response = reader_client.post("/accounts/delete/", {"password": "wrong"})

    assert "Your password was entered incorrectly." in response.content.decode()
    assert User.objects.filter(pk=reader.pk).exists()


def test_delete_account_removes_reader_data_and_keeps_their_articles(
    reader_client, reader
):
    written = ArticleFactory(author=reader)
    other = ArticleFactory()
    SavedArticle.objects.create(user=reader, article=other)
    ReadingHistory.objects.create(
        user=reader, article=other, read_at=other.published_at
    )
    CategoryFollow.objects.create(user=reader, category=CategoryFactory())

    response = reader_client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not SavedArticle.objects.filter(user_id=reader.pk).exists()
    assert not ReadingHistory.objects.filter(user_id=reader.pk).exists()
    assert not CategoryFollow.objects.filter(user_id=reader.pk).exists()
    assert Article.objects.get(pk=written.pk).author is None
    assert reader_client.get(PROFILE).status_code == 302


def test_avatar_with_transparency_keeps_it(reader_client, reader):
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(buffer, "PNG")

    reader_client.post(
        PROFILE,
        {
            "display_name": "R",
            "bio": "",
            "avatar": upload("a.png", buffer.getvalue(), "image/png"),
        },
    )

    reader.refresh_from_db()
    with Image.open(reader.avatar.path) as saved:
        assert saved.mode == "RGBA"
        assert saved.getpixel((10, 10))[3] == 0


def test_avatar_over_twenty_megabytes_is_refused(reader_client, reader):
    padded = image_bytes(width=64, height=64) + b"\0" * (20 * 1024 * 1024)

    response = reader_client.post(
        PROFILE, {"display_name": "R", "bio": "", "avatar": upload("huge.jpg", padded)}
    )

    assert "images may be at most 20 MB" in response.content.decode()
    reader.refresh_from_db()
    assert not reader.avatar


def test_a_new_avatar_replaces_the_old_file(
    reader_client, reader, django_capture_on_commit_callbacks
):
    def post_avatar(color):
        content = image_bytes(width=300, height=300, color=color)
        with django_capture_on_commit_callbacks(execute=True):
            reader_client.post(
                PROFILE,
                {"display_name": "R", "bio": "", "avatar": upload("me.jpg", content)},
            )
        reader.refresh_from_db()
        return reader.avatar.path

    first = post_avatar((10, 10, 10))
    second = post_avatar((200, 200, 200))

    from pathlib import Path

    assert first != second
    assert not Path(first).exists()
    assert Path(second).exists()


def test_deleting_the_account_deletes_the_avatar_file(
    reader_client, reader, django_capture_on_commit_callbacks
):
    from pathlib import Path

    reader_client.post(
        PROFILE,
        {
            "display_name": "R",
            "bio": "",
            "avatar": upload("me.jpg", image_bytes(width=300, height=300)),
        },
    )
    reader.refresh_from_db()
    path = Path(reader.avatar.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reader_client.post("/accounts/delete/", {"password": PASSWORD})

    assert not path.exists()
