"""Mixed traffic from many concurrent clients against gunicorn with production settings.

    .venv/bin/python bench/load.py [--clients 64] [--seconds 60]

Readers open the home page, articles (each followed by its view beacon, every one from
a distinct reader), category listings and searches; others try to sign in with a wrong
password. Prints requests, errors and latencies, and compares the views the beacons
were promised with the views stored. Exits 1 on any 5xx or lost view. A script, not a test.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, bench_env, gunicorn

WORDS = ["harbour", "council", "ferry", "election", "weather", "school", "zzzz", "a"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    env = bench_env(
        VIEW_COUNT_RATE_LIMIT="0",
        EMBEDDED_PGDATA=os.environ.get(
            "EMBEDDED_PGDATA", str(ROOT / "var" / "pgbench-load")
        ),
    )
    os.environ.update(env)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--if-empty"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    django.setup()
    from django.db.models import Sum

    from articles.counting import make_token
    from articles.models import Article, Category

    articles = [
        (a.get_absolute_url(), a.pk, make_token(a.pk))
        for a in Article.objects.published().only("slug")[:200]
    ]
    categories = [c.get_absolute_url() for c in Category.objects.all()[:50]]
    if not articles:
        print("no published articles to read")
        return 1

    def stored_views() -> int:
        return Article.objects.aggregate(total=Sum("view_count"))["total"] or 0

    views_before = stored_views()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    kinds: Counter = Counter()
    promised = [0]
    run = time.time_ns()
    beacon_serial = [0]
    deadline = [0.0]

    with gunicorn(env, workers=args.workers, threads=args.threads) as (url, _proc):
        parts = urllib.parse.urlsplit(url)

        def client(n: int):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            rng = random.Random(n)
            agent = f"Mozilla/5.0 (X11; Linux x86_64) LoadClient/{n} Firefox/128.0"

            def send(kind, method, path, body=None, headers=None):
                nonlocal conn
                headers = {"User-Agent": agent, **(headers or {})}
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    status = response.status
                    cookies = response.headers.get_all("Set-Cookie") or []
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection(
                        parts.hostname, parts.port, timeout=30
                    )
                    status, data, cookies = 0, b"", []
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[status] += 1
                    kinds[kind] += 1
                return status, data, cookies

            while time.monotonic() < deadline[0]:
                roll = rng.random()
                if roll < 0.2:
                    send("home", "GET", "/")
                elif roll < 0.55:
                    path, pk, token = rng.choice(articles)
                    status, _, _ = send("article", "GET", path)
                    with lock:
                        beacon_serial[0] += 1
                        reader = beacon_serial[0]
                    status, _, _ = send(
                        "beacon",
                        "POST",
                        f"/views/{pk}/",
                        body=urllib.parse.urlencode({"token": token}),
                        headers={
                            "Content-Type": "application/x-www-form-urlencoded",
                            # A distinct reader per beacon, in this run and any
                            # earlier one today: each one must count.
                            "User-Agent": f"Mozilla/5.0 (X11; Linux) Reader/{run}-{reader} Firefox/128.0",
                        },
                    )
                    if status == 204:
                        with lock:
                            promised[0] += 1
                elif roll < 0.7:
                    page = rng.choice(["", "?page=2"])
                    send("listing", "GET", rng.choice(categories) + page)
                elif roll < 0.85:
                    q = urllib.parse.quote(" ".join(rng.sample(WORDS, 2)))
                    send("search", "GET", f"/search/?q={q}")
                else:
                    status, data, cookies = send("sign-in", "GET", "/accounts/login/")
                    match = CSRF.search(data.decode(errors="replace"))
                    cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
                    if match:
                        send(
                            "sign-in",
                            "POST",
                            "/accounts/login/",
                            body=urllib.parse.urlencode(
                                {
                                    "csrfmiddlewaretoken": match.group(1),
                                    "username": f"nobody{rng.randrange(10**6)}",
                                    "password": "wrong password",
                                }
                            ),
                            headers={
                                "Content-Type": "application/x-www-form-urlencoded",
                                "Cookie": cookie,
                                "Referer": url + "/accounts/login/",
                            },
                        )
            conn.close()

        threads = [
            threading.Thread(target=client, args=(n,)) for n in range(args.clients)
        ]
        started = time.perf_counter()
        deadline[0] = time.monotonic() + args.seconds
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started

    views_after = stored_views()
    stored = views_after - views_before
    latencies.sort()
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    failed = statuses.get(0, 0)
    print(f"clients / seconds       {args.clients} / {wall:.0f}")
    print(f"requests                {len(latencies)} ({len(latencies) / wall:,.0f}/s)")
    print(f"by kind                 {dict(sorted(kinds.items()))}")
    print(f"by status               {dict(sorted(statuses.items()))}")
    print(f"5xx / connection errors {server_errors} / {failed}")
    print(
        f"p50 / p99 latency       {statistics.median(latencies) * 1000:.1f} ms / "
        f"{latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000:.1f} ms"
    )
    print(f"views promised / stored {promised[0]} / {stored}")
    lost = promised[0] - stored
    print(f"lost views              {lost}")
    return 0 if server_errors == 0 and failed == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
