"""Avatar uploads: validated like article images, then cropped, resized and re-encoded."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from digest.images import validate_image_upload

SIZE = (256, 256)


def process_avatar(upload) -> ContentFile:
    """Validate an uploaded image and return a 256×256 WebP without metadata."""
    # JPEG/PNG/WebP/GIF as Pillow reads it, at most 20 MB and MAX_IMAGE_PIXELS judged
    # from the header before any pixel is decoded, then Image.verify().
    validate_image_upload(upload)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.seek(0)  # the first frame of an animated GIF
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA") or (
                image.mode == "P" and "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image = ImageOps.fit(image, SIZE, Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This image is damaged. Upload a JPEG, PNG, WebP or GIF image."),
            code="invalid",
        ) from exc
    out = io.BytesIO()
    # Saved without the exif= argument: EXIF (camera, GPS) is dropped.
    image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name="avatar.webp")
