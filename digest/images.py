"""Uploaded images: refusal of bad files, clean re-encoding, and width renditions.

The write path (admin save, demo loader) calls, in order:

- `ImageUploadField` (a form field) or `validate_image_upload(file)`: refuses anything
  but JPEG, PNG, WebP or GIF as Pillow reads it (never the extension), files over
  `MAX_BYTES`, and images over `settings.MAX_IMAGE_PIXELS` (all frames of an
  animation together) judged from the header alone, before any pixel is decoded;
  `Image.verify()` then catches truncated files.
- `clean_upload(file)`: applies the EXIF orientation and re-encodes, which drops EXIF
  (GPS included), comments and any other metadata, and anything after the image
  data; animated GIFs are re-encoded frame by frame and stay animated.
- `make_renditions(image_field)`: writes each width in `WIDTHS` that is not wider than
  the original (plus the original width when it is narrower than the largest) as
  WebP and JPEG next to the original: `photo.jpg` gets `photo.w800.webp`,
  `photo.w800.jpg`, ... Existing files are kept, so it runs once per image. Memory
  stays bounded: a JPEG is decoded straight at 1/2, 1/4 or 1/8 of its size
  (`Image.draft`), other formats are reduced once to the largest width before
  anything else, and every width is made from that (`bench/image_memory.py`).

Reading: `renditions(image_field)` returns srcset data and falls back to the
original URL for widths whose file is missing; it never creates files. The
`{% picture %}` tag in `articles/templatetags/article_images.py` renders it.
"""

import io
import posixpath
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

# deploy/nginx.conf's client_max_body_size is this plus room for the form's fields.
MAX_BYTES = 20 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
WIDTHS = (400, 800, 1200, 1600)
RENDITION_FORMATS = (("webp", "WEBP"), ("jpg", "JPEG"))


def megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def too_many_pixels(width: int, height: int, frames: int = 1) -> ValidationError:
    limit = megapixels(settings.MAX_IMAGE_PIXELS)
    if frames > 1:
        return ValidationError(
            _(
                "The animation has %(frames)s frames of %(width)s×%(height)s pixels, "
                "%(total)s megapixels in all; images may have at most %(limit)s "
                "megapixels."
            ),
            code="image_too_large",
            params={
                "frames": frames,
                "width": width,
                "height": height,
                "total": megapixels(width * height * frames),
                "limit": limit,
            },
        )
    return ValidationError(
        _(
            "The image is %(width)s×%(height)s pixels (%(total)s megapixels); "
            "images may have at most %(limit)s megapixels."
        ),
        code="image_too_large",
        params={
            "width": width,
            "height": height,
            "total": megapixels(width * height),
            "limit": limit,
        },
    )


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
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise too_many_pixels(width, height)
            # Counting frames reads their headers, not their pixels. Every frame of
            # a GIF is decoded when it is re-encoded, so all count (other formats
            # keep their first frame only).
            frames = getattr(image, "n_frames", 1) if kind == "GIF" else 1
            if width * height * frames > settings.MAX_IMAGE_PIXELS:
                raise too_many_pixels(width, height, frames)
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            _(
                "The image has too many pixels; images may have at most %(limit)s "
                "megapixels."
            ),
            code="image_too_large",
            params={"limit": megapixels(settings.MAX_IMAGE_PIXELS)},
        ) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _(
                "This file is not a JPEG, PNG, WebP or GIF image, or it is damaged. "
                "Upload a JPEG, PNG, WebP or GIF image."
            ),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)


ENCODER_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True, "progressive": True},
    # zlib's default level: `optimize` takes seconds on a large picture.
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 85, "method": 4},
    "GIF": {},
}


def clean_upload(file, name: str | None = None) -> ContentFile:
    """Re-encode a validated upload upright and without metadata (EXIF, GPS)."""
    file.seek(0)
    buffer = io.BytesIO()
    with Image.open(file) as original:
        kind = original.format
        ext = FORMATS[kind]
        try:
            if kind == "GIF" and getattr(original, "n_frames", 1) > 1:
                _save_animation(original, buffer)
            else:
                _save_still(original, kind, buffer)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(
                _(
                    "This image is damaged or cut short. "
                    "Upload a JPEG, PNG, WebP or GIF image."
                ),
                code="invalid_image",
            ) from None
    return ContentFile(buffer.getvalue(), name=_with_ext(name or file.name, ext))


