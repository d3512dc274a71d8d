"""Hostile image uploads: a form error, and nothing written to disk or the database."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from digest.images import ImageUploadField
from tests.factories import UserFactory, image_bytes

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width`×`height` but carries a few bytes of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def gif_header_only(width: int, height: int) -> bytes:
    return (
        b"GIF89a"
        + struct.pack("<HH", width, height)
        + b"\x00\x00\x00"
        + b","
        + struct.pack("<HHHH", 0, 0, width, height)
        + b"\x00\x02\x02\x44\x01\x00;"
    )


JPEG = image_bytes(800, 600)

HOSTILE_FILES = {
    "text named .jpg": ("photo.jpg", b"just some text, not an image\n" * 20),
    "html named .png": ("photo.png", b"<html><script>alert(1)</script></html>"),
    "svg with script": (
        "photo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "pdf named .png": ("photo.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
    "truncated jpeg": ("photo.jpg", JPEG[: len(JPEG) // 3]),
    "jpeg header only": ("photo.jpg", JPEG[:20]),
    "empty file": ("photo.jpg", b""),
    "png decompression bomb": ("bomb.png", png_header_only(60_000, 60_000)),
    "png huge width": ("wide.png", png_header_only(1_000_000, 64)),
    "png just over 25 megapixels": ("big.png", png_header_only(5001, 5000)),
    "gif huge dimensions": ("bomb.gif", gif_header_only(65_535, 65_535)),
    "bmp (not allowed)": ("photo.bmp", image_bytes(64, 64, fmt="BMP")),
    "tiff (not allowed)": ("photo.tiff", image_bytes(64, 64, fmt="TIFF")),
}


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("case", HOSTILE_FILES.keys())
def test_a_hostile_avatar_is_a_form_error_and_writes_nothing(client, settings, case):
    name, content = HOSTILE_FILES[case]
    reader = UserFactory(username="reader")
    client.force_login(reader)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Changed name",
            "bio": "",
            "avatar": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200, case
    assert response.context["form"].errors.get("avatar"), case
    reader = User.objects.get(pk=reader.pk)
    assert not reader.avatar
    assert reader.display_name != "Changed name"
    assert files_in(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.parametrize("case", HOSTILE_FILES.keys())
def test_a_hostile_article_image_is_refused_by_the_admin_field(settings, case):
    name, content = HOSTILE_FILES[case]
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    with pytest.raises(ValidationError):
        ImageUploadField(required=True).clean(upload)
    assert files_in(Path(settings.MEDIA_ROOT)) == []


def test_a_good_avatar_is_accepted(client, settings):
    """The refusals above are not a form that refuses everything."""
    reader = UserFactory(username="reader")
    client.force_login(reader)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Changed name",
            "bio": "",
            "avatar": SimpleUploadedFile("me.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    reader = User.objects.get(pk=reader.pk)
    assert reader.avatar
    assert len(files_in(Path(settings.MEDIA_ROOT))) == 1


def test_an_animated_gif_comes_out_of_the_admin_field_without_a_trailing_script():
    from PIL import Image

    buffer = io.BytesIO()
    frames = [Image.new("P", (40, 40), colour) for colour in ("red", "blue")]
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"<!-- x -->"
    )
    data = buffer.getvalue() + b"<script>alert(1)</script>"
    upload = SimpleUploadedFile("moving.gif", data, content_type="image/gif")
    cleaned = ImageUploadField(required=True).clean(upload)
    stored = cleaned.read()
    assert b"<script>" not in stored and b"<!-- x -->" not in stored
    with Image.open(io.BytesIO(stored)) as gif:
        assert gif.n_frames == 2
