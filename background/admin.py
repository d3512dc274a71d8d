"""Tasks, workers and periodic jobs in the admin, for superusers and site operators.

Operators see every task (queued, running, failed, done) and may retry failed
ones; nobody adds or edits task rows here.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from background.models import BackgroundTask, PeriodicJob, Worker
from background.queue import retry_failed

if admin.site.is_registered(DBTaskResult):
    # django-tasks-db's own admin: replaced by the one below.
    admin.site.unregister(DBTaskResult)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(ReadOnlyAdmin):
    list_display = [
        "task_name",
        "status",
        "attempts",
        "enqueued_at",
        "started_at",
        "finished_at",
        "next_run",
        "error",
        "queue_name",
    ]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path", "id"]
    ordering = ["-enqueued_at"]
    actions = ["retry_selected"]
    fields = [
        "id",
        "task_path",
        "status",
        "attempts",
        "queue_name",
        "priority",
        "enqueued_at",
        "started_at",
        "finished_at",
        "next_run",
        "args_kwargs",
        "return_value",
        "exception_class_path",
        "formatted_traceback",
        "worker_ids",
    ]
    readonly_fields = fields

    @admin.display(description=_("attempts"))
    def attempts(self, obj):
        return len(obj.worker_ids)

    @admin.display(description=_("next run"))
    def next_run(self, obj):
        if obj.status != TaskResultStatus.READY or obj.run_after == get_date_max():
            return "—"
        return obj.run_after

    @admin.display(description=_("last error"))
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] or "—"

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "—"

    def has_retry_permission(self, request):
        return request.user.has_perm("background.retry_backgroundtask")

    @admin.action(description=_("Retry selected failed tasks"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        count = retry_failed(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed task queued again.",
                "%(count)d failed tasks queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ["id", "hostname", "pid", "started_at", "seen_at"]
    ordering = ["started_at"]


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ReadOnlyAdmin):
    list_display = ["name", "task_path", "every", "last_run_at", "next_run_at"]
    ordering = ["name"]
