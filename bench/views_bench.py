"""Hammer one article's view beacon with many distinct readers on loopback.

    .venv/bin/python bench/views_bench.py [--readers 4000] [--repeat 2] [--concurrency 32]

Starts gunicorn with production settings, sends every reader's beacon `--repeat`
times (repeats must not count), then prints counted views per second and whether
the stored total equals the number of distinct readers. A script, never a test.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, bench_env, gunicorn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    env = bench_env(
        VIEW_COUNT_RATE_LIMIT="0",
        EMBEDDED_PGDATA=os.environ.get(
            "EMBEDDED_PGDATA", str(ROOT / "var" / "pgbench-views")
        ),
    )
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from articles.counting import make_token
    from articles.models import Article, Category

    author, _ = User.objects.get_or_create(
        username="bench", defaults={"email": "bench@example.org"}
    )
    category, _ = Category.objects.get_or_create(
        slug="bench", defaults={"name": "Bench"}
    )
    article = Article.objects.create(
        title="Benchmark article",
        slug=f"bench-{time.time_ns()}",
        category=category,
        author=author,
        status="published",
        published_at=timezone.now(),
    )
    body = urllib.parse.urlencode({"token": make_token(article.pk)})
    path = f"/views/{article.pk}/"
    jobs = [
        f"BenchReader/{i} (X11; Linux x86_64) Firefox/128.0"
        for i in range(args.readers)
    ] * args.repeat
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    with gunicorn(env) as (url, _proc):
        host, port = (
            urllib.parse.urlsplit(url).hostname,
            urllib.parse.urlsplit(url).port,
        )

        def worker():
            conn = http.client.HTTPConnection(host, port, timeout=30)
            while True:
                with lock:
                    if not jobs:
                        break
                    agent = jobs.pop()
                started = time.perf_counter()
                try:
                    conn.request(
                        "POST",
                        path,
                        body=body,
                        headers={
                            "User-Agent": agent,
                            "Content-Type": "application/x-www-form-urlencoded",
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 204
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok
            conn.close()

        threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started

    article.refresh_from_db()
    sent = len(latencies)
    latencies.sort()
    print(f"beacons sent            {sent} ({args.readers} readers x {args.repeat})")
    print(f"errors                  {errors[0]}")
    print(f"requests per second     {sent / wall:,.0f}")
    print(f"counted views per sec   {article.view_count / wall:,.0f}")
    print(
        f"p50 / p99 latency       {statistics.median(latencies) * 1000:.1f} ms / "
        f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms"
    )
    print(f"stored total            {article.view_count} (expected {args.readers})")
    exact = article.view_count == args.readers
    print(f"stored equals readers   {'yes' if exact else 'NO'}")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
