"""`manage.py import_wordpress EXPORT.xml --uploads DIR`: move a WordPress site in."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wordpress.importer import import_wordpress
from wordpress.wxr import ExportError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content) with its "
        "wp-content/uploads directory. Safe to run again: it updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WXR file WordPress wrote")
        parser.add_argument(
            "--uploads", help="the site's wp-content/uploads directory (for images)"
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the account the import publishes as (default: the first superuser)",
        )
        parser.add_argument(
            "--timezone",
            help="the WordPress site's time zone, for dates without a GMT "
            "time (default: TIME_ZONE)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar"
        )

    def handle(self, *args, export, uploads, username, timezone, no_progress, **kw):
        by = self._user(username)
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                bar = tqdm(total=total, unit="item", file=self.stderr._out)
            bar.update(done - bar.n)

        started = time.monotonic()
        try:
            report = import_wordpress(
                path=export, uploads=uploads, by=by, tz=timezone, progress=progress
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Took {time.monotonic() - started:.1f} s")

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active user {username!r}: name one with --as")
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError(
                    "no superuser to publish as: create one (manage.py "
                    "createsuperuser) or name an editor with --as USERNAME"
                )
        if not user.has_perm("articles.publish_article"):
            raise CommandError(
                f"{user.username!r} may not publish articles: name an editor with --as"
            )
        return user
