"""The `{% picture %}` tag: a responsive `<picture>` for an uploaded image.

Usage (the signature is stable; the reader's site relies on it)::

    {% load article_images %}
    {% picture article.image alt=article.image_alt sizes="(min-width: 1100px) 760px, 100vw" loading="lazy" class="card__img" %}

Arguments, all but the first optional and keyword-only:

- the image field (`article.image`, `link.image`); an empty field renders nothing;
- `alt`: alternative text (default empty: a decorative image);
- `sizes`: the `sizes` attribute (default "100vw");
- `loading`: "lazy" (default) or "eager" (the browser's default, so not written out),
  which sets fetchpriority="high";
- `class`: CSS class of the `<img>`;
- `widths`: the rendition widths to offer, e.g. "400,800" (default: all of them);
- `dimensions`: False leaves out `width`/`height`, where CSS gives the box its
  size and aspect ratio (a card's picture), so nothing shifts without them.

It renders a WebP `<source srcset>` and a JPEG `<img srcset sizes width height alt
loading decoding="async">` from the renditions made in the write path
(`digest.images.make_renditions`). With `widths`, the page offers only the widths its
layout can use and the `<img>` carries one JPEG (the widest of them) for the rare
browser without WebP instead of a second srcset, and leaves decoding to the browser:
a card's picture costs half the bytes (issue 14: the front page's 57 cards).
Missing renditions are never made here: the original file is used instead. Width and
height come from the model's dimension fields (`image_width`/`image_height` on
Article), so rendering reads no image file.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from digest.images import Renditions, rendition_set

register = template.Library()


def _only(entries: list[tuple[str, int]], widths) -> list[tuple[str, int]]:
    """`entries` at the wanted widths; the widest one left when none is wanted."""
    if widths is None or not entries:
        return entries
    if isinstance(widths, str):
        widths = {int(w) for w in widths.split(",") if w.strip()}
    kept = [(url, w) for url, w in entries if w in widths]
    return kept or entries[-1:]


def _srcset(entries: list[tuple[str, int]]) -> str:
    return ", ".join(f"{url} {w}w" for url, w in entries)


def _img(data: Renditions, jpeg, *, alt, sizes, eager, full, dims, css_class) -> str:
    srcset = _srcset(jpeg) if full else ""
    img_attrs = [
        ("src", data.src if full or not jpeg else jpeg[-1][0]),
        ("srcset", srcset),
        ("sizes", sizes if srcset else ""),
        ("width", (data.width or "") if dims else ""),
        ("height", (data.height or "") if dims else ""),
        ("class", css_class),
    ]
    return format_html(
        '<img{} alt="{}"{}{}>',
        format_html_join("", ' {}="{}"', ((k, v) for k, v in img_attrs if v != "")),
        alt,
        mark_safe(' fetchpriority="high"') if eager else mark_safe(' loading="lazy"'),
        mark_safe(' decoding="async"') if full else "",
    )


@register.simple_tag
def picture(
    image,
    *,
    alt="",
    sizes="100vw",
    loading="lazy",
    widths=None,
    dimensions=True,
    **attrs,
):
    """Render `<picture>` with WebP and JPEG srcsets for `image`, or nothing."""
    if not image:
        return ""
    data = rendition_set(image)
    webp = _only(data.webp, widths)
    img = _img(
        data,
        _only(data.jpeg, widths),
        alt=alt,
        sizes=sizes,
        eager=loading == "eager",
        full=widths is None,
        dims=dimensions,
        css_class=attrs.get("class", ""),
    )
    source = (
        format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), sizes
        )
        if webp
        else ""
    )
    return format_html("<picture>{}{}</picture>", source, img)
