import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models.functions import Mod

from articles import body
from articles.cards import ARCHIVE_STYLES, STYLES, fill_missing
from articles.models import Article
from articles.tasks import fill_cards


class Command(BaseCommand):
    help = (
        "Render the fragments (cards, each article's own part of its page) of "
        "published articles that are not in the fragment cache yet, newest first: "
        "after a bulk load or a deploy that changed a template (readers render any "
        "missing fragment themselves; this only saves them the wait)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes to share the work between (one per CPU is plenty).",
        )
        parser.add_argument(
            "--all-styles",
            action="store_true",
            help="Every card style, not only those archive pages use "
            f"({', '.join(ARCHIVE_STYLES)}).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Leave it to the background worker (after a deploy) and return.",
        )
        parser.add_argument("--part", help="(internal) K/N: the K-th of N shares.")

    def handle(
        self, *args, jobs=1, all_styles=False, enqueue=False, part=None, **options
    ):
        if enqueue:
            fill_cards.enqueue()
            self.stdout.write("The worker will render the fragments not stored yet.")
            return
        styles = STYLES if all_styles else ARCHIVE_STYLES
        articles = Article.objects.published()
        if part:
            try:
                k, n = (int(x) for x in part.split("/"))
            except ValueError:
                raise CommandError("--part takes K/N, e.g. 1/2") from None
            share = articles.alias(share=Mod("pk", n)).filter(share=k)
            filled = fill_missing(share, styles=styles)
            pages = body.fill_missing(share)
            self.stdout.write(f"{filled} {pages}")
            return
        started = time.monotonic()
        if jobs <= 1:
            filled = fill_missing(articles, styles=styles, progress=self.progress)
            pages = body.fill_missing(articles, progress=self.progress_bodies)
        else:
            shares = [
                subprocess.Popen(
                    [
                        sys.executable,
                        str(Path(settings.BASE_DIR) / "manage.py"),
                        "fill_fragments",
                        f"--part={k}/{jobs}",
                        *(["--all-styles"] if all_styles else []),
                    ],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for k in range(jobs)
            ]
            filled = pages = 0
            for share in shares:
                out, _ = share.communicate()
                if share.returncode:
                    raise CommandError("a share of the work failed; see above")
                cards_done, pages_done = out.strip().splitlines()[-1].split()
                filled += int(cards_done)
                pages += int(pages_done)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rendered the cards of {filled} articles and the pages' own "
                f"part of {pages} in {time.monotonic() - started:.1f}s."
            )
        )

    def progress_bodies(self, done: int, total: int) -> None:
        if done % 10_000 < 200 or done == total:
            self.stdout.write(f"  {done}/{total} articles' pages checked")

    def progress(self, done: int, total: int) -> None:
        if done % 10_000 < 500 or done == total:
            self.stdout.write(f"  {done}/{total} articles' cards checked")
