"""Sanitize editor HTML on save: an allowlist of tags, attributes and URL targets.

`clean_html(html)` is the only entry point. Article and Page bodies pass through it
in `save()`, so templates may mark them safe. nh3 (ammonia) parses the fragment
like a browser and serializes it canonically, which is what makes the two small
regular-expression passes after it safe: they only ever see nh3's own output.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings

TAGS = {
    *("h2", "h3", "h4", "h5", "h6", "p", "br", "hr"),
    *("strong", "em", "b", "i", "u", "s"),
    *("ul", "ol", "li", "a", "blockquote", "figure", "figcaption", "img"),
    *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
    "iframe",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen"},
}
# Removed with everything inside them, not just unwrapped.
DROP_WITH_CONTENT = {"script", "style", "noscript", "template", "object", "embed"}
URL_SCHEMES = {"http", "https", "mailto"}
IFRAME_HOSTS = {"www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com"}
DIMENSION = re.compile(r"^\d{1,4}$")

_IFRAME_WITHOUT_SRC = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
_EXTERNAL_LINK = re.compile(r'<a href="(?:https?:)?//[^"]*"')


def _media_prefixes() -> tuple[str, ...]:
    prefixes = {"/media/", settings.MEDIA_URL}
    return tuple(p for p in prefixes if p and p != "/")


def _is_media_url(value: str) -> bool:
    if value.startswith("//") or "\\" in value:
        return False
    return value.startswith(_media_prefixes()) and ".." not in value


def _is_allowed_iframe(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and parts.hostname in IFRAME_HOSTS


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"width", "height"}:
        return value if DIMENSION.match(value) else None
    if tag == "img" and attribute == "src":
        return value if _is_media_url(value) else None
    if tag == "iframe" and attribute == "src":
        return value if _is_allowed_iframe(value) else None
    if tag == "iframe" and attribute == "allowfullscreen":
        return ""
    return value


def _add_rel(match: re.Match) -> str:
    return f'{match.group(0)} rel="noopener noreferrer"'


def clean_html(html: str | None) -> str:
    """Return `html` with only the allowed markup; foreign iframes are dropped whole."""
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    cleaned = _IFRAME_WITHOUT_SRC.sub("", cleaned)
    # An image with a refused source shows nothing; drop the empty element.
    cleaned = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)
    return _EXTERNAL_LINK.sub(_add_rel, cleaned)


def text_of(html: str) -> str:
    """The visible words of sanitized `html`, for counting and summaries."""
    return nh3.clean(html or "", tags=set()).replace("&nbsp;", " ")


def reading_minutes(html: str, words_per_minute: int = 200) -> int:
    """Minutes a reader needs for `html`, at least one."""
    words = len(text_of(html).split())
    return max(1, round(words / words_per_minute))
