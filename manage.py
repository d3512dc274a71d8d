#!/usr/bin/env python
"""Django's command-line utility for Digest."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    from digest.startup import fail_clearly, verify_database

    with fail_clearly():
        from django.core.management import execute_from_command_line

        if len(sys.argv) > 1 and sys.argv[1] in {"runserver", "migrate", "load_demo"}:
            verify_database()
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
