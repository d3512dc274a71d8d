"""The article change form: what it collects, and which buttons it shows."""

from dataclasses import dataclass, replace

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from js_asset import Media
from taggit.models import Tag

from articles import publishing
from articles.models import Article
from articles.widgets import BodyEditorWidget
from digest.images import ImageUploadField

User = get_user_model()


class ArticleAdminForm(forms.ModelForm):
    image = ImageUploadField(label=_("Featured image"), required=False)

    # Set by ArticleAdmin.get_form on a per-request subclass.
    request = None
    # What was asked for, set by clean() for ArticleAdmin.save_model.
    action = publishing.Action.UPDATE
    requested_at = None
    refusal = ""  # why check_change refused what was asked, for the message

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "lead",
            "body",
            "category",
            "tags",
            "author",
            "byline",
            "source_name",
            "source_url",
            "image",
            "image_alt",
            "image_caption",
            "seo_title",
            "seo_description",
            "status",
            "published_at",
            "is_featured",
        ]
        widgets = {"body": BodyEditorWidget}

    def clean_tags(self):
        """Refuse a tag name longer than the tag table takes (else a database error)."""
        names = self.cleaned_data["tags"]
        limit = Tag._meta.get_field("name").max_length
        for name in names:
            if len(name) > limit:
                raise ValidationError(
                    _(
                        "Each tag may be at most %(limit)s characters; "
                        "“%(start)s…” has %(length)s."
                    ),
                    code="tag_too_long",
                    params={"limit": limit, "start": name[:30], "length": len(name)},
                )
        return names

    @property
    def media(self):
        media = super().media
        # The editor's import map is an inline script: it carries this response's
        # CSP nonce (reading it puts the nonce in the header). Set on the form, so
        # every page showing it has it: the change and add pages and
        # simple_history's revert page, which renders without render_change_form.
        nonce = getattr(self.request, "csp_nonce", None)
        return media if nonce is None else Media.from_media(media, nonce=nonce)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request else None
        status = self.fields.get("status")
        if status is not None and user and not publishing.can_publish(user):
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value in publishing.AUTHOR_STATUSES
            ]
        tags = self.fields.get("tags")
        if tags is not None:
            tags.widget.attrs["data-tag-suggestions"] = reverse(
                "admin:articles_article_tag_suggestions"
            )
        author = self.fields.get("author")
        if author is not None:
            author.queryset = User.objects.filter(is_staff=True).order_by("username")
            author.required = False
            author.help_text = _("Leave empty to sign it yourself.")

    def clean(self):
        """Collect what was asked for; publishing.check_change says if it may be."""
        cleaned = super().clean()
        # The state is change_state's to set: never copied onto the article here.
        status = cleaned.pop("status", None)
        self.requested_at = cleaned.pop("published_at", None)
        # Stored, not self.instance: the history revert page's instance is the
        # old revision.
        pk = self.instance.pk
        stored = Article.objects.filter(pk=pk).first() if pk else None
        self.action = requested_action(
            self.data,
            status=status,
            stored_status=stored.status if stored else Article.Status.DRAFT,
            at=self.requested_at,
        )
        try:
            publishing.check_change(
                stored=stored,
                by=self.request.user,
                action=self.action,
                at=self.requested_at,
            )
        except PermissionDenied as refusal:
            self.refusal = str(refusal)
            raise ValidationError(self.refusal) from None
        except ValidationError as refusal:
            on_field = refusal.code == "schedule_past" and "published_at" in self.fields
            if not on_field:
                self.refusal = " ".join(refusal.messages)
            self.add_error("published_at" if on_field else None, refusal)
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now has the submitted fields
        if self.errors or getattr(self, "action", None) is None:
            return
        try:
            publishing.check_content(article=self.instance, action=self.action)
        except ValidationError as refusal:
            self.add_error(None, refusal)


# The workflow buttons of the change form by their POST names. Django's "_save"
# and "_continue" (the Update button) leave it to the status field.
BUTTONS = {
    "_publish": publishing.Action.PUBLISH_NOW,
    "_schedule": publishing.Action.SCHEDULE,
    "_submit_review": publishing.Action.SUBMIT,
    "_save_draft": publishing.Action.SAVE_DRAFT,
    "_unpublish": publishing.Action.UNPUBLISH,
}
STATUS_ACTIONS = {
    Article.Status.DRAFT: publishing.Action.SAVE_DRAFT,
    Article.Status.REVIEW: publishing.Action.SUBMIT,
    Article.Status.PUBLISHED: publishing.Action.PUBLISH_NOW,
}
# What the message after a change says happened.
DONE = {
    publishing.Action.UPDATE: _("“%(title)s” was updated."),
    publishing.Action.SAVE_DRAFT: _("“%(title)s” was saved as a draft."),
    publishing.Action.SUBMIT: _("“%(title)s” was submitted for review."),
    publishing.Action.PUBLISH_NOW: _("“%(title)s” was published."),
    publishing.Action.SCHEDULE: _("“%(title)s” was scheduled for %(time)s."),
    publishing.Action.UNPUBLISH: _("“%(title)s” was unpublished; it is a draft."),
}


def requested_action(data, *, status, stored_status, at) -> publishing.Action:
    """The action the pressed button asks for, or the status field for Update."""
    for name, action in BUTTONS.items():
        if name in data:
            return action
    if status is None or status == stored_status:
        return publishing.Action.UPDATE
    if status == Article.Status.PUBLISHED and at and at > timezone.now():
        return publishing.Action.SCHEDULE  # Published with a future time
    return STATUS_ACTIONS[status]


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    primary: bool = False


def local_time_text(time) -> str:
    return date_format(timezone.localtime(time), "DATETIME_FORMAT")


def form_buttons(*, user, article: Article | None) -> list[Button]:
    """The change form's buttons for `user` on `article` (None: a new one).

    The first is the primary action for the article's state and the user's role.
    """
    state = article.status if article else Article.Status.DRAFT
    update = Button("_continue", _("Update"))
    draft = Button("_save_draft", _("Save draft"))
    if not publishing.can_publish(user):
        if state == Article.Status.REVIEW:
            return [replace(update, primary=True), draft]
        return [Button("_submit_review", _("Submit for review"), True), draft]
    if state == Article.Status.PUBLISHED:
        unpublish = Button("_unpublish", _("Unpublish"))
        if article.is_public:
            return [replace(update, primary=True), unpublish]
        return [
            replace(update, primary=True),
            Button("_publish", _("Publish now")),
            unpublish,
        ]
    future = article and article.published_at and article.published_at > timezone.now()
    schedule = Button(
        "_schedule",
        _("Schedule for %s") % local_time_text(article.published_at)
        if future
        else _("Schedule"),
    )
    publish = Button("_publish", _("Publish"))
    first, second = (schedule, publish) if future else (publish, schedule)
    rest = [update, draft] if state == Article.Status.REVIEW else [draft]
    return [replace(first, primary=True), second, *rest]
