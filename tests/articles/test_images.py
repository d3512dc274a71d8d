"""Featured images through the admin: refusals, clean re-encoding, renditions."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Article
from digest.images import make_renditions, renditions
from tests.factories import CategoryFactory, UserFactory, image_bytes, role_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="the-editor", is_staff=True)
    editor.groups.add(role_group("Editor"))
    client.force_login(editor)
    return client


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_article(client, upload, slug="harbour-lights"):
    category = CategoryFactory()
    return client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Harbour lights",
            "slug": slug,
            "lead": "",
            "body": "<p>Lights along the quay.</p>",
            "category": category.pk,
            "tags": "harbour",
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "image": upload,
            "image_alt": "The quay at night",
        },
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def assert_refused(response, settings, message):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "image" in errors
    assert message in " ".join(errors["image"])
    assert not Article.objects.exists()
    assert media_files(settings) == []


def test_text_file_named_jpg_is_refused(editor_client, settings):
    upload = SimpleUploadedFile(
        "holiday.jpg", b"just some text, not a photo\n" * 50, "image/jpeg"
    )
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "not a JPEG, PNG, WebP or GIF image")


def test_png_claiming_50000_by_50000_pixels_is_refused_from_its_header(
    editor_client, settings
):
    upload = SimpleUploadedFile("huge.png", png_header_only(50000, 50000), "image/png")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "at most 40 megapixels")


def test_png_just_over_40_megapixels_is_refused(editor_client, settings):
    upload = SimpleUploadedFile("big.png", png_header_only(8000, 5001), "image/png")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "8000×5001")


def test_25_megabyte_file_is_refused(editor_client, settings):
    data = image_bytes(400, 300) + b"\0" * (25 * 1024 * 1024)
    upload = SimpleUploadedFile("heavy.jpg", data, "image/jpeg")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "at most 20 MB")


def test_bmp_is_refused_even_though_pillow_reads_it(editor_client, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(buffer, "BMP")
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "JPEG, PNG, WebP or GIF")


def test_truncated_jpeg_is_refused(editor_client, settings):
    data = image_bytes(800, 600)
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 3], "image/jpeg")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "damaged")


def jpeg_with_orientation_and_gps() -> bytes:
    image = Image.new("RGB", (1000, 500), (200, 30, 30))
    # Left half blue: after a 90° turn the blue half is on top.
    image.paste((30, 30, 200), (0, 0, 500, 500))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (40.0, 24.0, 0.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (49.0, 52.0, 0.0),
        }
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


def test_upload_is_turned_upright_and_loses_exif_and_gps(editor_client, settings):
    source = jpeg_with_orientation_and_gps()
    with Image.open(io.BytesIO(source)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS
    response = post_article(
        editor_client, SimpleUploadedFile("phone.jpg", source, "image/jpeg")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.image_width, article.image_height) == (500, 1000)
    path = Path(settings.MEDIA_ROOT) / article.image.name
    data = path.read_bytes()
    assert b"PhoneMaker" not in data
    with Image.open(path) as stored:
        assert stored.size == (500, 1000)
        assert not stored.getexif()
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        top = stored.convert("RGB").getpixel((250, 100))
        assert top[2] > 150 and top[0] < 100  # the blue half is on top


def test_renditions_are_made_once_at_widths_not_wider_than_the_original(
    editor_client, settings
):
    upload = SimpleUploadedFile("wide.jpg", image_bytes(1000, 500), "image/jpeg")
    assert post_article(editor_client, upload).status_code == 302
    article = Article.objects.get()
    stem = Path(article.image.name).stem
    names = sorted(
        p.name for p in media_files(settings) if p.name != Path(article.image.name).name
    )
    assert names == sorted(
        f"{stem}.w{w}.{ext}" for w in (400, 800, 1000) for ext in ("jpg", "webp")
    )
    with Image.open(
        Path(settings.MEDIA_ROOT) / article.image.name.replace(".jpg", ".w800.webp")
    ) as r:
        assert r.format == "WEBP"
        assert r.size == (800, 400)
    assert make_renditions(article.image) == []  # already there: nothing is redone

    data = renditions(article.image)
    assert [w for _url, w in data["webp"]] == [400, 800, 1000]
    assert data["jpeg_srcset"].endswith(f"{stem}.w1000.jpg 1000w")


def test_picture_tag_renders_webp_source_and_jpeg_img(editor_client, settings):
    upload = SimpleUploadedFile("pier.jpg", image_bytes(1600, 900), "image/jpeg")
    assert post_article(editor_client, upload).status_code == 302
    article = Article.objects.get()
    html = Template(
        "{% load article_images %}{% picture article.image alt=article.image_alt "
        'sizes="100vw" loading="lazy" %}'
    ).render(Context({"article": article}))
    assert html.startswith('<picture><source type="image/webp"')
    assert ".w400.webp 400w" in html and ".w1600.webp 1600w" in html
    assert ".w1200.jpg 1200w" in html
    assert 'width="1600" height="900"' in html
    assert 'alt="The quay at night"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html


def test_picture_tag_falls_back_to_the_original_without_renditions(settings):
    from tests.factories import ArticleFactory

    article = ArticleFactory(with_image=True)
    html = Template(
        "{% load article_images %}{% picture article.image alt='x' %}"
    ).render(Context({"article": article}))
    assert f'src="{article.image.url}"' in html
    assert "<source" not in html
