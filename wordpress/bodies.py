"""WordPress post bodies (block markup or classic-editor HTML) → bodies our editor edits.

`convert_body()` returns HTML in the shapes `articles/widgets.py`'s editor knows:
paragraphs, headings h2–h4, lists, quotes, tables, `<figure><img><figcaption>` and
the video node (a YouTube or Vimeo `<iframe>`, as `body-editor.js` parses it).
Block comments go; `[caption]`, `[gallery]`, `[embed]`, `[youtube]` and `[vimeo]`
shortcodes and image, gallery and embed blocks become figures and players;
classic bodies get WordPress's paragraphs (a simplified `wpautop`). Anything else
(unknown shortcodes, unknown tags) stays as its text: the body sanitizer, which
`Article.save()` runs as for any body, keeps only allowed markup.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import lxml.html
from lxml import etree

BLOCK_TAGS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figure|figcaption|footer|form|"
    "h[1-6]|header|hr|iframe|li|nav|ol|p|pre|section|table|tbody|td|tfoot|th|"
    "thead|tr|ul"
)
BLOCK_ELEMENTS = set(BLOCK_TAGS.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|"))
_BLOCK_START = re.compile(rf"^\s*<(?:{BLOCK_TAGS})[\s>/]", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SHORTCODE_ATTR = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_CAPTION = re.compile(
    r"\[(?:caption|wp_caption)([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]", re.S | re.I
)
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_YOUTUBE = re.compile(r"\[youtube[=\s]+([^\]\s]+)[^\]]*\]", re.I)
_VIMEO = re.compile(r"\[vimeo[=\s]+([^\]\s]+)[^\]]*\]", re.I)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.I)
_LEADING_IMAGE = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I
)
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
_ID = re.compile(r"^[\w-]{6,20}$")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
_SCALED_SUFFIX = re.compile(r"-(?:scaled|rotated)(?=\.\w+$)")


@dataclass(frozen=True)
class BodyImage:
    """An image as a body shows it: our rendition's URL, alt text, caption."""

    src: str
    alt: str
    caption: str = ""


# (old image URL, attachment id or None) → the image, or None when its file is missing.
ImageResolver = Callable[[str, int | None], BodyImage | None]


@dataclass
class Converted:
    html: str
    old_links: set[str] = field(default_factory=set)  # absolute links to the old site
    images_missing: list[str] = field(default_factory=list)


def video_embed_url(value: str) -> str:  # noqa: C901 (one branch per address form, as body-editor.js)
    """The player address of a YouTube or Vimeo video address, or "".

    The same rules as `videoEmbedUrl` in articles/static/articles/body-editor.js.
    """
    try:
        url = urlsplit(html.unescape(str(value or "")).strip())
    except ValueError:
        return ""
    if url.scheme not in ("https", "http"):
        return ""
    host = re.sub(r"^(m|www)\.", "", (url.hostname or "").lower())
    path = [part for part in url.path.split("/") if part]

    def valid(candidate: str | None) -> str:
        return candidate if candidate and _ID.match(candidate) else ""

    youtube = ""
    if host == "youtu.be" and path:
        youtube = valid(path[0])
    elif host in ("youtube.com", "youtube-nocookie.com") and path:
        if path[0] == "watch":
            youtube = valid((parse_qs(url.query).get("v") or [""])[0])
        elif path[0] in ("embed", "shorts", "live", "v") and len(path) > 1:
            youtube = valid(path[1])
    if youtube:
        return f"https://www.youtube-nocookie.com/embed/{youtube}"
    if host == "vimeo.com" and path and path[-1].isdigit() and path[-1].isascii():
        return f"https://player.vimeo.com/video/{path[-1]}"
    if (
        host == "player.vimeo.com"
        and len(path) > 1
        and path[0] == "video"
        and path[1].isascii()
        and path[1].isdigit()
    ):
        return f"https://player.vimeo.com/video/{path[1]}"
    return ""


def _video_html(src: str, title: str = "") -> str:
    title = html.escape(title or "Video")
    return (
        f'<iframe src="{src}" title="{title}" width="560" height="315" '
        'allow="fullscreen; picture-in-picture" allowfullscreen></iframe>'
    )


def _link_paragraph(url: str) -> str:
    url = html.escape(html.unescape(url.strip()))
    return f'<p><a href="{url}">{url}</a></p>'


def _shortcode_attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _SHORTCODE_ATTR.finditer(text)
    }


def _embed(url: str) -> str:
    src = video_embed_url(url)
    return _video_html(src) if src else _link_paragraph(url)


def _caption(match: re.Match) -> str:
    attrs = _shortcode_attrs(match.group(1))
    inner = _LEADING_IMAGE.match(match.group(2))
    if not inner:
        return match.group(2)
    image, text = inner.group(1), inner.group(2).strip() or attrs.get("caption", "")
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    return f"\n\n<figure>{image}{caption}</figure>\n\n"


