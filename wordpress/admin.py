"""The admin page where an operator uploads a WordPress export and watches it run."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from wordpress.models import ImportRun
from wordpress.runs import may_import
from wordpress.tasks import start_import

MAX_EXPORT_BYTES = 2 * 1024**3


class ImportRunForm(forms.ModelForm):
    class Meta:
        model = ImportRun
        fields = ["export", "uploads"]

    def clean_export(self):
        export = self.cleaned_data["export"]
        if export.size > MAX_EXPORT_BYTES:
            raise forms.ValidationError(_("Exports may be at most 2 GB."))
        export.seek(0)
        head = export.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        export.seek(0)
        if not (head.startswith(b"<?xml") or head.startswith(b"<rss")):
            raise forms.ValidationError(
                _(
                    "This is not a WordPress export: choose the .xml file that "
                    "Tools → Export → All content downloads."
                )
            )
        return export

    def clean_uploads(self):
        uploads = self.cleaned_data.get("uploads")
        if uploads:
            uploads.seek(0)
            if uploads.read(4) != b"PK\x03\x04":
                raise forms.ValidationError(
                    _("Upload the wp-content/uploads folder as a .zip file.")
                )
            uploads.seek(0)
        return uploads


def _delete_files(run: ImportRun) -> None:
    """The uploaded export and archive go with their run (they hold private posts)."""
    for upload in (run.export, run.uploads):
        if upload:
            upload.delete(save=False)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Only superusers and operators who are also editors see or start imports."""

    form = ImportRunForm
    list_display = ["__str__", "status", "done", "total", "started_by", "created_at"]
    list_select_related = ["started_by"]
    readonly_fields = [
        "status",
        "progress",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
        "report",
    ]
    change_form_template = "admin/wordpress/importrun/change_form.html"

    def has_module_permission(self, request):
        return may_import(request.user)

    def has_view_permission(self, request, obj=None):
        return may_import(request.user)

    def has_add_permission(self, request):
        return may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a run is read-only once started

    def has_delete_permission(self, request, obj=None):
        return may_import(request.user) and (
            obj is None
            or obj.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["export", "uploads"]
        return [
            "status",
            "progress",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "report",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if not obj.total:
            return "—"
        return f"{obj.done:,} of {obj.total:,} items ({100 * obj.done // obj.total}%)"

    def delete_model(self, request, obj):
        _delete_files(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for run in queryset:
            _delete_files(run)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        obj.status = ImportRun.Status.QUEUED
        super().save_model(request, obj, form, change)
        start_import(obj)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the run's page, which follows its progress.
        return redirect("admin:wordpress_importrun_change", obj.pk)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        context["running"] = obj is not None and obj.status in (
            ImportRun.Status.QUEUED,
            ImportRun.Status.RUNNING,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
