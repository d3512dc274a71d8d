from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from articles.tags import tag_slug
from digest.images import rendition_name
from digest.reversing import slug_url
from digest.sanitize import clean_html, reading_minutes


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Leave empty for a top-level section of the menu."),
    )
    position = models.PositiveSmallIntegerField(_("menu position"), default=0)
    description = models.TextField(_("description"), blank=True)
    is_highlighted = models.BooleanField(
        _("highlighted"),
        default=False,
        help_text=_("A campaign section, shown apart in the menu."),
    )
    show_in_menu = models.BooleanField(_("shown in menu"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="articles_category_not_own_parent",
            )
        ]

    def __str__(self):
        return (
            f"{self.parent.name} › {self.name}"
            if self.parent_id and self.parent
            else self.name
        )

    def get_absolute_url(self):
        return slug_url("articles:category", self.slug)


class ArticleTag(Tag):
    """taggit's Tag (same table) with our slug rule, so every tag page has a route."""

    class Meta:
        proxy = True
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def slugify(self, tag, i=None):
        # taggit calls this with i = 1, 2, ... when the slug is taken.
        return tag_slug(tag, 1 if i is None else i + 1)


class TaggedArticle(TaggedItemBase):
    # Tags made through `article.tags` are ArticleTags: they get our slugs.
    tag = models.ForeignKey(
        ArticleTag,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_items",
    )
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )
    # The article's publication time while it is published, else NULL, so a
    # tag's page and its count read this table's own index instead of walking
    # the whole archive newest first for the tag's articles (about 900 rows per
    # page of 20 at 100,000 articles). Kept by two database triggers (migration
    # 0009), whatever writes the row or the article: the admin, taggit's bulk
    # inserts, the importer, the bench's loader. Scheduled articles carry their
    # future time; readers' queries add `listed_at <= now`.
    listed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggedarticle_unique"
            )
        ]
        indexes = [
            # "You Might Also Like": the articles tagged most recently with a tag.
            models.Index(fields=["tag", "-id"], name="articles_tagged_recent"),
            # A tag's page: its published articles, newest first.
            models.Index(
                fields=["tag", "-listed_at", "-content_object"],
                name="articles_tagged_listing",
                condition=models.Q(listed_at__isnull=False),
            ),
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, and not scheduled for later."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    # What a card (articles.cards.SHOWN) and a listing's headline show, and the
    # state a page checks: one row of a few columns per card, no author, no body.
    CARD_FIELDS = (
        "title",
        "slug",
        "lead",
        "status",
        "published_at",
        "reading_time",
        "is_featured",
        "image",
        "image_alt",
        "image_width",
        "image_height",
        "category__name",
        "category__slug",
    )

    def cards(self):
        """Load what an article card shows, and nothing else."""
        return self.select_related("category").only(*self.CARD_FIELDS)

    def in_category_tree(self, category: "Category"):
        """Articles in `category` or any of its sub-categories."""
        return self.filter(Q(category=category) | Q(category__parent=category))

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def next_publication(self, now):
        """When the next article scheduled after `now` goes live, or None."""
        return (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def most_read(self, days: int = 7):
        """Articles by views over the last `days` days, from the per-day counts."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            self.filter(daily_views__day__gte=since)
            .annotate(recent_views=Sum("daily_views__views"))
            .order_by("-recent_views", "-published_at")
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    lead = models.TextField(
        _("lead"),
        max_length=1000,
        blank=True,
        help_text=_("The standfirst under the title."),
    )
    body = models.TextField(_("body"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = TaggableManager(through=TaggedArticle, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    byline = models.CharField(
        _("byline"),
        max_length=100,
        blank=True,
        help_text=_('Shown as "By …"; the author by default.'),
    )
    source_name = models.CharField(_("source name"), max_length=120, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    image = models.ImageField(
        _("featured image"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    image_alt = models.CharField(_("image alt text"), max_length=300, blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("A future time schedules the article."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    reading_time = models.PositiveSmallIntegerField(
        _("minutes to read"), default=1, editable=False
    )
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["view_count", "search_vector", "updated_at"]
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("edit_any_article", _("Can edit articles by other authors")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published"]),
                name="articles_article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="articles_article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="articles_published_recent",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["category", "-published_at"],
                name="articles_category_recent",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["author", "-published_at"],
                name="articles_author_recent",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["-published_at"],
                name="articles_featured_recent",
                condition=Q(status="published", is_featured=True),
            ),
            models.Index(
                fields=["status", "-updated_at"], name="articles_status_updated"
            ),
            models.Index(fields=["-view_count"], name="articles_view_count"),
            # The admin list: newest first, undated drafts on top, every status.
            models.Index(fields=["-published_at", "-id"], name="articles_admin_newest"),
            GinIndex(fields=["search_vector"], name="articles_search_vector"),
            GinIndex(
                fields=["title"], name="articles_title_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.reading_time = reading_minutes(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reading_time"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def byline_text(self) -> str:
        return self.byline or (self.author.public_name if self.author else "")


class ArticleDailyViews(models.Model):
    """Views of one article on one day (site time zone); upserted by view counting."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "article daily views"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day"], name="articles_dailyviews_unique"
            )
        ]
        indexes = [
            models.Index(fields=["day", "article"], name="articles_dailyviews_day")
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.views}"


class ArticleViewMark(models.Model):
    """When a reader was last counted for an article: the dedupe window of view counting.

    `reader` is a user id or a daily-keyed hash of address and agent, never a raw IP.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    reader = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader"], name="articles_viewmark_unique"
            )
        ]
        indexes = [models.Index(fields=["seen_at"], name="articles_viewmark_seen")]

    def __str__(self):
        return f"{self.reader} on {self.article_id} at {self.seen_at}"


class BodyImage(models.Model):
    """An image uploaded for use inside article bodies (the editor's "Browse…").

    Bodies keep only images under MEDIA_URL (digest.sanitize), so this is how a
    picture gets into a body: uploaded here, checked and re-encoded like a
    featured image, then inserted as a figure with its alt text and caption.
    """

    image = models.ImageField(
        _("image"),
        upload_to="articles/body/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("body image")
        verbose_name_plural = _("body images")

    def __str__(self):
        return self.alt_text or self.image.name

    @property
    def has_renditions(self) -> bool:
        """GIFs are used as uploaded (they may be animated); others resized."""
        return bool(self.width) and not self.image.name.lower().endswith(".gif")

    def body_url(self) -> str:
        """The URL a body uses: a width readers need (1,200 px at most), as WebP."""
        return self._rendition_url(1200)

    def thumbnail_url(self) -> str:
        return self._rendition_url(400)

    def _rendition_url(self, max_width: int) -> str:
        """The WebP rendition `max_width` wide, or the original's width when
        narrower (digest.images makes both)."""
        if not self.has_renditions:
            return self.image.url
        width = min(self.width, max_width)
        return self.image.storage.url(rendition_name(self.image.name, width, "webp"))