def _gallery(match: re.Match, attachment_url: Callable[[int], str | None]) -> str:
    ids = _shortcode_attrs(match.group(1)).get("ids", "")
    figures = []
    for part in ids.split(","):
        part = part.strip()
        if part.isascii() and part.isdigit():
            url = attachment_url(int(part))
            if url:
                figures.append(
                    f'<figure><img src="{html.escape(url)}" class="wp-image-{part}">'
                    "</figure>"
                )
    return "\n\n" + "\n\n".join(figures) + "\n\n" if figures else ""


def autop(text: str) -> str:
    """Paragraphs from blank lines, <br> from single newlines (WordPress's wpautop, simplified)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n\s*\n", text)
    out = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


def _is_block_markup(text: str) -> bool:
    return "<!-- wp:" in text


def _old_site_link(href: str, site_hosts: set[str]) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and (parts.hostname or "") in site_hosts


def _attachment_id(img) -> int | None:
    match = _WP_IMAGE_CLASS.search(img.get("class", ""))
    return int(match.group(1)) if match else None


def original_upload_path(url: str) -> str:
    """The file an uploads URL shows, without WordPress's size suffix ("-300x200")."""
    path = urlsplit(url).path
    return _SIZE_SUFFIX.sub("", path)


def _replace_with(element, new_elements) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    tail = element.tail
    parent.remove(element)
    for offset, new in enumerate(new_elements):
        parent.insert(index + offset, new)
    if tail and tail.strip():
        if new_elements:
            last = new_elements[-1]
            last.tail = (last.tail or "") + tail
        elif index > 0:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _unwrap(element) -> None:
    """Replace `element` by its children and text."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    text = element.text or ""
    if index > 0:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    tail = element.tail or ""
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif index > 0:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _make(tag: str, text: str = "", **attrs) -> etree._Element:
    element = lxml.html.Element(tag, {k: v for k, v in attrs.items() if v is not None})
    element.text = text or None
    return element


def _figure(image: BodyImage, caption_element=None) -> etree._Element:
    figure = _make("figure")
    figure.append(_make("img", src=image.src, alt=image.alt))
    if caption_element is not None and (
        caption_element.text_content().strip() or len(caption_element)
    ):
        caption = _make("figcaption")
        caption.text = caption_element.text
        for child in caption_element:
            caption.append(child)
        figure.append(caption)
    elif image.caption:
        figure.append(_make("figcaption", image.caption))
    return figure


def _block_of(element, root):
    """The top-level block (direct child of `root`) that holds `element`."""
    while element.getparent() is not None and element.getparent() is not root:
        element = element.getparent()
    return element


def _convert_images(root, resolve_image: ImageResolver, result: Converted) -> None:  # noqa: C901 (one branch per place an image sits)
    for img in list(root.iter("img")):
        if img.getparent() is None:
            continue
        src = img.get("src", "")
        image = resolve_image(src, _attachment_id(img)) if src else None
        figure = next((a for a in img.iterancestors("figure")), None)
        if image is None:
            if src:
                result.images_missing.append(src)
            container = img.getparent()
            if container.tag == "a" and not container.text_content().strip():
                _replace_with(container, [])
            else:
                _replace_with(img, [])
            if figure is not None and not list(figure.iter("img")):
                caption = figure.find(".//figcaption")
                if caption is not None and caption.text_content().strip():
                    caption.tag = "p"
                    _replace_with(figure, [caption])
                else:
                    _replace_with(figure, [])
            continue
        alt = img.get("alt", "").strip() or image.alt
        image = BodyImage(src=image.src, alt=alt, caption=image.caption)
        if figure is not None:
            caption = figure.find(".//figcaption")
            _replace_with(figure, [_figure(image, caption)])
            continue
        # A classic image inside a paragraph: the figure goes after that block,
        # and a paragraph that held only the image (and its link) goes with it.
        holder = img.getparent()
        if holder.tag == "a" and not holder.text_content().strip():
            target = holder
        else:
            target = img
        block = _block_of(target, root)
        if block is target:
            _replace_with(target, [_figure(image)])
            continue
        _replace_with(target, [])
        new = _figure(image)
        if not block.text_content().strip() and not len(block):
            _replace_with(block, [new])
        else:
            block.addnext(new)


def _convert_embeds(root) -> None:  # noqa: C901 (one branch per embed form)
    for figure in list(root.iter("figure")):
        classes = figure.get("class", "")
        if "wp-block-embed" not in classes or figure.getparent() is None:
            continue
        wrapper = figure.find(".//*[@class]")
        url = ""
        for element in figure.iter():
            if "wp-block-embed__wrapper" in (element.get("class") or ""):
                url = element.text_content().strip()
                break
        if not url and wrapper is not None:
            url = wrapper.text_content().strip()
        src = video_embed_url(url)
        caption = figure.find(".//figcaption")
        new = []
        if src:
            new.append(lxml.html.fragment_fromstring(_video_html(src)))
        elif url:
            new.append(lxml.html.fragment_fromstring(_link_paragraph(url)))
        if caption is not None and caption.text_content().strip():
            caption.tag = "p"
            caption.attrib.clear()
            new.append(caption)
        _replace_with(figure, new)
    for iframe in list(root.iter("iframe")):
        src = video_embed_url(iframe.get("src", ""))
        if src:
            title = iframe.get("title", "")
            _replace_with(
                iframe, [lxml.html.fragment_fromstring(_video_html(src, title))]
            )
        elif iframe.get("src"):
            _replace_with(
                iframe,
                [lxml.html.fragment_fromstring(_link_paragraph(iframe.get("src")))],
            )
        else:
            _replace_with(iframe, [])


def _flatten_structure(root) -> None:  # noqa: C901 (one pass per block kind)
    for figure in list(root.iter("figure")):
        if figure.getparent() is None:
            continue
        classes = figure.get("class", "")
        if "wp-block-gallery" in classes:
            inner = [f for f in figure.iter("figure") if f is not figure]
            if inner:
                _replace_with(figure, inner)
            else:
                _unwrap(figure)
        elif (
            figure.find(".//table") is not None
            or figure.find(".//blockquote") is not None
        ):
            caption = figure.find(".//figcaption")
            if caption is not None:
                caption.tag = "p"
            _unwrap(figure)
    for cite in list(root.iter("cite")):
        if next(cite.iterancestors("blockquote"), None) is not None:
            cite.tag = "p"
            cite.text = "— " + (cite.text or "").lstrip("—– ")
    for div in list(root.iter("div", "section", "article", "span")):
        if div.getparent() is None:
            continue
        has_blocks = any(child.tag in BLOCK_ELEMENTS for child in div.iterdescendants())
        if div.tag == "span" or has_blocks:
            _unwrap(div)
        elif div.getparent() is root and div.text_content().strip():
            div.tag = "p"
            div.attrib.clear()
        else:
            _unwrap(div)
    for element in root.iter():
        if element.tag == "h1":
            element.tag = "h2"
        elif element.tag in ("h5", "h6"):
            element.tag = "h4"
    for p in list(root.iter("p")):
        # A player on its own line (WordPress embeds those automatically).
        text = p.text_content().strip()
        if len(p) <= 1 and text and " " not in text and video_embed_url(text):
            link = p[0] if len(p) else None
            if link is None or (
                link.tag == "a" and link.text_content().strip() == text
            ):
                _replace_with(
                    p,
                    [lxml.html.fragment_fromstring(_video_html(video_embed_url(text)))],
                )


def convert_body(  # noqa: C901 (the steps in order)
    text: str,
    *,
    site_hosts: set[str],
    resolve_image: ImageResolver,
    attachment_url: Callable[[int], str | None] = lambda _id: None,
) -> Converted:
    """Turn a WordPress body into editor HTML; see the module docstring."""
    result = Converted(html="")
    if not text or not text.strip():
        return result
    classic = not _is_block_markup(text)
    text = _COMMENT.sub("", text)
    text = _CAPTION.sub(_caption, text)
    text = _GALLERY.sub(lambda m: _gallery(m, attachment_url), text)
    text = _EMBED.sub(lambda m: "\n\n" + _embed(m.group(1)) + "\n\n", text)
    text = _YOUTUBE.sub(lambda m: "\n\n" + _embed(m.group(1)) + "\n\n", text)
    text = _VIMEO.sub(
        lambda m: (
            "\n\n"
            + _embed(
                m.group(1) if "/" in m.group(1) else f"https://vimeo.com/{m.group(1)}"
            )
            + "\n\n"
        ),
        text,
    )
    if classic:
        text = _BARE_URL_LINE.sub(
            lambda m: (
                "\n\n" + m.group(1) + "\n\n"
                if video_embed_url(m.group(1))
                else m.group(0)
            ),
            text,
        )
        text = autop(text)
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        # Nothing parseable as HTML: keep the words, escaped.
        result.html = "".join(
            f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip()
        )
        return result
    for element in list(
        root.iter("script", "style", "noscript", "template", "object", "embed")
    ):
        _replace_with(element, [])
    _convert_embeds(root)
    _flatten_structure(root)
    _convert_images(root, resolve_image, result)
    for link in root.iter("a"):
        href = link.get("href", "")
        if href and _old_site_link(href, site_hosts):
            result.old_links.add(href)
    for p in list(root.iter("p")):
        if not p.text_content().strip() and not len(p):
            _replace_with(p, [])
    parts = (
        [f"<p>{html.escape(root.text.strip())}</p>"]
        if root.text and root.text.strip()
        else []
    )
    for child in root:
        tail, child.tail = child.tail, None
        parts.append(lxml.html.tostring(child, encoding="unicode").strip())
        if tail and tail.strip():
            parts.append(f"<p>{html.escape(tail.strip())}</p>")
    result.html = "\n".join(parts).strip()
    return result
