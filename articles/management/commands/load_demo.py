from django.core.management.base import BaseCommand

from digest.models import SiteSettings


class Command(BaseCommand):
    help = "Load the demo site (categories, articles, pages, users)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, **options):
        SiteSettings.load()
        self.stdout.write("Site settings ready.")
