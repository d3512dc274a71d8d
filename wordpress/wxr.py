"""Streaming reader of WordPress eXtended RSS (WXR 1.0–1.2), the file Tools → Export writes.

`read_export(path)` yields `Site`, `Author`, `Term` and `Item` records in file order,
parsing with defusedxml's iterparse: a document type declaration, entity or external
reference is refused (billion laughs, XXE), and each `<item>` is freed once read,
so memory does not grow with the file. Every problem is an `ExportError` with one
line a person can act on.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
NO_DATE = "0000-00-00 00:00:00"


class ExportError(Exception):
    """The file cannot be imported; the message is one line for the operator."""


@dataclass
class Site:
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    wxr_version: str


@dataclass
class Author:
    id: int
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass
class Term:
    """A category or tag from the channel's term list."""

    taxonomy: str  # "category" or "post_tag"
    id: int
    slug: str
    name: str
    parent: str  # the parent's slug, categories only
    description: str


@dataclass
class Item:
    post_id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified_gmt: str = ""
    post_name: str = ""
    status: str = ""
    post_parent: int = 0
    menu_order: int = 0
    post_password: str = ""
    attachment_url: str = ""
    # (domain, slug, name) of each <category> element: categories and tags.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _is_wp(namespace: str) -> bool:
    return namespace.startswith(WP_NAMESPACE_PREFIX) and "excerpt" not in namespace


