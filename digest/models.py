from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digest.reversing import slug_url
from digest.sanitize import clean_html


class Page(models.Model):
    """A policy or static page served at /<slug>/ (Privacy Policy, Who we are, …)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    body = models.TextField(_("body"), blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    show_in_footer = models.BooleanField(_("linked from the footer"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("page", self.slug)

    @property
    def is_public(self) -> bool:
        return self.is_published


class UsefulLink(models.Model):
    title = models.CharField(_("title"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    image = models.ImageField(_("image"), upload_to="links/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("useful link")
        verbose_name_plural = _("useful links")
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class ContentCheck(models.TextChoices):
    """The checks an article gets before it is published (articles/checks.py)."""

    IMAGE_ALT = "image_alt", _("Featured image has alt text")
    BODY_IMAGE_ALT = "body_image_alt", _("Body images have alt text")
    BODY_IMAGE_CAPTION = "body_image_caption", _("Body images have a caption")
    LEAD_REPEATS_TITLE = (
        "lead_repeats_title",
        _("The lead does not repeat the headline"),
    )
    TITLE_LENGTH = "title_length", _("The headline is at most 110 characters")
    CATEGORY = "category", _("The article has a category")


class SiteSettings(models.Model):
    """The one row of site-wide settings editors change in the admin."""

    site_name = models.CharField(_("site name"), max_length=80, default="Digest")
    tagline = models.CharField(
        _("tagline"), max_length=120, blank=True, default="Daily Digest"
    )
    about = models.TextField(_("about text"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    cookie_bar_text = models.CharField(
        _("cookie bar text"),
        max_length=300,
        default="By using this site, you agree to the Privacy Policy and Terms of Use.",
    )
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    telegram_url = models.URLField(_("Telegram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"), null=True, blank=True
    )
    required_checks = ArrayField(
        models.CharField(max_length=30, choices=ContentCheck.choices),
        verbose_name=_("checks that block publishing"),
        blank=True,
        default=list,
        help_text=_(
            "Articles failing these cannot be published; the other checks only warn."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="digest_sitesettings_singleton"
            )
        ]

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        """Return the settings row, creating it with defaults on first use."""
        # One SELECT once the row exists (get_or_create alone adds a savepoint
        # round trip inside a transaction).
        return cls.objects.filter(pk=1).first() or cls.objects.get_or_create(pk=1)[0]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("X", self.x_url),
            ("Facebook", self.facebook_url),
            ("Telegram", self.telegram_url),
            ("YouTube", self.youtube_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(name, url) for name, url in links if url]


class RateLimitWindow(models.Model):
    """How often one key was used in one window of one limit (digest/ratelimit.py)."""

    scope = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash", "window_start"],
                name="digest_ratelimit_window_unique",
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="digest_ratelimit_expiry")]

    def __str__(self):
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"


class AuditEntry(models.Model):
    """Who did what to which record, when and from where; written by record_audit().

    Generic on purpose (digest imports no app): the target is a content type and a
    primary key, with its name as it was, so the entry outlives a deleted target.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        DELETED = "deleted", _("Deleted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        PASSWORD_CHANGED = "password_changed", _("Password changed")

    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as it was, so the entry still names a user who was deleted since.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    action__in=[
                        "submitted",
                        "published",
                        "scheduled",
                        "unpublished",
                        "deleted",
                        "role_changed",
                        "password_changed",
                    ]
                ),
                name="digest_auditentry_action_valid",
            )
        ]
        indexes = [
            models.Index(fields=["-at", "-id"], name="digest_audit_recent"),
            models.Index(
                fields=["target_type", "target_id", "-at"], name="digest_audit_target"
            ),
            models.Index(fields=["actor", "-at"], name="digest_audit_actor"),
        ]

    def __str__(self):
        return (
            f"{self.actor_name or '—'} {self.get_action_display()} {self.target_repr}"
        )


class Redirect(models.Model):
    """An old URL answered with a 301: a changed slug, or a page of a replaced site.

    `old_path` is a path as readers request it ("/news/old-title/"), or a path with
    its query for the replaced site's query-string links ("/?p=42"). The target is
    an object (its current `get_absolute_url()`, so it follows later slug changes,
    and only while the object is public) or, for what has no page of its own (a tag,
    a media file), a path on this site. Looked up by `digest.redirects` whenever a
    URL would answer 404.
    """

    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    new_path = models.CharField(
        _("new path"),
        max_length=500,
        blank=True,
        help_text=_("A path on this site; used when no object is linked."),
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    source = models.CharField(
        _("source"),
        max_length=20,
        default="slug",
        help_text=_('What made it: "slug" (a slug change) or "wordpress" (an import).'),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(new_path="") | models.Q(object_id__isnull=False),
                name="digest_redirect_has_target",
            ),
            # Only local paths: never an open redirect.
            models.CheckConstraint(
                condition=models.Q(new_path="")
                | (
                    models.Q(new_path__startswith="/")
                    & ~models.Q(new_path__startswith="//")
                ),
                name="digest_redirect_local_target",
            ),
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="digest_redirect_target"
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path or self.target}"
