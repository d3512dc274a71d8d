"""Uploaded images: refusal of bad files, clean re-encoding, and width renditions.

The write path (admin save, demo loader) calls, in order:

- `ImageUploadField` (a form field) or `validate_image_upload(file)`: refuses anything
  but JPEG, PNG, WebP or GIF as Pillow reads it (never the extension), files over
  `MAX_BYTES`, and images over `MAX_PIXELS` judged from the header alone, before any
  pixel is decoded; `Image.verify()` then catches truncated files.
- `clean_upload(file)`: applies the EXIF orientation and re-encodes, which drops EXIF
  (GPS included) and any other metadata.
- `make_renditions(image_field)`: writes each width in `WIDTHS` that is not wider than
  the original (plus the original width when it is narrower than the largest) as
  WebP and JPEG next to the original: `photo.jpg` gets `photo.w800.webp`,
  `photo.w800.jpg`, ... Existing files are kept, so it runs once per image.

Reading: `renditions(image_field)` returns srcset data and falls back to the
original URL for widths whose file is missing; it never creates files. The
`{% picture %}` tag in `articles/templatetags/article_images.py` renders it.
"""

import io
import posixpath
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
WIDTHS = (400, 800, 1200, 1600)
RENDITION_FORMATS = (("webp", "WEBP"), ("jpg", "JPEG"))


def validate_image_upload(file) -> None:
    """Refuse `file` unless it is a JPEG, PNG, WebP or GIF of sane size and dimensions."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; images may be at most 20 MB."),
            code="file_too_large",
            params={"size": f"{size / 1024 / 1024:.1f}"},
        )
    try:
        file.seek(0)
        # Image.open reads only the header: no pixel is decoded here.
        with Image.open(file) as image:
            kind = image.format
            width, height = image.size
            if kind not in FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="image_format"
                )
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _(
                        "The image is %(width)s×%(height)s pixels; images may have "
                        "at most 40 megapixels."
                    ),
                    code="image_too_large",
                    params={"width": width, "height": height},
                )
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has too many pixels; images may have at most 40 megapixels."),
            code="image_too_large",
        ) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "This file is not a JPEG, PNG, WebP or GIF image, or it is damaged. "
                "Upload a JPEG, PNG, WebP or GIF image."
            ),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)


def clean_upload(file, name: str | None = None) -> ContentFile:
    """Re-encode a validated upload upright and without metadata (EXIF, GPS)."""
    file.seek(0)
    with Image.open(file) as original:
        kind = original.format
        ext = FORMATS[kind]
        if kind == "GIF" and getattr(original, "n_frames", 1) > 1:
            # Animated GIFs are kept frame for frame; only the comments go.
            file.seek(0)
            data = file.read()
            return ContentFile(data, name=_with_ext(name or file.name, ext))
        try:
            # verify() does not see a truncated JPEG; decoding does. The pixel
            # count was checked from the header, so this allocation is bounded.
            original.load()
            image = ImageOps.exif_transpose(original)
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(
                _(
                    "This image is damaged or cut short. "
                    "Upload a JPEG, PNG, WebP or GIF image."
                ),
                code="invalid_image",
            ) from None
    image.info = {
        key: value
        for key, value in image.info.items()
        if key in {"transparency"}  # needed to draw the picture; nothing else is
    }
    buffer = io.BytesIO()
    options = {
        "JPEG": {"quality": 88, "optimize": True, "progressive": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85, "method": 4},
        "GIF": {},
    }[kind]
    if kind == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    image.save(buffer, kind, **options)
    return ContentFile(buffer.getvalue(), name=_with_ext(name or file.name, ext))


def _with_ext(name: str, ext: str) -> str:
    base = posixpath.basename(name or "image")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'image'}.{ext}"


class ImageUploadField(forms.ImageField):
    """An image form field with our refusals first and a cleaned re-encode after."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        validate_image_upload(data)
        checked = super().to_python(data)
        cleaned = clean_upload(checked, name=getattr(data, "name", None))
        cleaned.image = getattr(checked, "image", None)
        cleaned.content_type = getattr(checked, "content_type", None)
        return cleaned


def rendition_widths(original_width: int) -> list[int]:
    """Widths made for an image `original_width` pixels wide, never upscaled."""
    widths = [w for w in WIDTHS if w < original_width]
    top = min(original_width, WIDTHS[-1])
    if top not in widths:
        widths.append(top)
    return widths


