"""Body images: the uploads an article's body shows, and their admin."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import publishing
from articles.models import BodyImage
from digest.images import ImageUploadField, make_renditions


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
