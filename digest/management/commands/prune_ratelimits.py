from django.core.management.base import BaseCommand

from digest.ratelimit import prune


class Command(BaseCommand):
    help = "Delete rate-limit windows that have ended."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {prune()} ended rate-limit windows.")
