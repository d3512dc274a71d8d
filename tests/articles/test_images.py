"""Featured images through the admin: refusals, clean re-encoding, renditions."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Article
from bench.image_memory import make_images_elsewhere, measure
from digest.images import make_rendition_files, make_renditions, renditions
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
    assert_refused(response, settings, "at most 25 megapixels")


def small_40_megapixel_png() -> bytes:
    """A real 8000×5000 PNG (Pillow-made) of a few kB: one colour compresses well."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 5000), 1).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_40_megapixel_png_small_on_disk_is_refused_with_its_size(
    editor_client, settings
):
    data = small_40_megapixel_png()
    assert len(data) < 200_000
    upload = SimpleUploadedFile("big.png", data, "image/png")
    response = post_article(editor_client, upload)
    assert_refused(
        response,
        settings,
        "The image is 8000×5000 pixels (40 megapixels); "
        "images may have at most 25 megapixels.",
    )


def test_the_pixel_limit_is_a_setting(editor_client, settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    upload = SimpleUploadedFile("mid.jpg", image_bytes(1200, 1000), "image/jpeg")
    response = post_article(editor_client, upload)
    assert_refused(response, settings, "(1.2 megapixels); images may have at most 1")
    ok = SimpleUploadedFile("ok.jpg", image_bytes(1000, 1000), "image/jpeg")
    assert post_article(editor_client, ok).status_code == 302


def animated_gif(*, frames: int = 3, size=(120, 80), comment=b"") -> bytes:
    colours = ["red", "green", "blue", "yellow", "purple", "orange"]
    images = [Image.new("P", size, colours[i % len(colours)]) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=images[1:],
        duration=[100, 200, 300][:frames] + [100] * (frames - 3),
        loop=0,
        comment=comment,
    )
    return buffer.getvalue()


def test_animated_gif_is_re_encoded_without_comments_or_trailing_script(
    editor_client, settings
):
    data = (
        animated_gif(comment=b"<!-- tracking comment -->")
        + b"<script>alert(document.cookie)</script>"
    )
    with Image.open(io.BytesIO(data)) as check:
        assert check.n_frames == 3  # Pillow reads it: it passes validation
    upload = SimpleUploadedFile("dance.gif", data, "image/gif")
    assert post_article(editor_client, upload).status_code == 302
    article = Article.objects.get()
    stored = (Path(settings.MEDIA_ROOT) / article.image.name).read_bytes()
    assert b"<script>" not in stored
    assert b"tracking comment" not in stored
    assert stored.endswith(b";")  # the GIF trailer is the last byte
    with Image.open(io.BytesIO(stored)) as gif:
        assert gif.is_animated and gif.n_frames == 3
        durations, colours = [], []
        for frame in range(gif.n_frames):
            gif.seek(frame)
            durations.append(gif.info["duration"])
            colours.append(gif.convert("RGB").getpixel((10, 10)))
        assert durations == [100, 200, 300]
        assert colours == [(255, 0, 0), (0, 128, 0), (0, 0, 255)]
        assert gif.info.get("loop") == 0


def test_animation_over_the_pixel_limit_in_all_frames_is_refused(
    editor_client, settings
):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    data = animated_gif(frames=30, size=(200, 200))  # 1.2 megapixels in all
    response = post_article(
        editor_client, SimpleUploadedFile("long.gif", data, "image/gif")
    )
    assert_refused(
        response, settings, "30 frames of 200×200 pixels, 1.2 megapixels in all"
    )


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


def test_an_exif_turned_photo_gets_upright_renditions(settings):
    """Files stored before uploads were turned upright still make upright renditions."""
    default_storage.save("old/phone.jpg", io.BytesIO(jpeg_with_orientation_and_gps()))
    made = make_rendition_files(default_storage, "old/phone.jpg", (500, 1000))
    assert sorted(made) == [
        "old/phone.w400.jpg",
        "old/phone.w400.webp",
        "old/phone.w500.jpg",
        "old/phone.w500.webp",
    ]
    with default_storage.open("old/phone.w400.jpg") as handle, Image.open(handle) as r:
        assert r.size == (400, 800)
        top = r.getpixel((200, 80))
        assert top[2] > 150 and top[0] < 100  # blue on top, as the camera meant


def test_transparent_png_renditions_are_on_white(settings):
    image = Image.new("RGBA", (2000, 1000), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 1000, 1000))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    default_storage.save("logo.png", buffer)
    make_rendition_files(default_storage, "logo.png", (2000, 1000))
    with default_storage.open("logo.w800.jpg") as handle, Image.open(handle) as r:
        assert r.size == (800, 400)
        left, right = r.getpixel((100, 200)), r.getpixel((700, 200))
        assert left[0] > 180 and left[1] < 40  # the red half
        assert min(right) > 240  # the transparent half on white


# Measured on 2026-12-01 (bench/image_memory.py): before the fix, +287 MB (JPEG),
# +286 MB (PNG), +310 MB (PNG with alpha); now +44, +138 and +158 MB.
RENDITION_MEMORY_MB = 200


def test_renditions_of_a_25_megapixel_image_stay_within_a_memory_bound(tmp_path):
    for name in make_images_elsewhere(tmp_path):
        figures = measure(tmp_path, name)
        grew = figures["peak"] - figures["before"]
        print(f"{name}: +{grew:.0f} MB peak for {figures['files']} renditions")
        assert figures["files"] == 8
        assert grew < RENDITION_MEMORY_MB, name
