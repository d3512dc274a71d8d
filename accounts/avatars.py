"""Avatar uploads: checked with Pillow before decoding, then resized and re-encoded.

articles/images.py did not exist when this was written; if it grows shared
validators, use them here.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
SIZE = (256, 256)


def process_avatar(upload) -> ContentFile:
    """Validate an uploaded image and return a 256×256 WebP without metadata."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The image is larger than 20 MB."), code="too_big")
    upload.seek(0)
    try:
        # Image.open reads only the header: size and format are checked before
        # any pixel is decoded, so a small file cannot expand into a huge image.
        with Image.open(upload) as image:
            if image.format not in FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="format"
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image has more than 40 megapixels."), code="too_many_pixels"
                )
            image.seek(0)
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "P") and (
                image.mode != "P" or "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image = ImageOps.fit(image, SIZE, Image.Resampling.LANCZOS)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Upload a valid image. The file is not an image or is damaged."),
            code="invalid",
        ) from exc
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("The image has more than 40 megapixels."), code="too_many_pixels"
        ) from exc
    out = io.BytesIO()
    # Saved without the exif= argument: EXIF (camera, GPS) is dropped.
    image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name="avatar.webp")
