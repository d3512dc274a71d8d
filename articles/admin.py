"""The editors' admin: articles with workflow buttons and history, categories."""

import re
from dataclasses import dataclass, replace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from js_asset import Media
from simple_history.admin import SimpleHistoryAdmin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import publishing
from articles.charts import daily_views_svg
from articles.models import Article, BodyImage, Category
from articles.search import SEARCH_CONFIG, refresh_search_vector
from articles.tags import SLUG_MAX, tag_slug, unique_tag_slug
from articles.tasks import make_featured_image_renditions, refresh_section_search
from articles.widgets import BodyEditorWidget
from background.queue import enqueue_on_commit
from digest.cache import BumpsContentVersion
from digest.images import (
    ImageUploadField,
    make_renditions,
    rendition_name,
    rendition_widths,
)
from digest.net import client_ip

User = get_user_model()

# The exact COUNT(*) of a big unfiltered table is slow in PostgreSQL; the planner's
# estimate is good enough for "page 3 of about 8,300".
ESTIMATE_ABOVE = 10_000
BODY_IMAGES_SHOWN = 30  # newest first in the picker; search finds older ones


class EstimatedCountPaginator(Paginator):
    """Count unfiltered querysets from pg_class.reltuples, filtered ones exactly."""

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class StaffAuthorFilter(admin.SimpleListFilter):
    """Filter by author among staff users only (readers never write)."""

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        users = User.objects.filter(is_staff=True).order_by("username")
        return [(str(u.pk), u.public_name) for u in users]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) < 12:
            return queryset.filter(author_id=value)
        return queryset


def save_body_image(image: BodyImage, uploaded_by=None) -> BodyImage:
    """Store an uploaded body image with its renditions, or neither."""
    if uploaded_by is not None:
        image.uploaded_by = uploaded_by
    with transaction.atomic():
        image.save()
        if image.has_renditions:
            make_renditions(image.image)
    return image


class BodyImageForm(forms.ModelForm):
    image = ImageUploadField(label=_("Image"))

    class Meta:
        model = BodyImage
        fields = ["image", "alt_text", "caption"]


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


def _when(time) -> str:
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
        _("Schedule for %s") % _when(article.published_at) if future else _("Schedule"),
    )
    publish = Button("_publish", _("Publish"))
    first, second = (schedule, publish) if future else (publish, schedule)
    rest = [update, draft] if state == Article.Status.REVIEW else [draft]
    return [replace(first, primary=True), second, *rest]


