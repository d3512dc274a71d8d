"""Admin for site-wide content: pages, useful links, the settings singleton."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from digest.cache import BumpsContentVersion
from digest.images import ImageUploadField
from digest.models import Page, SiteSettings, UsefulLink

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
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings_row = SiteSettings.load()
        return redirect("admin:digest_sitesettings_change", settings_row.pk)
