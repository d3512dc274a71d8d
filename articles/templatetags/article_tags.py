"""Template helpers for the reader's site: counts, share links, image attributes."""

from decimal import ROUND_DOWN, Decimal
from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.templatetags.article_images import picture
from digest import sanitize

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
    """Editor HTML through the allowlist again (rows written outside save()), marked safe."""
    return mark_safe(sanitize.clean_html(str(value or "")))


@register.simple_tag
def article_image(article, sizes="100vw", eager=False, css_class="card__img"):
    """The featured image of `article`, responsive; eager only on the first screen.

    The WebP/JPEG renditions through `{% picture %}`.
    """
    if not article.image:
        return ""
    return picture(
        article.image,
        alt=article.image_alt,
        sizes=sizes,
        loading="eager" if eager else "lazy",
        **{"class": css_class},
    )
