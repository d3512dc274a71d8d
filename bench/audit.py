"""Validate and audit the reader's pages on a running site.

    python bench/audit.py http://127.0.0.1:8001 [--no-lighthouse]

The Nu HTML validator checks one page of every type; Lighthouse scores home, an
article, a section, a tag, an author and a policy page, mobile and desktop. Both
come from npm and are not part of `make test` (Java and a 100 MB Node tree are a lot
for CI; the axe audit in tests/e2e/test_reader_audits.py is): install them once with

    npm install --prefix var/audit-tools vnu-jar lighthouse

or point AUDIT_TOOLS at another node_modules' parent. Lighthouse drives Chromium
from CHROME_PATH (default /usr/bin/chromium). Exit status 1 when Nu reports an
error or a Lighthouse category scores below 100.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("AUDIT_TOOLS", ROOT / "var" / "audit-tools"))
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE_PAGES = ("home", "article", "section", "tag", "author", "policy page")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def first(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    if not match:
        sys.exit(f"audit: error: no link matching {pattern!r} on the page")
    return match.group(1)


def page_types(base: str) -> dict[str, str]:
    """One URL per page type, found by following the site's own links."""
    _, home = fetch(base + "/")
    article = first(r'class="card__title"><a href="([^"]+)"', home)
    _, article_html = fetch(base + article)
    return {
        "home": "/",
        "article": article,
        "section": first(r'class="menu__link" href="(/category/[^"]+)"', home),
        "sub-section": first(r'class="submenu__link" href="([^"]+)"', home),
        "tag": first(r'href="(/tag/[^"]+)"', article_html),
        "author": first(r'class="byline">[^<]*<a href="([^"]+)"', article_html),
        "policy page": first(r'<li><a href="(/[a-z-]+-policy/)"', home),
        "search": "/search/?q=energy",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password reset": "/accounts/password-reset/",
        "404": "/no-such-page-for-the-audit/",
    }


def nu_errors(base: str, pages: dict[str, str]) -> dict[str, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for name, path in pages.items():
            _, html = fetch(base + path)
            file = Path(folder) / (re.sub(r"\W+", "-", name) + ".html")
            file.write_text(html)
            files[str(file)] = name
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
            capture_output=True,
            text=True,
        )
    errors: dict[str, list[str]] = {name: [] for name in pages}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        name = files.get(message.get("url", "").removeprefix("file:"), "?")
        errors[name].append(f"{message.get('lastLine')}: {message['message']}")
    return errors


def lighthouse_scores(url: str, desktop: bool) -> dict[str, int]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report.name}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if desktop:
            command.append("--preset=desktop")
        # Headless Chromium sometimes loses the trace (Lighthouse's NO_NAVSTART):
        # that run has no scores, so it is run again, up to three times.
        for attempt in range(3):
            done = subprocess.run(
                command, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300
            )
            if done.returncode == 0:
                break
            if attempt == 2:
                done.check_returncode()
        categories = json.load(open(report.name))["categories"]
    return {key: round(value["score"] * 100) for key, value in categories.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the running site, e.g. http://127.0.0.1:8001")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    missing = [str(p) for p in (VNU, LIGHTHOUSE) if not p.exists()]
    if missing:
        sys.exit(f"audit: error: missing {', '.join(missing)}; see bench/audit.py")
    pages = page_types(base)
    failed = False
    print("Nu HTML validator (errors):")
    for name, errors in nu_errors(base, pages).items():
        print(f"  {name:15} {pages[name]:60} {len(errors)}")
        for error in errors[:5]:
            print(f"      {error}")
        failed |= bool(errors)
    if not args.no_lighthouse:
        print("Lighthouse (performance / accessibility / best practices / SEO):")
        for name in LIGHTHOUSE_PAGES:
            for desktop in (False, True):
                scores = lighthouse_scores(base + pages[name], desktop)
                form = "desktop" if desktop else "mobile"
                print(f"  {name:12} {form:8} {' / '.join(map(str, scores.values()))}")
                failed |= min(scores.values()) < 100
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
