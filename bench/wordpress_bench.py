"""WordPress import figures: the shared export (images included) and a generated big one.

    .venv/bin/python bench/wordpress_bench.py                 # shared export + 100,000 posts
    .venv/bin/python bench/wordpress_bench.py --posts 10000   # a smaller generated export
    .venv/bin/python bench/wordpress_bench.py --skip-shared --posts 0

Each import runs `manage.py import_wordpress` in its own process on an empty
embedded PostgreSQL (var/pgbench-wordpress-*, deleted first) and reports wall time
and that process's peak RSS. The generated export is written once to
var/bench-wordpress/ (block markup, 15 categories, 40 tags, 3 authors, no images).
Targets (issue 19): shared export under 60 s; 100,000 posts under 10 minutes at
under 300 MB RSS. Prints figures; never fails on speed.
"""

import argparse
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, bench_env

SHARED = next(
    (
        p / "shared" / "wordpress-export"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "wordpress-export").is_dir()
    ),
    ROOT.parent / "shared" / "wordpress-export",
)
WORDS = (
    "port council energy harbour market river budget school railway museum wind "
    "solar farmers grain festival archive bridge tender ministry district report"
).split()


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
    return " ".join(words).capitalize() + "."


def generate(path: Path, posts: int) -> None:
    """Write a WXR file of `posts` block-markup posts, streamed (no images)."""
    rng = random.Random(19)
    categories = [f"section-{n}" for n in range(15)]
    tags = [f"topic-{n}" for n in range(40)]
    site = "https://big.example"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Big</title><link>{site}</link><wp:wxr_version>1.2</wp:wxr_version>"
            f"<wp:base_site_url>{site}</wp:base_site_url>"
            f"<wp:base_blog_url>{site}</wp:base_blog_url>\n"
        )
        for n in range(3):
            out.write(
                f"<wp:author><wp:author_id>{n + 1}</wp:author_id><wp:author_login>"
                f"{cdata(f'writer{n}')}</wp:author_login><wp:author_email>"
                f"{cdata(f'writer{n}@big.example')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(f'Writer {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n, slug in enumerate(categories):
            parent = categories[0] if 0 < n < 4 else ""
            out.write(
                f"<wp:category><wp:term_id>{n + 2}</wp:term_id><wp:category_nicename>"
                f"{cdata(slug)}</wp:category_nicename><wp:category_parent>"
                f"{cdata(parent)}</wp:category_parent><wp:cat_name>"
                f"{cdata(slug.title())}</wp:cat_name></wp:category>\n"
            )
        for n, slug in enumerate(tags):
            out.write(
                f"<wp:tag><wp:term_id>{n + 100}</wp:term_id><wp:tag_slug>{cdata(slug)}"
                f"</wp:tag_slug><wp:tag_name>{cdata(slug)}</wp:tag_name></wp:tag>\n"
            )
        for n in range(1, posts + 1):
            category = rng.choice(categories)
            slug = f"story-{n}"
            paragraphs = "\n\n".join(
                "<!-- wp:paragraph -->\n<p>"
                + " ".join(sentence(rng) for _ in range(3))
                + "</p>\n<!-- /wp:paragraph -->"
                for _ in range(6)
            )
            body = (
                paragraphs
                + "\n\n<!-- wp:heading -->\n<h2>More</h2>\n<!-- /wp:heading -->"
            )
            terms = f'<category domain="category" nicename="{category}">{cdata(category)}</category>'
            for tag in rng.sample(tags, 3):
                terms += f'<category domain="post_tag" nicename="{tag}">{cdata(tag)}</category>'
            date = f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d} 10:{n % 60:02d}:00"
            out.write(
                f"<item><title>{cdata(f'Story {n}: ' + sentence(rng)[:60])}</title>"
                f"<link>{site}/{category}/{slug}/</link><dc:creator>{cdata(f'writer{n % 3}')}"
                f'</dc:creator><guid isPermaLink="false">{site}/?p={n}</guid>'
                f"<content:encoded>{cdata(body)}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{cdata(date)}</wp:post_date>"
                f"<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>"
                f"<wp:post_name>{cdata(slug)}</wp:post_name><wp:status>{cdata('publish')}"
                "</wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0"
                f"</wp:menu_order><wp:post_type>{cdata('post')}</wp:post_type>"
                f"<wp:post_password>{cdata('')}</wp:post_password>{terms}"
                "<wp:postmeta><wp:meta_key>post_views_count</wp:meta_key><wp:meta_value>"
                f"{n % 500}</wp:meta_value></wp:postmeta></item>\n"
            )
        out.write("</channel>\n</rss>\n")
    tmp.rename(path)


