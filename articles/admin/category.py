"""The sections' admin."""

from django.contrib import admin

from articles.models import Category
from articles.tasks import fill_cards, refresh_section_search
from background.queue import enqueue_on_commit
from digest.cache import BumpsContentVersion


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
        if change and {"name", "slug"} & set(form.changed_data):
            # Its articles' cards name it and link to it: the worker renders them
            # again (readers render any it has not reached yet).
            enqueue_on_commit(fill_cards, category_id=obj.pk)
