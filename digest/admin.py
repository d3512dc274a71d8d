"""Admin for site-wide content: pages, useful links, the settings singleton, the audit log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from digest.cache import BumpsContentVersion
from digest.images import ImageUploadField
from digest.models import (
    AuditEntry,
    ContentCheck,
    Page,
    Redirect,
    SiteSettings,
    UsefulLink,
)

admin.site.site_header = _("Digest admin")
admin.site.site_title = _("Digest admin")
admin.site.index_title = _("Newsroom")
# The article list needs the width; the index page and breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False


@admin.register(Page)
class PageAdmin(BumpsContentVersion, admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "show_in_footer", "position"]
    list_editable = ["is_published", "show_in_footer", "position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "body",
        "seo_description",
        "is_published",
        "show_in_footer",
        "position",
    ]


class UsefulLinkForm(forms.ModelForm):
    image = ImageUploadField(label=_("image"), required=False)

    class Meta:
        model = UsefulLink
        fields = ["title", "url", "image", "position"]


@admin.register(UsefulLink)
class UsefulLinkAdmin(BumpsContentVersion, admin.ModelAdmin):
    form = UsefulLinkForm
    list_display = ["title", "url", "position"]
    list_editable = ["position"]
    search_fields = ["title", "url"]


class ChecksField(forms.MultipleChoiceField):
    """Tick boxes of ContentCheck; an empty value (what a script may post) is none."""

    def to_python(self, value):
        return [item for item in super().to_python(value) if item]


@admin.register(SiteSettings)
class SiteSettingsAdmin(BumpsContentVersion, admin.ModelAdmin):
    """One row: the list opens it, nobody adds a second or deletes it."""

    fieldsets = [
        (None, {"fields": ["site_name", "tagline", "about", "founded_year"]}),
        (_("Contact"), {"fields": ["contact_email", "cookie_bar_text"]}),
        (
            _("Social links"),
            {
                "fields": [
                    "x_url",
                    "facebook_url",
                    "telegram_url",
                    "youtube_url",
                    "instagram_url",
                    "linkedin_url",
                ]
            },
        ),
        (_("Before publishing"), {"fields": ["required_checks"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "required_checks":
            return ChecksField(
                label=db_field.verbose_name.capitalize(),
                choices=ContentCheck.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings_row = SiteSettings.load()
        return redirect("admin:digest_sitesettings_change", settings_row.pk)


class ActionFilter(admin.SimpleListFilter):
    """Filter by action; a value that is none of them filters nothing."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return AuditEntry.Action.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in AuditEntry.Action.values:
            return queryset.filter(action=value)
        return queryset


class ActorFilter(admin.SimpleListFilter):
    """Filter the audit log by who acted, among those who have."""

    title = _("by")
    parameter_name = "by"
    shown = 100

    def lookups(self, request, model_admin):
        names = (
            AuditEntry.objects.exclude(actor_name="")
            .order_by("actor_name")
            .values_list("actor_name", flat=True)
            .distinct()[: self.shown]
        )
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        value = (self.value() or "").replace("\x00", "")[:150]
        return queryset.filter(actor_name=value) if value else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: read-only for everyone, superusers included."""

    list_display = ["at", "actor_name", "action", "target_type", "target_link", "ip"]
    list_filter = [
        ActionFilter,
        ActorFilter,
        "target_type",
        ("at", admin.DateFieldListFilter),
    ]
    list_select_related = ["target_type"]
    search_fields = ["actor_name", "target_repr", "ip", "detail"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = [
        "at",
        "action",
        "actor",
        "actor_name",
        "target_type",
        "target_id",
        "target_repr",
        "ip",
        "detail",
    ]
    readonly_fields = fields

    @admin.display(description=_("record"), ordering="target_repr")
    def target_link(self, obj):
        kind = obj.target_type
        if kind is None or not obj.target_id or obj.action == AuditEntry.Action.DELETED:
            return obj.target_repr or "—"
        try:
            url = reverse(
                f"admin:{kind.app_label}_{kind.model}_change", args=[obj.target_id]
            )
        except NoReverseMatch:
            return obj.target_repr or "—"
        return format_html('<a href="{}">{}</a>', url, obj.target_repr or obj.target_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Redirect)
class RedirectAdmin(BumpsContentVersion, admin.ModelAdmin):
    """The one redirect table: slug changes and imported sites' old URLs."""

    list_display = ["old_path", "new_path", "content_type", "object_id", "source"]
    list_filter = ["source"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path", "source"]
    readonly_fields = ["source"]