def rendition_name(name: str, width: int, ext: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"{stem}.w{width}.{ext}"


def _dimensions(image_field: FieldFile) -> tuple[int, int] | None:
    instance = image_field.instance
    width_field = getattr(image_field.field, "width_field", None)
    height_field = getattr(image_field.field, "height_field", None)
    if width_field and height_field:
        width = getattr(instance, width_field, None)
        height = getattr(instance, height_field, None)
        if width and height:
            return width, height
    try:
        return image_field.width, image_field.height
    except (OSError, ValueError):
        return None


def make_renditions(image_field: FieldFile) -> list[str]:
    """Write the missing WebP and JPEG renditions of `image_field`; return new names."""
    if not image_field:
        return []
    storage = image_field.storage
    created = []
    image = None
    try:
        for ext, kind in RENDITION_FORMATS:
            for width in _planned_widths(image_field):
                target = rendition_name(image_field.name, width, ext)
                if storage.exists(target):
                    continue
                if image is None:
                    image = _open_rgb(image_field)
                height = max(1, round(image.height * width / image.width))
                resized = image.resize((width, height), Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                options = (
                    {"quality": 80, "method": 4}
                    if kind == "WEBP"
                    else {"quality": 82, "optimize": True, "progressive": True}
                )
                resized.save(buffer, kind, **options)
                storage.save(target, ContentFile(buffer.getvalue()))
                created.append(target)
    finally:
        if image is not None:
            image.close()
    return created


def _planned_widths(image_field: FieldFile) -> list[int]:
    dims = _dimensions(image_field)
    return rendition_widths(dims[0]) if dims else []


def _open_rgb(image_field: FieldFile) -> Image.Image:
    with image_field.storage.open(image_field.name, "rb") as handle:
        with Image.open(handle) as source:
            source.load()
            image = ImageOps.exif_transpose(source)
    if image.mode in {"RGBA", "LA", "P"}:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


@dataclass
class Renditions:
    """What `<picture>` needs for one image; URLs fall back to the original."""

    src: str
    width: int | None
    height: int | None
    webp: list[tuple[str, int]] = field(default_factory=list)
    jpeg: list[tuple[str, int]] = field(default_factory=list)

    @property
    def webp_srcset(self) -> str:
        return ", ".join(f"{url} {w}w" for url, w in self.webp)

    @property
    def jpeg_srcset(self) -> str:
        return ", ".join(f"{url} {w}w" for url, w in self.jpeg)

    def as_dict(self) -> dict:
        return {
            "src": self.src,
            "width": self.width,
            "height": self.height,
            "webp": self.webp,
            "jpeg": self.jpeg,
            "webp_srcset": self.webp_srcset,
            "jpeg_srcset": self.jpeg_srcset,
        }


def renditions(image_field: FieldFile) -> dict:
    """Srcset data of `image_field`: existing renditions, else the original URL."""
    return rendition_set(image_field).as_dict()


# Complete rendition sets by (storage location, file name, dimensions): a file
# name is never reused for other pixels (uploads get fresh names), so the file
# system is asked once per image and process, not on every page render.
_complete_sets: dict[tuple, Renditions] = {}
_COMPLETE_SETS_MAX = 20_000


def rendition_set(image_field: FieldFile) -> Renditions:
    dims = _dimensions(image_field)
    key = (getattr(image_field.storage, "location", ""), image_field.name, dims)
    known = _complete_sets.get(key)
    if known is not None:
        return known
    result = _find_renditions(image_field, dims)
    expected = len(RENDITION_FORMATS) * len(rendition_widths(result.width or 0))
    if result.width and len(result.webp) + len(result.jpeg) == expected:
        if len(_complete_sets) >= _COMPLETE_SETS_MAX:
            _complete_sets.clear()
        _complete_sets[key] = result
    return result


def _find_renditions(
    image_field: FieldFile, dims: tuple[int, int] | None
) -> Renditions:
    width, height = dims or (None, None)
    result = Renditions(src=image_field.url, width=width, height=height)
    if not dims:
        return result
    storage = image_field.storage
    for ext, _kind in RENDITION_FORMATS:
        entries = result.webp if ext == "webp" else result.jpeg
        for w in rendition_widths(width):
            name = rendition_name(image_field.name, w, ext)
            if storage.exists(name):
                entries.append((storage.url(name), w))
    if result.jpeg:
        # The largest JPEG is the fallback `src` for browsers without srcset.
        result.src = result.jpeg[-1][0]
    return result