def thumbnail_url(image) -> str:
    """The smallest JPEG rendition of `image` when it exists, else the original."""
    if not image:
        return ""
    width = image.instance.image_width
    if width:
        name = rendition_name(image.name, rendition_widths(width)[0], "jpg")
        if image.storage.exists(name):
            return image.storage.url(name)
    return image.url


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "thumbnail",
        "title",
        "category",
        "status_label",
        "author",
        "published_at",
        "view_count",
    ]
    list_display_links = ["title"]
    list_select_related = ["category", "category__parent", "author"]
    list_filter = [
        "status",
        "category",
        StaffAuthorFilter,
        "tags",
        ("published_at", admin.DateFieldListFilter),
        "is_featured",
    ]
    search_fields = ["title", "lead", "body"]
    ordering = ["-published_at", "-pk"]  # drafts (no date) and scheduled first
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "author"]
    readonly_fields = [
        "image_preview",
        "preview_link",
        "reading_time",
        "view_count",
        "views_chart",
    ]
    actions = ["publish_selected", "unpublish_selected", "feature_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Filing"), {"fields": ["category", "tags", "author", "byline"]}),
        (
            _("Featured image"),
            {"fields": ["image", "image_preview", "image_alt", "image_caption"]},
        ),
        (_("Reprint"), {"fields": ["source_name", "source_url"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "is_featured",
                    "preview_link",
                    "reading_time",
                    "view_count",
                ]
            },
        ),
        (_("Search engines"), {"fields": ["seo_title", "seo_description"]}),
    ]
    readership_fieldset = (_("Readership"), {"fields": ["views_chart"]})
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        js = ["articles/tag-suggest.js"]

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="articles_article_tag_suggestions",
            ),
            path(
                "body-images/",
                self.admin_site.admin_view(self.body_images),
                name="articles_article_body_images",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions(self, request):
        """Up to ten existing tags containing `q`, those starting with it first."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        term = request.GET.get("q", "").replace("\x00", "").strip()[:50]
        if len(term) < 2:
            return JsonResponse({"tags": []})
        names = (
            Tag.objects.filter(name__icontains=term)
            .annotate(starts=Q(name__istartswith=term))
            .order_by("-starts", "name")
            .values_list("name", flat=True)[:10]
        )
        return JsonResponse({"tags": list(names)})

    def body_images(self, request):
        """The body editor's image picker: upload an image, or pick an earlier one.

        Opened by the Figure dialog's "Browse…" button with a `CKEditorFuncNum`;
        body-image-picker.js hands the chosen image back to that dialog.
        """
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        callback = request.GET.get("CKEditorFuncNum", "")
        if not re.fullmatch(r"-?[0-9]{1,9}", callback):
            callback = ""  # opened by hand: nothing to insert into
        form = BodyImageForm()
        if request.method == "POST":
            form = BodyImageForm(request.POST, request.FILES)
            if form.is_valid():
                image = save_body_image(form.save(commit=False), request.user)
                # Then GET (a reload does not upload it again), which inserts it.
                query = urlencode({"CKEditorFuncNum": callback, "picked": image.pk})
                return redirect(f"{request.path}?{query}")
        picked_id = request.GET.get("picked", "")
        picked = (
            BodyImage.objects.filter(pk=int(picked_id)).first()
            if picked_id.isascii() and picked_id.isdigit() and len(picked_id) < 10
            else None
        )
        term = request.GET.get("q", "").replace("\x00", "").strip()[:100]
        images = BodyImage.objects.all()
        if term:
            images = images.filter(
                Q(alt_text__icontains=term) | Q(caption__icontains=term)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Insert an image"),
            "opts": self.model._meta,
            "is_popup": True,
            "form": form,
            "images": images[:BODY_IMAGES_SHOWN],
            "picked": picked,
            "callback": callback,
            "q": term,
        }
        return TemplateResponse(
            request, "admin/articles/article/body_images.html", context
        )

    # Lists

    def get_search_results(self, request, queryset, search_term):
        """Search title, lead and body through the indexed search vector.

        `icontains` over 100,000 bodies scans the table; the stored vector (title,
        tags, lead, body) has a GIN index and the title a trigram index.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        query = SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(Q(search_vector=query) | Q(title__icontains=term)), False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm(publishing.EDIT_ANY_PERM):
            queryset = queryset.filter(author=request.user)
        return queryset

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        url = thumbnail_url(obj.image)
        if not url:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="80" height="45" loading="lazy" '
            'class="article-thumb">',
            url,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and not obj.is_public:
            return _("Scheduled")
        return obj.get_status_display()

    # The change page

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        url = thumbnail_url(obj.image) if obj else ""
        if not url:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="400" class="article-image-preview">',
            url,
            obj.image_alt,
        )

    @admin.display(description=_("page"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        label = _("View on site") if obj.is_public else _("Preview")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            label,
        )

    @admin.display(description=_("daily views, last 30 days"))
    def views_chart(self, obj):
        return daily_views_svg(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.pk:  # nothing to chart before the first save
            fieldsets.append(self.readership_fieldset)
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not publishing.can_publish(request.user):
            fields += ["published_at", "is_featured"]
        if not request.user.has_perm(publishing.EDIT_ANY_PERM):
            fields += ["author"]
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or publishing.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or publishing.can_edit(request.user, obj)

    def history_view(self, request, object_id, extra_context=None):
        # simple_history reads the object through the default manager; authors may
        # only see the history of articles get_queryset() gives them.
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_visible(self, request, object_id):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise PermissionDenied

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["workflow_buttons"] = form_buttons(user=request.user, article=obj)
        form = context["adminform"].form
        if form.refusal:
            # Said once, as what happened, instead of "Please correct the error".
            self.message_user(
                request,
                _("Nothing was saved: %s") % form.refusal,
                messages.ERROR,
            )
            if not any(form.errors.get(name) for name in form.fields):
                context["errors"] = []
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self._back_to_form(request, obj)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST or "_change_history" in request.POST:
            return super().response_change(request, obj)
        return self._back_to_form(request, obj)

    def _back_to_form(self, request, obj):
        """Say what the button did and show the article's form again."""
        action = getattr(obj, "_admin_action", publishing.Action.UPDATE)
        text = DONE[action] % {"title": obj.title, "time": _when(obj.published_at)}
        self.message_user(request, text, messages.SUCCESS)
        url = reverse("admin:articles_article_change", args=[obj.pk])
        preserved = {"preserved_filters": self.get_preserved_filters(request)}
        return redirect(add_preserved_filters(preserved, url))

    # Writes: each through publishing.change_state, which runs the follow-ups.

    def save_model(self, request, obj, form, change):
        publishing.change_state(
            article=obj,
            by=request.user,
            action=form.action,
            at=form.requested_at,
            ip=client_ip(request),
        )
        obj._admin_action = form.action

    def delete_model(self, request, obj):
        publishing.change_state(
            article=obj,
            by=request.user,
            action=publishing.Action.DELETE,
            ip=client_ip(request),
        )

    def delete_queryset(self, request, queryset):
        self._change_each(request, queryset, publishing.Action.DELETE)

    def _change_each(self, request, queryset, action, **changes) -> int:
        """Apply `action` (and field `changes`) to each article of `queryset`."""
        count = 0
        for pk in queryset.values_list("pk", flat=True):
            with transaction.atomic():
                # Locked before it is read: no concurrent edit is overwritten.
                article = Article.objects.select_for_update().filter(pk=pk).first()
                if article is None:
                    continue
                for name, value in changes.items():
                    setattr(article, name, value)
                try:
                    publishing.change_state(
                        article=article,
                        by=request.user,
                        action=action,
                        ip=client_ip(request),
                    )
                except ValidationError as refusal:  # a required content check
                    self.message_user(
                        request,
                        _("“%(title)s” was not changed: %(reason)s")
                        % {"title": article, "reason": " ".join(refusal.messages)},
                        messages.WARNING,
                    )
                    continue
            count += 1
        return count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        refresh_search_vector(article)
        if article.image and "image" in form.changed_data:
            # In the worker: a large upload must not hold the request (pages show
            # the original until the renditions exist).
            enqueue_on_commit(
                make_featured_image_renditions,
                article_id=article.pk,
                name=article.image.name,
            )

    # Bulk actions

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        # Drafts, articles in review and scheduled ones: all published now.
        count = self._change_each(
            request,
            queryset.exclude(pk__in=Article.objects.published().values("pk")),
            publishing.Action.PUBLISH_NOW,
        )
        self.message_user(
            request,
            ngettext("Published %d article.", "Published %d articles.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = self._change_each(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            publishing.Action.UNPUBLISH,
        )
        self.message_user(
            request,
            ngettext("Unpublished %d article.", "Unpublished %d articles.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Feature selected articles"), permissions=["publish"])
    def feature_selected(self, request, queryset):
        count = self._change_each(
            request, queryset, publishing.Action.UPDATE, is_featured=True
        )
        self.message_user(
            request,
            ngettext("Featured %d article.", "Featured %d articles.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Category)
class CategoryAdmin(BumpsContentVersion, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "parent",
        "position",
        "show_in_menu",
        "is_highlighted",
    ]
    list_editable = ["position", "show_in_menu"]
    list_select_related = ["parent"]
    list_filter = ["parent", "show_in_menu", "is_highlighted"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "parent",
        "position",
        "description",
        "show_in_menu",
        "is_highlighted",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "parent"} & set(form.changed_data):
            # Articles are searchable by their section's (and its parent's) name:
            # the worker recomputes the vectors of every article under it.
            enqueue_on_commit(refresh_section_search, category_id=obj.pk)


@admin.register(BodyImage)
class BodyImageAdmin(admin.ModelAdmin):
    """Images for article bodies: whoever writes articles may upload and browse
    them; changing or deleting one (it may be in published bodies) is for
    editors who may edit any article."""

    form = BodyImageForm
    list_display = ["preview", "alt_text", "caption", "uploaded_by", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption"]
    readonly_fields = ["preview", "uploaded_by", "uploaded_at"]

    def _writes_articles(self, request) -> bool:
        user = request.user
        return user.has_perm("articles.add_article") or user.has_perm(
            "articles.change_article"
        )

    def has_module_permission(self, request):
        return self._writes_articles(request)

    def has_view_permission(self, request, obj=None):
        return self._writes_articles(request)

    def has_add_permission(self, request):
        return self._writes_articles(request)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(publishing.EDIT_ANY_PERM)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(publishing.EDIT_ANY_PERM)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []  # nothing to show before upload

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html(
            '<img src="{}" alt="" class="article-thumb">',
            obj.thumbnail_url(),
        )

    def save_model(self, request, obj, form, change):
        save_body_image(obj, None if change else request.user)


class TagAdminForm(forms.ModelForm):
    # taggit's field takes Unicode slugs; the tag route takes ASCII (articles.tags).
    slug = forms.SlugField(
        label=_("slug"),
        max_length=SLUG_MAX,
        required=False,
        help_text=_(
            "Letters a-z, digits, hyphens and underscores. "
            "Leave empty to make one from the name."
        ),
    )

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        name = self.cleaned_data.get("name")
        if slug or not name:
            return slug
        base = tag_slug(name)
        taken = Tag.objects.exclude(pk=self.instance.pk).filter(slug__startswith=base)
        return unique_tag_slug(name, set(taken.values_list("slug", flat=True)))


# taggit's own admin, so renaming or deleting a tag shows on the site at once.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(BumpsContentVersion, TaggitTagAdmin):
    form = TagAdminForm

    # taggit's "Merge selected tags" moves only taggit's generic tagged items,
    # never TaggedArticle rows, and makes its new tag with taggit's Unicode slug:
    # for articles it would do nothing but fail. Not offered.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("render_tag_form", None)
        return actions

    def merge_tags_view(self, request):
        raise Http404("Merging tags is not available")
