import os

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """What one WordPress object became here: a re-run updates it, never duplicates it.

    Keyed on the exporting site and the WordPress id (post, term or author id).
    `source_hash` is the hash of what the export said last time (unchanged → no
    write); `target_updated_at` is the Digest row's `updated_at` right after the
    import wrote it (later → someone edited it here, and the import leaves it).
    """

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PAGE = "page", _("page")
        ATTACHMENT = "attachment", _("attachment")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")
        AUTHOR = "author", _("author")

    site = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    wp_id = models.PositiveBigIntegerField(_("WordPress id"))
    guid = models.CharField(_("guid"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    stored_file = models.CharField(
        _("stored file"),
        max_length=500,
        blank=True,
        help_text=_("Attachments: the media file the original became."),
    )
    source_hash = models.CharField(max_length=64, blank=True)
    target_updated_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveBigIntegerField(
        default=0, help_text=_("Views the export counted, already added.")
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported WordPress item")
        verbose_name_plural = _("imported WordPress items")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="wordpress_item_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["post", "page", "attachment", "category", "tag", "author"]
                ),
                name="wordpress_item_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id} of {self.site}"


class ImportFileStorage(FileSystemStorage):
    """Uploaded exports hold drafts and private posts: WORDPRESS_IMPORT_ROOT, never
    MEDIA_ROOT, which the web server publishes. Read on each use (tests move it)."""

    @property
    def base_location(self):
        return str(settings.WORDPRESS_IMPORT_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def _export_storage() -> FileSystemStorage:
    return ImportFileStorage()


class ImportRun(models.Model):
    """One import started from the admin: its files, progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    export = models.FileField(
        _("export file"), upload_to="exports/%Y/%m/", storage=_export_storage
    )
    uploads = models.FileField(
        _("uploads archive"),
        upload_to="uploads/%Y/%m/",
        storage=_export_storage,
        blank=True,
        help_text=_("A .zip of wp-content/uploads, for the images."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    done = models.PositiveIntegerField(_("items done"), default=0)
    total = models.PositiveIntegerField(_("items"), default=0)
    report = models.TextField(_("report"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="wordpress_importrun_status_valid",
            )
        ]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"
