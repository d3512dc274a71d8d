"""Checks an article gets before it is published: warnings, or blocks where the site
settings make them mandatory (SiteSettings.required_checks).

Pure functions over the article's fields: no query, no side effect, so the change
form can show them for unsaved input and the publishing rules can refuse on them.
"""

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digest.models import ContentCheck

TITLE_MAX = 110


@dataclass(frozen=True)
class Finding:
    check: str  # a ContentCheck value
    message: str
    required: bool = False


@dataclass
class BodyImage:
    src: str
    alt: str
    caption: str


class _BodyImages(HTMLParser):
    """Collect each <img> of a body with its alt text and its figure's caption."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[BodyImage] = []
        self._figures: list[list[BodyImage]] = []  # images of each open <figure>
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure":
            self._figures.append([])
        elif tag == "figcaption" and self._figures:
            self._caption = []
        elif tag == "img":
            image = BodyImage(
                src=attributes.get("src") or "",
                alt=(attributes.get("alt") or "").strip(),
                caption="",
            )
            self.images.append(image)
            if self._figures:
                self._figures[-1].append(image)

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._caption is not None and self._figures:
            caption = " ".join("".join(self._caption).split())
            for image in self._figures[-1]:
                image.caption = image.caption or caption
            self._caption = None
        elif tag == "figure" and self._figures:
            self._figures.pop()


def body_images(body: str) -> list[BodyImage]:
    """The images in a body's HTML, with their alt text and captions."""
    parser = _BodyImages()
    parser.feed(body or "")
    parser.close()
    return parser.images


def _words(text: str) -> str:
    """`text` folded for comparison: letters and digits only, one space apart."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.findall(r"\w+", text))


def lead_repeats_title(title: str, lead: str) -> bool:
    """Whether the lead is the headline again, or opens with it."""
    title_words, lead_words = _words(title), _words(lead)
    if not title_words or not lead_words:
        return False
    return lead_words == title_words or lead_words.startswith(f"{title_words} ")


def check_article(article, *, required=()) -> list[Finding]:
    """What to fix in `article` before publishing; those in `required` block it."""
    required = set(required)
    found: list[tuple[str, str]] = []
    if article.image and not (article.image_alt or "").strip():
        found.append((ContentCheck.IMAGE_ALT, _("The featured image has no alt text.")))
    images = body_images(article.body)
    without_alt = [image for image in images if not image.alt]
    if without_alt:
        found.append(
            (
                ContentCheck.BODY_IMAGE_ALT,
                ngettext(
                    "%(count)d image in the body has no alt text.",
                    "%(count)d images in the body have no alt text.",
                    len(without_alt),
                )
                % {"count": len(without_alt)},
            )
        )
    without_caption = [image for image in images if not image.caption]
    if without_caption:
        found.append(
            (
                ContentCheck.BODY_IMAGE_CAPTION,
                ngettext(
                    "%(count)d image in the body has no caption.",
                    "%(count)d images in the body have no caption.",
                    len(without_caption),
                )
                % {"count": len(without_caption)},
            )
        )
    if lead_repeats_title(article.title, article.lead):
        found.append(
            (ContentCheck.LEAD_REPEATS_TITLE, _("The lead repeats the headline."))
        )
    length = len(article.title or "")
    if length > TITLE_MAX:
        found.append(
            (
                ContentCheck.TITLE_LENGTH,
                _("The headline has %(length)d characters; keep it to %(max)d.")
                % {"length": length, "max": TITLE_MAX},
            )
        )
    if article.category_id is None:
        found.append((ContentCheck.CATEGORY, _("The article has no category.")))
    return [
        Finding(check=check, message=message, required=check in required)
        for check, message in found
    ]


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that refuse publishing."""
    return [finding for finding in findings if finding.required]
