from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.counting import WINDOW, flush_buffered_views, prune_view_marks


class Command(BaseCommand):
    help = (
        "Write view counts buffered in Redis to the database (VIEW_COUNT_BUFFER) and "
        "forget readers whose 30-minute window has closed. Run it every minute."
    )

    def handle(self, *args, **options):
        if settings.VIEW_COUNT_BUFFER:
            moved = flush_buffered_views()
            self.stdout.write(f"Flushed {moved} buffered views.")
        pruned = prune_view_marks(before=timezone.now() - WINDOW)
        self.stdout.write(f"Forgot {pruned} expired reader marks.")