def run_import(name: str, export: Path, uploads: Path | None) -> dict:
    """Import `export` into a fresh database; wall time and the process's peak RSS."""
    data = ROOT / "var" / f"pgbench-wordpress-{name}"
    if data.exists():
        subprocess.run(
            [sys.executable, "-m", "digest.embedded_db", "stop"],
            cwd=ROOT,
            env=bench_env(EMBEDDED_PGDATA=str(data)),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(data)
    media = ROOT / "var" / f"bench-wordpress-media-{name}"
    shutil.rmtree(media, ignore_errors=True)
    env = bench_env(
        EMBEDDED_PGDATA=str(data),
        MEDIA_ROOT=str(media),
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from accounts.models import User; "
            "User.objects.create_superuser('bench', 'bench@example.org', 'bench-pw-2026')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [*manage, "import_wordpress", str(export), "--no-progress"]
    if uploads:
        command += ["--uploads", str(uploads)]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:])
        raise SystemExit(f"import of {export} failed")
    second_started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    second = time.monotonic() - second_started
    subprocess.run(
        [sys.executable, "-m", "digest.embedded_db", "stop"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    summary = [line for line in done.stdout.splitlines() if not line.startswith("  ")]
    return {
        "seconds": seconds,
        "second_run": seconds and second,
        # ru_maxrss is the largest child so far (KB on Linux), migrate included.
        "rss_mb": max(rss, before) / 1024,
        "summary": summary,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--skip-shared", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    results = []
    if not args.skip_shared:
        xml = SHARED / "digest-peer.WordPress.2026-12-01.xml"
        if xml.is_file():
            print(f"Importing the shared export ({xml.name}, images from uploads/)…")
            figures = run_import("shared", xml, SHARED / "uploads")
            results.append(("shared export, 200 posts + 200 images", 60, None, figures))
        else:
            print(f"The shared export is not at {SHARED}: skipped")
    if args.posts:
        export = ROOT / "var" / "bench-wordpress" / f"export-{args.posts}.xml"
        if not export.is_file():
            print(f"Writing {export} ({args.posts:,} posts)…")
            generate(export, args.posts)
        size = export.stat().st_size / 1024 / 1024
        print(f"Importing {export.name} ({size:.0f} MB)…")
        figures = run_import(f"{args.posts}", export, None)
        limit = 600 * args.posts / 100_000
        results.append((f"generated export, {args.posts:,} posts", limit, 300, figures))
    print()
    for name, seconds_limit, rss_limit, figures in results:
        print(f"{name}:")
        for line in figures["summary"]:
            print(f"    {line}")
        print(
            f"  took {figures['seconds']:.1f} s (second run, nothing changed: "
            f"{figures['second_run']:.1f} s), peak RSS {figures['rss_mb']:.0f} MB"
        )
        holds = figures["seconds"] < seconds_limit and (
            rss_limit is None or figures["rss_mb"] < rss_limit
        )
        target = f"under {seconds_limit:.0f} s" + (
            f" at under {rss_limit} MB RSS" if rss_limit else ""
        )
        print(f"  {'holds ' if holds else 'MISSES'} target: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