def _int(value: str | None, what: str) -> int:
    text = (value or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 18:
        raise ExportError(f"{what} is not a number: {text[:40]!r}")
    return int(text)


def _text(element) -> str:
    return element.text or ""


def parse_wp_date(value: str) -> datetime | None:
    """A naive datetime from WordPress's "YYYY-mm-dd HH:MM:SS", None for none."""
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 — made aware by the caller
    except ValueError:
        raise ExportError(
            f"a date in the export is not a date: {value[:40]!r}"
        ) from None


def _author(element) -> Author:
    values = {}
    for child in element:
        namespace, name = _local(child.tag)
        if _is_wp(namespace):
            values[name] = _text(child).strip()
    return Author(
        id=_int(values.get("author_id"), "an author id"),
        login=values.get("author_login", ""),
        email=values.get("author_email", ""),
        display_name=values.get("author_display_name", ""),
        first_name=values.get("author_first_name", ""),
        last_name=values.get("author_last_name", ""),
    )


def _term(element, taxonomy: str) -> Term:
    values = {}
    for child in element:
        namespace, name = _local(child.tag)
        if _is_wp(namespace):
            values[name] = _text(child).strip()
    if taxonomy == "category":
        slug, name = values.get("category_nicename", ""), values.get("cat_name", "")
        description = values.get("category_description", "")
    else:
        slug, name = values.get("tag_slug", ""), values.get("tag_name", "")
        description = values.get("tag_description", "")
    return Term(
        taxonomy=taxonomy,
        id=_int(values.get("term_id"), "a term id"),
        slug=slug,
        name=name or slug,
        parent=values.get("category_parent", ""),
        description=description,
    )


_ITEM_FIELDS = {
    "post_date": "post_date",
    "post_date_gmt": "post_date_gmt",
    "post_modified_gmt": "post_modified_gmt",
    "post_name": "post_name",
    "status": "status",
    "post_password": "post_password",
    "attachment_url": "attachment_url",
}


def _item(element) -> Item:  # noqa: C901 (one branch per WXR element)
    item = Item(post_id=0, post_type="")
    for child in element:
        namespace, name = _local(child.tag)
        if namespace == "":
            if name == "title":
                item.title = _text(child)
            elif name == "link":
                item.link = _text(child).strip()
            elif name == "guid":
                item.guid = _text(child).strip()
            elif name == "category":
                item.terms.append(
                    (child.get("domain", ""), child.get("nicename", ""), _text(child))
                )
        elif namespace == CONTENT_NS and name == "encoded":
            item.content = _text(child)
        elif namespace == DC_NS and name == "creator":
            item.creator = _text(child).strip()
        elif namespace.startswith(WP_NAMESPACE_PREFIX) and namespace.endswith(
            "excerpt/"
        ):
            item.excerpt = _text(child)
        elif _is_wp(namespace):
            if name == "post_id":
                item.post_id = _int(_text(child), "a post id")
            elif name == "post_type":
                item.post_type = _text(child).strip()
            elif name == "post_parent":
                item.post_parent = _int(_text(child), "a post parent")
            elif name == "menu_order":
                item.menu_order = _int(_text(child), "a menu order")
            elif name in _ITEM_FIELDS:
                setattr(item, _ITEM_FIELDS[name], _text(child).strip())
            elif name == "postmeta":
                key = value = ""
                for meta in child:
                    meta_name = _local(meta.tag)[1]
                    if meta_name == "meta_key":
                        key = _text(meta)
                    elif meta_name == "meta_value":
                        value = _text(meta)
                if key:
                    item.meta[key] = value
            elif name == "comment":
                item.comments += 1
    if not item.post_id:
        raise ExportError(f"an item has no post id (title {item.title[:60]!r})")
    return item


def read_export(path: str | Path) -> Iterator[Site | Author | Term | Item]:
    """Yield the records of the WXR file at `path` in order; see the module docstring."""
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    try:
        yield from _records(handle)
    except DefusedXmlException as error:
        raise ExportError(
            f"refused: the file declares a DTD, entities or external references "
            f"({type(error).__name__}), which a WordPress export never does"
        ) from None
    except ParseError as error:
        raise ExportError(f"not well-formed XML: {error}") from None
    finally:
        handle.close()


def _records(handle) -> Iterator[Site | Author | Term | Item]:  # noqa: C901 (one branch per channel child)
    events = iterparse(handle, events=("start", "end"), forbid_dtd=True)
    depth = 0
    channel = None
    site_values: dict[str, str] = {}
    site_sent = False
    saw_wxr = False
    for event, element in events:
        namespace, name = _local(element.tag)
        if event == "start":
            depth += 1
            if depth == 1 and name != "rss":
                raise ExportError(
                    f"not a WordPress export: the document is <{name}>, not <rss>"
                )
            if depth == 2 and name == "channel":
                channel = element
            continue
        depth -= 1
        if depth != 2 or channel is None:
            if depth == 1 and name == "channel" and not saw_wxr:
                break
            continue
        # A direct child of <channel> has ended.
        if _is_wp(namespace):
            saw_wxr = True
        if name == "item" and namespace == "":
            if not saw_wxr:
                raise ExportError(
                    "not a WordPress export: no wp:wxr_version before the first item"
                )
            if not site_sent:
                yield _site(site_values)
                site_sent = True
            yield _item(element)
        elif _is_wp(namespace) and name in ("author", "category", "tag"):
            if not site_sent:
                yield _site(site_values)
                site_sent = True
            if name == "author":
                yield _author(element)
            else:
                yield _term(element, "category" if name == "category" else "post_tag")
        elif namespace in ("",) or _is_wp(namespace):
            site_values[name] = _text(element).strip()
            continue
        # Read: free it, and drop it from the channel so nothing accumulates.
        element.clear()
        channel.remove(element)
    if not saw_wxr:
        raise ExportError(
            "not a WordPress export (WXR): no wp:wxr_version element in <channel>"
        )
    if not site_sent:
        yield _site(site_values)


def _site(values: dict[str, str]) -> Site:
    return Site(
        title=values.get("title", ""),
        link=values.get("link", ""),
        base_site_url=values.get("base_site_url", "") or values.get("link", ""),
        base_blog_url=values.get("base_blog_url", "") or values.get("link", ""),
        wxr_version=values.get("wxr_version", ""),
    )
