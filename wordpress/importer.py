"""Import a WordPress export (WXR) into Digest: `import_wordpress(...)` → `Report`.

Two streamed passes over the file (`wordpress.wxr`):

1. a check: the whole file is parsed (malformed, not a WXR, hostile → one
   `ExportError` line, nothing written) and the attachments are indexed;
2. the import, in transactions of `BATCH` items: authors (staff accounts with the
   Author role and no usable password: they set one through an invitation), categories
   with their hierarchy, tags (taggit, case-insensitive), posts as articles, pages as
   site pages, images (validated and re-encoded, with renditions), and one redirect
   per old URL in the site-wide table (`digest.redirects`).

Every WordPress object is remembered in `ImportedItem` by its id, so a second run
updates what changed in the export, leaves what did not, and never overwrites an
article or page someone has edited in Digest since (listed in the report). Status
changes go through `articles.publishing`. No email is sent.
"""

import copy
import gc
import hashlib
import html
import json
import logging
import os
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from accounts.models import User
from accounts.roles import AUTHOR, role_group
from articles.models import Article, ArticleTag, BodyImage, Category, TaggedArticle
from articles.publishing import (
    Action,
    bulk_changes,
    change_state,
    drop_revisions,
    write_revisions,
)
from articles.search import search_vector_expression
from digest.images import clean_upload, make_renditions, validate_image_upload
from digest.models import Page, Redirect
from digest.redirects import bulk_upsert, find_target, normalize_path
from wordpress import bodies
from wordpress.models import ImportedItem
from wordpress.wxr import (
    Author,
    ExportError,
    Item,
    Site,
    Term,
    parse_wp_date,
    read_export,
)

logger = logging.getLogger(__name__)

BATCH = 100
# Post meta keys of the common view counters (Post Views Counter, WP-PostViews, …).
VIEW_KEYS = (
    "post_views_count",
    "views",
    "_views",
    "post_views",
    "wpb_post_views_count",
)
PRIMARY_CATEGORY_KEYS = ("_yoast_wpseo_primary_category", "rank_math_primary_category")
SKIPPED_STATUSES = {"trash": "in the trash", "auto-draft": "an unsaved auto-draft"}
TITLE_MAX = Article._meta.get_field("title").max_length
SLUG_MAX = Article._meta.get_field("slug").max_length
LEAD_MAX = Article._meta.get_field("lead").max_length
PAGE_SLUG_MAX = Page._meta.get_field("slug").max_length
CATEGORY_MAX = Category._meta.get_field("name").max_length
UNCATEGORIZED = "uncategorized"
MEDIA_DIR = "articles/wp"
PLURALS = {"category": "categories"}
IMAGE_WORKERS = min(4, os.cpu_count() or 1)


@dataclass
class Report:
    """What an import did; `lines()` is what the command and the admin page show."""

    imported: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    skipped_types: Counter = field(default_factory=Counter)
    not_public: list[str] = field(default_factory=list)
    edited_here: list[str] = field(default_factory=list)
    redirects: int = 0
    images_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments: int = 0

    def lines(self) -> list[str]:
        def counts(counter: Counter) -> str:
            return (
                ", ".join(
                    f"{n} {kind if n == 1 else PLURALS.get(kind, kind + 's')}"
                    for kind, n in sorted(counter.items())
                )
                or "nothing"
            )

        lines = [
            f"Imported: {counts(self.imported)}",
            f"Updated: {counts(self.updated)}",
            f"Unchanged: {counts(self.unchanged)}",
            f"Redirects made: {self.redirects}",
        ]
        skipped = self.skipped + [
            f"{n} items of type {kind!r}: not content Digest imports"
            for kind, n in sorted(self.skipped_types.items())
        ]
        notes = self.notes + (
            [f"{self.comments} comments not imported: Digest has no comments"]
            if self.comments
            else []
        )
        sections = [
            ("Skipped", skipped),
            (
                "Imported as drafts, not public (private or password-protected)",
                self.not_public,
            ),
            ("Left alone: edited in Digest since the last import", self.edited_here),
            ("Images missing (imported without them)", self.images_missing),
            ("Notes", notes),
        ]
        for title, entries in sections:
            lines.append(f"{title}: {len(entries)}")
            lines += [f"  - {entry}" for entry in entries]
        return lines


@dataclass
class Attachment:
    id: int
    url: str
    file: str  # relative to the uploads directory: "2024/03/photo.jpg"
    alt: str
    caption: str
    parent: int
    link: str
    guid: str
    sizes: list[str]  # other files WordPress made from it, same directory
    source_hash: str


@dataclass
class Scan:
    site: Site | None = None
    attachments: dict[int, Attachment] = field(default_factory=dict)
    by_file: dict[str, int] = field(default_factory=dict)
    items: int = 0


Progress = Callable[[int, int], None]


def _hash(value) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, default=str).encode()
    ).hexdigest()


_SIZE_FILE = re.compile(r's:4:"file";s:\d+:"([^"]+)"')


