"""The tags' admin: taggit's, with ASCII slugs and no merge."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.tags import SLUG_MAX, tag_slug, unique_tag_slug
from articles.tasks import fill_cards
from background.queue import enqueue_on_commit
from digest.cache import BumpsContentVersion


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "slug"} & set(form.changed_data):
            # Its articles' pages list it: the worker renders their fragments
            # again (readers render any it has not reached yet).
            enqueue_on_commit(fill_cards, tag_id=obj.pk)

    # taggit's "Merge selected tags" moves only taggit's generic tagged items,
    # never TaggedArticle rows, and makes its new tag with taggit's Unicode slug:
    # for articles it would do nothing but fail. Not offered.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("render_tag_form", None)
        return actions

    def merge_tags_view(self, request):
        raise Http404("Merging tags is not available")