def _save_still(original: Image.Image, kind: str, buffer: io.BytesIO) -> None:
    # verify() does not see a truncated JPEG; decoding does. The pixel count was
    # checked from the header, so this allocation is bounded; turning it in place
    # saves a second full copy.
    original.load()
    ImageOps.exif_transpose(original, in_place=True)
    image = original
    image.info = {
        key: value
        for key, value in image.info.items()
        if key in {"transparency"}  # needed to draw the picture; nothing else is
    }
    if kind == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    image.save(buffer, kind, **ENCODER_OPTIONS[kind])


def _save_animation(original: Image.Image, buffer: io.BytesIO) -> None:
    """Write every frame again, with its timing and the loop count, and nothing else.

    Stored byte for byte, a GIF would keep comments, application blocks and
    whatever follows its trailer (a `<script>`, a second file).
    """
    # Pillow takes each frame's duration and the loop count from the frames;
    # an empty comment stops it copying the first frame's.
    original.save(buffer, "GIF", save_all=True, comment=b"")


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
    dims = _dimensions(image_field) if image_field else None
    if not dims:
        return []
    return make_rendition_files(image_field.storage, image_field.name, dims)


def make_rendition_files(storage, name: str, dims: tuple[int, int]) -> list[str]:
    """Write the missing renditions of the stored image `name`, `dims` in size."""
    widths = rendition_widths(dims[0])
    missing = [
        (width, ext, kind)
        for ext, kind in RENDITION_FORMATS
        for width in widths
        if not storage.exists(rendition_name(name, width, ext))
    ]
    if not missing:
        return []
    created = []
    top = _open_for_renditions(storage, name, max(widths))
    try:
        for width, ext, kind in missing:
            if width == top.width:
                resized = top
            else:
                height = max(1, round(top.height * width / top.width))
                resized = top.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            options = (
                {"quality": 80, "method": 4}
                if kind == "WEBP"
                else {"quality": 82, "optimize": True, "progressive": True}
            )
            resized.save(buffer, kind, **options)
            target = rendition_name(name, width, ext)
            storage.save(target, ContentFile(buffer.getvalue()))
            created.append(target)
    finally:
        top.close()
    return created


# EXIF orientation -> the transpose that puts the picture upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _open_for_renditions(storage, name: str, width: int) -> Image.Image:
    """The stored image upright, in RGB, `width` pixels wide at most.

    Holds at most one full-size decode: a JPEG is decoded at the smallest of 1/1,
    1/2, 1/4 or 1/8 of its size that still covers `width` (`draft`); any image is
    then flattened and box-reduced a strip at a time, and resized from that.
    """
    with storage.open(name, "rb") as handle, Image.open(handle) as source:
        orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
        full_width, full_height = source.size
        upright_width = full_height if orientation in (5, 6, 7, 8) else full_width
        scale = min(1.0, width / upright_width)
        size = (
            max(1, round(full_width * scale)),
            max(1, round(full_height * scale)),
        )
        if source.format == "JPEG":
            source.draft("RGB", size)
        source.load()
        # Lanczos from at least 1.5 times the target size (Pillow's reducing_gap)
        # looks like Lanczos from the full picture, at a fraction of the memory.
        factor = max(1, int(source.width / size[0] / 1.5))
        if factor == 1 and source.mode == "RGB":
            image = source.resize(size, Image.Resampling.LANCZOS)  # no extra copy
        else:
            image = _flat_reduced(source, factor)
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    return image


_STRIP_ROWS = 256  # output rows per strip: a few MB of copies at a time


def _flat_reduced(image: Image.Image, factor: int) -> Image.Image:
    """`image` in RGB on white, `factor` times smaller (box filter), made in strips.

    Converting or resampling the whole picture at once would copy it at full size
    (Pillow premultiplies RGBA into a second full-size image first).
    """
    width, height = image.size
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)), "white")
    step = _STRIP_ROWS * factor
    for top in range(0, height, step):
        strip = image.crop((0, top, width, min(height, top + step)))
        if strip.mode != "RGB":
            strip = _flatten(strip)
        if factor > 1:
            strip = strip.reduce(factor)
        out.paste(strip, (0, top // factor))
    return out


def _flatten(image: Image.Image) -> Image.Image:
    """`image` in RGB; transparent parts on white."""
    if image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
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
