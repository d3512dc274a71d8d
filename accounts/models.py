from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from digest.timezones import validate_time_zone


class DigestUserManager(UserManager):
    def get_by_natural_key(self, username):
        """Sign in with the username or the email address, in any letter case."""
        field = "email__iexact" if "@" in (username or "") else "username__iexact"
        return self.get(**{field: username})


class User(AbstractUser):
    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    email_verified_at = models.DateTimeField(
        _("email confirmed at"),
        null=True,
        blank=True,
        help_text=_("Readers who signed up cannot sign in until this is set."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("The admin shows and takes times in this zone."),
    )

    objects = DigestUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_(
                    "A user with that email address already exists."
                ),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
        ]

    def __str__(self):
        return self.public_name

    def get_absolute_url(self):
        return reverse("author", kwargs={"username": self.username})

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class ReaderListQuerySet(models.QuerySet):
    """Saved articles and reading history: rows that point at an article."""

    def readable(self):
        """Only rows whose article readers may read now, with what a card shows.

        An article unpublished (or rescheduled) after it was saved or read drops
        out, and so does anything it was renamed to meanwhile.
        """
        return (
            self.filter(article__in=Article.objects.published())
            .select_related("article", "article__category", "article__category__parent")
            .defer("article__body", "article__search_vector")
        )


class SavedArticle(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="saved_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReaderListQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="accounts_savedarticle_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"], name="accounts_saved_user_recent"
            )
        ]

    def __str__(self):
        return f"{self.user} saved {self.article}"


class ReadingHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="history")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="read_by"
    )
    read_at = models.DateTimeField()

    objects = ReaderListQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reading history"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="accounts_readinghistory_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-read_at"], name="accounts_history_user_recent"
            )
        ]

    def __str__(self):
        return f"{self.user} read {self.article}"


class CategoryFollow(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follows")
    category = models.ForeignKey(
        "articles.Category", on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="accounts_categoryfollow_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} follows {self.category}"