def _attachment(item: Item) -> Attachment:
    file = item.meta.get("_wp_attached_file", "")
    if not file and "/wp-content/uploads/" in item.attachment_url:
        file = item.attachment_url.split("/wp-content/uploads/", 1)[1]
    file = unquote(file).lstrip("/")
    sizes = [
        name
        for name in _SIZE_FILE.findall(item.meta.get("_wp_attachment_metadata", ""))
        if "/" not in name
    ]
    return Attachment(
        id=item.post_id,
        url=item.attachment_url,
        file=file,
        alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
        caption=html.unescape(strip_tags(item.excerpt)).strip(),
        parent=item.post_parent,
        link=item.link,
        guid=item.guid,
        sizes=sizes,
        source_hash=_hash([item.attachment_url, file]),
    )


def scan_export(path: str | Path) -> Scan:
    """Read the whole file once: refuse a bad one, index its attachments."""
    scan = Scan()
    for record in read_export(path):
        if isinstance(record, Site):
            scan.site = record
        elif isinstance(record, Item):
            scan.items += 1
            if record.post_type == "attachment":
                attachment = _attachment(record)
                scan.attachments[attachment.id] = attachment
                if attachment.file:
                    scan.by_file[attachment.file] = attachment.id
            parse_wp_date(record.post_date)
            parse_wp_date(record.post_date_gmt)
    if scan.site is None:
        raise ExportError("not a WordPress export (WXR): no <channel>")
    return scan


def ascii_slug(text: str) -> str:
    """A slug our `<slug:…>` routes take: transliterated (Москва → moskva), then slugified."""
    return slugify(anyascii(text))


def _valid_username(login: str, fallback: str) -> str:
    name = re.sub(r"[^\w.@+-]", "-", login.strip())[:150].strip("-")
    return name or fallback


def store_upload(uploads: Path | None, relative: str) -> tuple[str | None, str]:
    """Store the uploads file `relative` re-encoded, with renditions: (name, problem).

    No database access: run from worker threads.
    """
    if uploads is None:
        return None, f"{relative} (no uploads directory given)"
    relative_path = PurePosixPath(relative)
    if not relative or relative_path.is_absolute() or ".." in relative_path.parts:
        return None, f"{relative!r} is not a file under uploads"
    source = uploads.joinpath(*relative_path.parts)
    if not source.is_file():
        return None, f"{relative} is not in the uploads directory"
    with source.open("rb") as handle:
        upload = File(handle, name=source.name)
        try:
            validate_image_upload(upload)
            cleaned = clean_upload(upload, name=source.name)
        except ValidationError as error:
            return None, f"{relative} refused ({' '.join(error.messages)})"
    directory = "/".join(relative_path.parts[:-1])
    name = default_storage.save(
        f"{MEDIA_DIR}/{directory}/{cleaned.name}".replace("//", "/"), cleaned
    )
    holder = BodyImage(image=name)
    if holder.has_renditions:
        make_renditions(holder.image)
    return name, ""


