"""The `{% picture %}` tag: a responsive `<picture>` for an uploaded image.

Usage (the signature is stable; the reader's site relies on it)::

    {% load article_images %}
    {% picture article.image alt=article.image_alt sizes="(min-width: 1100px) 760px, 100vw" loading="lazy" class="card__img" %}

Arguments, all but the first optional and keyword-only:

- the image field (`article.image`, `link.image`); an empty field renders nothing;
- `alt`: alternative text (default empty: a decorative image);
- `sizes`: the `sizes` attribute (default "100vw");
- `loading`: "lazy" (default) or "eager"; "eager" also sets fetchpriority="high";
- `class`: CSS class of the `<img>`.

It renders a WebP `<source srcset>` and a JPEG `<img srcset sizes width height alt
loading decoding="async">` from the renditions made in the write path
(`digest.images.make_renditions`). Missing renditions are never made here: the
original file is used instead. Width and height come from the model's dimension
fields (`image_width`/`image_height` on Article), so rendering reads no image file.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from digest.images import rendition_set

register = template.Library()


@register.simple_tag
def picture(image, *, alt="", sizes="100vw", loading="lazy", **attrs):
    """Render `<picture>` with WebP and JPEG srcsets for `image`, or nothing."""
    if not image:
        return ""
    data = rendition_set(image)
    eager = loading == "eager"
    img_attrs = [
        ("src", data.src),
        ("srcset", data.jpeg_srcset),
        ("sizes", sizes if data.jpeg_srcset else ""),
        ("width", data.width or ""),
        ("height", data.height or ""),
        ("class", attrs.get("class", "")),
    ]
    img = format_html(
        '<img{} alt="{}" loading="{}"{} decoding="async">',
        format_html_join("", ' {}="{}"', ((k, v) for k, v in img_attrs if v != "")),
        alt,
        "eager" if eager else "lazy",
        mark_safe(' fetchpriority="high"') if eager else "",
    )
    source = (
        format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">',
            data.webp_srcset,
            sizes,
        )
        if data.webp
        else ""
    )
    return format_html("<picture>{}{}</picture>", source, img)
