"""The XSS corpus, and a check that rendered HTML holds nothing a browser would run."""

import html
import json
import re
from pathlib import Path

import lxml.html

CORPUS = Path(__file__).with_name("xss_payloads.txt")

# Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "data",
    "poster",
    "background",
    "srcset",
    "values",
    "to",
    "from",
}
ALLOWED_FRAMES = (
    "https://www.youtube-nocookie.com/",
    "https://www.youtube.com/",
    "https://player.vimeo.com/",
)
NEVER_ALLOWED = {"object", "embed", "applet", "base", "frame", "frameset"}
# A start tag, its quoted attribute values kept whole.
TAG = re.compile(r"<[a-z][^\s>/]*(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.I)
SAFE_DATA_IMAGE = re.compile(r"data:image/(png|jpe?g|gif|webp|avif);", re.I)


def payloads() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def normalized_url(value: str) -> str:
    """What a browser makes of a URL attribute: no whitespace or control characters."""
    return re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()


def executable_parts(document: str) -> list[str]:
    """Everything in `document` that a browser could run, described; [] when clean."""
    found = raw_problems(document)
    tree = lxml.html.document_fromstring(document)
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        found += element_problems(tag, element) + attribute_problems(tag, element)
    return found


def raw_problems(document: str) -> list[str]:
    """What the brief names, found in the text itself, independent of the parser."""
    found = []
    if re.search(r"<script[^>]*>\s*alert", document, re.I):
        found.append("raw <script>alert")
    for match in TAG.finditer(document):
        # Quoted attribute values are data, however they read.
        bare = re.sub(r"\"[^\"]*\"|'[^']*'", '""', match.group(0))
        if re.search(r"[\s/\"]on\w+\s*=", bare, re.I):
            found.append(f"raw event attribute: {match.group(0)[:80]}")
    for match in re.finditer(
        r"\s(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:", document, re.I
    ):
        found.append(f"raw javascript: URL: {match.group(0)[:80]}")
    return found


def element_problems(tag: str, element) -> list[str]:
    """What a browser could run because of the element `tag` itself."""
    found = []
    if tag == "script":
        kind = (element.get("type") or "").lower()
        if kind == "application/ld+json":
            try:
                json.loads(element.text or "")
            except ValueError:
                found.append(f"JSON-LD broken open: {(element.text or '')[:80]}")
        elif (
            not (element.get("src") or "").startswith("/static/")
            or (element.text or "").strip()
        ):
            found.append(f"script element: {lxml.html.tostring(element)[:120]!r}")
    if tag in NEVER_ALLOWED:
        found.append(f"<{tag}> element")
    if tag == "iframe" and not (element.get("src") or "").startswith(ALLOWED_FRAMES):
        found.append(f"iframe from {element.get('src')!r}")
    if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        found.append("meta refresh")
    return found


def attribute_problems(tag: str, element) -> list[str]:
    """What a browser could run because of the attributes of `element`."""
    found = []
    for name, value in element.attrib.items():
        lowered = str(name).lower()
        if lowered.startswith("on"):
            found.append(f"<{tag} {name}=…> event attribute")
        if lowered == "srcdoc":
            found.append(f"<{tag} srcdoc>")
        if lowered not in URL_ATTRIBUTES:
            continue
        url = normalized_url(value)
        if url.startswith(("javascript:", "vbscript:")):
            found.append(f"<{tag} {name}={value[:60]!r}>")
        if url.startswith("data:") and not (
            tag in {"img", "source"} and SAFE_DATA_IMAGE.match(url)
        ):
            found.append(f"<{tag} {name}={value[:60]!r}> data: URL")
    return found
