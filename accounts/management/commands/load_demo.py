"""`manage.py load_demo [--if-empty] [--articles N]`: the demo site, idempotently."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import demo_accounts, load_demo
from articles.demo_bulk import load_bulk_articles
from articles.models import Article
from digest.cache import bump_content_version


class Command(BaseCommand):
    help = (
        "Load the demo site: settings, menu, about 60 articles with images, pages, "
        "useful links and one account per role. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but list the demo accounts) when articles exist.",
        )
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also bulk-load archive articles until there are N of them.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes rendering the archive's cards (manage.py fill_fragments).",
        )

    def handle(self, *args, if_empty=False, articles=0, jobs=1, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
        else:
            started = time.monotonic()
            created = load_demo()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content ready: {created} new articles "
                    f"({time.monotonic() - started:.1f}s)."
                )
            )
        if articles:
            started = time.monotonic()
            created = load_bulk_articles(articles, progress=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bulk load: {created} archive articles created "
                    f"in {time.monotonic() - started:.1f}s."
                )
            )
            # The archive's cards, rendered now as editors' saves would have.
            call_command("fill_fragments", jobs=jobs, stdout=self.stdout)
        bump_content_version()  # a running site shows the new content at once
        self.print_accounts()

    def print_accounts(self):
        rows = [("username", "role", "password")] + [
            (a.username, a.role, a.password) for a in demo_accounts()
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        self.stdout.write("\nDemo accounts (sign in at /admin/ or /accounts/login/):")
        self.stdout.write(line)
        for number, row in enumerate(rows):
            cells = " | ".join(
                cell.ljust(w) for cell, w in zip(row, widths, strict=True)
            )
            self.stdout.write(f"| {cells} |")
            if number == 0:
                self.stdout.write(line)
        self.stdout.write(line)
