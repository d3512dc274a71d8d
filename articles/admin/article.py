"""The articles' admin: lists, the change page with its workflow, bulk actions."""

import re

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from articles import publishing
from articles.admin.article_form import (
    DONE,
    ArticleAdminForm,
    form_buttons,
    local_time_text,
)
from articles.admin.body_images import BodyImageForm, save_body_image
from articles.charts import daily_views_svg
from articles.models import Article, BodyImage
from articles.search import SEARCH_CONFIG, refresh_search_vector
from articles.tasks import make_featured_image_renditions
from background.queue import enqueue_on_commit
from digest.images import rendition_name, rendition_widths
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
        text = DONE[action] % {
            "title": obj.title,
            "time": local_time_text(obj.published_at),
        }
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