class Importer:
    def __init__(
        self,
        *,
        path: str | Path,
        uploads: str | Path | None,
        by: User,
        tz: str | None = None,
        progress: Progress | None = None,
    ):
        self.path = Path(path)
        self.uploads = Path(uploads) if uploads else None
        self.by = by
        self.tz = zoneinfo.ZoneInfo(tz or settings.TIME_ZONE)
        self.progress = progress or (lambda done, total: None)
        self.report = Report()
        self.scan: Scan | None = None
        self.site_key = ""
        self.hosts: set[str] = set()
        self.authors: dict[str, User] = {}
        self.categories: dict[str, Category] = {}  # by WordPress slug
        self.category_ids: dict[int, Category] = {}  # by term id
        self.tag_slugs: dict[str, str] = {}  # WordPress tag slug → our tag's slug
        self.files: dict[int, str | None] = {}  # attachment id → stored file name
        self.body_images: dict[str, BodyImage] = {}
        self.link_fixups: list[tuple[type, int, set[str]]] = []
        self.redirect_rows: list[Redirect] = []
        self._content_types = {}
        self._prepared: dict[str, tuple[str | None, str]] = {}
        self._batch_keys: dict[tuple[str, int], ImportedItem] = {}
        self._tags: dict[str, ArticleTag] = {}
        self._batch_updated: dict[tuple[type, int], datetime | None] = {}
        self._checked_slugs: set[str] = set()
        self._taken_slugs: set[str] = set()
        # Written once per batch, at its end (see _flush_batch).
        self._pending_tags: list[TaggedArticle] = []
        self._pending_keys: list[ImportedItem] = []
        self._pending_vectors: list[int] = []
        self._tag_redirects: set[str] = set()

    # Entry point

    def run(self) -> Report:  # noqa: C901 (the passes in order, read top to bottom)
        self.scan = scan_export(self.path)
        site = self.scan.site
        self.site_key = (site.base_site_url or site.link or "wordpress").rstrip("/")[
            :200
        ]
        for url in (site.base_site_url, site.base_blog_url, site.link):
            host = urlsplit(url).hostname
            if host:
                self.hosts.add(host)
                self.hosts.add(
                    host.removeprefix("www.")
                    if host.startswith("www.")
                    else f"www.{host}"
                )
        total = self.scan.items
        done = 0
        self.progress(0, total)
        pending: list[Item] = []
        terms: list[Term] = []
        authors: list[Author] = []
        channel_done = False
        for record in read_export(self.path):
            if isinstance(record, Author):
                authors.append(record)
            elif isinstance(record, Term):
                terms.append(record)
            elif isinstance(record, Item):
                if not channel_done:
                    self._import_channel(authors, terms)
                    channel_done = True
                pending.append(record)
                if len(pending) >= BATCH:
                    self._import_batch(pending)
                    done += len(pending)
                    pending = []
                    self.progress(done, total)
        if not channel_done:
            self._import_channel(authors, terms)
        if pending:
            self._import_batch(pending)
            done += len(pending)
            self.progress(done, total)
        with transaction.atomic():
            self._import_remaining_attachments()
            self._flush_redirects()
            self._site_redirects()
            self._flush_redirects()
            self._rewrite_old_links()
        return self.report

    # Helpers

    def _content_type(self, model) -> ContentType:
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    def _key(self, kind: str, wp_id: int) -> ImportedItem | None:
        if (kind, wp_id) in self._batch_keys:
            return self._batch_keys[kind, wp_id]
        key = ImportedItem.objects.filter(
            site=self.site_key, kind=kind, wp_id=wp_id
        ).first()
        self._batch_keys[kind, wp_id] = key
        return key

    def _load_keys(self, items: list[Item]) -> None:
        """Read the batch's ImportedItems in one query (posts, pages, their images)."""
        self._batch_keys = {}
        wanted = set()
        for item in items:
            wanted.add((item.post_type, item.post_id))
            thumbnail = self._thumbnail_id(item)
            if thumbnail:
                wanted.add((ImportedItem.Kind.ATTACHMENT.value, thumbnail))
        for kind, wp_id in wanted:
            self._batch_keys[kind, wp_id] = None
        for key in ImportedItem.objects.filter(
            site=self.site_key,
            kind__in={kind for kind, _ in wanted},
            wp_id__in={wp_id for _, wp_id in wanted},
        ):
            self._batch_keys[key.kind, key.wp_id] = key
        # When each row was last saved, to tell unchanged from edited here at once.
        self._batch_updated = {}
        for kind, model in (("post", Article), ("page", Page)):
            ids = [
                key.object_id
                for key in self._batch_keys.values()
                if key is not None and key.kind == kind and key.object_id
            ]
            if ids:
                self._load_updated(model, ids)
        bases = {
            self._slug_base(item, html.unescape(item.title).strip(), "")[
                :SLUG_MAX
            ].strip("-")
            for item in items
            if item.post_type == "post"
        } - {""}
        self._checked_slugs = set(bases)
        self._taken_slugs = set(
            Article.objects.filter(slug__in=bases).values_list("slug", flat=True)
        )

    def _remember(
        self,
        kind: str,
        wp_id: int,
        obj,
        *,
        source_hash="",
        guid="",
        defer=False,
        **extra,
    ) -> None:
        defaults = {"source_hash": source_hash, "guid": guid[:500], **extra}
        if obj is not None:
            defaults["content_type"] = self._content_type(type(obj))
            defaults["object_id"] = obj.pk
            # As saved: every write of the import set it through auto_now.
            defaults["target_updated_at"] = getattr(obj, "updated_at", None)
        key = self._key(kind, wp_id)
        if key is None and defer:
            key = ImportedItem(site=self.site_key, kind=kind, wp_id=wp_id, **defaults)
            self._pending_keys.append(key)
        elif key is None:
            key = ImportedItem.objects.create(
                site=self.site_key, kind=kind, wp_id=wp_id, **defaults
            )
        else:
            for name, value in defaults.items():
                setattr(key, name, value)
            key.save()
        self._batch_keys[kind, wp_id] = key

    def _redirect(self, old_url: str, *, obj=None, new_path: str = "") -> None:
        """Queue a redirect from the old site's `old_url` (absolute or a path)."""
        if not old_url:
            return
        try:
            parts = urlsplit(old_url)
        except ValueError:
            return
        if parts.hostname and parts.hostname not in self.hosts:
            return
        old_path = normalize_path(parts.path or "/", parts.query)
        if old_path == "/" or (obj is not None and old_path == obj.get_absolute_url()):
            return
        if obj is None and (not new_path or new_path == old_path):
            return
        row = Redirect(
            old_path=old_path,
            new_path="" if obj is not None else new_path,
            source="wordpress",
        )
        if obj is not None:
            row.content_type = self._content_type(type(obj))
            row.object_id = obj.pk
        self.redirect_rows.append(row)

    def _flush_redirects(self) -> None:
        if not self.redirect_rows:
            return
        paths = {row.old_path for row in self.redirect_rows}
        existing = set(
            Redirect.objects.filter(old_path__in=paths).values_list(
                "old_path", flat=True
            )
        )
        bulk_upsert(self.redirect_rows)
        self.report.redirects += len(paths - existing)
        self.redirect_rows = []

    def _date(self, item: Item) -> datetime | None:
        gmt = parse_wp_date(item.post_date_gmt)
        if gmt is not None:
            return gmt.replace(tzinfo=UTC)
        local = parse_wp_date(item.post_date)
        return local.replace(tzinfo=self.tz) if local else None

    @staticmethod
    def _describe(item: Item) -> str:
        title = html.unescape(item.title).strip() or "(no title)"
        return f"{item.post_type} {item.post_id} {title[:80]!r}"

    # Channel: authors, categories, tags

    def _import_channel(self, authors: list[Author], terms: list[Term]) -> None:
        with transaction.atomic():
            for author in authors:
                self._import_author(author)
            self._import_categories([t for t in terms if t.taxonomy == "category"])
            for term in terms:
                if term.taxonomy == "post_tag":
                    self._tag_for(term.slug, term.name, term_id=term.id)
            self._flush_redirects()

    def _import_author(self, author: Author) -> User:
        key = self._key(ImportedItem.Kind.AUTHOR, author.id)
        user = User.objects.filter(pk=key.object_id).first() if key else None
        created = False
        if user is None and author.email:
            user = User.objects.filter(email__iexact=author.email).first()
            if user is not None:
                self.report.notes.append(
                    f"author {author.login!r}: matched the existing account {user.username!r} by email (not changed)"
                )
        if user is None:
            username = _valid_username(author.login, f"wp-author-{author.id}")
            if User.objects.filter(username__iexact=username).exists():
                username = f"{username[:140]}-wp{author.id}"
            email = author.email
            if not email:
                email = f"{username}@wordpress.invalid"
                self.report.notes.append(
                    f"author {author.login!r} has no email in the export: set one before inviting ({email})"
                )
            user = User(
                username=username,
                email=email,
                display_name=(author.display_name or "")[:80],
                first_name=author.first_name[:150],
                last_name=author.last_name[:150],
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(self._author_group())
            created = True
            self.report.imported["author"] += 1
        elif key is not None:
            self.report.unchanged["author"] += 1
        if created or key is None:
            self._remember(ImportedItem.Kind.AUTHOR, author.id, user)
        self.authors[author.login] = user
        self._redirect(f"/author/{author.login}/", obj=user)
        self._redirect(f"/?author={author.id}", obj=user)
        return user

    def _author_group(self) -> Group:
        if not hasattr(self, "_group"):
            self._group = role_group(AUTHOR)
        return self._group

    def _author_for(self, login: str) -> User | None:
        if not login:
            return None
        if login not in self.authors:
            # Named by a post but missing from the channel's author list.
            fake_id = int(hashlib.sha256(login.encode()).hexdigest()[:12], 16)
            self._import_author(Author(fake_id, login, "", login, "", ""))
        return self.authors[login]

    def _import_categories(self, terms: list[Term]) -> None:
        by_slug = {t.slug: t for t in terms}
        for term in terms:
            self._category_for(term)
        for term in terms:
            category = self.categories[term.slug]
            parent = (
                self.categories.get(term.parent) if term.parent in by_slug else None
            )
            if (
                parent is not None
                and category.parent_id != parent.pk
                and parent.pk != category.pk
            ):
                Category.objects.filter(pk=category.pk).update(parent=parent)
                category.parent = parent
        for term in terms:
            category = self.categories[term.slug]
            path = [term.slug]
            parent = by_slug.get(term.parent)
            while parent is not None and len(path) < 10:
                path.insert(0, parent.slug)
                parent = by_slug.get(parent.parent)
            wp_path = "/category/" + "/".join(unquote(p) for p in path) + "/"
            self._redirect(wp_path, obj=category)
            self._redirect(f"/category/{unquote(term.slug)}/", obj=category)
            self._redirect(f"/?cat={term.id}", obj=category)
            self._redirect(
                wp_path + "feed/",
                new_path=reverse(
                    "articles:category_feed", kwargs={"slug": category.slug}
                ),
            )

    def _category_for(self, term: Term) -> Category:
        if term.slug in self.categories:
            return self.categories[term.slug]
        key = self._key(ImportedItem.Kind.CATEGORY, term.id) if term.id else None
        category = Category.objects.filter(pk=key.object_id).first() if key else None
        name = html.unescape(term.name).strip() or term.slug
        slug = (
            ascii_slug(unquote(term.slug)) or ascii_slug(name) or f"category-{term.id}"
        )[:80]
        if category is None:
            category = Category.objects.filter(slug=slug).first()
            if category is not None:
                self.report.unchanged["category"] += 1
        if category is None:
            if len(name) > CATEGORY_MAX:
                self.report.notes.append(
                    f"category {name[:60]!r}: name shortened to {CATEGORY_MAX} characters"
                )
            category = Category.objects.create(
                name=name[:CATEGORY_MAX],
                slug=slug,
                description=html.unescape(term.description),
            )
            self.report.imported["category"] += 1
        elif key is not None:
            self.report.unchanged["category"] += 1
        if term.id:
            self._remember(ImportedItem.Kind.CATEGORY, term.id, category)
            self.category_ids[term.id] = category
        self.categories[term.slug] = category
        return category

    def _tag_for(self, wp_slug: str, name: str, term_id: int = 0) -> ArticleTag:
        """Our tag for a WordPress tag, created by taggit's rules when new."""
        name = html.unescape(name).strip()[:100] or unquote(wp_slug)[:100]
        tag = self._tags.get(name.casefold())
        if tag is None:
            # Case variants are one tag, as TAGGIT_CASE_INSENSITIVE makes them.
            tag = ArticleTag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = ArticleTag.objects.create(name=name)  # our slug rule
                self.report.imported["tag"] += 1
            self._tags[name.casefold()] = tag
        if wp_slug in self._tag_redirects:
            return tag
        self._tag_redirects.add(wp_slug)
        self.tag_slugs[wp_slug] = tag.slug
        new_path = reverse("articles:tag", kwargs={"slug": tag.slug})
        self._redirect(f"/tag/{unquote(wp_slug)}/", new_path=new_path)
        if term_id:
            self._redirect(f"/?tag={unquote(wp_slug)}", new_path=new_path)
        self._redirect(
            f"/tag/{unquote(wp_slug)}/feed/", new_path=reverse("articles:feed")
        )
        return tag

    # Items

    # What a batch changes in memory, put back when its transaction rolls back.
    _BATCH_STATE = (
        "report",
        "authors",
        "categories",
        "category_ids",
        "tag_slugs",
        "files",
        "body_images",
        "link_fixups",
        "redirect_rows",
        "_tags",
        "_tag_redirects",
        "_prepared",
        "_batch_keys",
        "_checked_slugs",
        "_taken_slugs",
        "_pending_tags",
        "_pending_keys",
        "_pending_vectors",
    )

    @staticmethod
    def _copy(value):
        if isinstance(value, Report):
            return Report(
                **{f.name: copy.copy(getattr(value, f.name)) for f in fields(value)}
            )
        return copy.copy(value)

    def _import_batch(self, items: list[Item]) -> None:
        """Import `items` in one transaction; if one fails, again item by item.

        The first try saves two round trips an item (no savepoints); the second
        isolates the failing item in a savepoint and reports it.
        """
        self._load_keys(items)
        self._prepare_files(items)
        saved = {name: self._copy(getattr(self, name)) for name in self._BATCH_STATE}
        try:
            with transaction.atomic():
                _commit_without_waiting()
                for item in items:
                    self._import_item(item)
                self._flush_batch()
        except (DatabaseError, ValidationError, ValueError):
            logger.info("a batch failed; importing it item by item", exc_info=True)
            drop_revisions()
            for name, value in saved.items():
                setattr(self, name, value)
        else:
            self.report.comments += sum(item.comments for item in items)
            return
        with transaction.atomic():
            _commit_without_waiting()
            for item in items:
                self.report.comments += item.comments
                try:
                    with transaction.atomic():
                        self._import_item(item)
                        write_revisions()
                except (DatabaseError, ValidationError, ValueError) as error:
                    drop_revisions()
                    logger.warning("item %s failed", item.post_id, exc_info=True)
                    self.report.skipped.append(
                        f"{self._describe(item)}: failed ({error})"
                    )
            self._flush_batch()

    def _flush_batch(self) -> None:
        """Write what the batch's items queued: tag rows, keys, revisions, vectors."""
        write_revisions()
        TaggedArticle.objects.bulk_create(self._pending_tags)
        ImportedItem.objects.bulk_create(self._pending_keys)
        if self._pending_vectors:
            # The search vector reads the tags just written.
            Article.objects.filter(pk__in=self._pending_vectors).update(
                search_vector=search_vector_expression()
            )
        self._pending_tags, self._pending_keys, self._pending_vectors = [], [], []
        self._flush_redirects()

    def _import_item(self, item: Item) -> None:
        if item.post_type == "post":
            self._import_post(item)
        elif item.post_type == "page":
            self._import_page(item)
        elif item.post_type == "attachment":
            pass  # stored when a post uses it, or at the end
        else:
            self.report.skipped_types[item.post_type or "(none)"] += 1

    def _status(self, item: Item) -> tuple[str | None, str]:
        """(Digest status or None to skip, reason) for a post's WordPress status."""
        if item.status in SKIPPED_STATUSES:
            return None, SKIPPED_STATUSES[item.status]
        if item.post_password:
            return Article.Status.DRAFT, "password-protected"
        if item.status == "private":
            return Article.Status.DRAFT, "private"
        if item.status in ("publish", "future"):
            return Article.Status.PUBLISHED, ""
        if item.status == "pending":
            return Article.Status.REVIEW, ""
        return Article.Status.DRAFT, ""

    def _item_hash(self, item: Item) -> str:
        data = asdict(item)
        data.pop("comments", None)
        thumbnail = self._thumbnail_id(item)
        attachment = self.scan.attachments.get(thumbnail) if thumbnail else None
        data["thumbnail"] = asdict(attachment) if attachment else None
        return _hash(data)

    @staticmethod
    def _thumbnail_id(item: Item) -> int | None:
        value = item.meta.get("_thumbnail_id", "").strip()
        return (
            int(value)
            if value.isascii() and value.isdigit() and len(value) < 18
            else None
        )

    def _views(self, item: Item) -> int:
        counts = []
        for key in VIEW_KEYS:
            value = item.meta.get(key, "").strip()
            if value.isascii() and value.isdigit() and len(value) < 15:
                counts.append(int(value))
        return max(counts, default=0)

    def _unique_slug(self, model, base: str, max_length: int, pk=None) -> str:
        base = base[:max_length].strip("-") or "item"
        slug, n = base, 1
        while self._slug_taken(model, slug, pk):
            n += 1
            suffix = f"-{n}"
            slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        if model is Article:
            self._checked_slugs.add(slug)
            self._taken_slugs.add(slug)
        return slug

    def _slug_taken(self, model, slug: str, pk) -> bool:
        if model is Article and pk is None and slug in self._checked_slugs:
            return slug in self._taken_slugs  # read for the whole batch at once
        return model.objects.filter(slug=slug).exclude(
            pk=pk
        ).exists() or not self._slug_free(model, slug)

    @staticmethod
    def _slug_free(model, slug: str) -> bool:
        """Pages live at /<slug>/, resolved last: a slug another route owns is taken."""
        if model is not Page:
            return True
        try:
            return resolve(f"/{slug}/").url_name == "page"
        except Resolver404:
            return True

    def _slug_base(self, item: Item, title: str, fallback: str) -> str:
        return ascii_slug(unquote(item.post_name)) or ascii_slug(title) or fallback

    def _convert(self, item: Item) -> bodies.Converted:
        reported = len(self.report.images_missing)
        converted = bodies.convert_body(
            item.content,
            site_hosts=self.hosts,
            resolve_image=lambda src, att_id: self._body_image(src, att_id, item),
            attachment_url=lambda att_id: (
                self.scan.attachments[att_id].url
                if att_id in self.scan.attachments
                else None
            ),
        )
        # A file missing from uploads is reported once, when storing it failed.
        for src in converted.images_missing[
            len(self.report.images_missing) - reported :
        ]:
            self.report.images_missing.append(f"{self._describe(item)}: {src}")
        return converted

    def _import_post(self, item: Item) -> None:  # noqa: C901 (one step per field of an article)
        status, reason = self._status(item)
        if status is None:
            self.report.skipped.append(f"{self._describe(item)}: {reason}")
            return
        key = self._key(ImportedItem.Kind.POST, item.post_id)
        source_hash = self._item_hash(item)
        article = None
        if key is not None and key.object_id:
            if not self._left_alone(key, Article, item, source_hash):
                return
            article = Article.objects.get(pk=key.object_id)
        created = article is None
        article = article or Article()
        title = html.unescape(item.title).strip()
        if not title:
            title = f"Untitled post {item.post_id}"
            self.report.notes.append(
                f"post {item.post_id} has no title: imported as {title!r}"
            )
        if len(title) > TITLE_MAX:
            self.report.notes.append(
                f"{self._describe(item)}: headline of {len(title)} characters shortened to {TITLE_MAX}; "
                "the whole headline opens the body"
            )
        lead = html.unescape(strip_tags(item.excerpt)).strip()
        if len(lead) > LEAD_MAX:
            self.report.notes.append(
                f"{self._describe(item)}: excerpt of {len(lead)} characters kept whole as the lead "
                f"(the editor asks for at most {LEAD_MAX} when it is next edited)"
            )
        converted = self._convert(item)
        body = converted.html
        if len(title) > TITLE_MAX:
            body = f"<p><strong>{html.escape(title)}</strong></p>{body}"
        article.title = (
            title[: TITLE_MAX - 1] + "…" if len(title) > TITLE_MAX else title
        )
        if created:
            article.slug = self._unique_slug(
                Article, self._slug_base(item, title, f"post-{item.post_id}"), SLUG_MAX
            )
        article.lead = lead
        article.body = body
        article.category = self._post_category(item)
        article.author = self._author_for(item.creator)
        self._featured_image(article, item)
        views = self._views(item)
        delta = max(0, views - (key.views if key else 0))
        if created:
            article.view_count = views
        self._save_in_state(article, item, status)
        tags = [
            self._tag_for(slug, name)
            for domain, slug, name in item.terms
            if domain == "post_tag"
        ]
        unique_tags = list({tag.pk: tag for tag in tags}.values())
        if not created:
            article.tags.set(unique_tags)
        if delta > 0 and not created:
            Article.objects.filter(pk=article.pk).update(
                view_count=F("view_count") + delta
            )
        if reason:
            self.report.not_public.append(
                f"{self._describe(item)}: {reason} → draft {article.slug}"
            )
        (self.report.imported if created else self.report.updated)["post"] += 1
        if converted.old_links:
            self.link_fixups.append((Article, article.pk, converted.old_links))
        # Last, so a failing item queues nothing.
        if created:
            self._pending_tags += [
                TaggedArticle(content_object=article, tag=tag) for tag in unique_tags
            ]
        self._pending_vectors.append(article.pk)
        self._remember(
            ImportedItem.Kind.POST,
            item.post_id,
            article,
            source_hash=source_hash,
            guid=item.guid,
            views=max(views, key.views if key else 0),
            defer=created,
        )
        self._redirect(item.link, obj=article)
        self._redirect(item.guid, obj=article)
        self._redirect(f"/?p={item.post_id}", obj=article)

    def _left_alone(
        self, key: ImportedItem, model, item: Item, source_hash: str
    ) -> bool:
        """False (and reported) when the import must not touch what `key` made."""
        if (model, key.object_id) not in self._batch_updated:
            self._load_updated(model, [key.object_id])
        updated_at = self._batch_updated.get((model, key.object_id))
        if updated_at is None:
            self.report.edited_here.append(f"{self._describe(item)}: deleted in Digest")
            return False
        if key.target_updated_at and updated_at != key.target_updated_at:
            url = model.objects.get(pk=key.object_id).get_absolute_url()
            self.report.edited_here.append(f"{self._describe(item)} → {url}")
            return False
        if key.source_hash == source_hash:
            self.report.unchanged[item.post_type] += 1
            return False
        return True

    def _load_updated(self, model, ids) -> None:
        found = dict(model.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
        for pk in ids:
            self._batch_updated[model, pk] = found.get(pk)

    def _save_in_state(self, article: Article, item: Item, status: str) -> None:
        """Save `article` in `status` through the one publishing function."""
        at = self._date(item)
        if status == Article.Status.PUBLISHED:
            at = at or timezone.now()
            # A past time is kept (the original date); a future one schedules.
            action = Action.SCHEDULE if at > timezone.now() else Action.PUBLISH_NOW
        elif status == Article.Status.REVIEW:
            action = Action.SUBMIT
        elif article.pk and article.status == Article.Status.PUBLISHED:
            action = Action.UNPUBLISH
        else:
            action = Action.SAVE_DRAFT
        change_state(article=article, by=self.by, action=action, at=at)

    def _post_category(self, item: Item) -> Category:
        for key in PRIMARY_CATEGORY_KEYS:
            value = item.meta.get(key, "").strip()
            if value.isascii() and value.isdigit() and int(value) in self.category_ids:
                return self.category_ids[int(value)]
        for domain, slug, name in item.terms:
            if domain == "category":
                if slug not in self.categories:
                    self._category_for(Term("category", 0, slug, name, "", ""))
                return self.categories[slug]
        if UNCATEGORIZED not in self.categories:
            self._category_for(
                Term("category", 0, UNCATEGORIZED, "Uncategorized", "", "")
            )
        return self.categories[UNCATEGORIZED]

    def _featured_image(self, article: Article, item: Item) -> None:
        thumbnail = self._thumbnail_id(item)
        if not thumbnail:
            if article.image:  # taken off in WordPress since the last import
                article.image, article.image_alt, article.image_caption = "", "", ""
            return
        attachment = self.scan.attachments.get(thumbnail)
        if attachment is None:
            self.report.images_missing.append(
                f"{self._describe(item)}: featured image {thumbnail} is not in the export"
            )
            return
        name = self._stored_file(attachment, item)
        if name is None:
            return
        if article.image.name != name:
            article.image = name
        article.image_alt = attachment.alt[:300]
        article.image_caption = attachment.caption[:300]

    # Images

    def _stored_file(
        self, attachment: Attachment, item: Item | None = None
    ) -> str | None:
        """The media file name of an attachment's original, storing it once."""
        if attachment.id in self.files:
            return self.files[attachment.id]
        key = self._key(ImportedItem.Kind.ATTACHMENT, attachment.id)
        if (
            key
            and key.stored_file
            and key.source_hash == attachment.source_hash
            and default_storage.exists(key.stored_file)
        ):
            self.files[attachment.id] = key.stored_file
            return key.stored_file
        name = self._store_upload(
            attachment.file, item, what=f"attachment {attachment.id}"
        )
        self.files[attachment.id] = name
        if name is not None:
            self._remember(
                ImportedItem.Kind.ATTACHMENT,
                attachment.id,
                None,
                source_hash=attachment.source_hash,
                guid=attachment.guid,
                stored_file=name,
            )
            self.report.imported["image"] += 1
        return name

    def _store_upload(
        self, relative: str, item: Item | None, *, what: str
    ) -> str | None:
        who = self._describe(item) if item else what
        name, problem = self._prepared.pop(relative, None) or store_upload(
            self.uploads, relative
        )
        if problem:
            self.report.images_missing.append(f"{who}: {problem}")
        return name

    def _prepare_files(self, items: list[Item]) -> None:
        """Store the batch's featured images side by side (Pillow frees the GIL)."""
        wanted = []
        for item in items:
            attachment = self.scan.attachments.get(self._thumbnail_id(item) or 0)
            if attachment is None or attachment.id in self.files:
                continue
            key = self._key(ImportedItem.Kind.ATTACHMENT, attachment.id)
            if key and key.stored_file and key.source_hash == attachment.source_hash:
                continue
            if attachment.file not in self._prepared and attachment.file not in wanted:
                wanted.append(attachment.file)
        if len(wanted) < 2:
            return
        with ThreadPoolExecutor(max_workers=IMAGE_WORKERS) as pool:
            for relative, result in zip(
                wanted,
                pool.map(lambda r: store_upload(self.uploads, r), wanted),
                strict=True,
            ):
                self._prepared[relative] = result

    def _body_image(
        self, src: str, att_id: int | None, item: Item
    ) -> bodies.BodyImage | None:
        attachment = self.scan.attachments.get(att_id) if att_id else None
        if attachment is None and "/wp-content/uploads/" in src:
            relative = unquote(
                bodies.original_upload_path(src).split("/wp-content/uploads/", 1)[1]
            )
            found = self.scan.by_file.get(relative)
            attachment = self.scan.attachments.get(found) if found else None
            if attachment is None:
                name = self._loose_file(relative, item)
                return self._body_image_for(name, "", "") if name else None
        if attachment is None:
            return None
        name = self._stored_file(attachment, item)
        if name is None:
            return None
        return self._body_image_for(name, attachment.alt, attachment.caption)

    def _loose_file(self, relative: str, item: Item) -> str | None:
        """An uploads file a body shows that is not in the media library."""
        key = f"file:{relative}"
        if key not in self.files:
            self.files[key] = self._store_upload(relative, item, what=relative)
        return self.files[key]

    def _body_image_for(self, name: str, alt: str, caption: str) -> bodies.BodyImage:
        image = self.body_images.get(name)
        if image is None:
            image = BodyImage.objects.filter(image=name).first()
            if image is None:
                image = BodyImage(
                    image=name,
                    alt_text=alt[:300] or "Image",
                    caption=caption[:300],
                    uploaded_by=self.by,
                )
                image.save()
            self.body_images[name] = image
        return bodies.BodyImage(src=image.body_url(), alt=alt or image.alt_text)

    # Pages

    def _import_page(self, item: Item) -> None:
        if item.status in SKIPPED_STATUSES:
            self.report.skipped.append(
                f"{self._describe(item)}: {SKIPPED_STATUSES[item.status]}"
            )
            return
        key = self._key(ImportedItem.Kind.PAGE, item.post_id)
        source_hash = self._item_hash(item)
        page = None
        if key is not None and key.object_id:
            if not self._left_alone(key, Page, item, source_hash):
                return
            page = Page.objects.get(pk=key.object_id)
        created = page is None
        page = page or Page()
        title = html.unescape(item.title).strip() or f"Untitled page {item.post_id}"
        page.title = title[:200]
        if created:
            page.slug = self._unique_slug(
                Page,
                self._slug_base(item, title, f"page-{item.post_id}"),
                PAGE_SLUG_MAX,
            )
        converted = self._convert(item)
        page.body = converted.html
        page.position = max(0, min(item.menu_order, 32767))
        public = item.status == "publish" and not item.post_password
        page.is_published = public
        if item.post_password or item.status == "private":
            reason = "password-protected" if item.post_password else "private"
            self.report.not_public.append(
                f"{self._describe(item)}: {reason} → unpublished page {page.slug}"
            )
        if item.post_parent:
            self.report.notes.append(
                f"{self._describe(item)}: a child page; Digest pages have no parent, "
                f"so it is /{page.slug}/ and its old nested address redirects there"
            )
        page.save()
        (self.report.imported if created else self.report.updated)["page"] += 1
        if converted.old_links:
            self.link_fixups.append((Page, page.pk, converted.old_links))
        self._remember(
            ImportedItem.Kind.PAGE,
            item.post_id,
            page,
            source_hash=source_hash,
            guid=item.guid,
        )
        self._redirect(item.link, obj=page)
        self._redirect(item.guid, obj=page)
        self._redirect(f"/?page_id={item.post_id}", obj=page)

    # The end: attachments nobody used, site URLs, links inside bodies

    def _import_remaining_attachments(self) -> None:
        posts = {
            key.wp_id: key
            for key in ImportedItem.objects.filter(
                site=self.site_key, kind__in=["post", "page"]
            ).select_related("content_type")
            if key.wp_id in {a.parent for a in self.scan.attachments.values()}
        }
        for attachment in self.scan.attachments.values():
            name = self._stored_file(attachment)
            parent = posts.get(attachment.parent)
            target = parent.target if parent is not None else None
            media_url = default_storage.url(name) if name else ""
            for old in (
                attachment.link,
                attachment.guid,
                f"/?attachment_id={attachment.id}",
            ):
                if target is not None:
                    self._redirect(old, obj=target)
                elif media_url:
                    self._redirect(old, new_path=media_url)
            if media_url and attachment.file:
                directory = str(PurePosixPath(attachment.file).parent)
                files = [attachment.file] + [
                    f"{directory}/{size}" if directory != "." else size
                    for size in attachment.sizes
                ]
                for file in files:
                    self._redirect(f"/wp-content/uploads/{file}", new_path=media_url)

    def _site_redirects(self) -> None:
        feed = reverse("articles:feed")
        for old in (
            "/feed/rss2/",
            "/feed/rss/",
            "/feed/rdf/",
            "/comments/feed/",
            "/?feed=rss2",
            "/?feed=rss",
            "/?feed=atom",
        ):
            self._redirect(
                old,
                new_path=feed if "atom" not in old else reverse("articles:feed_atom"),
            )

    def _rewrite_old_links(self) -> None:
        for model, pk, links in self.link_fixups:
            obj = model.objects.filter(pk=pk).first()
            if obj is None:
                continue
            body = obj.body
            for href in links:
                parts = urlsplit(href)
                path = normalize_path(parts.path or "/", parts.query)
                alternate = (
                    path[:-1] if path.endswith("/") and path != "/" else path + "/"
                )
                target = (
                    find_target(path, alternate) if path != "/" else reverse("home")
                )
                if target:
                    # As the sanitizer writes attributes: only "&" is escaped.
                    body = body.replace(
                        f'href="{href.replace("&", "&amp;")}"',
                        f'href="{target.replace("&", "&amp;")}"',
                    )
            if body != obj.body:
                obj.body = body
                obj.save(update_fields=["body"])


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Keep Python's cycle collector off what was loaded before the import.

    An import makes millions of short-lived objects, and each full collection
    would walk every object Django and the apps loaded at startup too: frozen,
    they are skipped (gc.freeze), while the import's own garbage is collected
    as usual, so memory stays flat.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _commit_without_waiting() -> None:
    """This transaction commits without waiting for the disk (synchronous_commit).

    A crash can lose the last moments of an import, never consistency, and
    running the same export again fills them in (it is keyed on WordPress ids);
    a 100,000-post import commits a thousand batches.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")


def import_wordpress(
    *,
    path: str | Path,
    uploads: str | Path | None,
    by: User,
    tz: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Import the WXR file at `path` (images from `uploads`); see the module docstring.

    One site-wide change: every page is refreshed once at the end, not per article.
    """
    with bulk_changes(), _fewer_collections():
        return Importer(
            path=path, uploads=uploads, by=by, tz=tz, progress=progress
        ).run()
