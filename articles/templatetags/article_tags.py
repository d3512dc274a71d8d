"""Template helpers for the reader's site: counts, share links, image attributes."""

from decimal import ROUND_DOWN, Decimal
from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles import body, cards
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


# Where each kind of image sits, as site.css lays it out: the `sizes` the browser
# picks from (CSS px at each viewport, measured from 360 to 1920 px wide), the
# rendition widths worth offering there (1x to 3x screens), and whether CSS fixes the
# box (a card's picture: aspect-ratio), so the <img> needs no width and height.
IMAGE_LAYOUTS = {
    # The front page's lead story: 2/3 of the container beside the side column.
    "hero": (
        "(min-width: 1240px) 768px, (min-width: 1025px) 62vw, 100vw",
        "800,1200,1600",
        True,
    ),
    # The article's own picture: the main column beside the 20rem side column.
    "article": (
        "(min-width: 1240px) 824px, (min-width: 1025px) 66vw, 100vw",
        "800,1200,1600",
        False,
    ),
    # The two stories under the lead (.grid--2 of 15rem columns).
    "featured": ("(min-width: 540px) 370px, 100vw", "400,800,1200", True),
    # A card in a grid of 14-16rem columns, the whole width on phones.
    "card": ("(max-width: 600px) 100vw, 400px", "400,800,1200", True),
    # A grid card that phones show as a row with a 7rem thumbnail (site.css, 600px).
    "row": ("(max-width: 600px) 112px, 400px", "400,800", True),
    # "You Might Also Like" in the article's main column (.grid--3).
    "related": (
        "(min-width: 1240px) 256px, (min-width: 563px) 400px, 100vw",
        "400,800,1200",
        True,
    ),
    # A list card's 6.5rem thumbnail.
    "thumb": ("104px", "400", True),
}


@register.simple_tag
def article_image(article, layout="card", eager=False, css_class=""):
    """The featured image of `article` sized for `layout`; eager only on the first screen.

    The WebP renditions (one JPEG fallback) through `{% picture %}`.
    """
    if not article.image:
        return ""
    sizes, widths, boxed = IMAGE_LAYOUTS[layout]
    return picture(
        article.image,
        alt=article.image_alt,
        sizes=sizes,
        widths=widths,
        dimensions=not boxed,
        loading="eager" if eager else "lazy",
        **{"class": css_class},
    )


@register.simple_tag
def card(article, style="card"):
    """`article`'s card where `style` says it sits (articles.cards.STYLES), kept as a fragment."""
    return cards.card(article, style)


@register.simple_tag(takes_context=True)
def article_head(context, article, tags, preview=False):
    """The article page's `<head>` metadata, kept with its body (articles/body.py),
    its links made absolute with the scheme and host this page was asked for."""
    # The header and footer's data the page already read (digest.context_processors).
    site = context["chrome"].settings
    html = body.parts(article, list(tags), site, preview=preview).head
    request = context["request"]
    # Rendered by our own template, escaped there; the host passed ALLOWED_HOSTS'
    # check (letters, digits, dots, dashes, a port), so it needs no escaping.
    base = f"{request.scheme}://{request.get_host()}"
    return mark_safe(html.replace(body.BASE_SLOT, base))


@register.simple_tag(takes_context=True)
def article_body(context, article, tags, preview=False):
    """The article's own part of its page, kept as a fragment (articles/body.py),
    with its view count filled in."""
    site = context["chrome"].settings
    html = body.parts(article, list(tags), site, preview=preview).body
    # Rendered by our own template, escaped there; the count is digits and a letter.
    return mark_safe(html.replace(body.VIEWS_SLOT, compact_number(article.view_count)))
