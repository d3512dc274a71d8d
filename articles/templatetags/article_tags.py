"""Template helpers for the reader's site: counts, share links, image attributes."""

from decimal import ROUND_DOWN, Decimal
from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def compact_number(value) -> str:
    """999 → "999", 1234 → "1.2K", 3_400_000 → "3.4M" (rounded down, never up)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    for threshold, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if abs(number) >= threshold:
            scaled = (Decimal(number) / threshold).quantize(
                Decimal("0.1"), rounding=ROUND_DOWN
            )
            text = f"{scaled:f}".removesuffix(".0")
            return f"{text}{suffix}"
    return str(number)


SHARE_TARGETS = (
    ("x", "X", "https://x.com/intent/post?url={url}&text={title}"),
    ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("telegram", "Telegram", "https://t.me/share/url?url={url}&text={title}"),
    ("whatsapp", "WhatsApp", "https://wa.me/?text={title}%20{url}"),
    (
        "linkedin",
        "LinkedIn",
        "https://www.linkedin.com/sharing/share-offsite/?url={url}",
    ),
    ("email", "Email", "mailto:?subject={title}&body={url}"),
)


@register.simple_tag
def share_links(url: str, title: str) -> list[dict]:
    """Plain share links (no third-party scripts) for an absolute article URL."""
    quoted = {"url": quote(url, safe=""), "title": quote(title, safe="")}
    return [
        {
            "key": key,
            "name": name,
            "href": pattern.format(**quoted),
            "label": _("Share on %(network)s") % {"network": name}
            if key != "email"
            else _("Share by email"),
        }
        for key, name, pattern in SHARE_TARGETS
    ]


@register.filter
def clean_html(value) -> str:
    """Sanitize editor HTML that was not cleaned on save (pages), then mark it safe."""
    import nh3
    from django.utils.safestring import mark_safe

    return mark_safe(nh3.clean(str(value or "")))


@register.simple_tag
def article_image(article, sizes="100vw", eager=False, css_class="card__img"):
    """The featured image of `article`, responsive; eager only on the first screen.

    Uses `{% picture %}` (WebP/JPEG renditions) when articles.templatetags.
    article_images is installed, else the original file with its dimensions.
    """
    if not article.image:
        return ""
    loading = "eager" if eager else "lazy"
    try:
        from articles.templatetags.article_images import picture
    except ImportError:
        picture = None
    if picture is not None:
        return picture(
            article.image,
            alt=article.image_alt,
            sizes=sizes,
            loading=loading,
            **{"class": css_class},
        )
    return format_html(
        '<img class="{}" src="{}" srcset="{} {}w" sizes="{}" width="{}" height="{}"'
        ' alt="{}" loading="{}" fetchpriority="{}" decoding="async">',
        css_class,
        article.image.url,
        article.image.url,
        article.image_width or "",
        sizes,
        article.image_width or "",
        article.image_height or "",
        article.image_alt,
        loading,
        "high" if eager else "auto",
    )
